"""The pipeline: load → normalize → plan → render. Chains the stages and does nothing else.

The stages are imported when a build starts, not with the package: a `specloom generate` whose
inputs have not changed since its last run (see fingerprint.py) never builds, and importing
Jinja, the normalizer and the planner would be most of its time.
"""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .diagnostics import SpecError
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
    from .forkmap import begun, fork_map
    from .loader import Document, RootCheck, load

    # The spec is read and parsed in a child process while this one imports the stages after the
    # load, Jinja included (which each target's process would import otherwise): on the OpenAI
    # spec, ~70 ms of imports during a load of ~50 ms (JSON) to ~120 ms (YAML). A YAML root is
    # parsed there without the check that yaml-rs reads it as yaml12 does, made here meanwhile.
    with begun(_load, (spec, limits, os.getpid())) as loading:
        from . import render  # imported for its imports (Jinja, pyformat)
        from .normalize import normalize
        from .plan import PlanOptions
        from .renames import NO_RENAMES

        check = RootCheck.of(spec, limits) if loading.elsewhere else None
        loaded = loading.result() if check is None or check.fast else None
    document = None if loaded is None else loaded if isinstance(loaded, Document) else Document.received(loaded)
    if document is None or (check is not None and not check.holds(document)):
        document = load(spec, limits)  # a text yaml-rs may read otherwise, or one changed meanwhile: read it here
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
    if sdk:
        results[_SDK] = _in_order(here[len(pieces[0]) - 1] + there[len(pieces[1]) - 1])
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
    (`_SDK`) the groups of the SDK's files this process took (see `_rendered_group`). Then
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
                taken.append(_rendered_group(sdk, group, templates))
            results.append(taken)
            files = {path: text for _, rendered, _ in taken if isinstance(rendered, dict) for path, text in rendered.items()}
        else:
            files = render(plan(normalized.api, (piece,), options), templates)
            results.append(files)
        if first_write is not None and files:
            try:
                first_write.put(files)
            except OSError:
                first_write, put_all = None, False
    return [*results, put_all]


def _rendered_group(sdk: _Sdk, group: int, templates: tuple[str, ...]) -> tuple[int, dict[str, str] | SpecError, list[Any]]:
    """(group, its files or the error that stopped them, the warnings they gave), the warnings
    and the error kept for `_in_order`: groups are taken in no set order, by either process."""
    from .render import render

    start, end = sdk.groups[group]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            rendered: dict[str, str] | SpecError = render([f for item in sdk.items[start:end] for f in item()], templates)
        except SpecError as exc:  # a user's template: the first group in plan order that fails is the one said
            rendered = exc
    return group, rendered, [(w.message, w.category, w.filename, w.lineno) for w in caught]


def _in_order(groups: list[tuple[int, dict[str, str] | SpecError, list[Any]]]) -> dict[str, str]:
    """The SDK's files as one process renders them: the groups' files, warnings and first error
    in plan order."""
    files: dict[str, str] = {}
    for _, rendered, caught in sorted(groups, key=lambda g: g[0]):
        for message, category, filename, lineno in caught:
            warnings.warn_explicit(message, category, filename, lineno)
        if isinstance(rendered, SpecError):
            raise rendered
        files.update(rendered)
    return files


def _load(where: tuple[str, Limits, int]) -> Document | tuple[bytes, Document]:
    """`load`; where it runs in a process other than the caller's (its pid last), without the
    root's check (`RootCheck`, which the caller makes), sent as `Document.sendable`."""
    from .loader import load

    spec, limits, caller = where
    if os.getpid() == caller:
        return load(spec, limits)
    return load(spec, limits, unchecked_root=True).sendable()
