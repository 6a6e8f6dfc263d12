"""Lines of leaves with black's bracket tracking, delimiter priorities and magic trailing commas.

A port of the parts of black's `lines.py` and `brackets.py` (black 26, default mode) that
the generated code reaches; names and structure follow black's so the two can be compared.
Leaves are shared between lines and mutated as black mutates them (`bracket_depth`,
`opening_bracket`, bracket values): black's choices depend on that state, so the port keeps it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .tree import CLOSING, COMPARATORS, OPENING, Leaf, Unsupported

LINE_LENGTH = 88
COMMA_PRIORITY, TERNARY_PRIORITY, LOGIC_PRIORITY, STRING_PRIORITY = 18, 16, 14, 12
COMPARATOR_PRIORITY, DOT_PRIORITY, COMPREHENSION_PRIORITY = 10, 1, 20
MATH_PRIORITIES = {"|": 9, "^": 8, "&": 7, "<<": 6, ">>": 6, "+": 5, "-": 5, "*": 4, "/": 4, "//": 4, "%": 4,
                   "@": 4, "~": 3, "**": 2}
_VARARGS_PARENTS = frozenset({"arglist", "argument", "trailer", "typedargslist", "varargslist",
                              "atom", "dictsetmaker", "listmaker", "testlist_gexp", "testlist_star_expr"})


def str_width(text: str) -> int:
    """Columns as black counts them: East Asian wide characters take two."""
    if text.isascii():
        return len(text)
    from black.strings import str_width as black_width  # only for non-ASCII code lines: black's own table

    return black_width(text)


def is_vararg(leaf: Leaf) -> bool:
    return leaf.type in ("*", "**") and leaf.parent is not None and leaf.parent.type in _VARARGS_PARENTS


def is_split_after_delimiter(leaf: Leaf) -> int:
    return COMMA_PRIORITY if leaf.type == "," else 0


def is_split_before_delimiter(leaf: Leaf, previous: Leaf | None) -> int:
    if is_vararg(leaf):
        return 0
    parent = leaf.parent
    if (leaf.type == "." and parent is not None and parent.type not in ("import_from", "dotted_name")
            and (previous is None or previous.type in CLOSING)):
        return DOT_PRIORITY
    if leaf.type in MATH_PRIORITIES and parent is not None and parent.type not in ("factor", "star_expr"):
        return MATH_PRIORITIES[leaf.type]
    if leaf.type in COMPARATORS:
        return COMPARATOR_PRIORITY
    if leaf.type == "STRING" and previous is not None and previous.type == "STRING":
        return STRING_PRIORITY
    if leaf.type == "ASYNC":
        sibling = leaf.prev_sibling
        return COMPREHENSION_PRIORITY if not (isinstance(sibling, Leaf) and sibling.value == "async") else 0
    if leaf.type != "NAME":
        return 0
    value, after_not = leaf.value, previous is not None and previous.type == "NAME" and previous.value == "not"
    if value in ("if", "else") and parent is not None and parent.type == "test":
        return TERNARY_PRIORITY
    if value == "is":
        return COMPARATOR_PRIORITY
    if value == "in" and parent is not None and parent.type in ("comp_op", "comparison") and not after_not:
        return COMPARATOR_PRIORITY
    if (value == "not" and parent is not None and parent.type == "comp_op"
            and not (previous is not None and previous.type == "NAME" and previous.value == "is")):
        return COMPARATOR_PRIORITY
    if value in ("and", "or") and parent is not None:
        return LOGIC_PRIORITY
    return 0


class BracketTracker:
    def __init__(self) -> None:
        self.depth = 0
        self.bracket_match: dict[tuple[int, str], Leaf] = {}
        self.delimiters: dict[int, int] = {}
        self.previous: Leaf | None = None
        self.invisible: list[Leaf] = []

    def mark(self, leaf: Leaf) -> None:
        kind = leaf.type
        if kind in CLOSING:
            if self.depth == 0:
                return  # a closing bracket whose opening one is on an earlier line
            self.depth -= 1
            if (self.depth, kind) not in self.bracket_match:
                raise Unsupported("unmatched bracket")
            leaf.opening_bracket = self.bracket_match.pop((self.depth, kind))
            if not leaf.value:
                self.invisible.append(leaf)
        leaf.bracket_depth = self.depth
        if self.depth == 0:
            delim = is_split_before_delimiter(leaf, self.previous)
            if delim and self.previous is not None:
                self.delimiters[id(self.previous)] = delim
            elif kind == ",":
                self.delimiters[id(leaf)] = COMMA_PRIORITY
        if kind in OPENING:
            self.bracket_match[self.depth, OPENING[kind]] = leaf
            self.depth += 1
            if not leaf.value:
                self.invisible.append(leaf)
        self.previous = leaf

    def max_delimiter_priority(self, exclude: Iterable[int] = ()) -> int:
        return max(v for k, v in self.delimiters.items() if k not in exclude)

    def delimiter_count_with_priority(self, priority: int = 0) -> int:
        if not self.delimiters:
            return 0
        priority = priority or self.max_delimiter_priority()
        return sum(1 for p in self.delimiters.values() if p == priority)


class Line:
    def __init__(self, depth: int = 0, inside_brackets: bool = False) -> None:
        self.depth, self.inside_brackets = depth, inside_brackets
        self.leaves: list[Leaf] = []
        self.bracket_tracker = BracketTracker()
        self.should_split_rhs = False
        self.magic_trailing_comma: Leaf | None = None

    def append(self, leaf: Leaf, preformatted: bool = False, track_bracket: bool = False) -> None:
        leaves = self.leaves
        if leaves and not preformatted:
            leaf.prefix += leaf.space
        if self.inside_brackets or not preformatted or track_bracket:
            self.bracket_tracker.mark(leaf)
            # A closing bracket after a comma: maybe a magic trailing comma (the check is slow).
            if leaf.type in CLOSING and leaves and leaves[-1].type == "," and self.has_magic_trailing_comma(leaf):
                self.magic_trailing_comma = leaf
        leaves.append(leaf)

    @property
    def is_import(self) -> bool:
        first = self.leaves[0] if self.leaves else None
        return first is not None and first.type == "NAME" and first.parent is not None and (
            (first.value == "import" and first.parent.type == "import_name")
            or (first.value == "from" and first.parent.type == "import_from"))

    @property
    def is_def(self) -> bool:
        if not self.leaves:
            return False
        first, second = self.leaves[0], self.leaves[1] if len(self.leaves) > 1 else None
        return (first.type == "NAME" and first.value == "def") or (
            first.type == "ASYNC" and second is not None and second.type == "NAME" and second.value == "def")

    @property
    def is_chained_assignment(self) -> bool:
        return [leaf.type for leaf in self.leaves].count("=") > 1

    def has_magic_trailing_comma(self, closing: Leaf) -> bool:
        if not (closing.type in CLOSING and self.leaves and self.leaves[-1].type == ","):
            return False
        if closing.type == "}":
            return True
        if closing.type == "]":
            return not (closing.parent is not None and closing.parent.type == "trailer"
                        and closing.opening_bracket is not None
                        and is_one_sequence_between(closing.opening_bracket, closing, self.leaves, ("[", "]")))
        if self.is_import:
            return True
        return closing.opening_bracket is not None and not is_one_sequence_between(
            closing.opening_bracket, closing, self.leaves)

    def enumerate_with_length(self, is_reversed: bool = False) -> Iterator[tuple[int, Leaf, int]]:
        indexed = list(enumerate(self.leaves))
        for index, leaf in reversed(indexed) if is_reversed else indexed:
            if "\n" in leaf.value:
                return
            yield index, leaf, len(leaf.prefix) + len(leaf.value)

    def clone(self) -> Line:
        line = Line(self.depth, self.inside_brackets)
        line.should_split_rhs, line.magic_trailing_comma = self.should_split_rhs, self.magic_trailing_comma
        return line

    def __str__(self) -> str:
        if not self.leaves:
            return "\n"
        first = self.leaves[0]
        rest = "".join([leaf.prefix + leaf.value for leaf in self.leaves[1:]])
        return f"{first.prefix}{'    ' * self.depth}{first.value}{rest}\n"

    def __bool__(self) -> bool:
        return bool(self.leaves)


@dataclass
class RHSResult:
    head: Line
    body: Line
    tail: Line
    opening_bracket: Leaf
    closing_bracket: Leaf


def line_to_string(line: Line) -> str:
    return str(line).strip("\n")


def is_line_short_enough(line: Line, *, line_str: str = "", line_length: int = LINE_LENGTH) -> bool:
    line_str = line_str or line_to_string(line)
    if "\n" in line_str:
        raise Unsupported("multiline string in a split line")
    return str_width(line_str) <= line_length


def is_one_sequence_between(opening: Leaf, closing: Leaf, leaves: list[Leaf],
                            brackets: tuple[str, str] = ("(", ")")) -> bool:
    if (opening.type, closing.type) != brackets:
        return False
    depth = closing.bracket_depth + 1
    start = next((i for i, leaf in enumerate(leaves) if leaf is opening), None)
    if start is None:
        return False
    commas = 0
    for leaf in leaves[start + 1:]:
        if leaf is closing:
            break
        if leaf.bracket_depth == depth and leaf.type == ",":
            commas += 1
            if leaf.parent is not None and leaf.parent.type in ("arglist", "typedargslist"):
                commas += 1
                break
    return commas < 2


def get_leaves_inside_matching_brackets(leaves: list[Leaf]) -> set[int]:
    start = next((i for i, leaf in enumerate(leaves) if leaf.type in OPENING), None)
    if start is None:
        return set()
    ids: set[int] = set()
    stack: list[tuple[str, list[int]]] = []
    for leaf in leaves[start:]:
        if leaf.type in OPENING:
            stack.append((OPENING[leaf.type], [id(leaf)]))
        elif leaf.type in CLOSING:
            if stack and leaf.type == stack[-1][0]:
                _, level = stack.pop()
                level.append(id(leaf))
                ids.update(level)
            else:
                break
        elif stack:
            stack[-1][1].append(id(leaf))
    return ids
