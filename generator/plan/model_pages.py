"""Plan the model pages: one per component schema, its inline models as sections, with example
usage, the fields table, a union's variants, and the operations and models that use it."""

from __future__ import annotations

from dataclasses import dataclass

from .. import ir
from ..escape import md_cell_code, md_code, md_heading
from .common import OutputFile
from .examples import Example
from .links import Prose
from .mdtypes import Link, field_notes, md_type, model_link, show_json, type_notes
from .site import Site, variants


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
    groups: str = ""
    """Which properties must be given together, one group or another."""


@dataclass(frozen=True, slots=True)
class Variant:
    type: str
    tag: str
    """The discriminator's value(s) that select it, as inline code."""
    description: str


def model_page(mod: ir.SchemaModule, site: Site, header: str, package: str, base_url: str | None) -> OutputFile:
    here = site.pages[mod.component]
    prose = Prose(base_url, site.pages, here)
    link = model_link(site, here)
    example = Example(site.models, package).code(ir.ModelRef(mod.primary.name, mod.module), mod.example, given=mod.has_example)
    sections = [section(m, prose, link) for m in (mod.primary, *reversed(mod.inline))]
    key = (mod.module, mod.primary.name)
    return OutputFile(f"docs/{here}", "docs/model.md.j2", {
        "header": header, "title": md_heading(mod.primary.name), "main": sections[0], "inline": sections[1:],
        "example": example, "variants": _variants(mod.primary, site, prose, link), "discriminator": _discriminator(mod.primary),
        "used_by": [(md_cell_code(u.site.accessor), prose.relative(u.site.page) + f"#{u.site.anchor}",
                     md_cell_code(f"{u.site.operation.method.upper()} {u.site.operation.path}"), u.role)
                    for u in site.used_by.get(key, ())],
        "referenced_by": [f"[{r.name}]({link(r)})" for r in site.referenced_by.get(key, ())],
    }, "markdown")


def section(model: ir.Model, prose: Prose, link: Link) -> Section:
    description = prose.text(model.description or "")
    if isinstance(model, ir.AliasModel):
        shown = md_type(model.type, link) + "".join(f"<br>{n}" for n in type_notes(model.type))
        return Section(md_heading(model.name), description, shown, ())
    return Section(md_heading(model.name), description, "", tuple(row(f, prose, link) for f in model.fields),
                   groups_note(model))


def groups_note(model: ir.ObjectModel) -> str:
    """`Give `file_ids` or `files` (at least one).` for a model whose properties are required in groups."""
    if not model.required_groups:
        return ""
    groups = [" and ".join(md_code(name) for name in g) for g in model.required_groups]
    rule = "exactly one" if model.groups_exclusive else "at least one"
    return f"Give {' or '.join(groups)} ({rule})."


def row(f: ir.Field, prose: Prose, link: Link) -> Row:
    name = md_cell_code(f.name) + ("" if f.alias == f.name else f" (JSON {md_cell_code(f.alias)})")
    notes = [prose.cell(f.description)] if f.description else []
    notes.extend(field_notes(f))
    if f.has_example:
        notes.append(f"**Example:** {md_cell_code(show_json(f.example))}")
    return Row(name, md_type(f.type, link), "Yes" if f.required else "No", "<br>".join(notes) or "-")


def _discriminator(model: ir.Model) -> str:
    t = model.type if isinstance(model, ir.AliasModel) else None
    return md_cell_code(t.discriminator) if isinstance(t, ir.UnionOf) and t.discriminator else ""


def _variants(model: ir.Model, site: Site, prose: Prose, link: Link) -> list[Variant]:
    if not isinstance(model, ir.AliasModel):
        return []
    union = model.type
    tag = union.discriminator if isinstance(union, ir.UnionOf) else None
    out = []
    for ref in variants(union):
        member = site.models.get(ref)
        values: tuple[object, ...] = ()
        if tag and isinstance(member, ir.ObjectModel):
            found = next((f.type for f in member.fields if f.alias == tag), None)
            values = found.values if isinstance(found, ir.LiteralOf) else ()
        summary = " ".join((member.description or "").split("\n\n")[0].split())
        out.append(Variant(md_type(ref, link), ", ".join(md_cell_code(show_json(v)) for v in values) or "-",
                           prose.cell(summary) or "-"))
    return out
