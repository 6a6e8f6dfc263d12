"""Look-ups over a frozen `Api` that planning needs: models by (module, name), and the type graph."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .. import ir


@dataclass(frozen=True, slots=True)
class ModelIndex:
    models: dict[tuple[str, str], ir.Model]
    primary: dict[str, str]
    """module → the name of its component's model (the page it is documented on)."""

    @classmethod
    def of(cls, api: ir.Api) -> ModelIndex:
        models: dict[tuple[str, str], ir.Model] = {}
        for mod in api.schemas:
            for model in (mod.primary, *mod.inline):
                models[(mod.module, model.name)] = model
        return cls(models, {mod.module: mod.primary.name for mod in api.schemas})

    def get(self, ref: ir.ModelRef) -> ir.Model:
        return self.models[(ref.module, ref.name)]

    def is_primary(self, ref: ir.ModelRef) -> bool:
        return self.primary.get(ref.module) == ref.name


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
    out: set[str] = set()
    for model in (mod.primary, *mod.inline):
        for t in model_types(model):
            out.update(r.module for r in walk(t) if isinstance(r, ir.ModelRef) and r.module != mod.module)
    return out


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm without recursion (real specs have ref chains deeper than the stack)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                out.append(sorted(component))
    return out
