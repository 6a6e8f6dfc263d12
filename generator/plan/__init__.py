"""Plan stage: IR → the list of output files, each a template and a fully decided context."""

from __future__ import annotations

from .. import ir
from ..targets import TARGETS
from .common import OutputFile, PlanOptions
from .docs import plan_docs
from .python import plan_python

PLANNERS = {"python": plan_python, "docs": plan_docs}
assert tuple(PLANNERS) == TARGETS


def plan(api: ir.Api, targets: tuple[str, ...] = ("python", "docs"), options: PlanOptions = PlanOptions()) -> list[OutputFile]:
    files: list[OutputFile] = []
    for target in targets:
        files.extend(PLANNERS[target](api, options))
    return files


__all__ = ["OutputFile", "PLANNERS", "PlanOptions", "TARGETS", "plan"]
