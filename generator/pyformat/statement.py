"""One statement, or one item of a bracket the template exploded, laid out as black lays it out."""

from __future__ import annotations

import functools
import re

from .lines import LINE_LENGTH, Line, str_width
from .parens import add_invisible_parens
from .split import transform_line
from .strings import normalize_string
from .parser import parse
from .tree import CLOSING, OPENING, Leaf, Unsupported, tokenize

# Stand-ins for the statement around an item of an exploded bracket: black lays out each item
# of a bracket it explodes on its own, knowing only what kind of bracket holds it.
_WRAPPERS = {"params": ("def _(", ") -> None:"), "call": ("_(", ")"), "list": ("_ = [", "]"),
             "dict": ("_ = {", "}"), "import": ("from _ import (", ")")}
_IMPORT = re.compile(r"from [\w.]+ import \w+(?: as \w+)?(?:, \w+(?: as \w+)?)*")
# An item of names, numbers and strings without escapes (`"key": "value",`, `name=value,`): with
# no bracket to split at and no delimiter but its comma, black leaves it as it is, however long.
_ATOM = r'(?:"[^"\\\n]*"|[\w.]+)'
_UNSPLITTABLE_ITEM = re.compile(rf"{_ATOM}(?:(?:: |=){_ATOM})?,")


@functools.lru_cache(maxsize=4096)
def format_statement(physical: tuple[str, ...], depth: int) -> tuple[str, ...]:
    """A statement over one or more physical lines, as black writes it at `depth`."""
    if len(physical) == 1 and _IMPORT.fullmatch(physical[0].strip()):
        return _import_from(physical[0].strip(), depth)
    leaves = _join(physical)
    statement = parse(leaves)
    add_invisible_parens(statement)
    line = Line(depth)
    for leaf in statement.leaves() if not isinstance(statement, Leaf) else [statement]:
        leaf.prefix = ""
        line.append(leaf)
    return tuple(str(result).rstrip("\n") for result in transform_line(line))


# `name=callee({"key": value, ...}),`: a keyword argument whose value is a call with one flat dict
# of names (the SDK's query, header and body mappings). Keys without escapes, values plain names.
_ENTRY = r'"[^"\\\n]*": \w+'
_FLAT_DICT_CALL = re.compile(rf"(\w+=[\w.]+\()\{{({_ENTRY}(?:, {_ENTRY})*)\}}\),")


@functools.lru_cache(maxsize=4096)
def format_item(text: str, depth: int, kind: str) -> tuple[str, ...]:
    """One item (`name: type = default,`, `key=value,`, ...) of an exploded bracket of `kind`."""
    if _UNSPLITTABLE_ITEM.fullmatch(text):
        return ("    " * depth + text,)
    if kind == "call":
        laid = _flat_dict_call(text, depth)
        if laid is not None:
            return laid
    return _wrapped_item(text, depth, kind)


def _wrapped_item(text: str, depth: int, kind: str) -> tuple[str, ...]:
    """`format_item` the general way: the item laid out inside a stand-in for its statement."""
    head, tail = _WRAPPERS[kind]
    lines = format_statement((head, text, tail), depth - 1)
    indent = "    " * (depth - 1)
    if lines[0] != indent + head or lines[-1] != indent + tail:
        raise Unsupported(f"{kind} item changed its bracket")
    return lines[1:-1]


def _flat_dict_call(text: str, depth: int) -> tuple[str, ...] | None:
    """A `_FLAT_DICT_CALL` item as black lays it out, without parsing it (the OpenAI spec's 87 long
    ones: 1 ms, not 42): on one line if it fits; else split at the call's brackets, the dict on a
    line of its own if that fits, else one entry a line (with a trailing comma, where there are
    several). None for any other item."""
    match = _FLAT_DICT_CALL.fullmatch(text)
    if match is None:
        return None
    indent = "    " * depth
    if str_width(indent + text) <= LINE_LENGTH:
        return (indent + text,)
    head, entries = indent + match[1], match[2]
    if str_width(head) > LINE_LENGTH:
        return None  # black looks for another split: the general way decides
    inner = indent + "    "
    if str_width(f"{inner}{{{entries}}}") <= LINE_LENGTH:
        return head, f"{inner}{{{entries}}}", indent + "),"
    items = re.findall(_ENTRY, entries)
    # The trailing comma comes with black's split at the commas; a lone entry has none to split at.
    exploded = [f"{inner}    {entry}," for entry in items] if len(items) > 1 else [f"{inner}    {items[0]}"]
    return (head, inner + "{", *exploded, inner + "}", indent + "),")


def bracket_kind(opener: str, top_level: bool) -> str:
    """What a line ending with an opening bracket opens (see `_WRAPPERS`)."""
    text = opener.strip()
    before = text[-2:-1]
    if top_level and re.fullmatch(r"(async )?def \w+\(", text):
        return "params"
    if text.endswith(" import ("):
        return "import"
    if text[-1] == "{":
        return "dict"
    if text[-1] == "[" and not (before.isidentifier() or before.isdigit() or before in ")]"):
        return "list"
    if text[-1] == "(" and (before.isidentifier() or before.isdigit() or before in ")]"):
        return "call"
    raise Unsupported(f"bracket opened by {text!r}")


def _import_from(text: str, depth: int) -> tuple[str, ...]:
    """`from m import a, b`: black puts the names in parentheses, one a line, when it is too long."""
    indent = "    " * depth
    if str_width(indent + text) <= LINE_LENGTH:
        return (indent + text,)
    head, names = text.split(" import ", 1)
    inner = indent + "    "
    return (f"{indent}{head} import (", *(f"{inner}{name}," for name in names.split(", ")), f"{indent})")


def _join(physical: tuple[str, ...]) -> list[Leaf]:
    """The leaves of the physical lines as one logical line, spaced as black spaces them."""
    leaves: list[Leaf] = []
    for text in physical:
        line_leaves = tokenize(text.strip())
        if leaves and line_leaves:
            # Nothing after an opening bracket or before a closing one or a comma, else a space.
            first = line_leaves[0]
            first.prefix = "" if leaves[-1].type in OPENING or first.type in CLOSING or first.type == "," else " "
        leaves.extend(line_leaves)
    for leaf in leaves:
        leaf.space = leaf.prefix
        if leaf.type == "STRING":
            leaf.value = normalize_string(leaf.value)
    return leaves
