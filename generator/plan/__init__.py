"""Plan stage: IR → the list of output files, each a template and a fully decided context."""

from __future__ import annotations

from .. import ir
from .common import OutputFile, PlanOptions
from .docs import plan_docs
from .python import plan_python

TARGETS = {"python": plan_python, "docs": plan_docs}


def plan(api: ir.Api, targets: tuple[str, ...] = ("python", "docs"), options: PlanOptions = PlanOptions()) -> list[OutputFile]:
    files: list[OutputFile] = []
    for target in targets:
        files.extend(TARGETS[target](api, options))
    return files


__all__ = ["OutputFile", "PlanOptions", "TARGETS", "plan"]
