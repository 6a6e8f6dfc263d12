"""Plan the Markdown reference: one page per component schema, inline models as sections."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .. import ir
from ..escape import md_cell, md_cell_code, md_heading, md_text
from ..pytypes import py_literal
from .common import OutputFile, md_header
from .examples import Example
from .index import ModelIndex


@dataclass(frozen=True, slots=True)
class Row:
    field: str
    type: str
    required: str
    description: str


@dataclass(frozen=True, slots=True)
class Section:
    name: str
    description: str
    type: str
    """The aliased type, for aliases; empty for classes."""
    rows: tuple[Row, ...]


def plan_docs(api: ir.Api) -> list[OutputFile]:
    index = ModelIndex.of(api)
    header = md_header(api.spec_name)
    files = []
    entries = []
    for mod in api.schemas:
        primary = mod.primary
        example = Example(index, api.package)
        code = example.code(ir.ModelRef(primary.name, mod.module), mod.example, given=mod.has_example)
        sections = [_section(m, mod.module, index) for m in (mod.primary, *reversed(mod.inline))]
        files.append(OutputFile(f"docs/models/{primary.name}.md", "docs/model.md.j2", {
            "header": header, "title": md_heading(primary.name), "main": sections[0],
            "inline": sections[1:], "example": code, "package": api.package,
        }, "markdown"))
        entries.append((md_heading(primary.name), f"models/{primary.name}.md", md_cell(_summary(primary.description))))
    files.append(OutputFile("docs/index.md", "docs/index.md.j2", {
        "header": header, "title": md_heading(api.title), "version": md_cell_code(api.version) if api.version else "",
        "description": md_text(api.description or ""), "models": entries,
    }, "markdown"))
    return files


def _section(model: ir.Model, module: str, index: ModelIndex) -> Section:
    description = md_text(model.description or "")
    if isinstance(model, ir.AliasModel):
        notes = constraint_notes(model.type)
        shown = md_type(model.type, module, index) + ("".join(f"<br>{n}" for n in notes))
        return Section(md_heading(model.name), description, shown, ())
    rows = tuple(_row(f, module, index) for f in model.fields)
    return Section(md_heading(model.name), description, "", rows)


def _row(f: ir.Field, module: str, index: ModelIndex) -> Row:
    name = md_cell_code(f.name) + ("" if f.alias == f.name else f" (JSON {md_cell_code(f.alias)})")
    notes = [md_cell(f.description)] if f.description else []
    notes.extend(_notes(f))
    return Row(name, md_type(f.type, module, index), "Yes" if f.required else "No", "<br>".join(notes) or "-")


def _notes(f: ir.Field) -> list[str]:
    notes = []
    literal = f.type if isinstance(f.type, ir.LiteralOf) else None
    if literal is not None and len(literal.values) == 1:
        notes.append(f"**Value:** {md_cell_code(_json(literal.values[0]))}")
    elif literal is not None:
        notes.append("**Allowed values:** " + ", ".join(md_cell_code(_json(v)) for v in literal.values))
    fmt = f.type.format if isinstance(f.type, ir.Primitive) else None
    if fmt:
        notes.append(f"**Format:** {md_cell_code(fmt)}")
    notes.extend(constraint_notes(f.type))
    if f.has_default:
        notes.append(f"**Default:** {md_cell_code(_json(f.default))}")
    for flag, label in ((f.deprecated, "Deprecated."), (f.read_only, "Read-only."), (f.write_only, "Write-only.")):
        if flag:
            notes.append(f"**{label}**")
    return notes


def constraint_notes(t: ir.TypeRef, label: str = "") -> list[str]:
    """Constraints of a type and of its keys, values and items, one note each."""
    own = getattr(t, "constraints", None)
    notes = []
    if own:
        args = ", ".join(md_cell_code(f"{k}={py_literal(v)}") for k, v in own.items)
        notes.append(f"**Constraints{label}:** {args}")
    match t:
        case ir.MapOf(key=key, value=value):
            notes += constraint_notes(key, " (keys)") + constraint_notes(value, " (values)")
        case ir.ArrayOf(item=item):
            notes += constraint_notes(item, " (items)")
        case ir.UnionOf(members=members):
            for m in members:
                notes += constraint_notes(m, label)
    return notes


def md_type(t: ir.TypeRef, module: str, index: ModelIndex) -> str:
    """A type as Markdown for a table cell, with links to the pages of the models it names."""
    match t:
        case ir.Primitive(kind=kind):
            return md_cell_code(kind)
        case ir.AnyType():
            return md_cell_code("Any")
        case ir.NullType():
            return md_cell_code("None")
        case ir.LiteralOf(values=values):
            return " \\| ".join(md_cell_code(_json(v)) for v in values)
        case ir.ArrayOf(item=item):
            return f"list\\[{md_type(item, module, index)}\\]"
        case ir.MapOf(key=key, value=value):
            return f"dict\\[{md_type(key, module, index)}, {md_type(value, module, index)}\\]"
        case ir.ModelRef(name=name, module=target):
            return f"[{name}]({_link(t, module, index)})"
        case ir.UnionOf(members=members):
            return " \\| ".join(md_type(m, module, index) for m in members)
    raise TypeError(f"not a TypeRef: {t!r}")


def _link(ref: ir.ModelRef, module: str, index: ModelIndex) -> str:
    page = index.primary[ref.module]
    if index.is_primary(ref):
        return f"{page}.md"
    anchor = ref.name.lower()
    return f"#{anchor}" if ref.module == module else f"{page}.md#{anchor}"


def _json(value: object) -> str:
    """A value as the docs show it: strings as they are, unless they hold control characters."""
    if isinstance(value, str) and value.isprintable():
        return value
    return json.dumps(value, ensure_ascii=False)


def _summary(description: str | None) -> str:
    if not description:
        return ""
    first = description.strip().split("\n\n")[0]
    return " ".join(first.split())
