"""Put invisible parentheses where black's LineGenerator puts them, so splits can use them.

A port of the parts of black's `normalize_invisible_parens`, `visit_funcdef`, `visit_tname`
and `visit_test` that the statements specloom generates reach.
"""

from __future__ import annotations

from .tree import LN, Leaf, Node, Unsupported, first_leaf

# The statement kinds black normalizes, and after which leaves it puts the parentheses.
_PARENS_AFTER = {"expr_stmt": {"=", ":"}, "return_stmt": {"return"}, "import_from": {"import"},
                 "if_stmt": {"if", "elif", "while"}, "classdef": set()}


def add_invisible_parens(statement: LN) -> None:
    """Black's invisible parentheses in `statement`, in place (after what its `_PARENS_AFTER`
    names, around unions in parameter annotations, return annotations and conditionals)."""
    if isinstance(statement, Leaf):
        return
    if statement.type in _PARENS_AFTER:
        _normalize(statement, _PARENS_AFTER[statement.type])
    _visit(statement)


def _visit(node: Node) -> None:
    """Pre-order, as black's visitor: each node is changed before its children are visited."""
    if node.type == "funcdef":
        _return_annotation(node)
    elif node.type == "tname" and len(node.children) == 3 and _make_parens_invisible(node.children[2]):
        _wrap(node, node.children[2])
    elif node.type == "test":
        before = node.prev_sibling
        if not (before is not None and before.type == "("):
            _parenthesize_test(node)
    for child in node.children:
        if isinstance(child, Node):
            _visit(child)


def _normalize(node: Node, parens_after: set[str]) -> None:
    check_lpar = False
    for index, child in enumerate(list(node.children)):
        if isinstance(child, Node) and child.type == "annassign":
            _normalize(child, parens_after)
        if check_lpar:
            if child.type == "atom":
                if _make_parens_invisible(child):
                    _wrap(node, child)
            elif node.type == "import_from":
                _normalize_import_from(node, child, index)
                break
            else:
                _wrap(node, child)
        check_lpar = isinstance(child, Leaf) and (child.value in parens_after or child.type == ",")


def _normalize_import_from(parent: Node, child: LN, index: int) -> None:
    if isinstance(child, Leaf) and child.type == "(":
        child.value = ""
        parent.children[-1].value = ""  # type: ignore[union-attr]
    elif child.type != "*":
        lpar, rpar = Leaf("(", "", first_leaf(child).prefix, parent), Leaf(")", "", "", parent)
        _clear_prefix(child)
        parent.children.insert(index, lpar)
        parent.children.append(rpar)


def _return_annotation(node: Node) -> None:
    for i, child in enumerate(node.children):
        if i and node.children[i - 1].type == "->":
            if child.type == "atom" and child.children[0].type == "(":  # type: ignore[union-attr]
                if _make_parens_invisible(child):
                    _wrap(node, child)
            else:
                _wrap(node, child)
            return


def _make_parens_invisible(node: LN) -> bool:
    """black's `maybe_make_parens_invisible_in_atom`: True when `node` should be wrapped."""
    if isinstance(node, Leaf) or node.type not in ("atom", "expr"):
        return False
    first, last = node.children[0], node.children[-1]
    parenthesized = first.type == "(" and last.type == ")"
    if parenthesized and (len(node.children) == 2 or node.children[1].type == "testlist_gexp"):
        return False  # an empty tuple or a tuple: the parentheses are needed
    if parenthesized:
        raise Unsupported("redundant parentheses")
    return True


def _wrap(parent: Node, child: LN) -> None:
    """Replace `child` by an atom of invisible parentheses around it; the prefix moves out."""
    lpar, rpar = Leaf("(", "", first_leaf(child).prefix), Leaf(")", "")
    _clear_prefix(child)
    index = next(i for i, c in enumerate(parent.children) if c is child)
    atom = Node("atom", [lpar, child, rpar])
    parent.children[index] = atom
    atom.parent = parent


def _parenthesize_test(node: Node) -> None:
    """black's `visit_test`: a conditional expression gets invisible parentheses of its own,
    as children of the `test` node itself."""
    lpar, rpar = Leaf("(", "", first_leaf(node).prefix, node), Leaf(")", "", "", node)
    _clear_prefix(node)
    node.children.insert(0, lpar)
    node.children.append(rpar)


def _clear_prefix(node: LN) -> None:
    """What follows an opening bracket, even an invisible one, has no space before it."""
    leaf = first_leaf(node)
    leaf.prefix = leaf.space = ""
