"""Load stage, locating in block YAML: a pointer followed down a spec's indentation (see `lines`).

libyaml composes a document only if every line that continues a node is indented past the column
of the collection the node is in: a plain scalar's next lines, a block scalar's text. So the
entries of a collection at column c are the lines at column c; a line indented past c belongs to
the entry above it, and the next line (not blank, not a comment) at c or left of it starts the next
entry or ends the collection. Quoted scalars and flow collections over several lines escape that
rule (libyaml takes their lines at any indentation): the first line that starts one whose lines
are not all indented past its node is found first (`odd`), and a walk that would pass over it
declines, as a walk does wherever it meets what it does not read: a flow collection (the walk stops
at its mark), an anchor, alias or tag, an explicit `?` key, a tab, a key with escapes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .odd import ANY_KEY, DOC_MARK, PLAIN_START, OddScan
from .text import Declined, Lines, Locator, Position, past

_KEY = re.compile(r"""(?:(?P<plain>%s[^\n]*?)|"(?P<dq>[^"\\\n]*)"|'(?P<sq>(?:[^'\n]|'')*)')[ ]*:(?:[ ]+|(?=\r?\n))"""
                  % PLAIN_START)
"""A key as the walk reads it: plain, or quoted without escapes."""
_ITEM = re.compile(r"-(?:[ ]+|(?=\r?\n))")
_INDENT = re.compile(r"[ ]*+")
_BLANK = re.compile(r"(?:[ ]*+(?:#[^\n]*+)?+\r?\n)*+")

MAP, SEQ, SCALAR, OTHER = "map", "seq", "scalar", "other"


@dataclass(frozen=True, slots=True)
class Node:
    """A node as the walk sees it: its kind and, for a collection, its column and first entry."""

    kind: str
    col: int = -1
    first: int = -1
    indentless: bool = False
    """A sequence at its mapping's own column (`key:` then `- item` below it)."""


class _Entries:
    """The entries of one collection read so far, and where the next one starts."""

    __slots__ = ("keys", "items", "next")

    def __init__(self, start: int) -> None:
        self.keys: dict[str, int] = {}
        self.items: list[int] = []
        self.next = start
        """The offset of the next entry; -1 once the collection has ended; -2 where the walk is unsure."""


_UNSURE = (Node(OTHER), -1)
_MISSING = (Node(OTHER), -2)


class BlockLocator:
    def __init__(self, text: str) -> None:
        self.text = text
        self.root = Node(OTHER)
        self.odd = OddScan(text)
        self.lines = Lines(text)
        self._entries: dict[int, _Entries] = {}
        self._values: dict[int, Node] = {}
        self._shallow: dict[int, re.Pattern[str]] = {}

    @classmethod
    def of(cls, text: str) -> Locator:
        if not text.endswith("\n"):
            text += "\n"  # every line ends in one; offsets stay as they were
        at = past(_BLANK, text, 0)
        if text.startswith("---", at) and DOC_MARK.match(text, at):
            if text[at + 3:text.index("\n", at)].strip():
                return Declined()  # `--- value`
            at = past(_BLANK, text, text.index("\n", at) + 1)
        if at >= len(text):
            return Declined()
        loc = cls(text)
        indent = loc._indent(at)
        root, mark = loc._node(at + indent, indent, parent=-1)
        if root.kind not in (MAP, SEQ) or mark != at + indent:
            return Declined()
        loc.root = root
        return loc

    def find(self, parts: Sequence[str]) -> Position | None:
        node, mark = self.root, self.root.first
        for part in parts:
            if node.kind == MAP:
                entry = self._key(node, part)
            elif node.kind == SEQ and part.isdigit():
                if not part.isascii():  # `int` reads other digits, or fails on some, as the composer would
                    return None
                entry = self._item(node, int(part))
            elif node.kind in (SCALAR, SEQ):
                break  # the composer stops here too
            else:
                return None
            if entry is _MISSING:
                break  # no such entry: the composer stops here too
            node, mark = entry
            if mark < 0:
                return None
        return self.lines.position(mark)

    # -- entries

    def _key(self, node: Node, part: str) -> tuple[Node, int]:
        """The value of the first entry keyed `part` and the key's offset; `_MISSING` if the
        mapping has no such key; `_UNSURE` if the walk is unsure."""
        entries = self._entries.setdefault(node.first, _Entries(node.first))
        while part not in entries.keys and entries.next >= 0:
            self._next_key(node, entries)
        if part in entries.keys:
            at = entries.keys[part]
            value = self._values.get(at)
            if value is None:
                value = self._values[at] = self._value(at, node.col)
            return value, at
        return _MISSING if entries.next == -1 else _UNSURE

    def _next_key(self, node: Node, entries: _Entries) -> None:
        at = entries.next
        key = _key_text(_KEY.match(self.text, at))
        if key is None:
            entries.next = -2
            return
        entries.keys.setdefault(key, at)
        following = self._sibling(at, node.col)
        while following >= 0 and self._indent(following) == node.col and _ITEM.match(self.text, following + node.col):
            following = self._sibling(following, node.col)  # an indentless sequence: the value of `key`
        entries.next = self._next_entry(following, node, _KEY)

    def _item(self, node: Node, index: int) -> tuple[Node, int]:
        entries = self._entries.setdefault(node.first, _Entries(node.first))
        while index >= len(entries.items) and entries.next >= 0:
            at = entries.next
            entries.items.append(at)
            entries.next = self._next_entry(self._sibling(at, node.col), node, _ITEM)
        if index < len(entries.items):
            dash = entries.items[index]
            return self._node(past(_ITEM, self.text, dash), -1, parent=node.col, dash=dash)
        return _MISSING if entries.next == -1 else _UNSURE

    def _next_entry(self, following: int, node: Node, entry: re.Pattern[str]) -> int:
        """Where the entry after the one just read starts, given the next line that is not more
        indented than the collection: -1 if the collection ends there, -2 if unsure."""
        if following < 0:
            return following
        indent = self._indent(following)
        starts = following + indent
        if indent == node.col and entry.match(self.text, starts):
            return starts
        if not (_KEY.match(self.text, starts) or _ITEM.match(self.text, starts) or DOC_MARK.match(self.text, starts)):
            return -2  # not a line that can close a collection
        if indent < node.col or (node.indentless and entry is _ITEM and _KEY.match(self.text, starts)):
            return -1
        return -2

    def _sibling(self, at: int, col: int) -> int:
        """The start of the first line after the one holding `at` that is neither blank, nor a
        comment, nor indented past `col`; -1 at the end of the text; -2 past an odd line."""
        shallow = self._shallow.get(col)
        if shallow is None:
            shallow = self._shallow[col] = re.compile(r"\n[ ]{0,%d}+(?![ \r\n#])" % col)
        found = shallow.search(self.text, self.text.index("\n", at))
        end = found.start() + 1 if found else len(self.text)
        if self.odd.before(end):
            return -2
        return -1 if end >= len(self.text) else end

    def _indent(self, line_start: int) -> int:
        return past(_INDENT, self.text, line_start) - line_start

    # -- nodes

    def _value(self, key_at: int, col: int) -> Node:
        """The value of the key at `key_at`, in a mapping at `col`."""
        rest = past(_KEY, self.text, key_at)
        if self.text[rest] not in "\r\n#":
            return self._node(rest, -1, parent=col)[0]
        below = past(_BLANK, self.text, self.text.index("\n", rest) + 1)
        indent = self._indent(below) if below < len(self.text) else -1
        if indent > col:
            return self._node(below + indent, indent, parent=col)[0]
        if indent == col and _ITEM.match(self.text, below + indent):
            return Node(SEQ, col, below + indent, indentless=True)
        return Node(SCALAR)  # empty: null

    def _node(self, at: int, col: int, *, parent: int, dash: int = -1) -> tuple[Node, int]:
        """The node starting at `at` and its mark (where the composer says it starts): `col` is
        its column if it starts a line, -1 if it follows `key: ` or the `- ` at `dash`."""
        text = self.text
        char = text[at]
        if char in "\r\n#":  # `-` and nothing after it: the item is on a line below, or empty
            below = past(_BLANK, text, text.index("\n", at) + 1)
            indent = self._indent(below) if below < len(text) else -1
            if indent > parent:
                return self._node(below + indent, indent, parent=parent)
            return Node(SCALAR), dash + 1  # an empty scalar, marked where the `-` ends
        if col < 0:
            col = at - (text.rfind("\n", 0, at) + 1)
        if _ITEM.match(text, at):
            return Node(SEQ, col, at), at
        if ANY_KEY.match(text, at):
            return (Node(MAP, col, at), at) if _KEY.match(text, at) else _UNSURE
        if char in "[{":
            return Node(OTHER), at  # a flow collection: its mark, but the walk does not go in
        if char in "|>\"'" or (re.match(PLAIN_START, char) and not _may_be_key(text, at)):
            return Node(SCALAR), at
        return _UNSURE  # an anchor, alias or tag, an explicit key, something unusual


def _may_be_key(text: str, at: int) -> bool:
    line = text[at:text.index("\n", at)]
    return ": " in line or line.rstrip("\r").endswith(":") or "\t" in line


def _key_text(match: re.Match[str] | None) -> str | None:
    """The key as the composer compares it (its scalar's value), or None for one the walk does not
    read: a plain key holding ` #` (a comment, so no key), or a tab, or over 1,000 characters."""
    if match is None:
        return None
    plain, dq, sq = match.group("plain", "dq", "sq")
    key = plain if plain is not None else dq if dq is not None else sq.replace("''", "'")
    if len(key) > 1000 or (plain is not None and (" #" in plain or "\t" in plain)):
        return None
    return key
