"""Leaves and nodes as black's syntax tree has them, and the tokenizer that makes the leaves."""

from __future__ import annotations

import re
from collections.abc import Iterator

OPENING = {"(": ")", "[": "]", "{": "}"}
CLOSING = frozenset(OPENING.values())
BRACKETS = frozenset(OPENING) | CLOSING
COMPARATORS = frozenset({"<", ">", "==", "!=", "<=", ">="})
_TOKEN = re.compile(r"""
    (?P<ws>[ ]*)
    (?:
        (?P<string>[fFbBrRuU]{0,2}(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'))
      | (?P<number>(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?[jJ]?)
      | (?P<name>[^\W\d]\w*)
      | (?P<op>\.\.\.|\*\*|->|==|!=|<=|>=|:=|[()\[\]{},:.=|*<>+\-~@;%/&^])
    )""", re.X)


class Unsupported(Exception):
    """A construct the layout engine does not handle: black formats the file instead."""


class Leaf:
    """A token. `type` is `NAME`, `STRING`, `NUMBER`, `ASYNC`, `AWAIT` or the operator itself."""

    __slots__ = ("type", "value", "prefix", "space", "parent", "bracket_depth", "opening_bracket")

    def __init__(self, type: str, value: str, prefix: str = "", parent: Node | None = None) -> None:
        self.type, self.value, self.prefix, self.parent = type, value, prefix, parent
        self.space = prefix
        """The whitespace black's `whitespace()` gives the leaf where it is not first on a line."""
        self.bracket_depth = 0
        self.opening_bracket: Leaf | None = None

    def __str__(self) -> str:
        return self.prefix + self.value

    def __repr__(self) -> str:
        return f"Leaf({self.type!r}, {self.value!r})"

    @property
    def prev_sibling(self) -> Leaf | Node | None:
        return _sibling(self, -1)

    @property
    def next_sibling(self) -> Leaf | Node | None:
        return _sibling(self, 1)


class Node:
    __slots__ = ("type", "children", "parent")

    def __init__(self, type: str, children: list[Leaf | Node]) -> None:
        self.type, self.children = type, children
        self.parent: Node | None = None
        for child in children:
            child.parent = self

    def leaves(self) -> Iterator[Leaf]:
        for child in self.children:
            if isinstance(child, Leaf):
                yield child
            else:
                yield from child.leaves()

    @property
    def prev_sibling(self) -> Leaf | Node | None:
        return _sibling(self, -1)

    @property
    def next_sibling(self) -> Leaf | Node | None:
        return _sibling(self, 1)


LN = Leaf | Node


def _sibling(node: LN, step: int) -> LN | None:
    if node.parent is None:
        return None
    siblings = node.parent.children
    i = next(i for i, c in enumerate(siblings) if c is node) + step
    return siblings[i] if 0 <= i < len(siblings) else None


def first_leaf(node: LN) -> Leaf:
    return node if isinstance(node, Leaf) else first_leaf(node.children[0])


def tokenize(text: str) -> list[Leaf]:
    out: list[Leaf] = []
    pos, end = 0, len(text.rstrip())
    while pos < end:
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise Unsupported(f"cannot tokenize {text[pos:pos + 20]!r}")
        pos = m.end()
        prefix, kind = m.group("ws"), m.lastgroup  # the alternative that matched (`ws` closes first)
        assert kind is not None
        value = m.group(kind)
        if kind == "op":
            if value == "...":
                # blib2to3 reads `...` as three dots, as black's stub checks expect.
                out.extend(Leaf(".", ".", prefix if i == 0 else "") for i in range(3))
            else:
                out.append(Leaf(value, value, prefix))
        else:
            out.append(Leaf(_LEAF_TYPES.get(value, "NAME") if kind == "name" else kind.upper(), value, prefix))
    return out


_LEAF_TYPES = {"async": "ASYNC", "await": "AWAIT"}
