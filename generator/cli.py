"""The `specloom` command: a thin shell around the pipeline that prints and picks exit codes."""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import NoReturn

from .config import CONFIG_FILE, PYPROJECT, Job, find_config, load_config, select_jobs
from .names import package_name
from .diagnostics import Diagnostic, Location, Severity, SpecError, sorted_diagnostics
from .loader import DEFAULT_LIMITS, Limits
from .fingerprint import Recalled, recall, remember
from .pipeline import Build, build_job
from .targets import TARGETS
from .write import FirstWrite, UnsafePath, begin_first_write, begun, check, discard_begun, write

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2


def run() -> NoReturn:
    """The `specloom` command (and `python -m generator`): `main`, then the process ends at once."""
    main(exit_at_end=True)
    raise AssertionError("main(exit_at_end=True) returned")  # pragma: no cover


def main(argv: Sequence[str] | None = None, *, exit_at_end: bool = False) -> int:
    """The command's exit status. `exit_at_end`: end the process instead of returning, without
    freeing what the command built (see `_exit_now`)."""
    args = _parser().parse_args(argv)
    status = _main(args, gc_after=not exit_at_end)
    if exit_at_end:
        _exit_now(status)  # `args` still holds what the command built (`args.built`): nothing is freed
    return status


def _exit_now(status: int) -> NoReturn:
    """End the process as soon as its output is flushed. A generate run on a large spec holds about
    a million objects (the parsed spec, the IR, the files); freeing them one by one, when the
    command returns and again when the interpreter shuts down, costs ~0.09 s of a 1 s run, for
    memory the system takes back at once. No atexit handlers run: specloom registers none, its
    threads are joined and its child processes reaped before this. (mypy ends the same way.)"""
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:  # None under pythonw
                stream.flush()
        except (OSError, ValueError):  # a closed pipe: as Python itself exits then
            status = status or 120
    os._exit(status)


def _main(args: argparse.Namespace, *, gc_after: bool = True) -> int:
    try:
        with _no_cyclic_gc(again=gc_after):
            return int(args.run(args))
    except SpecError as exc:
        print(exc.diagnostic.render(), file=sys.stderr)
    except UnsafePath as exc:
        print(f"specloom: error: {exc}", file=sys.stderr)
    except OSError as exc:
        print(f"{exc.filename or 'specloom'}: error[io]: {exc.strerror or exc}; the previous output is unchanged", file=sys.stderr)
    except KeyboardInterrupt:
        print("specloom: interrupted; the previous output is unchanged", file=sys.stderr)
    except Exception as exc:  # a bug in specloom: still one line unless --debug
        if args.debug:
            traceback.print_exc()
        where = getattr(args, "spec", None) or getattr(args, "new", None) or CONFIG_FILE
        print(f"{where}: error[internal]: specloom failed: {type(exc).__name__}: {exc} (run with --debug for the traceback)",
              file=sys.stderr)
    return EXIT_BAD_INPUT


@contextmanager
def _no_cyclic_gc(*, again: bool = True) -> Iterator[None]:
    """The cyclic garbage collector off for one command, and on again after unless not `again`.

    A run builds about a million objects (the parsed spec, the IR, the pages) that all live until
    it ends, and makes next to no cyclic garbage: the collector's passes over them found nothing
    and cost about 1.3 s of CPU in a 3 s run on the OpenAI spec (peak memory: +6 MB without them).
    A process that ends with the command keeps it off: switched on again, the collector walks
    every object made since it was switched off at the next allocation (~25 ms on that spec).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled and again:
            gc.enable()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="specloom", description="OpenAPI → typed Python SDK and Markdown docs.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help=f"generate output (no SPEC: run the jobs in {CONFIG_FILE}, "
                         f"else in {PYPROJECT}'s [tool.specloom])")
    gen.add_argument("spec", nargs="?", help="the OpenAPI document (YAML or JSON)")
    gen.add_argument("-o", "--output", help="output folder (gets python/ and docs/)")
    gen.add_argument("--package-name", help="import name of the SDK (default: snake_case of info.title)")
    gen.add_argument("--target", action="append", choices=list(TARGETS), help="what to generate (repeatable; default: all)")
    gen.add_argument("--docs-base-url", help="where the spec's relative links point (e.g. https://platform.openai.com)")
    gen.add_argument("--check", action="store_true", help="write nothing; exit 1 if the output is not up to date")
    gen.add_argument("--config", help=f"jobs file when no SPEC is given: a YAML file, or a {PYPROJECT} "
                     f"(default: ./{CONFIG_FILE}, else ./{PYPROJECT} if it has [tool.specloom])")
    gen.add_argument("--job", action="append", metavar="NAME_OR_OUTPUT",
                     help="run only this job of the config: its `name` (default: its output folder's name) or its "
                     "output folder (repeatable)")
    _limit_arguments(gen)
    gen.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    gen.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    gen.set_defaults(run=_generate)
    lint = sub.add_parser("lint", help="report problems in a spec")
    lint.add_argument("spec")
    lint.add_argument("--format", choices=["text", "json"], default="text")
    lint.add_argument("--validate", action="store_true",
                      help="also check the document against the OpenAPI schema (slow: ~10 s on large specs)")
    _limit_arguments(lint)
    lint.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    lint.set_defaults(run=_lint)
    diff = sub.add_parser("diff", help="changelog between two versions of a spec, as SDK users see it")
    diff.add_argument("old", help="the earlier spec")
    diff.add_argument("new", help="the later spec")
    diff.add_argument("--format", choices=["markdown", "json"], default="markdown")
    diff.add_argument("--fail-on", choices=["breaking"], help="exit 1 if any change of this kind is found")
    _limit_arguments(diff)
    diff.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    diff.set_defaults(run=_diff)
    return parser


def _limit_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-file-bytes", type=_positive, metavar="N",
                        help=f"refuse a spec file larger than this (default: {DEFAULT_LIMITS.max_file_bytes}; "
                        "overrides the jobs' `limits`)")
    parser.add_argument("--max-string-chars", type=_positive, metavar="N",
                        help=f"refuse a spec with a longer string (default: {DEFAULT_LIMITS.max_string_chars})")


def _limits(args: argparse.Namespace, limits: Limits = DEFAULT_LIMITS) -> Limits:
    """`limits` with what the command line sets laid over it."""
    return Limits(args.max_file_bytes or limits.max_file_bytes, args.max_string_chars or limits.max_string_chars)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return int(text)


def _jobs(args: argparse.Namespace) -> list[Job]:
    if args.spec is None:
        config = args.config or find_config()
        jobs = [replace(job, limits=_limits(args, job.limits)) for job in load_config(config)]
        return select_jobs(jobs, args.job, config) if args.job else jobs
    if args.job:
        raise SpecError(Diagnostic(Severity.ERROR, "usage", "--job selects jobs of the config; with a SPEC there is one job",
                                   Location(args.spec)))
    if not args.output:
        raise SpecError(Diagnostic(Severity.ERROR, "usage", "-o/--output is required with a SPEC", Location(args.spec)))
    if args.package_name is not None and package_name(args.package_name) != args.package_name:
        raise SpecError(Diagnostic(Severity.ERROR, "usage", f"--package-name must be a valid, unreserved module name, "
                                   f"like {package_name(args.package_name)!r}", Location(args.spec)))
    targets = tuple(dict.fromkeys(args.target)) if args.target else tuple(TARGETS)
    return [Job(args.spec, args.output, args.package_name, targets, docs_base_url=args.docs_base_url, limits=_limits(args))]


def _generate(args: argparse.Namespace) -> int:
    jobs = _jobs(args)
    # Render every job before writing any: bad input anywhere leaves every output as it was. A job
    # whose inputs are those of its last run, and whose output is as that run left it, is not
    # rendered again: the run would write the same bytes (see fingerprint.py). A job whose output
    # folder does not exist yet puts its files into a new tree beside it while it renders; the
    # tree is renamed into place by `write`, or removed if the run fails.
    before = begun()  # trees of other callers in this process (a library, a test) are theirs
    try:
        return _generate_jobs(args, jobs)
    finally:
        discard_begun(before)  # a tree not renamed into place: the run failed, or was interrupted


def _generate_jobs(args: argparse.Namespace, jobs: list[Job]) -> int:
    runs: list[tuple[Job, Build | Recalled]] = []
    first_writes: list[FirstWrite | None] = []
    args.built = runs  # held until `main` ends: a process that ends with it need not free it
    for job in jobs:
        recalled = recall(job)
        first = None if recalled is not None or args.check else begin_first_write(job.output)
        first_writes.append(first)
        runs.append((job, recalled or build_job(job, first)))
    shown = [_shown(result) for _, result in runs]
    for lines in shown:
        for line in lines:
            print(line, file=sys.stderr)
    if any(d.severity is Severity.ERROR for _, result in runs if isinstance(result, Build) for d in result.diagnostics):
        return EXIT_BAD_INPUT  # the errors are printed above; nothing is written
    status = EXIT_OK
    for (job, result), lines, first in zip(runs, shown, first_writes):
        if args.check:
            status = max(status, _check(job, result, lines, quiet=args.quiet))
            continue
        if isinstance(result, Recalled):
            written, removed, unchanged = 0, 0, result.files + 1  # the manifest is unchanged too
        else:
            changes = write(job.output, result.files, first, result.digests)
            _remember(job, result, lines, changes.manifest)
            written, removed, unchanged = len(changes.written), len(changes.removed), len(changes.unchanged)
        if not args.quiet:
            print(f"{job.spec} → {job.output}: {written} written, {removed} removed, {unchanged} unchanged")
    return status


def _check(job: Job, result: Build | Recalled, lines: list[str], *, quiet: bool) -> int:
    """`--check` for one job. A recalled run has hashed every file against the manifest already."""
    if isinstance(result, Build):
        stale = check(job.output, result.files, result.digests)
        if stale:
            print(f"{job.output}: out of date with {job.spec}:", file=sys.stderr)
            for label, paths in (("stale", stale.stale), ("missing", stale.missing), ("extra", stale.extra)):
                for path in paths:
                    print(f"  {label}: {path}", file=sys.stderr)
            for diff in list(stale.diffs.values())[:5]:
                print(_clip(diff), file=sys.stderr)
            print("  run `specloom generate` to update it", file=sys.stderr)
            return EXIT_FINDINGS
        _remember(job, result, lines, stale.manifest)
    if not quiet:
        files = result.files if isinstance(result, Recalled) else len(result.files)
        print(f"{job.output}: up to date ({files} files)")
    return EXIT_OK


def _shown(result: Build | Recalled) -> list[str]:
    """The diagnostics as printed, sorted: a recalled run prints what its original printed."""
    if isinstance(result, Recalled):
        return list(result.diagnostics)
    return [d.render() for d in sorted_diagnostics(result.diagnostics)]


def _remember(job: Job, result: Build, lines: list[str], manifest: str) -> None:
    remember(job, result.document.texts, lines, manifest)


def _lint(args: argparse.Namespace) -> int:
    from .lint import lint
    from .loader import load
    from .normalize import normalize

    doc = load(args.spec, _limits(args))
    diagnostics = lint(doc, normalize(doc), validate=args.validate)
    if args.format == "json":
        rows = [{"severity": d.severity.value, "code": d.code, "message": d.message, "file": d.location.file,
                 "line": d.location.line, "column": d.location.col, "pointer": d.location.pointer} for d in diagnostics]
        print(json.dumps(rows, indent=2))
    else:
        for d in diagnostics:
            print(d.render())
    return EXIT_FINDINGS if any(d.severity is Severity.ERROR for d in diagnostics) else EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    from .diff import compare, render
    from .loader import load
    from .normalize import normalize

    old, new = (normalize(load(path, _limits(args))) for path in (args.old, args.new))
    errors = [d for d in (*old.diagnostics, *new.diagnostics) if d.severity is Severity.ERROR]
    if errors:
        _print_diagnostics(errors)  # as `generate` does: a spec it would refuse is not compared
        return EXIT_BAD_INPUT
    changelog = compare(old.api, new.api)
    print(render(changelog, args.format), end="")
    return EXIT_FINDINGS if args.fail_on == "breaking" and changelog.breaking else EXIT_OK


def _print_diagnostics(diagnostics: list[Diagnostic]) -> None:
    for d in sorted_diagnostics(diagnostics):
        print(d.render(), file=sys.stderr)


def _clip(diff: str, limit: int = 40) -> str:
    lines = diff.splitlines()
    return "\n".join(lines[:limit] + ([f"  … {len(lines) - limit} more diff lines"] if len(lines) > limit else []))


if __name__ == "__main__":  # pragma: no cover
    run()
