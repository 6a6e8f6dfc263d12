"""Load stage, locating: what every fast reading shares, positions and the answer "not sure"."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from typing import Protocol

Position = tuple[int, int]
"""A 1-based (line, column), as PyYAML's marks plus one."""


class Locator(Protocol):
    def find(self, parts: Sequence[str]) -> Position | None:
        """Where the composer puts the pointer `parts` (the node's key, for a mapping entry), or
        None where this reading is not sure."""


class Declined:
    """A text no fast reading is sure of."""

    def find(self, parts: Sequence[str]) -> Position | None:
        return None


class Lines:
    """Offsets to 1-based lines and columns, counting from the nearest offset already counted."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._offsets = [0]
        self._lines = [1]

    def position(self, offset: int) -> Position:
        i = bisect_right(self._offsets, offset) - 1
        line = self._lines[i] + self.text.count("\n", self._offsets[i], offset)
        self._offsets.insert(i + 1, offset)
        self._lines.insert(i + 1, line)
        return line, offset - (self.text.rfind("\n", 0, offset) + 1) + 1


def past(pattern: re.Pattern[str], text: str, at: int) -> int:
    """Where `pattern` ends when matched at `at`: a pattern that cannot fail there (it may match
    nothing), or that has matched there already."""
    match = pattern.match(text, at)
    assert match is not None
    return match.end()
