"""Plan the Python SDK: which files, from which template, with which fully decided context."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import ir
from ..escape import py_docstring, py_str, toml_str
from ..pytypes import Imports, annotation, default_fits, is_nullable, py_literal, single_const
from .common import OutputFile, py_header
from .index import referenced_modules, strongly_connected, walk


@dataclass(frozen=True, slots=True)
class FieldView:
    name: str
    annotation: str
    default: str | None
    docstring: str | None


@dataclass(frozen=True, slots=True)
class ModelView:
    kind: str
    """`class` or `alias`."""
    name: str
    docstring: str | None
    annotation: str
    """The aliased type (aliases) or the type of additional properties (classes), if any."""
    fields: tuple[FieldView, ...]
    needs: frozenset[str] = frozenset()
    """Names of the models its type mentions (aliases must follow the aliases they name)."""


def plan_python(api: ir.Api) -> list[OutputFile]:
    pkg = api.package
    header = py_header(api.spec_name)
    files = [
        OutputFile("python/pyproject.toml", "python/pyproject.toml.j2", {"api": api, "dist": pkg.replace("_", "-"),
                   "version": _pep440(api.version), "description": toml_str(api.title)}, "toml"),
        OutputFile(f"python/{pkg}/__init__.py", "python/package_init.py.j2", {"header": header, "api": api,
                   "docstring": py_docstring(f"Python SDK for {api.title}.")}, "python"),
        OutputFile(f"python/{pkg}/_base.py", "python/base.py.j2", {"header": header}, "python"),
        OutputFile(f"python/{pkg}/py.typed", "python/py.typed.j2", {}, "text"),
    ]
    exports = []
    homes = _group_cycles(api)
    for group, members in homes.items():
        mods = [m for m in api.schemas if m.module in members]
        files.append(OutputFile(f"python/{pkg}/types/{group}.py", "python/model.py.j2", _module_context(mods, group, header), "python"))
        if len(members) > 1:
            for mod in mods:
                names = [m.name for m in (*mod.inline, mod.primary)]
                files.append(OutputFile(f"python/{pkg}/types/{mod.module}.py", "python/reexport.py.j2",
                                        {"header": header, "home": group, "names": names}, "python"))
    for mod in api.schemas:
        exports.append((mod.primary.name, mod.module))
    files.append(OutputFile(f"python/{pkg}/types/__init__.py", "python/types_init.py.j2",
                            {"header": header, "exports": sorted(exports)}, "python"))
    return files


def _group_cycles(api: ir.Api) -> dict[str, list[str]]:
    """Module file → schema modules it defines. Modules that import each other share one file,
    so every import is at the top and import order can never break a cycle (`a` needs `b`
    needs `a`)."""
    graph = {mod.module: referenced_modules(mod) for mod in api.schemas}
    homes: dict[str, list[str]] = {}
    order = {mod.module: i for i, mod in enumerate(api.schemas)}
    for component in strongly_connected(graph):
        members = sorted(component, key=order.__getitem__)
        home = members[0] if len(members) == 1 else f"_cycle_{members[0]}"
        homes[home] = members
    return dict(sorted(homes.items(), key=lambda kv: order[kv[1][0]]))


def _module_context(mods: list[ir.SchemaModule], home: str, header: str) -> dict[str, object]:
    imports = Imports()
    members = {m.module for m in mods}
    classes: list[ModelView] = []
    aliases: list[ModelView] = []
    for mod in mods:
        for model in (*mod.inline, mod.primary):
            view = _model_view(model, mod.module, imports)
            (classes if view.kind == "class" else aliases).append(view)
    external = sorted((m, n) for m, n in imports.models if m not in members)
    return {
        "header": header,
        "typing": sorted(imports.typing | ({"TypeAlias"} if aliases else set())),
        "pydantic": sorted(imports.pydantic),
        "datetime": imports.datetime,
        "model_imports": external,
        "models": classes + _alias_order(aliases),
        "all": sorted(v.name for v in classes + aliases),
        "home": home,
        "needs_base": bool(classes),
    }


def _alias_order(aliases: list[ModelView]) -> list[ModelView]:
    """Aliases are evaluated at import: each must follow the aliases it names."""
    names = {a.name for a in aliases}
    done: list[ModelView] = []
    placed: set[str] = set()
    pending = list(aliases)
    while pending:
        ready = [a for a in pending if not (a.needs & (names - placed - {a.name}))]
        batch = ready or pending[:1]
        for a in batch:
            done.append(a)
            placed.add(a.name)
            pending.remove(a)
    return done


def _model_view(model: ir.Model, module: str, imports: Imports) -> ModelView:
    doc = py_docstring(model.description) if model.description else None
    if isinstance(model, ir.AliasModel):
        needs = frozenset(r.name for r in walk(model.type) if isinstance(r, ir.ModelRef))
        return ModelView("alias", model.name, doc, annotation(model.type, module, imports), (), needs)
    fields = tuple(_field_view(f, module, imports) for f in model.fields)
    extra = annotation(model.extra, module, imports) if model.extra is not None else ""
    return ModelView("class", model.name, doc, extra, fields)


def _field_view(f: ir.Field, module: str, imports: Imports) -> FieldView:
    ann = annotation(f.type, module, imports)
    default: str | None = None
    if not f.required:
        const = single_const(f.type)
        if const is not None:
            default = py_literal(const)
        elif f.has_default and f.default is not None and default_fits(f.type, f.default):
            default = py_literal(f.default)
        else:
            default = "None"
            if not is_nullable(f.type):
                ann = f"{ann} | None"
    if f.alias != f.name:
        imports.pydantic.add("Field")
        alias = py_str(f.alias)
        default_arg = f"default={default}, " if default is not None else ""
        default = f"Field({default_arg}validation_alias={alias}, serialization_alias={alias})"
    doc = py_docstring(f.description) if f.description else None
    return FieldView(f.name, ann, default, doc)


def _pep440(version: str) -> str:
    return version if re.fullmatch(r"\d+(\.\d+){0,3}", version) else "0.0.0"
