"""Load stage, locating in JSON: a pointer followed member by member through a JSON text (or a
YAML one that is JSON), as libyaml would read it, passing over values with `json` itself."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from .text import Declined, Lines, Locator, Position, past

_WS = re.compile(r"[ \t\r\n]*+")
_KEY = re.compile(r'"([^"\\\x00-\x1f]*+(?:\\[^\x00-\x1f][^"\\\x00-\x1f]*+)*+)"[ \t\r]*+:')
_SEPARATOR = re.compile(r"[ \t\r\n]*+([,}\]])")
# Keys libyaml refuses, so that it composes no line at all where `json` reads them: one over 1,024
# characters (a simple key's limit; here any over 1,000, with its colon right after it or one space
# on; any with an escaped quote, which these lookbehinds cannot measure; any spaced more oddly) and
# one whose `:` is on a later line. One pattern, not four: each scan stops at every quote.
_UNSURE_KEY = re.compile(r'"(?::(?<=[^"]{1000}":)| :(?<=[^"]{1000}" :)|(?:\t|[ ]{2,}|[ ]\t)[ \t]*+:|[ \t\r]*+\n[ \t\r\n]*+:)')
# The key with an escaped quote, found by `_escaped_quote_key`: from an escaped quote to the end
# of its string, then a colon (`\\"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"[ \t\r]*+:`). Searched for from every
# escaped quote, as `re.search` would, it costs 0.13 s on the minified OpenAI spec (38,741 escaped
# quotes, most in JSON examples in descriptions); tests/test_lines.py keeps that search as the
# reference the scan is held to.
_TO_STRING_END = re.compile(r'\\"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+(")[ \t\r]*+(:)?')
_DECODER = json.JSONDecoder(strict=False)


def _escaped_quote_key(text: str) -> bool:
    """Whether `text` holds a key with an escaped quote, read a string at a time: a search from an
    escaped quote that reaches its string's end without a colon need not be tried again from the
    escaped quotes it passed, which pair up as it read them and so reach the same end. Only the last
    backslash before that end may pair otherwise (`\\\\"`: a search from it reads on)."""
    at = text.find('\\"')
    while at >= 0:
        match = _TO_STRING_END.match(text, at)
        if match is None:  # a line break or the text's end first: the next escaped quote, as re would
            at = text.find('\\"', at + 1)
            continue
        if match[2]:
            return True
        end = match.start(1)
        at = text.find('\\"', end - 1 if text[end - 1] == "\\" else end + 1)
    return False


class _Entries:
    """The members (or items) of one object (or array) read so far, and where the next one starts."""

    __slots__ = ("keys", "items", "next")

    def __init__(self, start: int) -> None:
        self.keys: dict[str, tuple[int, int]] = {}
        self.items: list[int] = []
        self.next = start
        """The offset of the next entry; -1 once the collection has ended."""


class JsonLocator:
    """A JSON text (or a YAML one that is JSON) read entry by entry, only as far as a pointer needs:
    a member's mark is its key's opening quote, an item's its first character (as libyaml marks
    them); a value passed over is read by `json`, so what is passed over is JSON."""

    def __init__(self, text: str, root: int) -> None:
        self.text = text
        self.root = root
        self.lines = Lines(text)
        self._entries: dict[int, _Entries] = {}

    @classmethod
    def of(cls, text: str, root: int) -> Locator:
        # A short one-line collection could be the key of a block mapping (`{"a": 1}: x`); one
        # that opens a line of its own and goes on below, or runs past 1,024 characters, cannot.
        line_end = text.find("\n", root)
        if text[root + 1:line_end if line_end >= 0 else len(text)].strip() and len(text) - root < 1100:
            return Declined()
        if _UNSURE_KEY.search(text) or _escaped_quote_key(text):
            return Declined()
        return cls(text, root)

    def find(self, parts: Sequence[str]) -> Position | None:
        at = mark = self.root
        for part in parts:
            char = self.text[at:at + 1]
            if char == "{":
                entry = self._member(at, part)
            elif char == "[" and part.isdigit():
                if not part.isascii():  # `int` reads other digits, or fails on some, as the composer would
                    return None
                entry = self._item(at, int(part))
            else:
                break  # a scalar, or no index: the composer stops here too
            if entry is None:
                return None
            if entry[0] < 0:
                break
            mark, at = entry
        return self.lines.position(mark)

    def _member(self, at: int, part: str) -> tuple[int, int] | None:
        """(key offset, value offset) of the first member named `part`; (-1, -1) if there is none;
        None if the object cannot be read."""
        entries = self._entries.setdefault(at, _Entries(at + 1))
        while part not in entries.keys and entries.next >= 0:
            if not self._next_member(entries):
                return None
        return entries.keys.get(part, (-1, -1))

    def _next_member(self, entries: _Entries) -> bool:
        text = self.text
        at = past(_WS, text, entries.next)
        if text[at:at + 1] == "}" and not entries.keys:
            entries.next = -1
            return True
        match = _KEY.match(text, at)
        if match is None:
            return False
        try:
            key = json.loads(f'"{match[1]}"')
            value = past(_WS, text, match.end())
            end = _DECODER.raw_decode(text, value)[1]
        except ValueError:
            return False
        entries.keys.setdefault(key, (at, value))
        return self._separated(entries, end, "}")

    def _item(self, at: int, index: int) -> tuple[int, int] | None:
        entries = self._entries.setdefault(at, _Entries(at + 1))
        while index >= len(entries.items) and entries.next >= 0:
            start = past(_WS, self.text, entries.next)
            if self.text[start:start + 1] == "]" and not entries.items:
                entries.next = -1
                break
            try:
                end = _DECODER.raw_decode(self.text, start)[1]
            except ValueError:
                return None
            entries.items.append(start)
            if not self._separated(entries, end, "]"):
                return None
        if index < len(entries.items):
            return entries.items[index], entries.items[index]
        return (-1, -1)

    def _separated(self, entries: _Entries, end: int, closer: str) -> bool:
        sep = _SEPARATOR.match(self.text, end)
        if sep is None or sep[1] not in (",", closer):
            return False
        entries.next = sep.end() if sep[1] == "," else -1
        return True
