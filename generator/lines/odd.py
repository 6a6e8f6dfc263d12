"""Load stage, locating in block YAML: the first line a walk down the indentation must not pass.

Block YAML's lines belong to the node above them by indentation (see `block`), but for quoted
scalars and flow collections over several lines, whose lines libyaml takes at any indentation
(yaml-rs too, inside a flow collection): a line of one could pass for a key. The scan finds the
first line that starts one whose later lines are not all indented past its own node's column, or
that holds something else the walk does not read (a tab, an explicit key). Nothing after that line
matters: a walk that goes past it passes over it, or stops on it, at the scalar or collection that
it starts.
"""

from __future__ import annotations

import re

from .text import past

PLAIN_START = r"""[^\s\-?:,\[\]{}#&*!|>'"%@`]"""
"""What a plain scalar may start with (a few more it may, as `-x`, the walk leaves alone)."""
DQ = r'"[^"\\\n]*+(?:\\[^\n][^"\\\n]*+)*+"'
"""A double-quoted scalar closed on its line."""
END = r"[ ]*+(?:\#[^\n\t]*+)?+\r?\n"
"""The end of a line: spaces, a comment."""
ANY_KEY = re.compile(r"""(?:%s[^\n]*?|%s|'(?:[^'\n]|'')*')[ ]*:(?:[ ]+|(?=\r?\n))""" % (PLAIN_START, DQ))
"""A key, plain or quoted (escapes and all), and its `:`."""
DOC_MARK = re.compile(r"(?:---|\.\.\.)(?:[ \t]|\r?\n)")

# -- the scan for odd lines: every line it yields may start a quoted scalar or flow collection that
# goes on below (or holds a tab or something else unusual); every line it passes cannot. It passes
# a line of plain keys, plain values, quoted scalars and simple flow collections closed on the
# line, comments; and a block scalar with its text (which may hold anything), when its header is
# `key: |` or `- key: |`. Possessive quantifiers throughout: it runs over the whole file.
# A plain scalar goes on to the end of the line, but for `: ` (a key before it) and ` #` (a comment).
_PLAIN_REST = r"(?:[^\n\t:#]++|:(?![ \r\n])|(?<! )\#)*+"
_PLAIN_KEY = PLAIN_START + r"""(?:[^\n\t:#"'\[\]{}]++|:(?![ \r\n:])|(?<! )\#)*+"""
_FLOW = r"""(?:\[(?:[^\n\[\]{}"'#]++|%s)*+\]|\{(?:[^\n\[\]{}"'#]++|%s)*+\})""" % (DQ, DQ)
_PLAIN_VALUE = r"""(?:[^\s\-?:,\[\]{}#&!|>'"]|-(?=\S))""" + _PLAIN_REST
_VALUE = r"(?:%s|%s|%s)" % (_PLAIN_VALUE, DQ, _FLOW)
_COLON = r"[ ]*+:(?=[ \r\n])[ ]*+"
# A plain key's text is read once: if no `: ` follows, it was the start of a plain value.
_PLAIN_LINE = r"[ ]*+(?:-(?:[ ]++|(?=\r?\n)))*+(?:%s(?:%s%s?+|%s)|%s(?:%s%s?+)?+|%s)?+%s" % (
    _PLAIN_KEY, _COLON, _VALUE, _PLAIN_REST, DQ, _COLON, _VALUE, _VALUE, END)
_HEADER_END = r"[ ]*+:[ ]++[|>][-+1-9]{0,2}+" + END
_BLOCK_SCALAR = "|".join(  # the text indented past the key (`(?P=i)[ ]`), or blank
    r"(?P<%s>[ ]*+)%s(?:%s|%s)%s(?:(?P=%s)%s[ ][^\n]*+\n|[ ]*+\r?\n)*+" % (i, dash, _PLAIN_KEY, DQ, _HEADER_END, i, dash and "  ")
    for i, dash in (("i", ""), ("j", "- ")))
# Most lines hold nothing the scan looks for (no quote, bracket, `|`, `>`, tab, explicit `?` or
# `:`): those pass first, at a third of the cost of reading them as keys and values.
_ORDINARY_LINE = r"""[ ]*+(?:-[ ]++)*+(?![?:][ \r\n])[^\n"'\[{|>\t]*+\n"""
_SCAN = re.compile(r"(?:%s|%s|%s)*+(?:(?P<odd>[^\n]*+\n)|\Z)" % (_ORDINARY_LINE, _PLAIN_LINE, _BLOCK_SCALAR))

_PROPS = r"(?:[&!][^ \t\r\n]*+[ ]++)*+"  # anchors and tags
_LINE = re.compile(r"(?P<indent>[ ]*+)(?P<dashes>(?:-(?:[ ]++|(?=\r?\n)))*+)(?P<key>%s%s)?(?P<props>%s)"
                   % (_PROPS, ANY_KEY.pattern, _PROPS))
_HEADER = re.compile(r"[|>][-+1-9]{0,2}+%s" % END)
_QUOTED = {'"': re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"', re.S), "'": re.compile(r"'[^']*+(?:''[^']*+)*+'")}
_AFTER_FLOW = re.compile(END)


class OddScan:
    """The scan for the first odd line of a text, only as far as the walks need."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.first = -1
        """The first odd line's offset, the text's length if there is none, -1 until found."""
        self._scanned = 0
        self._matches = _SCAN.finditer(text)
        self._skip_to = 0

    def before(self, end: int) -> bool:
        """Whether the first odd line starts before `end`."""
        while self.first < 0 and self._scanned < end:
            self._next()
        return 0 <= self.first < end

    def _next(self) -> None:
        text = self.text
        match = next(self._matches)
        at = match.start("odd")
        if at < 0:
            self.first = len(text)
            return
        self._scanned = match.end()
        if at < self._skip_to:  # in a block scalar's text
            return
        line = _LINE.match(text, at)
        assert line is not None
        start, ref = line.end(), _ref(line)
        char = text[start]
        if char in "|>" and _HEADER.match(text, start):
            if ref >= 0:
                self._skip_to = _skip(ref + 1, text, text.index("\n", start) + 1)
        elif char in "\"'[{":
            if not (line["key"] is None and _goes_on(text, line)) and not _stays_indented(text, start, ref):
                self.first = at
        elif "\t" in text[at:text.index("\n", at)] or (char in "?:" and text[start + 1] in " \r\n"):
            self.first = at  # a tab, or an explicit key or value: the walk does not read them


_SKIPS: dict[int, re.Pattern[str]] = {}


def _skip(indent: int, text: str, at: int) -> int:
    """The end of the lines from `at` on that are indented `indent` or more, or blank."""
    skip = _SKIPS.get(indent)
    if skip is None:
        skip = _SKIPS[indent] = re.compile(r"(?:[ ]{%d}[^\n]*+\n|[ ]*+\r?\n)*+" % indent)
    return past(skip, text, at)


def _ref(line: re.Match[str]) -> int:
    """The column a node on `line` indents its next lines past: its key's, its last `-`'s, or
    (a node alone on its line) one left of its own."""
    if line["key"]:
        return line.start("key") - line.start()
    if line["dashes"]:
        return line.start("dashes") + line["dashes"].rstrip().rfind("-") - line.start()
    return line.end("indent") - line.start() - 1


def _goes_on(text: str, line: re.Match[str]) -> bool:
    """Whether `line` (with no key) goes on the plain scalar of the line above it, so that a quote
    or bracket on it is text: a line that starts a node of its own follows one that ends open
    (`key:`, `-`, an anchor or tag, a comment); an item follows one whose scalar it cannot go on."""
    at = line.start()
    above = text.rfind("\n", 0, at - 1) + 1
    while at > 0 and not text[above:at].strip(" \r\n"):
        at, above = above, text.rfind("\n", 0, above - 1) + 1
    if at == 0:
        return False
    prev = _LINE.match(text, above)
    assert prev is not None
    char = text[prev.end()]
    if char in "\r\n#?:" or prev["props"] or DOC_MARK.match(text, above):
        return False
    if not line["dashes"]:
        return True
    if prev["key"] or prev["dashes"]:
        return re.match(PLAIN_START, char) is not None and line.end("indent") - line.start() > _ref(prev)
    return line.end("indent") - line.start() >= prev.end("indent") - above


def _stays_indented(text: str, start: int, ref: int) -> bool:
    """Whether the quoted scalar or flow collection at `start` ends on its line, or before the
    first later line that is not indented past `ref` (blank lines aside)."""
    line_end = text.index("\n", start)
    flow = text[start] in "[{"
    end = _flow_end(text, start, line_end) if flow else _quoted_end(text, start)
    if 0 <= end <= line_end:
        return True
    if ref < 0:
        return False
    shallow = _SHALLOW.get(ref) or _SHALLOW.setdefault(ref, re.compile(r"\n[ ]{0,%d}(?![ \r\n])" % ref))
    found = shallow.search(text, line_end)
    stop = found.start() if found else len(text)
    if not flow:
        return 0 <= end <= stop
    end = _flow_end(text, start, min(stop, start + _MAX_FLOW))
    # A collection closed early (by `_flow_end`'s reading) would leave more of it on the line.
    return end >= 0 and _AFTER_FLOW.match(text, end) is not None


_SHALLOW: dict[int, re.Pattern[str]] = {}
_MAX_FLOW = 100_000
"""How far a flow collection is read, character by character, before the walk gives up on it."""


def _quoted_end(text: str, start: int) -> int:
    match = _QUOTED[text[start]].match(text, start)
    return match.end() if match else -1


def _flow_end(text: str, start: int, stop: int) -> int:
    """Where the flow collection at `start` ends, reading it as libyaml does: a quote opens a
    scalar only where a node starts, `#` after a space starts a comment; -1 if not before `stop`."""
    depth, at, node_start = 0, start, True
    while at < stop:
        char = text[at]
        if char in "[{":
            depth, node_start = depth + 1, True
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return at + 1
        elif char in ",:":
            node_start = True
        elif char in "\"'" and node_start:
            end = _quoted_end(text, at)
            if end < 0:
                return -1
            at, node_start = end, False
            continue
        elif char == "#" and text[at - 1] in " \t\n":
            at = text.index("\n", at)
            continue
        elif char in "&!?" and node_start:  # an anchor, a tag or `?`: the node starts after it
            while at < stop and text[at] not in " \t\r\n,[]{}":
                at += 1
            continue
        elif char not in " \t\r\n":
            node_start = False
        at += 1
    return -1
