"""Benchmark: time and peak memory of `specloom generate` on the OpenAI spec, its JSON form, 2× and 4×
copies, the generated package's import, and optionally openapi-python-client on the same spec.

Every measurement is its own child process, timed from outside, its peak RSS read from `wait4`.
Usage: `python benchmarks/run.py [--runs 5] [--quick] [--json out.json] [--peers] [--spec PATH]`.
Nothing is asserted: the numbers are printed as a table and, with --json, saved.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks import peers, synth  # noqa: E402
from generator.loader import load  # noqa: E402

DEFAULT_SPEC = REPO.parent / "shared" / "specs" / "openai" / "openapi-2026-08-21.yaml"
PACKAGE = "bench_sdk"
YARDSTICK = "x = 0\nfor i in range(3_000_000):\n    x += i\n"
YARDSTICK_CASE = "yardstick: a 3M-step Python loop"
"""The machine's speed at each run, in a process of its own: on a shared machine a slow spell
shows here as in every other case, so runs of different days (or a figure off its usual) can
be told apart from a change in specloom."""

IMPORT_SNIPPET = """
import importlib, json, sys, time
started = time.perf_counter()
pkg = importlib.import_module(sys.argv[1])
imported = time.perf_counter()
pkg.Client(api_key="x")
print(json.dumps({"import_s": imported - started, "import_client_s": time.perf_counter() - started}))
"""


@dataclass(frozen=True, slots=True)
class Sample:
    seconds: float
    rss_mb: float
    returncode: int
    stdout: str
    stderr: str
    cpu_user_s: float = 0.0
    """CPU time in user mode, and in the kernel, of the process and the children it waited for."""
    cpu_sys_s: float = 0.0


@dataclass
class Case:
    """One row of the table: every run's seconds and peak RSS (MB)."""

    name: str
    seconds: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    cpu_user_s: list[float] = field(default_factory=list)
    cpu_sys_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add(self, sample: Sample) -> None:
        if sample.returncode != 0:
            tail = (sample.stderr.strip() or sample.stdout.strip()).splitlines()[-3:]
            self.errors.append(f"exit {sample.returncode}: {' | '.join(tail)[:500]}")
            return
        self.seconds.append(sample.seconds)
        self.rss_mb.append(sample.rss_mb)
        self.cpu_user_s.append(sample.cpu_user_s)
        self.cpu_sys_s.append(sample.cpu_sys_s)

    def median_s(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    def median_mb(self) -> float | None:
        return statistics.median(self.rss_mb) if self.rss_mb else None


# A small process forks and waits for the measured command. Linux carries a process's peak RSS
# across fork and exec, so a child forked from this script (which holds the 4× spec) would report
# this script's size; forked from the ~10 MB wrapper, it reports its own.
_WRAPPER = """
import os, sys, time
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[1], sys.argv[1:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
print(f"@@bench {time.perf_counter() - started} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)} "
      f"{usage.ru_utime} {usage.ru_stime}", file=sys.stderr)
"""


def measure(cmd: list[str], *, env: dict[str, str] | None = None, cwd: Path = REPO) -> Sample:
    """Run `cmd`: its wall time and peak RSS, taken by the wrapper around just that process.
    What earlier runs wrote is flushed to disk first, so that no run pays for the one before."""
    os.sync()
    result = subprocess.run([sys.executable, "-c", _WRAPPER, *cmd], capture_output=True, text=True,
                            cwd=cwd, env={**os.environ, **(env or {})}, errors="replace")
    stderr, _, report = result.stderr.rpartition("@@bench ")
    seconds, maxrss, returncode, user, system = report.split()
    # ru_maxrss is KiB on Linux, bytes on macOS.
    rss = int(maxrss) / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return Sample(float(seconds), rss, int(returncode), result.stdout, stderr, float(user), float(system))


def specloom(spec: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "generator", "generate", str(spec), "-o", str(out), "--package-name", PACKAGE, "-q"]


def prepare_specs(spec: Path, work: Path, factors: tuple[int, ...]) -> dict[str, Path]:
    """The spec itself, its JSON form, and its N× copies (YAML) in `work`."""
    doc = load(str(spec)).trees[str(spec.resolve())]
    specs = {"yaml": spec, "json": work / "spec.json"}
    synth.dump_json(doc, str(specs["json"]))
    for factor in factors:
        specs[f"{factor}x"] = work / f"spec-{factor}x.yaml"
        bigger = synth.multiply(doc, factor)
        synth.dump_yaml(bigger, str(specs[f"{factor}x"]))
        print(f"{factor}x spec: {synth.counts(bigger)[0]} schemas, {synth.counts(bigger)[1]} operations "
              f"(1x: {synth.counts(doc)[0]}, {synth.counts(doc)[1]})", file=sys.stderr)
    return specs


def generate_cases(specs: dict[str, Path], work: Path, runs: int) -> dict[str, Case]:
    """Cold (no output folder yet) and warm (nothing changed since the last run) generation.

    Every cold run writes a new folder; none is deleted until the benchmark ends. Deleting the
    last run's 3,060 files just before the next run would time the disk, not the tool: for a
    minute or more after a delete, ext4 passes over the freed inodes for every file it creates
    (perf: ~70% of the kernel time in `recently_deleted`), which costs up to 1.5 s here."""
    cases: dict[str, Case] = {}
    warm_outs = {}
    for kind in ("yaml", "json"):
        warm_outs[kind] = work / f"warm-{kind}"
        primed = measure(specloom(specs[kind], warm_outs[kind]))
        if primed.returncode != 0:
            raise SystemExit(f"specloom failed on {specs[kind]}: {primed.stderr.strip()[-2000:]}")
    for run in range(runs):  # runs outermost: a slow minute on a shared machine hits every case alike
        cases.setdefault(YARDSTICK_CASE, Case(YARDSTICK_CASE)).add(measure([sys.executable, "-c", YARDSTICK]))
        for kind, spec in specs.items():
            cases.setdefault(f"{kind} cold", Case(f"{kind} cold")).add(measure(specloom(spec, work / f"cold-{kind}-{run}")))
            if kind in warm_outs:
                cases.setdefault(f"{kind} warm", Case(f"{kind} warm")).add(measure(specloom(spec, warm_outs[kind])))
    return cases


def import_cases(out: Path, runs: int) -> dict[str, Case]:
    """`import pkg; pkg.Client(api_key=...)` in a fresh interpreter, bytecode already cached."""
    env = {"PYTHONPATH": str(out / "python")}
    cmd = [sys.executable, "-c", IMPORT_SNIPPET, PACKAGE]
    first = measure(cmd, env=env)  # compiles and caches the .pyc files
    cases = {name: Case(name) for name in ("import (first, compiles .pyc)", "import", "import + Client()",
                                           "python -c import + Client() (process)")}
    cases["import (first, compiles .pyc)"].add(_inner(first, "import_s"))
    for _ in range(runs):
        sample = measure(cmd, env=env)
        cases["import"].add(_inner(sample, "import_s"))
        cases["import + Client()"].add(_inner(sample, "import_client_s"))
        cases["python -c import + Client() (process)"].add(sample)
    return cases


def _inner(sample: Sample, key: str) -> Sample:
    """A sample timed from inside the child (the snippet prints its own perf_counter numbers)."""
    if sample.returncode != 0:
        return sample
    return Sample(json.loads(sample.stdout)[key], sample.rss_mb, 0, "", "")


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def scaling(cases: dict[str, Case], factors: tuple[int, ...]) -> dict[str, float | None]:
    """Time and memory of each N× spec over the next smaller one (1× is the YAML spec)."""
    out: dict[str, float | None] = {}
    previous = "yaml cold"
    for factor in factors:
        name = f"{factor}x cold"
        if name not in cases:
            continue
        label = f"{factor}x/{previous.split()[0].replace('yaml', '1x')}"
        out[f"{label} time"] = ratio(cases[name].median_s(), cases[previous].median_s())
        out[f"{label} memory"] = ratio(cases[name].median_mb(), cases[previous].median_mb())
        previous = name
    return out


def fmt(value: float | None) -> str:
    return f"{value:.3f}" if value is not None else "-"


def table(cases: dict[str, Case]) -> str:
    rows = ["| case | runs | median s | min s | max s | median CPU s (user + kernel) | median peak RSS MB | errors |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for case in cases.values():
        s = case.seconds
        cpu = (f"{statistics.median(case.cpu_user_s):.2f} + {statistics.median(case.cpu_sys_s):.2f}"
               if case.cpu_user_s and any(case.cpu_user_s) else "-")
        rows.append(f"| {case.name} | {len(s)} | {fmt(case.median_s())} | {fmt(min(s) if s else None)} | "
                    f"{fmt(max(s) if s else None)} | {cpu} | {fmt(case.median_mb())} | {'; '.join(case.errors)[:200]} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    runs = 1 if args.quick else args.runs
    spec = Path(args.spec).resolve()
    if not spec.is_file():
        print(f"{spec}: no such spec (the OpenAI spec lives in ../shared; pass --spec)", file=sys.stderr)
        return 2
    factors = (2, 4)
    # As `pip install` does for an installed specloom: byte-compiled modules, so that a run does
    # not compile specloom's source first (~0.1 s) where PYTHONDONTWRITEBYTECODE is set.
    compileall.compile_dir(str(REPO / "generator"), quiet=1)
    with tempfile.TemporaryDirectory(prefix="specloom-bench-") as tmp:
        work = Path(tmp)
        os.environ["SPECLOOM_CACHE_DIR"] = str(work / "cache")  # warm-run records: this run's own
        specs = prepare_specs(spec, work, factors)
        cases = generate_cases(specs, work, runs)
        cases.update(import_cases(work / "warm-yaml", runs))
        peer_report = peers.compare(specs, work, runs, measure, specloom) if args.peers else None
    report = {
        "spec": str(spec), "runs": runs, "environment": _environment(),
        "cases": {name: asdict(case) | {"median_s": case.median_s(), "median_rss_mb": case.median_mb()}
                  for name, case in cases.items()},
        "scaling": scaling(cases, factors), "peers": peer_report,
    }
    print(table(cases))
    print("\nscaling:", json.dumps(report["scaling"]))
    if peer_report:
        print("\n" + peers.table(peer_report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
    return 1 if any(case.errors for case in cases.values()) else 0


def _environment() -> dict[str, object]:
    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", default=str(DEFAULT_SPEC), help="the spec to benchmark (default: the OpenAI spec in ../shared)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each case; the table shows medians (default 5)")
    parser.add_argument("--quick", action="store_true", help="one run of each case: a smoke test")
    parser.add_argument("--json", help="also write every sample to this file")
    parser.add_argument("--peers", action="store_true",
                        help="also time openapi-python-client (installed into a temporary venv), alternating with specloom")
    return parser


if __name__ == "__main__":
    sys.exit(main())
