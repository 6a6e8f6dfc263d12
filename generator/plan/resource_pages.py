"""Plan the resource pages: one per resource of the client (and one for the client's own methods),
with a methods table and, per method, its Python signature, HTTP request, parameter and body
tables, a runnable example, the responses with example bodies, and the errors it raises."""

from __future__ import annotations

import json
from http import HTTPStatus
from dataclasses import dataclass

from .. import ir
from ..escape import md_cell, md_cell_code, md_code, md_heading
from .call import example_call, signature
from .common import OutputFile
from .links import Prose
from .mdtypes import Link, md_type, model_link, show_json, type_notes
from .model_pages import Row, groups_note, row, section
from .samples import MISSING, Sampler
from .site import MethodSite, ResourceSite, Site

_WHERE = (("path", "Path parameters"), ("query", "Query parameters"), ("header", "Header parameters"),
          ("cookie", "Cookie parameters"))
_ERRORS = {"400": "BadRequestError", "401": "AuthenticationError", "403": "PermissionDeniedError",
           "404": "NotFoundError", "409": "ConflictError", "422": "UnprocessableEntityError", "429": "RateLimitError"}


@dataclass(frozen=True, slots=True)
class ParamTable:
    title: str
    rows: tuple[tuple[str, str, str, str, str], ...]
    """Name, type, required, default, description."""


@dataclass(frozen=True, slots=True)
class BodyView:
    summary: str
    rows: tuple[Row, ...]
    groups: str


@dataclass(frozen=True, slots=True)
class MethodDoc:
    name: str
    summary: str
    description: str
    deprecated: bool
    signature: str
    http: str
    url: str
    params: tuple[ParamTable, ...]
    body: BodyView | None
    example: str
    returns: str
    responses: tuple[tuple[str, str, str], ...]
    """Status, description, body type."""
    bodies: tuple[tuple[str, str], ...]
    """Status and an example JSON body, for each response that has a JSON body."""
    errors: tuple[tuple[str, str, str], ...]
    """Status, exception class, body type."""


def resource_page(res: ResourceSite, site: Site, api: ir.Api, header: str, base_url: str | None) -> OutputFile:
    prose = Prose(base_url, site.pages, res.page)
    link = model_link(site, res.page)
    methods = tuple(_method(m, site, api, prose, link) for m in res.methods)
    table = [(f"[{md_cell_code(m.method.name)}](#{m.anchor})", md_cell_code(f"{m.operation.method.upper()} {m.operation.path}"),
              _required(m, site),
              prose.cell(_first_line(m.operation.summary or m.operation.description)) or "-") for m in res.methods]
    models = [(md_heading(ref.name), f"[{ref.name}]({link(ref)})", section(site.models.get(ref), prose, link))
              for ref in _expanded(res, site)]
    children = [(md_cell_code(c.accessor), prose.relative(c.page)) for c in site.resources
                if c.resource is not None and res.resource is not None and c.resource in res.resource.children]
    parent = next((c for c in site.resources if c.resource is not None and res.resource in c.resource.children), None)
    return OutputFile(f"docs/{res.page}", "docs/resource.md.j2", {
        "header": header, "title": md_heading(res.accessor), "accessor": md_code(res.accessor),
        "classes": _classes(res), "parent": (md_code(parent.accessor), prose.relative(parent.page)) if parent else None,
        "children": children, "table": table, "methods": methods, "models": models, "package": api.package,
    }, "markdown")


def _expanded(res: ResourceSite, site: Site) -> list[ir.ModelRef]:
    """The models the methods return, expanded on the page as the SDK reference expands them."""
    return [ir.ModelRef(name, module) for (module, name) in res.model_anchors]


def _required(m: MethodSite, site: Site) -> str:
    """The required arguments, and the body's groups of which one must be given (`file_ids` or `files`)."""
    names = [md_cell_code(a.name) for a in m.method.arguments if a.required]
    body = m.operation.body
    model = site.models.get(body.type) if body is not None and isinstance(body.type, ir.ModelRef) else None
    if isinstance(model, ir.ObjectModel) and model.required_groups:
        by_alias = {a.alias: a.name for a in m.method.arguments if a.where in ("body", "file")}
        groups = [" + ".join(md_cell_code(by_alias.get(n, n)) for n in g) for g in model.required_groups]
        names.append(" or ".join(groups))
    return ", ".join(names) or "-"


def _classes(res: ResourceSite) -> str:
    if res.resource is None:
        return f"{md_code('Client')} / {md_code('AsyncClient')}"
    name = res.resource.class_name
    return f"{md_code(name)} / {md_code('Async' + name)}"


def _method(m: MethodSite, site: Site, api: ir.Api, prose: Prose, link: Link) -> MethodDoc:
    op, method = m.operation, m.method
    sampler = Sampler(site.models)
    server = api.servers[0].rstrip("/") if api.servers else ""
    description = op.description if op.description and op.description != op.summary else ""
    return MethodDoc(
        name=md_heading(method.name), summary=prose.text(op.summary or ""), description=prose.text(description),
        deprecated=op.deprecated, signature=signature(m.accessor, method), http=md_code(f"{op.method.upper()} {op.path}"),
        url=md_code(f"{op.method.upper()} {server}{op.path}") if server else "",
        params=_params(op, prose, link), body=_body(op, site, prose, link),
        example=example_call(m.accessor, method, op.body.type if op.body else None, site.models, api.package), returns=_returns(method, link),
        responses=tuple((_status(r.status), prose.cell(r.description or "") or "-",
                         md_type(r.type, link) if r.type is not None else "-") for r in op.responses),
        bodies=tuple((r.status, json.dumps(sampler.value(r.type, r.example if r.has_example else MISSING), indent=2,
                                           ensure_ascii=False))
                     for r in op.responses if r.type is not None and r.media_type and "json" in r.media_type),
        errors=_errors(op, link),
    )


def _params(op: ir.Operation, prose: Prose, link: Link) -> tuple[ParamTable, ...]:
    tables = []
    for where, title in _WHERE:
        rows = []
        for p in (p for p in op.parameters if p.where == where):
            name = md_cell_code(p.alias) + ("" if p.name == p.alias else f" (Python {md_cell_code(p.name)})")
            notes = [prose.cell(p.description)] if p.description else []
            notes += type_notes(p.type) + (["**Deprecated.**"] if p.deprecated else [])
            if p.has_example:
                notes.append(f"**Example:** {md_cell_code(show_json(p.example))}")
            default = md_cell_code(show_json(p.default)) if p.has_default else "-"
            rows.append((name, md_type(p.type, link), "Yes" if p.required else "No", default, "<br>".join(notes) or "-"))
        if rows:
            tables.append(ParamTable(title, tuple(rows)))
    return tuple(tables)


def _body(op: ir.Operation, site: Site, prose: Prose, link: Link) -> BodyView | None:
    if op.body is None:
        return None
    body = op.body
    summary = f"{md_code(body.media_type)}, {md_type(body.type, link)}" + (", required" if body.required else ", optional")
    if body.description:
        summary += f": {prose.text(' '.join(body.description.split()))}"
    model = site.models.get(body.type) if isinstance(body.type, ir.ModelRef) else None
    rows = tuple(row(f, prose, link) for f in model.fields if not f.read_only) if isinstance(model, ir.ObjectModel) else ()
    return BodyView(summary, rows, groups_note(model) if isinstance(model, ir.ObjectModel) else "")


def _returns(method: ir.Method, link: Link) -> str:
    if method.returns_kind == "page" and method.pagination is not None:
        p = method.pagination
        return (f"a page of {md_type(p.item_type, link)} (`SyncPage`; `AsyncPaginator` on the async client): "
                f"`page.data` holds this page's items; iterating the page fetches every page ({md_code(p.style)} pagination)")
    if method.returns_kind == "none" or method.returns is None:
        return "`None`"
    if method.returns_kind == "binary":
        return "`BinaryResponse` (the raw body: `.content`, `.iter_bytes()`, `.write_to_file()`)"
    shown = md_type(method.returns, link)
    if method.returns_kind == "stream":
        return f"a `Stream` of {shown} events"
    if method.stream_type is not None:
        return f"{shown}; with `stream=True`, a `Stream` of {md_type(method.stream_type, link)} events"
    return shown


def _errors(op: ir.Operation, link: Link) -> tuple[tuple[str, str, str], ...]:
    out = []
    for r in op.responses:
        if r.status.startswith(("1", "2", "3")):
            continue
        cls = _ERRORS.get(r.status) or ("InternalServerError" if r.status.startswith("5") else "APIStatusError")
        out.append((md_cell_code(r.status), md_cell_code(cls), md_type(r.type, link) if r.type is not None else "-"))
    return tuple(out)


def _status(status: str) -> str:
    """`200 OK`, as the status line says it; ranges and `default` as they are."""
    try:
        phrase = HTTPStatus(int(status)).phrase
    except ValueError:
        return md_cell_code(status)
    return f"{md_cell_code(status)} {md_cell(phrase)}"


def _first_line(text: str | None) -> str:
    return " ".join((text or "").strip().split("\n\n")[0].split())
