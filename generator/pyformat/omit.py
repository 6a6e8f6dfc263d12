"""Which brackets a right-hand split may skip: black's rules for trailers and optional parentheses.

A port of `generate_trailers_to_omit`, `can_omit_invisible_parens`, `can_be_split` and
`_prefer_split_rhs_oop_over_rhs` from black 26 (default mode, no comments).
"""

from __future__ import annotations

from collections.abc import Iterator

from .lines import DOT_PRIORITY, LINE_LENGTH, Line, RHSResult, is_line_short_enough, is_one_sequence_between
from .tree import BRACKETS, CLOSING, OPENING, Leaf


def generate_trailers_to_omit(line: Line, line_length: int) -> Iterator[set[int]]:
    """Cumulative sets of closing brackets a split may skip, first the empty set (unless the
    line must explode on a magic trailing comma)."""
    omit: set[int] = set()
    if not line.magic_trailing_comma:
        yield omit
    length = 4 * line.depth
    opening: Leaf | None = None
    closing: Leaf | None = None
    inner: set[int] = set()
    for index, leaf, leaf_length in line.enumerate_with_length(is_reversed=True):
        length += leaf_length
        if length > line_length:
            break
        prev = line.leaves[index - 1] if index > 0 else None
        if opening is not None:
            if leaf is opening:
                opening = None
            elif leaf.type in CLOSING:
                if _has_trailing_comma(leaf, prev, line):
                    break  # never omit bracket pairs with trailing commas: they explode
                inner.add(id(leaf))
        elif leaf.type in CLOSING:
            if prev is not None and prev.type in OPENING:
                inner.add(id(leaf))  # empty brackets cannot be split on
                continue
            if closing is not None:
                omit.add(id(closing))
                omit.update(inner)
                inner.clear()
                yield omit
            if _has_trailing_comma(leaf, prev, line):
                break
            if leaf.value:
                opening, closing = leaf.opening_bracket, leaf


def _has_trailing_comma(leaf: Leaf, prev: Leaf | None, line: Line) -> bool:
    return (prev is not None and prev.type == "," and leaf.opening_bracket is not None
            and not is_one_sequence_between(leaf.opening_bracket, leaf, line.leaves))


def can_be_split(line: Line) -> bool:
    """False if the line cannot be split for sure (a cheap heuristic of black's)."""
    leaves = line.leaves
    if len(leaves) < 2:
        return False
    if leaves[0].type == "STRING" and leaves[1].type == ".":
        call_count = dot_count = 0
        following = leaves[-1]
        for leaf in leaves[-2::-1]:
            if leaf.type in OPENING:
                if following.type not in CLOSING:
                    return False
                call_count += 1
            elif leaf.type == ".":
                dot_count += 1
            elif leaf.type == "NAME":
                if not (following.type == "." or following.type in OPENING):
                    return False
            elif leaf.type not in CLOSING:
                return False
            if dot_count > 1 and call_count > 1:
                return False
    return True


def can_omit_invisible_parens(rhs: RHSResult, line_length: int) -> bool:
    """Is `rhs.body` safe to lay out without the optional parentheses around it?"""
    line = rhs.body
    bt = line.bracket_tracker
    if not bt.delimiters:
        return True  # without delimiters the optional parentheses are useless
    max_priority = bt.max_delimiter_priority()
    if bt.delimiter_count_with_priority(max_priority) > 1:
        return False
    if max_priority == DOT_PRIORITY:
        return True
    first, second = line.leaves[0], line.leaves[1]
    if first.type in OPENING and second.type not in CLOSING and _can_omit_opening_paren(line, first, line_length):
        return True
    penultimate, last = line.leaves[-2], line.leaves[-1]
    if last.type in (")", "}") or (last.type == "]" and last.parent is not None and last.parent.type != "trailer"):
        if penultimate.type in OPENING:
            return False
        return _can_omit_closing_paren(line, last, line_length)
    return False


def _can_omit_opening_paren(line: Line, first: Leaf, line_length: int) -> bool:
    remainder = False
    length = 4 * line.depth
    index = -1
    for index, leaf, leaf_length in line.enumerate_with_length():
        if leaf.type in CLOSING and leaf.opening_bracket is first:
            remainder = True
        if remainder:
            length += leaf_length
            if length > line_length:
                return False
            if leaf.type in OPENING:
                remainder = False
    return len(line.leaves) == index + 1


def _can_omit_closing_paren(line: Line, last: Leaf, line_length: int) -> bool:
    length = 4 * line.depth
    seen_other_brackets = False
    for _, leaf, leaf_length in line.enumerate_with_length():
        length += leaf_length
        if leaf is last.opening_bracket:
            if seen_other_brackets or length <= line_length:
                return True
        elif leaf.type in OPENING:
            seen_other_brackets = True
    return False


def prefer_split_rhs_oop(rhs_oop: RHSResult, rhs: RHSResult) -> bool:
    """Prefer the split that omits the optional parentheses (black's `_prefer_split_rhs_oop_over_rhs`)?"""
    if not (len(rhs.head.leaves) >= 2 and rhs.head.leaves[-2].type == "="):
        return True  # the split is not right after `=`
    if not any(leaf.type in BRACKETS for leaf in rhs.head.leaves[:-1]):
        return True
    if not is_line_short_enough(rhs.head, line_length=LINE_LENGTH - 1):
        return True
    if rhs.head.magic_trailing_comma is not None:
        return True
    head_equals = [leaf.type for leaf in rhs.head.leaves].count("=")
    oop_head_equals = [leaf.type for leaf in rhs_oop.head.leaves].count("=")
    if head_equals > 1 and head_equals > oop_head_equals:
        return False
    closing_after_assign = False
    for leaf in reversed(rhs_oop.head.leaves):
        if leaf.type == "=":
            break
        if leaf.type in CLOSING:
            closing_after_assign = True
            break
    return closing_after_assign or (any(leaf.type == "=" for leaf in rhs_oop.head.leaves)
                                    and is_line_short_enough(rhs_oop.head))
