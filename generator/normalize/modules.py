"""Module homes: schemas whose modules would import each other share one module file.

Python cannot import `a` (which imports `b`) while `b` imports `a` before `a` has defined what
`b` needs. Putting each cycle of schemas into one `_cycle_<first>` module makes every import
between module files point one way. Inline model names were allocated per schema; within a
shared file they must also be unique, so they are re-allocated there, in spec order, with the
same rule (first comer keeps the name).
"""

from __future__ import annotations

from dataclasses import replace

from .. import ir
from ..graph import model_types, referenced_modules, strongly_connected, walk
from ..names import NameAllocator
from .schemas import RESERVED_INLINE_NAMES


def assign_homes(mods: list[ir.SchemaModule]) -> list[ir.SchemaModule]:
    graph = {m.module: referenced_modules(m) for m in mods}
    order = {m.module: i for i, m in enumerate(mods)}
    home_of: dict[str, str] = {}
    renames: dict[tuple[str, str], str] = {}
    for component in strongly_connected(graph):
        members = sorted(component, key=order.__getitem__)
        home = members[0] if len(members) == 1 else f"_cycle_{members[0]}"
        home_of.update({m: home for m in members})
        if len(members) > 1:
            renames.update(_shared_names([mods[order[m]] for m in members], graph))
    out = []
    for mod in mods:
        if home_of[mod.module] != mod.home:  # most schemas are at home in their own module already
            mod = replace(mod, home=home_of[mod.module])
        out.append(_rename(mod, renames) if renames else mod)
    return out


def _shared_names(members: list[ir.SchemaModule], graph: dict[str, set[str]]) -> dict[tuple[str, str], str]:
    """New names for inline models that would clash once their schemas share a file."""
    primaries = {m.primary.name for m in members}
    imported = {name for m in members for name in _imported_names(m) if name not in primaries}
    names = NameAllocator([*primaries, *imported, *RESERVED_INLINE_NAMES])
    renames = {}
    for mod in members:
        for model in mod.inline:
            new = names.allocate(model.name)
            if new != model.name:
                renames[(mod.module, model.name)] = new
    return renames


def _imported_names(mod: ir.SchemaModule) -> set[str]:
    return {t.name for model in (mod.primary, *mod.inline) for root in model_types(model) for t in walk(root)
            if isinstance(t, ir.ModelRef) and t.module != mod.module}


def _rename(mod: ir.SchemaModule, renames: dict[tuple[str, str], str]) -> ir.SchemaModule:
    inline = tuple(_rename_model(m, mod.module, renames) for m in mod.inline)
    return replace(mod, primary=_rename_model(mod.primary, mod.module, renames), inline=inline)


def _rename_model(model: ir.Model, module: str, renames: dict[tuple[str, str], str]) -> ir.Model:
    name = renames.get((module, model.name), model.name)
    if isinstance(model, ir.AliasModel):
        return replace(model, name=name, type=retarget(model.type, renames))
    fields = tuple(replace(f, type=retarget(f.type, renames)) for f in model.fields)
    extra = retarget(model.extra, renames) if model.extra is not None else None
    return replace(model, name=name, fields=fields, extra=extra)


def retarget(t: ir.TypeRef, renames: dict[tuple[str, str], str]) -> ir.TypeRef:
    """`t` with every reference to a renamed model pointing at its new name."""
    match t:
        case ir.ModelRef(name=name, module=module):
            return ir.ModelRef(renames.get((module, name), name), module)
        case ir.ArrayOf(item=item):
            return replace(t, item=retarget(item, renames))
        case ir.MapOf(value=value):
            return replace(t, value=retarget(value, renames))
        case ir.UnionOf(members=members):
            return replace(t, members=tuple(retarget(m, renames) for m in members))
    return t
