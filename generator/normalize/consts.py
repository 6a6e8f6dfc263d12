"""The const rule: a description that contradicts the machine-readable value loses.

Real specs say "The object type, which is always `vector_store.file_batch`." beside
`enum: [vector_store.files_batch]` (OpenAI's VectorStoreFileBatchObject). The value is what the
server sends, so it wins: the description is corrected for docstrings and docs, and a diagnostic
points at the description so the spec can be fixed at its source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# "always `x`", "is always x", "must be `x`", "will always be "x"", "only `x`".
_CLAIM = re.compile(
    r"\b(?:always|must\s+be|will\s+(?:always\s+)?be|only|set\s+to|equal\s+to)\s+"
    r"(?:(`)(?P<tick>[^`\n]+)`|\"(?P<dq>[^\"\n]+)\"|'(?P<sq>[^'\n]+)')",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class ConstClaim:
    claimed: str
    """The value the description claims."""
    corrected: str
    """The description with the true value in place of the claimed one."""


def check_const_description(description: str | None, value: object) -> ConstClaim | None:
    """A claim in `description` of a constant other than `value`, with the corrected text."""
    if not description or not isinstance(value, (str, int, float, bool)):
        return None
    truth = _json_text(value)
    for match in _CLAIM.finditer(description):
        claimed = match.group("tick") or match.group("dq") or match.group("sq") or ""
        if claimed == truth or not _looks_like_value(claimed, truth):
            continue
        start, end = match.span("tick") if match.group("tick") else match.span("dq") if match.group("dq") else match.span("sq")
        corrected = description[:start] + truth + description[end:]
        return ConstClaim(claimed=claimed, corrected=corrected)
    return None


def _json_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _looks_like_value(claimed: str, truth: str) -> bool:
    """A claim is about the value when it is one token, like the value (not prose in quotes)."""
    if " " in claimed.strip() or len(claimed) > 4 * max(len(truth), 8):
        return False
    return True
