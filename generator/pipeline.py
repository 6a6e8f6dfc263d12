"""The pipeline: load → normalize → plan → render. Chains the stages and does nothing else.

The stages are imported when a build starts, not with the package: a `specloom generate` whose
inputs have not changed since its last run (see fingerprint.py) never builds, and importing
Jinja, the normalizer and the planner would be most of its time.
"""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .diagnostics import SpecError
from .loader import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from . import ir
    from .config import Job
    from .diagnostics import Diagnostic, Location
    from .forkmap import Pending
    from .loader import Document, RootCheck
    from .renames import Renames
    from .plan import OutputFile, PlanOptions
    from .write import FirstWrite


@dataclass(frozen=True, slots=True)
class Build:
    api: ir.Api
    files: dict[str, str]
    diagnostics: tuple[Diagnostic, ...]
    document: Document
    """What the load read: every spec file's text, by absolute path (what a rerun checks)."""
    digests: Mapping[str, str]
    """Each file's `write.digest`, made by the process that rendered it (for the manifest)."""


def build_job(job: Job, first_write: FirstWrite | None = None) -> Build:
    """Everything one job of `specloom.yaml` generates, with all its settings."""
    return build(job.spec, package=job.package, targets=job.targets, templates=job.templates, pagination=job.pagination,
                 renames=job.renames, docs_base_url=job.docs_base_url, limits=job.limits, pagination_at=job.pagination_at,
                 first_write=first_write)


def build(spec: str, *, package: str | None = None, targets: tuple[str, ...] = ("python", "docs"),
          templates: tuple[str, ...] = (), pagination: Mapping[str, Any] | None = None,
          renames: Renames | None = None, docs_base_url: str | None = None, limits: Limits = DEFAULT_LIMITS,
          pagination_at: Mapping[str, Location] | None = None, first_write: FirstWrite | None = None) -> Build:
    """Everything a spec generates, in memory: nothing is written, but for `first_write`, a new
    output tree that each target's files are put into once rendered (see write.begin_first_write).
    No `renames`: none. `pagination_at`: where the config sets each pagination, for errors."""
    from .forkmap import fork_map, replay

    # The spec is read and parsed in a child process while this one imports the stages after the
    # load, Jinja included (which each target's process would import otherwise): on the OpenAI
    # spec, ~70 ms of imports during a load of ~50 ms (JSON) to ~120 ms (YAML).
    with _loading(spec, limits) as loaded:
        from . import render  # imported for its imports (Jinja, pyformat)
        from .normalize import normalize
        from .plan import PlanOptions
        from .renames import NO_RENAMES

        document = loaded()
    normalized = normalize(document, package=package, pagination=pagination, renames=renames or NO_RENAMES,
                           pagination_at=pagination_at, lines=False)
    # What follows normalize shares nothing but its result: each target, and the warnings' lines.
    # It is done here and in a second process where there are two cores (see forkmap.py): the
    # lines here, the other targets there. The SDK, the most work, is shared: its files come in
    # groups, which each process takes one by one once its own piece is done. Whichever process
    # is free takes the next, so both end together, whatever the spec or the machine.
    options = PlanOptions(docs_base_url=docs_base_url)
    others = tuple(t for t in targets if t != _SDK)
    sdk = _Sdk(normalized.api, options) if _SDK in targets else None
    try:
        work = functools.partial(_after_normalize, normalized, document, options, templates, first_write, sdk)
        pieces = ((_LINES, _SDK), (*others, _SDK)) if sdk else ((*others[:1],), (*others[1:], _LINES))
        here, there = fork_map(work, pieces)
    finally:
        if sdk:
            sdk.tickets.close()
    results = {piece: result for piece, result in (*zip(pieces[0], here), *zip(pieces[1], there)) if piece != _SDK}
    if first_write is not None and not (here[-1] and there[-1]):
        first_write.give_up()  # a put failed: `write` writes every file the usual way
    if sdk:  # each process's groups, back in their order
        results[_SDK] = sorted(here[len(pieces[0]) - 1] + there[len(pieces[1]) - 1], key=lambda group: group[0])
    # The files, the warnings and the first error as one process rendering in order gives them.
    files: dict[str, str] = {}
    digests: dict[str, str] = {}
    for target in targets:
        for _, rendered, caught, hashed in results[target]:
            replay(caught)
            if isinstance(rendered, SpecError):
                raise rendered
            files.update(rendered)
            digests.update(hashed)
    return Build(normalized.api, files, results[_LINES], document, digests)


_LINES = ""
"""The piece of work after normalize that places the warnings on their lines."""
_SDK = "python"
"""The piece of work that takes groups of the SDK's files until none is left."""
_SDK_GROUPS = 128
"""Groups of the SDK's files to share: each about 1/128 of them (12 on the OpenAI spec), the
last one taken leaves the other process at most that much to wait for."""


class _Sdk:
    """The SDK's files in groups (`plan.python.python_items`) and a ticket for each group,
    made before the fork: what both processes take groups from."""

    def __init__(self, api: ir.Api, options: PlanOptions) -> None:
        from .forkmap import Tickets
        from .plan.python import python_items

        self.items = python_items(api, options)
        size = -(-len(self.items) // _SDK_GROUPS)
        self.groups = [(start, start + size) for start in range(0, len(self.items), size)]
        # The last groups first: the client's modules, the largest, are at the end of the list,
        # and groups taken late should be small.
        self.tickets = Tickets(range(len(self.groups) - 1, -1, -1))


def _after_normalize(normalized: ir.Normalized, document: Document, options: PlanOptions, templates: tuple[str, ...],
                     first_write: FirstWrite | None, sdk: _Sdk | None, pieces: tuple[str, ...]) -> list[Any]:
    """Each piece's result, in order: (`_LINES`) the placed diagnostics; else the parts of the
    target this process rendered, each as `_rendered` gives it: a target's one part, or
    (`_SDK`) the groups of the SDK's files it took. Then whether every put into `first_write`
    succeeded. Files go into `first_write` from the process that rendered them: writing them
    costs each process the time the other would otherwise wait for it. A put that fails (a full
    disk) does not fail the build: the run's warnings are printed before its write says what is
    wrong, as for any write."""
    from .plan import plan

    results: list[Any] = []
    put = _Put(first_write)
    for piece in pieces:
        if piece == _LINES:
            results.append(document.placed(normalized.diagnostics))
            continue
        if piece == _SDK and sdk is not None:
            parts = []
            while (group := sdk.tickets.take()) is not None:
                start, end = sdk.groups[group]
                parts.append(_rendered(group, [f for item in sdk.items[start:end] for f in item()], templates))
                put(parts[-1], at_least=_PUT_AT_ONCE)
        else:
            parts = [_rendered(0, plan(normalized.api, (piece,), options), templates)]
            put(parts[0])
        results.append(parts)
        put()
    return [*results, put.all]


_PUT_AT_ONCE = 256
"""While groups of the SDK's files are taken, their files are put into a first write as soon
as this many have been rendered, not all at the end: the process that took the most groups
would otherwise end ~30 ms after the other (1,300 files to write on the OpenAI spec). Not each
group's files at once: a put has a cost of its own, and both processes write into the same
folder at the end, where they would wait for each other's creates."""


class _Put:
    """The files rendered here, put into `first_write` (if there is one) a batch at a time.
    After a put fails, nothing more is put, and `all` is false."""

    def __init__(self, first_write: FirstWrite | None) -> None:
        self.first_write = first_write
        self.all = True
        self.pending: dict[str, str] = {}

    def __call__(self, part: tuple[Any, ...] | None = None, *, at_least: int = 0) -> None:
        """Add `part`'s files (as `_rendered` gives them); put what is pending if `at_least` files are."""
        if self.first_write is None:
            return  # none begun (an output folder that exists, `--check`), or a put failed
        if part is not None and isinstance(part[1], dict):
            self.pending.update(part[1])
        if len(self.pending) < max(at_least, 1):
            return
        try:
            self.first_write.put(self.pending)
        except OSError:
            self.first_write, self.all = None, False
        self.pending = {}


def _rendered(part: int, planned: list[OutputFile], templates: tuple[str, ...]) \
        -> tuple[int, dict[str, str] | SpecError, list[Any], dict[str, str]]:
    """(part, its files or the error that stopped them, the warnings they gave, the files'
    digests): `build` gives the warnings and the first error in the order of the targets and of
    the SDK's groups, which are taken in no set order, by either process. The digests, which
    the manifest lists, are made here, where the work is shared, not once the build is done."""
    from .forkmap import recorded
    from .render import render
    from .write import digest

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            rendered: dict[str, str] | SpecError = render(planned, templates)
        except SpecError as exc:  # a user's template
            rendered = exc
    digests = {path: digest(text) for path, text in rendered.items()} if isinstance(rendered, dict) else {}
    return part, rendered, recorded(caught), digests


@contextmanager
def _loading(spec: str, limits: Limits) -> Iterator[Callable[[], Document]]:
    """The spec's load, begun in a child process (see `forkmap.begun`); its document when called.
    A YAML root is parsed there without the check that yaml-rs reads it as yaml12 does
    (`loader.RootCheck`), made here meanwhile. Where the check fails (rare), that child is ended
    and a load that checks is begun instead, there too; where the root changed in between, or
    the unchecked load failed, the spec is read again here, which gives the usual load's error.
    A spec that is not a regular file (a pipe: `<(command)`) can be read once only: it is loaded
    here, when called, after the stages' imports."""
    from .forkmap import begun
    from .loader import RootCheck, load
    from .readfile import may_be_regular

    if not may_be_regular(spec):
        yield functools.partial(load, spec, limits)
        return
    with begun(_load, (spec, limits, os.getpid(), True)) as unchecked:
        check = RootCheck.of(spec, limits) if unchecked.elsewhere else None
        if check is None or check.fast:
            yield functools.partial(_document, unchecked, check, spec, limits)
            return
    with begun(_load, (spec, limits, os.getpid(), False)) as checked:
        yield functools.partial(_document, checked, None, spec, limits)


def _document(loading: Pending[Document | tuple[bytes, Document]], check: RootCheck | None, spec: str,
              limits: Limits) -> Document:
    from .loader import Document, load

    try:
        loaded = loading.result()
    except SpecError:
        if check is None:
            raise
        return load(spec, limits)  # read unchecked, perhaps a text saved since: the usual load says what is wrong
    document = loaded if isinstance(loaded, Document) else Document.received(loaded)
    return document if check is None or check.holds(document) else load(spec, limits)


def _load(where: tuple[str, Limits, int, bool]) -> Document | tuple[bytes, Document]:
    """`load`; where it runs in a process other than the caller's (its pid), sent as
    `Document.sendable`, and if `unchecked` (last) without the root's check, which the caller
    makes (`RootCheck`)."""
    from .loader import load

    spec, limits, caller, unchecked = where
    if os.getpid() == caller:
        return load(spec, limits)
    return load(spec, limits, unchecked_root=unchecked).sendable()
