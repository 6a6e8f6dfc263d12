"""Types, notes and values as the docs show them: Markdown for a table cell, with links to the
pages of the models a type names. Shared by model pages and resource pages."""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable

from .. import ir
from ..escape import md_cell_code
from ..pytypes import py_literal
from .links import relative_path
from .site import Site

Link = Callable[[ir.ModelRef], str]
"""Gives the URL of a model's page (and section) from the page being planned."""


def field_notes(f: ir.Field) -> list[str]:
    """The marks of a field beyond its description: values, format, constraints, default, flags."""
    notes = type_notes(f.type)
    if f.has_default:
        notes.append(f"**Default:** {md_cell_code(show_json(f.default))}")
    for flag, label in ((f.deprecated, "Deprecated."), (f.read_only, "Read-only."), (f.write_only, "Write-only.")):
        if flag:
            notes.append(f"**{label}**")
    return notes


def type_notes(t: ir.TypeRef) -> list[str]:
    """Allowed values, format, nullability and constraints of a type."""
    notes = []
    literal = t if isinstance(t, ir.LiteralOf) else None
    if literal is not None and len(literal.values) == 1:
        notes.append(f"**Value:** {md_cell_code(show_json(literal.values[0]))}")
    elif literal is not None:
        notes.append("**Allowed values:** " + ", ".join(md_cell_code(show_json(v)) for v in literal.values))
    fmt = t.format if isinstance(t, ir.Primitive) else None
    if fmt:
        notes.append(f"**Format:** {md_cell_code(fmt)}")
    if isinstance(t, ir.UnionOf) and any(isinstance(m, ir.NullType) for m in t.members):
        notes.append("**Nullable.**")
    notes.extend(constraint_notes(t))
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


def md_type(t: ir.TypeRef, link: Link) -> str:
    """A type as Markdown for a table cell, with links (`link` gives the URL) to the models it names."""
    match t:
        case ir.Primitive(kind=kind):
            return md_cell_code(kind)
        case ir.AnyType():
            return md_cell_code("Any")
        case ir.NullType():
            return md_cell_code("None")
        case ir.LiteralOf(values=values):
            return " \\| ".join(md_cell_code(show_json(v)) for v in values)
        case ir.ArrayOf(item=item):
            return f"list\\[{md_type(item, link)}\\]"
        case ir.MapOf(key=key, value=value):
            return f"dict\\[{md_type(key, link)}, {md_type(value, link)}\\]"
        case ir.ModelRef(name=name):
            return f"[{name}]({link(t)})"
        case ir.UnionOf(members=members):
            return " \\| ".join(md_type(m, link) for m in members)
    raise TypeError(f"not a TypeRef: {t!r}")


def model_link(site: Site, here: str) -> Link:
    """Links from page `here` (relative to the docs folder) to the models' pages and sections."""
    base = posixpath.dirname(here) or "."

    def link(ref: ir.ModelRef) -> str:
        page = site.model_page(ref)
        anchor = site.anchors.get((ref.module, ref.name), "")
        target = "" if page == here else relative_path(page, base)
        return target + (f"#{anchor}" if anchor else "") or posixpath.basename(page)

    return link


def show_json(value: object) -> str:
    """A value as the docs show it: strings as they are, unless they hold control characters."""
    if isinstance(value, str) and value.isprintable() and value.strip() == value and value:
        return value
    return json.dumps(value, ensure_ascii=False)
