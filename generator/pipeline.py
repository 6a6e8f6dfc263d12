"""The pipeline: load → normalize → plan → render. Chains the stages and does nothing else."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import ir
from .config import Job
from .diagnostics import Diagnostic
from .loader import DEFAULT_LIMITS, Limits, load
from .normalize import normalize
from .normalize.renames import NO_RENAMES, Renames
from .plan import PlanOptions, plan
from .render import render


@dataclass(frozen=True, slots=True)
class Build:
    api: ir.Api
    files: dict[str, str]
    diagnostics: tuple[Diagnostic, ...]


def build_job(job: Job) -> Build:
    """Everything one job of `specloom.yaml` generates, with all its settings."""
    return build(job.spec, package=job.package, targets=job.targets, templates=job.templates, pagination=job.pagination,
                 renames=job.renames, docs_base_url=job.docs_base_url, limits=job.limits)


def build(spec: str, *, package: str | None = None, targets: tuple[str, ...] = ("python", "docs"),
          templates: tuple[str, ...] = (), pagination: Mapping[str, Any] | None = None,
          renames: Renames = NO_RENAMES, docs_base_url: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Build:
    """Everything a spec generates, in memory: nothing is written."""
    normalized = normalize(load(spec, limits), package=package, pagination=pagination, renames=renames)
    files = render(plan(normalized.api, targets, PlanOptions(docs_base_url=docs_base_url)), templates)
    return Build(normalized.api, files, normalized.diagnostics)
