"""The pipeline: load → normalize → plan → render. Chains the stages and does nothing else.

The stages are imported when a build starts, not with the package: a `specloom generate` whose
inputs have not changed since its last run (see fingerprint.py) never builds, and importing
Jinja, the normalizer and the planner would be most of its time.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .loader import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from . import ir
    from .config import Job
    from .diagnostics import Diagnostic, Location
    from .loader import Document
    from .normalize.renames import Renames
    from .plan import PlanOptions


@dataclass(frozen=True, slots=True)
class Build:
    api: ir.Api
    files: dict[str, str]
    diagnostics: tuple[Diagnostic, ...]
    document: Document
    """What the load read: every spec file's text, by absolute path (what a rerun checks)."""


def build_job(job: Job) -> Build:
    """Everything one job of `specloom.yaml` generates, with all its settings."""
    return build(job.spec, package=job.package, targets=job.targets, templates=job.templates, pagination=job.pagination,
                 renames=job.renames, docs_base_url=job.docs_base_url, limits=job.limits, pagination_at=job.pagination_at)


def build(spec: str, *, package: str | None = None, targets: tuple[str, ...] = ("python", "docs"),
          templates: tuple[str, ...] = (), pagination: Mapping[str, Any] | None = None,
          renames: Renames | None = None, docs_base_url: str | None = None, limits: Limits = DEFAULT_LIMITS,
          pagination_at: Mapping[str, Location] | None = None) -> Build:
    """Everything a spec generates, in memory: nothing is written. No `renames`: none.
    `pagination_at`: where the config sets each pagination, for errors."""
    from .forkmap import fork_map
    from .loader import load
    from .normalize import normalize
    from .normalize.renames import NO_RENAMES
    from .plan import PlanOptions

    document = load(spec, limits)
    normalized = normalize(document, package=package, pagination=pagination, renames=renames or NO_RENAMES,
                           pagination_at=pagination_at)
    # The targets share nothing but the IR: on two cores they are planned and rendered at once.
    each = fork_map(functools.partial(_target, normalized.api, PlanOptions(docs_base_url=docs_base_url), templates),
                    targets)
    files = {path: text for target_files in each for path, text in target_files.items()}
    return Build(normalized.api, files, normalized.diagnostics, document)


def _target(api: ir.Api, options: PlanOptions, templates: tuple[str, ...], target: str) -> dict[str, str]:
    from .plan import plan
    from .render import render

    return render(plan(api, (target,), options), templates)
