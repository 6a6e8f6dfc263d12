"""Split one line as black does: right-hand split, left-hand split for defs, delimiter split.

A port of `transform_line` and the transformers of black's `linegen.py` (black 26, default
mode, no comments, no string processing), keeping black's names, order and side effects.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator

from .lines import (COMMA_PRIORITY, DOT_PRIORITY, LINE_LENGTH, Line, RHSResult, get_leaves_inside_matching_brackets,
                    is_line_short_enough, line_to_string)
from .omit import can_be_split, can_omit_invisible_parens, generate_trailers_to_omit, prefer_split_rhs_oop
from .tree import CLOSING, Leaf, Node, Unsupported

FORCE_OPTIONAL_PARENTHESES = "force_optional_parentheses"
Transformer = Callable[[Line, Collection[str]], Iterator[Line]]
HEAD, BODY, TAIL = "head", "body", "tail"


class CannotTransform(Exception):
    pass


class CannotSplit(CannotTransform):
    pass


def transform_line(line: Line, features: Collection[str] = ()) -> Iterator[Line]:
    line_str = line_to_string(line)
    transformers: list[Transformer]
    if not line.should_split_rhs and not line.magic_trailing_comma and is_line_short_enough(line, line_str=line_str):
        transformers = []
    elif line.is_def and not _should_split_funcdef_with_rhs(line):
        transformers = [left_hand_split]
    elif line.inside_brackets:
        transformers = [delimiter_split, right_hand_split_with_omits]
    else:
        transformers = [right_hand_split_with_omits]
    for transform in transformers:
        try:
            result = run_transformer(line, transform, features, line_str=line_str)
        except CannotTransform:
            continue
        yield from result
        return
    yield line


def run_transformer(line: Line, transform: Transformer, features: Collection[str], *, line_str: str) -> list[Line]:
    optional_parens = [b for b in line.bracket_tracker.invisible if b.bracket_depth == 0]
    result: list[Line] = []
    for transformed in transform(line, features):
        if line_to_string(transformed) == line_str:
            raise CannotTransform("Line transformer returned an unchanged result")
        result.extend(transform_line(transformed, features))
    if (FORCE_OPTIONAL_PARENTHESES in features or transform is not right_hand_split_with_omits
            or not line.bracket_tracker.invisible or any(b.value for b in optional_parens)
            or is_line_short_enough(result[0]) or any(leaf.parent is None for leaf in line.leaves)):
        return result
    line_copy = line.clone()
    _append_leaves(line_copy, line.leaves)
    second_opinion = run_transformer(line_copy, transform, {*features, FORCE_OPTIONAL_PARENTHESES}, line_str=line_str)
    return second_opinion if all(is_line_short_enough(ln) for ln in second_opinion) else result


def _append_leaves(new_line: Line, leaves: list[Leaf]) -> None:
    """Copies of `leaves` take their places in the tree and go on `new_line` (black's
    `append_leaves`, used for a second opinion)."""
    for old in leaves:
        new = Leaf(old.type, old.value)
        new.space = old.space
        parent = old.parent
        if parent is not None:
            index = next(i for i, c in enumerate(parent.children) if c is old)
            parent.children[index], new.parent, old.parent = new, parent, None
        new_line.append(new)


def _should_split_funcdef_with_rhs(line: Line) -> bool:
    """A return annotation with a magic trailing comma, or a long string one, splits by rhs."""
    returns: list[Leaf] = []
    inside = False
    for leaf in line.leaves:
        if leaf.type == ":":
            inside = False
        if inside:
            returns.append(leaf)
        if leaf.type == "->":
            inside = True
    result = Line(line.depth)
    tracked = get_leaves_inside_matching_brackets(returns)
    for leaf in returns:
        result.append(leaf, preformatted=True, track_bracket=id(leaf) in tracked)
    first = next((leaf for leaf in returns if leaf.value), None)
    return result.magic_trailing_comma is not None or (
        first is not None and first.type == "STRING" and not is_line_short_enough(result))


def left_hand_split(line: Line, features: Collection[str]) -> Iterator[Line]:
    matching: Leaf | None = None
    head: list[Leaf] = []
    body: list[Leaf] = []
    tail: list[Leaf] = []
    for leaf_type in ("(", "["):
        head, body, tail = [], [], []
        current, matching, depth = head, None, 0
        for index, leaf in enumerate(line.leaves):
            if index == 2 and leaf.type == "[":
                depth += 1
            elif depth > 0:
                depth += {"[": 1, "]": -1}.get(leaf.type, 0)
            if (current is body and leaf.type in CLOSING and leaf.opening_bracket is matching
                    and matching is not None and not (leaf_type == "(" and depth > 0)):
                _ensure_visible(leaf)
                _ensure_visible(matching)
                current = tail if body else head
            current.append(leaf)
            if current is head and leaf.type == leaf_type and not (leaf_type == "(" and depth > 0):
                matching, current = leaf, body
        if matching is not None and tail:
            break
    if matching is None or not tail:
        raise CannotSplit("No brackets found")
    lines = [_build_line(head, line, matching, HEAD), _build_line(body, line, matching, BODY),
             _build_line(tail, line, matching, TAIL)]
    _succeeded_or_raise(*lines)
    yield from (result for result in lines if result)


def right_hand_split_with_omits(line: Line, features: Collection[str]) -> Iterator[Line]:
    first_lines: list[Line] | None = None
    prefix_lengths: dict[int, int] = {}
    length = 4 * line.depth
    for leaf in line.leaves:
        prefix_lengths[id(leaf)] = length
        length += len(leaf.prefix) + len(leaf.value)
    for omit in generate_trailers_to_omit(line, LINE_LENGTH):
        if omit:
            target = next((leaf.opening_bracket for leaf in reversed(line.leaves)
                           if leaf.type in CLOSING and id(leaf) not in omit), None)
            # A split at a bracket that starts past the limit leaves a head past it too.
            if target is not None and target.value and prefix_lengths.get(id(target), 0) > LINE_LENGTH:
                continue
        lines = list(_right_hand_split(line, features, omit))
        if first_lines is None and not omit:
            first_lines = lines
        if is_line_short_enough(lines[0]):
            yield from lines
            return
    # All splits failed: the best effort is the split with nothing omitted.
    yield from first_lines if first_lines is not None else _right_hand_split(line, features, ())


def _right_hand_split(line: Line, features: Collection[str], omit: Collection[int]) -> Iterator[Line]:
    yield from _maybe_split_omitting_optional_parens(_first_right_hand_split(line, omit), line, features, omit)


def _first_right_hand_split(line: Line, omit: Collection[int] = ()) -> RHSResult:
    tail: list[Leaf] = []
    body: list[Leaf] = []
    head: list[Leaf] = []
    current = tail
    opening: Leaf | None = None
    closing: Leaf | None = None
    for leaf in reversed(line.leaves):
        if current is body and leaf is opening:
            current = head if body else tail
        current.append(leaf)
        if current is tail and leaf.type in CLOSING and id(leaf) not in omit:
            opening, closing, current = leaf.opening_bracket, leaf, body
    if not (opening is not None and closing is not None and head):
        raise CannotSplit("No brackets found")
    tail.reverse()
    body.reverse()
    head.reverse()
    result = RHSResult(_build_line(head, line, opening, HEAD), _build_line(body, line, opening, BODY),
                       _build_line(tail, line, opening, TAIL), opening, closing)
    _succeeded_or_raise(result.head, result.body, result.tail)
    return result


def _maybe_split_omitting_optional_parens(rhs: RHSResult, line: Line, features: Collection[str],
                                          omit: Collection[int] = ()) -> Iterator[Line]:
    if (FORCE_OPTIONAL_PARENTHESES not in features
            and rhs.opening_bracket.type == "(" and not rhs.opening_bracket.value
            and rhs.closing_bracket.type == ")" and not rhs.closing_bracket.value
            and not line.is_import and can_omit_invisible_parens(rhs, LINE_LENGTH)):
        omit = {id(rhs.closing_bracket), *omit}
        try:
            rhs_oop = _first_right_hand_split(line, omit)
            if prefer_split_rhs_oop(rhs_oop, rhs):
                yield from _maybe_split_omitting_optional_parens(rhs_oop, line, features, omit)
                return
        except CannotSplit as e:
            if line.is_chained_assignment:
                pass
            elif not can_be_split(rhs.body) and not is_line_short_enough(rhs.body):
                raise CannotSplit("Splitting failed, body is still too long and can't be split.") from e
    _ensure_visible(rhs.opening_bracket)
    _ensure_visible(rhs.closing_bracket)
    yield from (result for result in (rhs.head, rhs.body, rhs.tail) if result)


def _succeeded_or_raise(head: Line, body: Line, tail: Line) -> None:
    tail_len = len(str(tail).strip())
    if not body and tail_len < 3:
        raise CannotSplit("Splitting brackets on an empty body is not worth it")


def _ensure_trailing_comma(leaves: list[Leaf], original: Line, opening: Leaf) -> bool:
    if not leaves:
        return False
    if original.is_import:
        return True
    if not original.is_def or opening.value != "(":
        return False
    if any(leaf.type == "," and _annotation_type(leaf) is None for leaf in leaves):
        return False
    with_parent = next((leaf for leaf in leaves if leaf.parent is not None), None)
    if with_parent is None:
        return True
    if _annotation_type(with_parent) == "return":
        return False
    after = with_parent.parent.next_sibling if with_parent.parent is not None else None
    return not (after is not None and after.type == "|")


def _annotation_type(leaf: Leaf) -> str | None:
    """black's `get_annotation_type`: `return`, `param`, or None."""
    if leaf.parent is None:
        raise Unsupported("annotation of a leaf outside the tree")
    ancestor: Node | None = leaf.parent
    while ancestor is not None:
        before = ancestor.prev_sibling
        if before is not None and before.type == "->":
            return "return"
        if ancestor.parent is not None and ancestor.parent.type == "tname":
            return "param"
        ancestor = ancestor.parent
    return None


def _build_line(leaves: list[Leaf], original: Line, opening: Leaf, component: str) -> Line:
    result = Line(original.depth)
    if component is BODY:
        result.inside_brackets = True
        result.depth += 1
        if _ensure_trailing_comma(leaves, original, opening) and leaves[-1].type != ",":
            leaves.append(Leaf(",", ","))
    tracked = get_leaves_inside_matching_brackets(leaves) if component is HEAD else set()
    for leaf in leaves:
        result.append(leaf, preformatted=True, track_bracket=id(leaf) in tracked)
    if component is BODY and _should_split_line(result, opening):
        result.should_split_rhs = True
    return result


def _should_split_line(line: Line, opening: Leaf) -> bool:
    """Explode a body one item per line: it has a magic trailing comma, or is a collection."""
    if not (opening.parent is not None and opening.value in "[{("):
        return False
    trailing_comma = bool(line.leaves) and line.leaves[-1].type == ","
    exclude = {id(line.leaves[-1])} if trailing_comma else set()
    try:
        max_priority = line.bracket_tracker.max_delimiter_priority(exclude)
    except ValueError:
        return False
    return max_priority == COMMA_PRIORITY and (trailing_comma or opening.parent.type in ("atom", "import_from"))


def delimiter_split(line: Line, features: Collection[str]) -> Iterator[Line]:
    if not line.leaves:
        raise CannotSplit("Line empty")
    bt = line.bracket_tracker
    try:
        priority = bt.max_delimiter_priority({id(line.leaves[-1])})
    except ValueError:
        raise CannotSplit("No delimiters found") from None
    if priority == DOT_PRIORITY and bt.delimiter_count_with_priority(priority) == 1:
        raise CannotSplit("Splitting a single attribute from its owner looks wrong")
    current = Line(line.depth, line.inside_brackets)
    for leaf in line.leaves:
        current.append(leaf, preformatted=True)
        if bt.delimiters.get(id(leaf)) == priority:
            yield _dedented(current)
            current = Line(line.depth, line.inside_brackets)
    if current:
        # Python 3.10+ targets allow a trailing comma after `*args` and `**kwargs` too.
        if priority == COMMA_PRIORITY and current.leaves[-1].type != ",":
            current.append(Leaf(",", ","))
        yield _dedented(current)


def _dedented(line: Line) -> Line:
    line.leaves[0].prefix = ""
    return line


def _ensure_visible(leaf: Leaf) -> None:
    if leaf.type in ("(", ")"):
        leaf.value = leaf.type
