"""Parse one logical line of generated Python into a tree shaped as blib2to3 shapes it.

Black decides splits from a leaf's parent node (a comma in a call's `arglist` counts twice, a
`|` in an `expr` is a delimiter, a `]` closing a subscript `trailer` is not a magic trailing
comma when it closes one element, ...), so the parser builds the same node types blib2to3 does,
collapsing one-child nodes as it does. It only knows the grammar specloom's templates produce;
anything else raises `Unsupported`, and the caller lets black format the file.
"""

from __future__ import annotations

from collections.abc import Callable

from .tree import CLOSING, COMPARATORS, LN, OPENING, Leaf, Node, Unsupported

_KEYWORDS = frozenset({"if", "else", "elif", "and", "or", "not", "is", "in", "lambda", "for", "return", "def", "class",
                       "import", "from", "as", "raise", "pass", "while", "with", "del", "assert", "yield", "await",
                       "async", "global", "nonlocal", "try", "except", "finally", "break", "continue"})


def _node(type: str, children: list[LN]) -> LN:
    """blib2to3 keeps no node of one child: the child stands in its place."""
    return children[0] if len(children) == 1 else Node(type, children)


_END = object()
# What can follow a whole expression: when it follows the first operand, there is no operator.
_AFTER_EXPRESSION = frozenset({",", ")", "]", "}", ":", "=", "->", _END})


class Parser:
    """Recursive descent over the grammar subset, building blib2to3's node types."""

    def __init__(self, leaves: list[Leaf]) -> None:
        self.leaves, self.i, self.n = leaves, 0, len(leaves)
        # What `at` compares: an operator or a name; strings and numbers never match.
        self.keys: list[object] = [None if leaf.type in ("STRING", "NUMBER") else leaf.value for leaf in leaves]
        self.keys.append(_END)

    def peek(self, ahead: int = 0) -> Leaf | None:
        j = self.i + ahead
        return self.leaves[j] if j < self.n else None

    def at(self, *values: str) -> bool:
        return self.keys[self.i] in values

    def take(self) -> Leaf:
        if self.i >= self.n:
            raise Unsupported("unexpected end of line")
        self.i += 1
        return self.leaves[self.i - 1]

    def expect(self, value: str) -> Leaf:
        if self.keys[self.i] != value:
            raise Unsupported(f"expected {value!r} at {self.peek()!r}")
        return self.take()

    def done(self) -> bool:
        return self.i >= self.n

    # ---- expressions -------------------------------------------------------------------------

    def test(self) -> LN:
        key = self.keys[self.i]
        if key == "lambda":
            raise Unsupported("lambda")
        first = None
        if key not in ("not", "-", "+", "~"):
            first = self.power()
            if self.keys[self.i] in _AFTER_EXPRESSION:
                return first  # most operands: no operator after them
        cond = self.or_test(first)
        if not self.at("if"):
            return cond
        if_ = self.take()
        test = self.or_test()
        else_ = self.expect("else")
        return Node("test", [cond, if_, test, else_, self.test()])

    # Each level takes the first operand when it is already parsed (see `test`).

    def or_test(self, first: LN | None = None) -> LN:
        return self._chain("or_test", ("or",), self.and_test, first)

    def and_test(self, first: LN | None = None) -> LN:
        return self._chain("and_test", ("and",), self.not_test, first)

    def not_test(self, first: LN | None = None) -> LN:
        if first is None and self.at("not"):
            return Node("not_test", [self.take(), self.not_test()])
        return self.comparison(first)

    def comparison(self, first: LN | None = None) -> LN:
        children = [self.expr(first)]
        while True:
            after = self.keys[self.i + 1] if self.i < self.n else None
            if self.at("is") and after == "not":
                children.append(Node("comp_op", [self.take(), self.take()]))
            elif self.at("not") and after == "in":
                children.append(Node("comp_op", [self.take(), self.take()]))
            elif self.at("is", "in", *COMPARATORS):
                children.append(self.take())
            else:
                break
            children.append(self.expr())
        return _node("comparison", children)

    def expr(self, first: LN | None = None) -> LN:
        if self.at("+", "*", "/", "%", "&", "^", "@"):
            raise Unsupported("arithmetic")
        return self._chain("expr", ("|",), self.factor, first)

    def _chain(self, type: str, ops: tuple[str, ...], operand: Callable[..., LN], first: LN | None) -> LN:
        children = [operand(first)]
        while self.keys[self.i] in ops:
            children += [self.take(), operand()]
        return _node(type, children)

    def factor(self, first: LN | None = None) -> LN:
        if first is not None:
            return first
        if self.at("-", "+", "~"):
            return Node("factor", [self.take(), self.factor()])
        return self.power()

    def power(self) -> LN:
        children: list[LN] = [self.take()] if self.i < self.n and self.leaves[self.i].type == "AWAIT" else []
        children.append(self.atom())
        while self.at("(", "[", "."):
            children.append(self.trailer())
        if self.at("**", "+", "-", "*", "/", "%", "&", "^", "@", ":="):
            raise Unsupported("arithmetic")
        return _node("power", children)

    def atom(self) -> LN:
        tok = self.peek()
        if tok is None:
            raise Unsupported("missing operand")
        if tok.type == "STRING":
            strings: list[LN] = []
            while self.i < self.n and self.leaves[self.i].type == "STRING":
                strings.append(self.take())
            return _node("atom", strings)
        if tok.type == "NUMBER" or (tok.type == "NAME" and tok.value not in _KEYWORDS):
            return self.take()
        if self.at("."):
            return Node("atom", [self.expect("."), self.expect("."), self.expect(".")])
        if self.at("("):
            return self._display("(", "testlist_gexp", self.test)
        if self.at("["):
            return self._display("[", "listmaker", self.test)
        if self.at("{"):
            return self._display("{", "dictsetmaker", self._dict_item)
        raise Unsupported(f"unexpected {tok!r}")

    def _display(self, opening: str, list_type: str, item: object) -> Node:
        open_ = self.expect(opening)
        if self.at(OPENING[opening]):
            return Node("atom", [open_, self.take()])
        inner = self._list(list_type, item)
        return Node("atom", [open_, inner, self.expect(OPENING[opening])])

    def _list(self, type: str, item: object) -> LN:
        """Items separated by commas, an optional trailing one; items that are lists themselves
        (a dict's `key: value`, a keyword argument) are flattened as blib2to3 flattens them."""
        children: list[LN] = []
        while True:
            got = item()  # type: ignore[operator]
            children.extend(got if isinstance(got, list) else [got])
            if not self.at(","):
                break
            children.append(self.take())
            if self.at(*CLOSING) or self.done():
                break
        if self.at("for", "async"):
            raise Unsupported("comprehension")
        return _node(type, children)

    def _dict_item(self) -> list[LN]:
        if self.at("**"):
            return [self.take(), self.expr()]
        key = self.test()
        return [key, self.expect(":"), self.test()]

    def trailer(self) -> Node:
        if self.at("."):
            dot = self.take()
            name = self.take()
            if name.type != "NAME":
                raise Unsupported("attribute")
            return Node("trailer", [dot, name])
        if self.at("["):
            open_ = self.take()
            inner = self._list("subscriptlist", self._subscript)
            return Node("trailer", [open_, inner, self.expect("]")])
        open_ = self.expect("(")
        if self.at(")"):
            return Node("trailer", [open_, self.take()])
        inner = self._list("arglist", self.argument)
        return Node("trailer", [open_, inner, self.expect(")")])

    def _subscript(self) -> LN:
        value = self.test()
        if self.at(":"):
            raise Unsupported("slice")
        return value

    def argument(self) -> LN:
        if self.at("*", "**"):
            return Node("argument", [self.take(), self.test()])
        value = self.test()
        if self.at("="):
            return Node("argument", [value, self.take(), self.test()])
        return value

    # ---- statements --------------------------------------------------------------------------

    def statement(self) -> LN:
        tok = self.peek()
        if tok is None:
            raise Unsupported("empty line")
        if tok.type == "ASYNC":
            return Node("async_funcdef", [self.take(), self.funcdef()])
        handlers = {"def": self.funcdef, "class": self.classdef, "return": self.return_stmt,
                    "raise": self.raise_stmt, "from": self.import_from, "if": self.if_stmt, "elif": self.if_stmt,
                    "while": self.if_stmt, "else": self.else_clause, "pass": self.take}
        if tok.type == "NAME" and tok.value in handlers:
            return handlers[tok.value]()
        if tok.type == "NAME" and tok.value in _KEYWORDS:
            raise Unsupported(f"statement {tok.value!r}")
        return self.expr_stmt()

    def funcdef(self) -> Node:
        children: list[LN] = [self.expect("def"), self.take(), self.parameters()]
        if self.at("->"):
            children += [self.take(), self.test()]
        children.append(self.expect(":"))
        if self.at("."):
            children.append(Node("simple_stmt", [self.atom()]))  # a stub body: `: ...`
        return Node("funcdef", children)

    def parameters(self) -> Node:
        open_ = self.expect("(")
        if self.at(")"):
            return Node("parameters", [open_, self.take()])
        inner = self._list("typedargslist", self._parameter)
        return Node("parameters", [open_, inner, self.expect(")")])

    def _parameter(self) -> list[LN]:
        if self.at("*", "**"):
            star = self.take()
            return [star] if self.at(",", ")") else [star, self._tname()]
        tname = self._tname()
        return [tname, self.take(), self.test()] if self.at("=") else [tname]

    def _tname(self) -> LN:
        name = self.take()
        if name.type != "NAME":
            raise Unsupported("parameter")
        return Node("tname", [name, self.take(), self.test()]) if self.at(":") else name

    def classdef(self) -> Node:
        children: list[LN] = [self.expect("class"), self.take()]
        if self.at("("):
            open_ = self.take()
            children += [open_, self._list("arglist", self.argument), self.expect(")")]
        return Node("classdef", [*children, self.expect(":")])

    def return_stmt(self) -> LN:
        ret = self.expect("return")
        return ret if self.done() else Node("return_stmt", [ret, self.testlist()])

    def raise_stmt(self) -> Node:
        return Node("raise_stmt", [self.expect("raise"), self.test()])

    def if_stmt(self) -> Node:
        return Node("if_stmt", [self.take(), self.test(), self.expect(":")])

    def else_clause(self) -> Node:
        return Node("if_stmt", [self.expect("else"), self.expect(":")])

    def import_from(self) -> Node:
        children: list[LN] = [self.expect("from")]
        while self.at("."):
            children.append(self.take())
        if not self.at("import"):
            children.append(self._dotted_name())
        children.append(self.expect("import"))
        if self.at("("):
            children += [self.take(), self._list("import_as_names", self._import_as_name), self.expect(")")]
        else:
            children.append(self._list("import_as_names", self._import_as_name))
        return Node("import_from", children)

    def _dotted_name(self) -> LN:
        children: list[LN] = [self.take()]
        while self.at("."):
            children += [self.take(), self.take()]
        return _node("dotted_name", children)

    def _import_as_name(self) -> LN:
        name = self.take()
        if self.at("as"):
            return Node("import_as_name", [name, self.take(), self.take()])
        return name

    def expr_stmt(self) -> LN:
        target = self.testlist()
        if self.at(":"):
            children: list[LN] = [self.take(), self.test()]
            if self.at("="):
                children += [self.take(), self.testlist()]
            return Node("expr_stmt", [target, Node("annassign", children)])
        if not self.at("="):
            return target
        children = [target]
        while self.at("="):
            children += [self.take(), self.testlist()]
        return Node("expr_stmt", children)

    def testlist(self) -> LN:
        value = self.test()
        if self.at(","):
            raise Unsupported("bare tuple")
        return value


def parse(leaves: list[Leaf]) -> LN:
    """The statement on one logical line (a block opener without its body)."""
    parser = Parser(leaves)
    statement = parser.statement()
    if not parser.done():
        raise Unsupported(f"trailing {parser.peek()!r}")
    Node("file_input", [statement])  # a parent for the statement, as black's leaves have
    return statement
