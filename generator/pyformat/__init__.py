"""Black's layout for the Python specloom renders, without running black: a port of its line splitting.

`format_module` takes a module rendered from the built-in templates, whose blank lines,
indentation and exploded brackets are already black's, and lays out what a template cannot
know: lines over 88 columns, docstring indentation, string quotes. Lines black would leave as
they are, most of a module, are found by a few regular expressions and copied without a look.
What the port does not handle raises `Unsupported`, and the caller formats the file with black
instead. tests/test_pyformat.py holds the result to black's own on every file specloom
generates for specs/, the case specs and the corpus, and on random specs.
"""

from __future__ import annotations

import bisect
import itertools
import re

from .lines import LINE_LENGTH, str_width
from .statement import bracket_kind, format_item, format_statement
from .strings import docstring, normalize_escapes
from .tree import CLOSING, OPENING, Unsupported, tokenize

__all__ = ["Unsupported", "format_module"]

# In a line that fits, what black would still change: a magic trailing comma (a comma right
# before a closing bracket), an escaped double quote (black may prefer single quotes) or an
# escape whose hex digits it would put in lower case, and a comment (not generated).
_NOT_PLAIN = re.compile(r',\s*[)\]}]|\\["xuUN]|#')
# What makes a line worth a look; every other line fits in 88 columns and black leaves it as it
# is. What `_NOT_PLAIN` finds, a line that starts with a closing bracket or is not indented by
# fours, and a string statement that may be a docstring (after a line that opens a block, a
# blank line or a comment: black reindents docstrings) or goes on over lines (they must not be
# read as code). Separate patterns: each starts with one character, which re finds fast. The
# indentation one is possessive: it never backtracks through a line's spaces (2.5× faster).
_MARKS = (re.compile(r",[ ]*[)\]}]"), re.compile(r'\\["xuUN]'), re.compile("#"),
          re.compile(r"\n(?:[ ]{4})*+(?:[ ]{1,3}+(?![ \n])|[)\]}])"),
          re.compile(r'\n[ ]*"""(?![^\n]*""")'), re.compile(r':\n[ ]*"""'), re.compile(r'\n\n[ ]*"""'),
          re.compile(r'#[^\n]*\n[ ]*"""'), re.compile(r'\A\n[ ]*"""'))
# Besides: a character that is not printable ASCII (columns are not characters), a line that
# ends with a space or an opening bracket, and one over 88 columns.
_UNPRINTABLE = re.compile(r"[^\n\x20-\x7e]")
_PRINTABLE_ASCII = b"\n" + bytes(range(0x20, 0x7F))


def format_module(text: str) -> str:
    """`text` as black writes it; `Unsupported` where the port cannot tell."""
    return "\n".join(_Module(text).lines()) + "\n"


def _plain(line: str) -> bool:
    """A line black leaves as it is (see `_NOT_PLAIN`)."""
    return str_width(line) <= LINE_LENGTH and not _NOT_PLAIN.search(line)


class _Module:
    """One pass over the rendered lines. Inside a bracket the template exploded (a line ending
    with an opening bracket, up to the line starting with its closing one), each item is laid
    out on its own, as black lays out the items of a bracket it explodes; a statement whose
    exploded lines do not all fit is joined and laid out whole."""

    def __init__(self, text: str) -> None:
        self.text = text if text.endswith("\n") else text + "\n"
        self.source = self.text.split("\n")[:-1]
        self.offsets = [0, *itertools.accumulate(len(line) + 1 for line in self.source)]
        self.out: list[str] = []
        self.open: list[str] = []
        """The kinds of the brackets the template left open at this point."""
        self.start = (0, 0)
        """Where the current statement began: (source line, output line)."""

    def lines(self) -> list[str]:
        i = 0
        for r in self._remarkable():
            if r < i:
                continue  # inside a statement already laid out
            self.out.extend(self.source[i:r])
            i = self.line(r)
        self.out.extend(self.source[i:])
        if self.open:
            raise Unsupported("unclosed bracket")
        return self.out

    def _remarkable(self) -> list[int]:
        """The lines that need a look, in order (see `_MARKS`)."""
        text = "\n" + self.text
        patterns: tuple[re.Pattern[str], ...] = _MARKS
        # (What is left of an ASCII text once its printable bytes are deleted: a C loop, 5× faster
        # than `str.isprintable`.)
        if not (self.text.isascii() and not self.text.encode("ascii").translate(None, _PRINTABLE_ASCII)):
            patterns = (*_MARKS, _UNPRINTABLE)
        found = {bisect.bisect_right(self.offsets, m.end() - 2) - 1 for p in patterns for m in p.finditer(text)}
        found.update(i for i, line in enumerate(self.source) if len(line) > LINE_LENGTH or line[-1:] in (" ", "(", "[", "{"))
        return sorted(found)

    def line(self, i: int) -> int:
        line = self.source[i].rstrip()
        stripped = line.lstrip(" ")
        depth, rem = divmod(len(line) - len(stripped), 4)
        if rem or stripped.startswith("\t"):
            raise Unsupported("indentation")
        if not stripped or (stripped.startswith("#") and not self.open):
            self.out.append(line)
            return i + 1
        if stripped.startswith('"""') and not self.open:
            end, value = _string_statement(self.source, i, self.source[i].lstrip(" "))
            value = docstring(value, depth) if self._first_in_block(i) else normalize_escapes(value)
            self.out.append("    " * depth + value)
            return end
        if not self.open:
            self.start = (i, len(self.out))
            if stripped[-1] not in OPENING:  # a statement on one line
                self.out.extend((line,) if _plain(line) else format_statement((line,), depth))
                return i + 1
        # A line that opens, is inside, or closes a bracket the template exploded.
        if not _plain(line):
            if self.open and stripped[0] not in CLOSING and stripped[-1] not in OPENING:
                self.out.extend(format_item(stripped, depth, self.open[-1]))
                return i + 1
            return self.whole_statement()
        if self.open and stripped[0] in CLOSING:
            self.open.pop()
        if stripped[-1] in OPENING:
            try:
                self.open.append(bracket_kind(stripped, top_level=not self.open))
            except Unsupported:
                return self.whole_statement()
        self.out.append(line)
        return i + 1

    def _first_in_block(self, i: int) -> bool:
        """Is the statement at line `i` the first of a module or block (a string there is a
        docstring)? The code line before it, if any, opens a block."""
        for j in range(i - 1, -1, -1):
            code = self.source[j].strip()
            if code and not code.startswith("#"):
                return code.endswith(":")
        return True

    def whole_statement(self) -> int:
        i, self.out[self.start[1]:] = self.start[0], []
        physical, balance = [], 0
        while True:
            physical.append(self.source[i])
            balance += _bracket_balance(self.source[i])
            i += 1
            if balance == 0 or i == len(self.source):
                break
        depth = (len(physical[0]) - len(physical[0].lstrip(" "))) // 4
        self.out.extend(format_statement(tuple(physical), depth))
        self.open = []
        return i


def _bracket_balance(line: str) -> int:
    return sum({"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}.get(leaf.type, 0) for leaf in tokenize(line))


def _string_statement(lines: list[str], i: int, first: str) -> tuple[int, str]:
    """A triple-quoted string standing alone: its text across lines, and the line after it."""
    parts = [first]
    end = first.find('"""', 3)
    while end < 0:
        i += 1
        if i >= len(lines):
            raise Unsupported("unterminated string")
        parts.append(lines[i])
        end = lines[i].find('"""')
    value = "\n".join(parts).rstrip()  # a string's own lines keep their trailing spaces
    if not value.endswith('"""') or value.count('"""') != 2:
        raise Unsupported("code after a string statement")
    return i + 1, value
