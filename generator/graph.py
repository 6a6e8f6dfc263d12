"""Graphs over the IR: the types nested in a type, the modules a module needs, and cycles."""

from __future__ import annotations

from collections.abc import Iterator

from . import ir


def walk(t: ir.TypeRef) -> Iterator[ir.TypeRef]:
    """`t` and every type nested in it."""
    stack = [t]
    while stack:
        current = stack.pop()
        yield current
        match current:
            case ir.ArrayOf(item=item):
                stack.append(item)
            case ir.MapOf(value=value):
                stack.append(value)
            case ir.UnionOf(members=members):
                stack.extend(reversed(members))


def model_types(model: ir.Model) -> Iterator[ir.TypeRef]:
    if isinstance(model, ir.ObjectModel):
        for f in model.fields:
            yield f.type
        if model.extra is not None:
            yield model.extra
    else:
        yield model.type


def referenced_modules(mod: ir.SchemaModule) -> set[str]:
    """The other schema modules whose models `mod`'s models name."""
    out: set[str] = set()
    for model in (mod.primary, *mod.inline):
        for t in model_types(model):
            out.update(r.module for r in walk(t) if isinstance(r, ir.ModelRef) and r.module != mod.module)
    return out


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm without recursion (real specs have ref chains deeper than the stack).

    Components come out in dependency order (a component after those it needs), each sorted.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(node: str) -> tuple[str, Iterator[str]]:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        return node, iter(sorted(graph[node] & graph.keys()))

    for start in graph:
        if start in index:
            continue
        work = [visit(start)]
        while work:
            node, children = work[-1]
            child = next((c for c in children if c not in index or c in on_stack), None)
            if child is not None:
                if child in index:
                    low[node] = min(low[node], index[child])
                else:
                    work.append(visit(child))
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                cut = stack.index(node)
                out.append(sorted(stack[cut:]))
                on_stack.difference_update(stack[cut:])
                del stack[cut:]
    return out
