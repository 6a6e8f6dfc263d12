"""Lint rule `enum-description-mismatch`: a description lists enum values the `enum` lacks.

Real specs drift: a description says the status "can be either `in_progress`, `completed`,
`cancelled` or `failed`" while the enum was edited on its own. The enum is what generated code
accepts, so a value the description promises but the enum lacks is rejected at runtime.
Descriptions also quote field names, other fields' values and code ("If `transparent`, set the
format to `png` or `webp`"), so a backticked token counts only when it is spelled like the enum's
values and sits in one list with a real value: `a`, `b` or `c`; (`a`, `b`); `a`/`b`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ..diagnostics import Diagnostic, Severity
from ..loader import Document, join_pointer
from .walk import Site

CODE = "enum-description-mismatch"
_BACKTICKED = re.compile(r"`([^`\n]+)`")
# What may stand between two items of one list: a short note in parentheses, a comma or slash,
# and "or"/"and" (line breaks included: YAML folded text keeps them).
_LIST_GAP = re.compile(r"\s*(?:\([^()`]{0,80}\))?\s*[,/|]?\s*(?:(?:or|and)\s+)?", re.IGNORECASE)


def check_enum_descriptions(doc: Document, sites: Iterable[Site]) -> list[Diagnostic]:
    found = []
    for site in sites:
        if site.kind != "schema":
            continue
        enum, description = site.value.get("enum"), site.value.get("description")
        if not isinstance(enum, list) or len(enum) < 2 or not isinstance(description, str):
            continue
        missing = missing_enum_values(description, enum)
        if missing:
            where = doc.locate(site.file, join_pointer(site.pointer, "description"))
            found.append(Diagnostic(Severity.WARNING, CODE, _message(missing, enum), where))
    return found


def missing_enum_values(description: str, enum: list[Any]) -> list[str]:
    """Values the description quotes (in backticks) that `enum` lacks, in the order quoted."""
    values = {_json_text(v) for v in enum}
    looks_like = _value_shape([_json_text(v) for v in enum if v is not None])
    if looks_like is None:
        return []
    candidates: list[str] = []
    for run in _lists(description):
        if any(token in values for token in run):  # else the list is about something else
            candidates.extend(t for t in run if t not in values and looks_like.fullmatch(t))
    return list(dict.fromkeys(candidates))


def _lists(description: str) -> list[list[str]]:
    """The backticked tokens of `description`, grouped into the lists they form."""
    runs: list[list[str]] = []
    end = None
    for match in _BACKTICKED.finditer(description):
        if end is not None and _LIST_GAP.fullmatch(description, end, match.start()):
            runs[-1].append(match.group(1).strip())
        else:
            runs.append([match.group(1).strip()])
        end = match.end()
    return runs


def _value_shape(values: list[str]) -> re.Pattern[str] | None:
    """A pattern for tokens made of the same characters as the values (snake_case words, say).

    Letters and digits count by class (a value with `a` admits any lowercase letter); any other
    character only as itself, so `vector_store.file` is not taken for a snake_case value.
    """
    allowed: set[str] = set()
    for char in "".join(values):
        if char.isascii() and char.islower():
            allowed.add("a-z")
        elif char.isascii() and char.isupper():
            allowed.add("A-Z")
        elif char.isascii() and char.isdigit():
            allowed.add("0-9")
        elif not char.isspace():
            allowed.add(re.escape(char))
    return re.compile(f"[{''.join(sorted(allowed))}]+") if allowed else None


def _json_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def _message(missing: list[str], enum: list[Any]) -> str:
    quoted = ", ".join(f"`{v}`" for v in missing)
    them = "it" if len(missing) == 1 else "them"
    listed = ", ".join(f"`{_json_text(v)}`" for v in enum)
    return (f"description lists {quoted} but the enum ({listed}) lacks {them}: "
            f"add {them} to the enum, or fix the description")
