"""The pipeline: load → normalize → plan → render. Chains the stages and does nothing else.

The stages are imported when a build starts, not with the package: a `specloom generate` whose
inputs have not changed since its last run (see fingerprint.py) never builds, and importing
Jinja, the normalizer and the planner would be most of its time.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .loader import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from . import ir
    from .config import Job
    from .diagnostics import Diagnostic, Location
    from .loader import Document
    from .renames import Renames
    from .plan import PlanOptions
    from .write import FirstWrite


@dataclass(frozen=True, slots=True)
class Build:
    api: ir.Api
    files: dict[str, str]
    diagnostics: tuple[Diagnostic, ...]
    document: Document
    """What the load read: every spec file's text, by absolute path (what a rerun checks)."""


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
    from .forkmap import begin, fork_map

    # The spec is read and parsed in a child process while this one imports the stages after the
    # load, Jinja included (which each target's process would import otherwise): on the OpenAI
    # spec, ~70 ms of imports during a load of ~50 ms (JSON) to ~120 ms (YAML).
    loading = begin(_load, (spec, limits, os.getpid()))
    try:
        from . import render  # imported for its imports (Jinja, pyformat)
        from .normalize import normalize
        from .plan import PlanOptions
        from .renames import NO_RENAMES

        document = _unpacked(loading.result())
    finally:
        loading.stop()
    normalized = normalize(document, package=package, pagination=pagination, renames=renames or NO_RENAMES,
                           pagination_at=pagination_at, lines=False)
    # What follows normalize shares nothing but its result: each target, and the warnings' lines.
    # It is done here and in a second process where there are two cores (see forkmap.py): the
    # lines here, the other targets there. The SDK, the most work, is shared: its files come in
    # groups, which each process takes one by one once its own piece is done. Whichever process
    # is free takes the next, so both end together, whatever the spec or the machine.
    options = PlanOptions(docs_base_url=docs_base_url)
    others = tuple(t for t in targets if t != "python")
    sdk = _Sdk(normalized.api, options) if "python" in targets else None
    try:
        work = functools.partial(_after_normalize, normalized, document, options, templates, first_write, sdk)
        pieces = ((_LINES, _SDK), (*others, _SDK)) if sdk else ((*others[:1],), (*others[1:], _LINES))
        here, there = fork_map(work, pieces)
    finally:
        if sdk:
            sdk.tickets.close()
    results = {piece: result for piece, result in (*zip(pieces[0], here), *zip(pieces[1], there)) if piece != _SDK}
    if sdk:  # each process's groups, back in their order
        shares = sorted(here[len(pieces[0]) - 1] + there[len(pieces[1]) - 1])
        results["python"] = {path: text for _, files in shares for path, text in files.items()}
    if first_write is not None and not (here[-1] and there[-1]):
        first_write.give_up()  # a put failed: `write` writes every file the usual way
    files = {path: text for target in targets for path, text in results[target].items()}
    return Build(normalized.api, files, results[_LINES], document)


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
    """Each piece's result, in order: a target's files; (`_LINES`) the placed diagnostics; or
    (`_SDK`) the groups of the SDK's files this process took, as (group, files) pairs. Then
    whether every put into `first_write` succeeded. Files go into `first_write` from the
    process that rendered them: writing them costs each process the time the other would
    otherwise wait for it. A put that fails (a full disk) does not fail the build: the run's
    warnings are printed before its write says what is wrong, as for any write."""
    from .plan import plan
    from .render import render

    results: list[Any] = []
    put_all = True
    for piece in pieces:
        if piece == _LINES:
            results.append(document.placed(normalized.diagnostics))
            continue
        if piece == _SDK and sdk is not None:
            taken = []
            while (group := sdk.tickets.take()) is not None:
                start, end = sdk.groups[group]
                taken.append((group, render([f for item in sdk.items[start:end] for f in item()], templates)))
            results.append(taken)
            files = {path: text for _, rendered in taken for path, text in rendered.items()}
        else:
            files = render(plan(normalized.api, (piece,), options), templates)
            results.append(files)
        if first_write is not None and files:
            try:
                first_write.put(files)
            except OSError:
                first_write, put_all = None, False
    return [*results, put_all]


def _load(where: tuple[str, Limits, int]) -> tuple[bytes, Document]:
    """`load`; in a process other than the caller's (pid last), its trees and texts marshalled,
    for a quarter of pickle's cost to send and take: they hold JSON's types only (the load refuses
    any other). The caches of lines hold regex scanners, which cannot be pickled: they are made
    again where they are needed."""
    import marshal
    from dataclasses import replace

    from .loader import load

    spec, limits, caller = where
    document = load(spec, limits)
    if os.getpid() == caller:
        return b"", document
    packed = marshal.dumps((document.trees, document.texts))
    return packed, replace(document, trees={}, texts={}, _locators={}, _nodes={})


def _unpacked(loaded: tuple[bytes, Document]) -> Document:
    import marshal
    from dataclasses import replace

    packed, document = loaded
    if not packed:
        return document
    trees, texts = marshal.loads(packed)
    return replace(document, trees=trees, texts=texts)


