"""Plan the Python SDK: which files, from which template, with which fully decided context."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from .. import ir
from ..escape import py_docstring, py_str, toml_str
from ..conform import fits
from ..pytypes import Imports, annotation, is_nullable, py_literal, single_const
from .client import client_items
from .common import PlanOptions, OutputFile, py_header, toml_header
from ..graph import walk


@dataclass(frozen=True, slots=True)
class FieldView:
    name: str
    annotation: str
    default: str | None
    docstring: str | None


@dataclass(frozen=True, slots=True)
class ModelView:
    kind: str
    """`class`, `alias`, or `recursive_alias` (a `TypeAliasType`, for mypy a plain alias)."""
    name: str
    docstring: str | None
    annotation: str
    """The aliased type (aliases) or the type of additional properties (classes), if any."""
    fields: tuple[FieldView, ...]
    empty: bool = False
    """A class with no body at all (it needs `pass`)."""
    gap_after_doc: bool = False
    """A class whose docstring has statements after it, which black puts a blank line before."""
    separated: bool = False
    """Two blank lines before it, not one: it is the first, a class, or follows a class (PEP 8)."""


def plan_python(api: ir.Api, options: PlanOptions = PlanOptions()) -> list[OutputFile]:
    return [file for item in python_items(api, options) for file in item()]


def python_items(api: ir.Api, options: PlanOptions = PlanOptions()) -> list[Callable[[], list[OutputFile]]]:
    """The SDK's files in groups, in order, each group planned when it is called: a list made in
    a few milliseconds whose groups processes forked after it can share (see pipeline.py)."""
    pkg = api.package
    header = py_header(api.spec_name)

    def package() -> list[OutputFile]:
        return [
            OutputFile("python/pyproject.toml", "python/pyproject.toml.j2", {
                "header": toml_header(api.spec_name), "dist": toml_str(pkg.replace("_", "-")), "package": toml_str(pkg),
                "version": toml_str(_pep440(api.version)), "description": toml_str(api.title)}, "toml"),
            OutputFile(f"python/{pkg}/__init__.py", "python/package_init.py.j2", {"header": header, "api": api,
                       "docstring": py_docstring(f"Python SDK for {api.title}.")}, "python"),
            OutputFile(f"python/{pkg}/_base.py", "python/base.py.j2", {"header": header}, "python"),
            OutputFile(f"python/{pkg}/py.typed", "python/py.typed.j2", {}, "text"),
        ]

    def home_module(home: str, mods: list[ir.SchemaModule]) -> list[OutputFile]:
        members = [(m.module, (*m.inline, m.primary)) for m in mods]
        files = [OutputFile(f"python/{pkg}/types/{home}.py", "python/model.py.j2", _module_context(members, header), "python")]
        for mod in mods if home != mods[0].module else ():
            names = [m.name for m in (*mod.inline, mod.primary)]
            files.append(OutputFile(f"python/{pkg}/types/{mod.module}.py", "python/reexport.py.j2",
                                    {"header": header, "home": home, "names": names, "all": _quoted(sorted(names))}, "python"))
        return files

    def operation_module(op: ir.OperationModule) -> list[OutputFile]:
        return [OutputFile(f"python/{pkg}/types/{op.module}.py", "python/model.py.j2",
                           _module_context([(op.module, op.models)], header), "python")]

    def types_init() -> list[OutputFile]:
        exports = sorted((mod.primary.name, mod.module) for mod in api.schemas)
        return [OutputFile(f"python/{pkg}/types/__init__.py", "python/types_init.py.j2",
                           {"header": header, "exports": exports}, "python")]

    homes: dict[str, list[ir.SchemaModule]] = {}
    for mod in api.schemas:
        homes.setdefault(mod.home, []).append(mod)
    return [package, *(functools.partial(home_module, home, mods) for home, mods in homes.items()),
            *(functools.partial(operation_module, op) for op in api.operation_modules), *client_items(api), types_init]


def _module_context(members: list[tuple[str, tuple[ir.Model, ...]]], header: str) -> dict[str, object]:
    """One module file defining the models of `members` ((module, models) pairs)."""
    imports = Imports()
    classes = [_class_view(model, module, imports) for module, models in members for model in models
               if isinstance(model, ir.ObjectModel)]
    aliases = [(module, model) for module, models in members for model in models if isinstance(model, ir.AliasModel)]
    ordered, recursive = _alias_order([a for _, a in aliases])
    module_of = {a.name: m for m, a in aliases}
    alias_views = [_alias_view(a, module_of[a.name], imports, recursive) for a in ordered]
    if alias_views:
        imports.typing.add("TypeAlias")
    if recursive:
        imports.typing.add("TYPE_CHECKING")
    own = {module for module, _ in members}
    external = sorted((m, n) for m, n in imports.models if m not in own)
    names = sorted(v.name for v in classes + alias_views)
    views: list[ModelView] = []
    for view in classes + alias_views:
        separated = not views or view.kind == "class" or views[-1].kind == "class"
        views.append(dataclasses.replace(view, separated=separated))
    return {
        "header": header,
        "typing": sorted(imports.typing),
        "pydantic": sorted(imports.pydantic),
        "datetime": imports.datetime,
        "type_alias_type": bool(recursive),
        "model_imports": external,
        "models": views,
        "all": _quoted(names),
        "needs_base": bool(classes),
    }


def _alias_order(aliases: list[ir.AliasModel]) -> tuple[list[ir.AliasModel], frozenset[str]]:
    """Aliases are evaluated at import, so each must follow the aliases it names. Those that
    name themselves, directly or through other aliases, are recursive: they become
    `TypeAliasType`s, whose value may name what is not defined yet."""
    names = {a.name for a in aliases}
    needs = {a.name: {r.name for r in walk(a.type) if isinstance(r, ir.ModelRef)} & names for a in aliases}
    recursive = {a.name for a in aliases if a.name in needs[a.name]}
    placed: list[ir.AliasModel] = []
    pending = list(aliases)
    while pending:
        done = {a.name for a in placed}
        ready = [a for a in pending if not (needs[a.name] - done - {a.name})]
        if not ready:  # a cycle through several aliases
            recursive.update(a.name for a in pending)
            ready = pending
        placed.extend(ready)
        pending = [a for a in pending if a not in ready]
    return placed, frozenset(recursive)


def _class_view(model: ir.ObjectModel, module: str, imports: Imports) -> ModelView:
    fields = tuple(_field_view(f, module, imports) for f in model.fields)
    extra = annotation(model.extra, module, imports) if model.extra is not None else ""
    doc = _doc(model.description)
    body = bool(fields or extra)
    return ModelView("class", model.name, doc, extra, fields, empty=not (body or doc), gap_after_doc=bool(doc and body))


def _alias_view(model: ir.AliasModel, module: str, imports: Imports, recursive: frozenset[str]) -> ModelView:
    if model.name in recursive:
        spelled = annotation(model.type, module, imports, forward=recursive)
        return ModelView("recursive_alias", model.name, _doc(model.description), spelled, ())
    return ModelView("alias", model.name, _doc(model.description), annotation(model.type, module, imports), ())


def _quoted(names: list[str]) -> list[str]:
    return [py_str(n) for n in names]


def _doc(text: str | None) -> str | None:
    return py_docstring(text) if text else None


def _field_view(f: ir.Field, module: str, imports: Imports) -> FieldView:
    ann = annotation(f.type, module, imports)
    default: str | None = None
    if not f.required:
        const = single_const(f.type)
        if const is not None:
            default = py_literal(const)
        elif f.has_default and f.default is not None and fits(f.type, f.default) and _plain(f.type):
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


def _plain(t: ir.TypeRef) -> bool:
    """A type whose JSON values are its Python values (a default can be written as a literal)."""
    return not any(isinstance(x, ir.ModelRef) or (isinstance(x, ir.Primitive) and x.kind in ("datetime", "date", "bytes"))
                   for x in walk(t))


def _pep440(version: str) -> str:
    return version if re.fullmatch(r"\d+(\.\d+){0,3}", version) else "0.0.0"
