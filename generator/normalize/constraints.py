"""Validation keywords → pydantic constraint arguments, with the quirks real specs have."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from .. import ir
from .refs import Node

_KEYWORDS = {
    "str": {"minLength": "min_length", "maxLength": "max_length", "pattern": "pattern"},
    "int": {"minimum": "ge", "maximum": "le", "multipleOf": "multiple_of"},
    "sized": {"minItems": "min_length", "maxItems": "max_length",
              "minProperties": "min_length", "maxProperties": "max_length"},
}
_KEYWORDS["float"] = _KEYWORDS["int"]
_COUNTS = frozenset({"min_length", "max_length"})

Warn = Callable[[str, str], None]


def constraints(node: Node, kind: str, *, version: str, warn: Warn) -> ir.Constraints:
    """The constraints of the schema at `node` that apply to a `kind` (`str`, `int`, `float`, `sized`)."""
    schema = node.value
    found: list[tuple[str, ir.JsonValue]] = []
    for keyword, name in _KEYWORDS.get(kind, {}).items():
        value = schema.get(keyword)
        if keyword == "pattern":
            if isinstance(value, str) and _compiles(value):
                found.append((name, value))
            elif value is not None:
                warn("invalid-pattern", f"pattern {value!r} is not a valid regular expression; not enforced")
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if name in _COUNTS:
                # Lengths and counts are whole numbers; JSON tools often write `5.0`.
                if value != int(value) or value < 0:
                    warn("invalid-constraint", f"{keyword} must be a non-negative integer, not {value!r}; not enforced")
                    continue
                value = int(value)
            found.append((name, value))
    if kind in ("int", "float"):
        found.extend(_exclusive_bounds(schema, version, warn))
    return ir.Constraints(tuple(found))


def _exclusive_bounds(schema: dict[str, Any], version: str, warn: Warn) -> Iterator[tuple[str, ir.JsonValue]]:
    for keyword, bound, strict in (("exclusiveMinimum", "minimum", "gt"), ("exclusiveMaximum", "maximum", "lt")):
        value = schema.get(keyword)
        if isinstance(value, bool):
            # OpenAPI 3.0's boolean form. In a 3.1 document it is a mistake real specs make
            # (OpenAI's does): read it as 3.0 meant it.
            if version.startswith("3.1"):
                warn("boolean-exclusive-bound", f"{keyword}: {str(value).lower()} is OpenAPI 3.0 syntax; in 3.1 it is "
                     f"a number (read as 3.0 meant it)")
            if value and isinstance(schema.get(bound), (int, float)):
                yield strict, schema[bound]
        elif isinstance(value, (int, float)):
            yield strict, value


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True
