"""Model changes, once per model: component schemas added, removed or renamed, and their fields.

Component schemas are matched by their key in the spec, so a class renamed by the name allocator
shows as a rename, and they are reported under that key (`Conversation-2`, whose class is
`Conversation2`). Inline models are matched by class name within their module.
"""

from __future__ import annotations

from .. import ir
from .changes import Change
from .rules import Scope, default_change, presence_changes, type_changes
from .typediff import Aliases
from .usage import Usage


def model_changes(old: ir.Api, new: ir.Api, usage: Usage, aliases: tuple[Aliases, Aliases]) -> list[Change]:
    before = {s.component: s for s in old.schemas}
    after = {s.component: s for s in new.schemas}
    out: list[Change] = []
    for key in sorted(before.keys() - after.keys()):
        s = before[key]
        scope = Scope("model", key, s.primary.name, usage.of((s.module, s.primary.name)), aliases)
        out.append(scope.change("model-removed", True, s.primary.location, member=s.primary.name,
                                why="code that imports or builds it breaks"))
    for key in sorted(after.keys() - before.keys()):
        s = after[key]
        scope = Scope("model", key, s.primary.name, usage.of((s.module, s.primary.name)), aliases)
        out.append(scope.change("model-added", False, s.primary.location, member=s.primary.name))
    for key in sorted(before.keys() & after.keys()):
        out += _schema_changes(key, before[key], after[key], usage, aliases)
    return out


def _schema_changes(key: str, old: ir.SchemaModule, new: ir.SchemaModule, usage: Usage,
                    aliases: tuple[Aliases, Aliases]) -> list[Change]:
    scope = Scope("model", key, new.primary.name, usage.of((new.module, new.primary.name)), aliases)
    out: list[Change] = []
    if old.primary.name != new.primary.name:
        out.append(scope.change("model-renamed", True, new.primary.location, old=old.primary.name,
                                new=new.primary.name, why="code that imports it by its old name breaks"))
    out += model_diff(scope, old.primary, new.primary, prefix="")
    out += module_models(scope, old.module, new.module, old.inline, new.inline, usage)
    return out


def module_models(scope: Scope, old_module: str, new_module: str, old: tuple[ir.Model, ...],
                  new: tuple[ir.Model, ...], usage: Usage) -> list[Change]:
    """Inline models of one component or operation, matched by class name."""
    before = {m.name: m for m in old}
    after = {m.name: m for m in new}
    out: list[Change] = []
    for name in sorted(before.keys() - after.keys()):
        out.append(scope.change("model-removed", True, before[name].location, member=name,
                                why="code that imports or builds it breaks"))
    for name in sorted(after.keys() - before.keys()):
        out.append(scope.change("model-added", False, after[name].location, member=name))
    for name in sorted(before.keys() & after.keys()):
        out += model_diff(scope.holding(usage.of((new_module, name))), before[name], after[name], prefix=f"{name}.")
    return out


def model_diff(scope: Scope, old: ir.Model, new: ir.Model, *, prefix: str) -> list[Change]:
    """Two versions of one model; `prefix` names an inline model before its fields."""
    match old, new:
        case ir.ObjectModel(), ir.ObjectModel():
            out = _fields(scope, old.fields, new.fields, prefix)
            if old.extra is not None and new.extra is not None:
                out += type_changes(scope, "additional properties of", prefix.rstrip(".") or new.name, old.extra,
                                    new.extra, new.location)
            return out
        case ir.AliasModel(), ir.AliasModel():
            return type_changes(scope, "alias", prefix.rstrip(".") or new.name, old.type, new.type, new.location)
    kinds = {ir.ObjectModel: "a class", ir.AliasModel: "a type alias"}
    return [scope.change("model-kind-changed", True, new.location, member=new.name, old=kinds[type(old)],
                         new=kinds[type(new)], why="code that builds or reads it breaks")]


def _fields(scope: Scope, old: tuple[ir.Field, ...], new: tuple[ir.Field, ...], prefix: str) -> list[Change]:
    # Matched by JSON name: a Python attribute renamed for the same property is a rename.
    before = {f.alias: f for f in old}
    after = {f.alias: f for f in new}
    out: list[Change] = []
    for alias in sorted(before.keys() | after.keys()):
        a, b = before.get(alias), after.get(alias)
        member = prefix + (b or a).name  # type: ignore[union-attr]
        location = (b or a).location  # type: ignore[union-attr]
        out += presence_changes(scope, "field", member, a, b, location)
        if a is None or b is None:
            continue
        if a.name != b.name:
            out.append(scope.change("field-renamed", True, location, member=prefix + a.name, old=a.name, new=b.name,
                                    why="code that uses the old attribute breaks"))
        out += type_changes(scope, "field", member, a.type, b.type, location)
        out += default_change(scope, "field", member, (a.has_default, a.default), (b.has_default, b.default), location)
        if b.deprecated and not a.deprecated:
            out.append(scope.change("deprecated", False, location, place="field", member=member,
                                    why="it still works; plan to stop using it"))
    return out
