"""Lint stage: the loaded document and its normalized IR → every diagnostic about the spec. Pure: no I/O.

Normalize already reports what it meets while building the IR (the const rule, unusable
discriminators); the rules here look at what the IR does not keep: descriptions against enums,
examples against schemas, and, opt-in, the whole document against the OpenAPI schema.
"""

from __future__ import annotations

from .. import ir
from ..diagnostics import Diagnostic, sorted_diagnostics
from ..loader import Document
from .enums import check_enum_descriptions
from .examples import SpecExample, check_examples, collect_examples
from .walk import walk


def lint(doc: Document, normalized: ir.Normalized, *, validate: bool = False) -> list[Diagnostic]:
    sites = walk(doc)
    found = [*normalized.diagnostics, *check_enum_descriptions(doc, sites), *check_examples(doc, collect_examples(doc, sites))]
    if validate:
        from .validate import validate_spec  # imports openapi-spec-validator, only when asked

        found.extend(validate_spec(doc))
    return sorted_diagnostics(found)


__all__ = ["lint", "collect_examples", "check_examples", "SpecExample"]
