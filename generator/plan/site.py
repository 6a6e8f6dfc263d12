"""The map of the docs site, computed once before any page: where each model and method lives (page
and anchor), which operations use each model, and which models refer to it.

Anchors are the ids MkDocs (Python-Markdown's `toc`) gives headings, computed here with the same
rule, so a link never guesses: two headings that slug alike (`Fields` the section and `Fields`
an inline model) get `fields` and `fields_1`, exactly as the built page has them.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from .. import ir
from ..escape import md_cell_code
from .index import ModelIndex

MODEL_SECTIONS = ("Example Usage", "Type", "Fields", "Variants", "Used by", "Referenced by")


@functools.lru_cache(maxsize=8192)  # every model page has the same section titles
def slugify(text: str) -> str:
    """Python-Markdown's `toc` slug: ASCII, word characters and hyphens, lower case."""
    value = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(r"[-\s]+", "-", value)


@dataclass
class Anchors:
    """The ids of one page's headings, allocated in page order as `toc` allocates them."""

    taken: set[str] = field(default_factory=set)

    def add(self, heading: str) -> str:
        candidate = slugify(heading)
        while candidate in self.taken or not candidate:  # toc's `unique`: `x`, `x_1`; `x_1` then `x_2`
            counted = re.match(r"^(.*)_([0-9]+)$", candidate)
            candidate = f"{counted.group(1)}_{int(counted.group(2)) + 1}" if counted else f"{candidate}_1"
        self.taken.add(candidate)
        return candidate


@dataclass(frozen=True, slots=True)
class MethodSite:
    method: ir.Method
    operation: ir.Operation
    accessor: str
    """How Python reaches it: `client.vector_stores.file_batches.create`."""
    page: str
    anchor: str


@dataclass(frozen=True, slots=True)
class ResourceSite:
    resource: ir.Resource | None
    """None for the client's own methods."""
    accessor: str
    page: str
    methods: tuple[MethodSite, ...]
    section_anchors: dict[str, str]
    model_anchors: dict[tuple[str, str], str]
    """Anchors of the models the page expands (those its methods return)."""


@dataclass(frozen=True, slots=True)
class Use:
    site: MethodSite
    role: str
    """`request body`, `response 200`, `query parameter `limit``, …: Markdown for a table cell."""


@dataclass(frozen=True, slots=True)
class Site:
    models: ModelIndex
    anchors: dict[tuple[str, str], str]
    """(module, model) → its anchor on its module's page ('' for the page's own model)."""
    section_anchors: dict[str, dict[str, str]]
    """module → fixed section title → its anchor on that page."""
    resources: tuple[ResourceSite, ...]
    used_by: dict[tuple[str, str], tuple[Use, ...]]
    referenced_by: dict[tuple[str, str], tuple[ir.ModelRef, ...]]
    pages: dict[str, str]
    """Component schema key → its page (`models/Batch.md`)."""
    homes: dict[str, str]
    """Module → the page that documents its models: a model page, or for an operation's inline
    models the resource page of that operation."""

    def model_page(self, ref: ir.ModelRef) -> str:
        return self.homes[ref.module]


def map_site(api: ir.Api) -> Site:
    index = ModelIndex.of(api)
    resources = tuple(_resource_sites(api, index))
    used_by = _used_by(resources)
    referenced_by = _referenced_by(api)
    anchors: dict[tuple[str, str], str] = {}
    sections: dict[str, dict[str, str]] = {}
    for mod in api.schemas:
        page = Anchors()
        page.add(mod.primary.name)
        key = (mod.module, mod.primary.name)
        present = _model_sections(mod.primary, used_by.get(key, ()), referenced_by.get(key, ()))
        sections[mod.module] = {title: page.add(title) for title in MODEL_SECTIONS if title in present}
        anchors[key] = ""
        for model in reversed(mod.inline):
            anchors[(mod.module, model.name)] = page.add(model.name)
    homes = {mod.module: f"models/{mod.primary.name}.md" for mod in api.schemas}
    for res in resources:
        own = {m.operation.module for m in res.methods if m.operation.module}
        homes.update(dict.fromkeys(own, res.page))
        anchors.update({key: anchor for key, anchor in res.model_anchors.items() if key[0] in own})
    pages = {mod.component: homes[mod.module] for mod in api.schemas}
    return Site(index, anchors, sections, resources, used_by, referenced_by, pages, homes)


def _model_sections(model: ir.Model, uses: tuple[Use, ...], refs: tuple[ir.ModelRef, ...]) -> set[str]:
    present = {"Example Usage"}
    if isinstance(model, ir.AliasModel):
        present.add("Type")
        if variants(model.type):
            present.add("Variants")
    elif model.fields:
        present.add("Fields")
    if uses:
        present.add("Used by")
    if refs:
        present.add("Referenced by")
    return present


def variants(t: ir.TypeRef) -> tuple[ir.ModelRef, ...]:
    """The model members of a union of models (the variants a page lists)."""
    if not isinstance(t, ir.UnionOf):
        return ()
    return tuple(m for m in t.members if isinstance(m, ir.ModelRef))


def walk_resources(resources: tuple[ir.Resource, ...], prefix: str = "client") -> Iterator[tuple[ir.Resource, str]]:
    for r in resources:
        accessor = f"{prefix}.{r.attr}"
        yield r, accessor
        yield from walk_resources(r.children, accessor)


def _resource_sites(api: ir.Api, index: ModelIndex) -> Iterator[ResourceSite]:
    ops = {op.name: op for op in api.operations}
    inline = {m.module: m.models for m in api.operation_modules}
    if api.client_methods:
        yield _resource_site(None, "client", "client.md", api.client_methods, ops, index, inline)
    for resource, accessor in walk_resources(api.resources):
        yield _resource_site(resource, accessor, f"resources/{resource.module}.md", resource.methods, ops, index, inline)


RESOURCE_SECTIONS = ("Methods", "Models")


def _resource_site(resource: ir.Resource | None, accessor: str, page: str, methods: tuple[ir.Method, ...],
                   ops: dict[str, ir.Operation], index: ModelIndex, inline: dict[str, tuple[ir.Model, ...]]) -> ResourceSite:
    anchors = Anchors()
    anchors.add(accessor)
    sections = {"Methods": anchors.add("Methods")}
    sites = tuple(MethodSite(m, ops[m.operation], f"{accessor}.{m.name}", page, anchors.add(m.name)) for m in methods)
    returned = dict.fromkeys(returned_models(methods, index))
    for site in sites:  # an operation's inline models (bodies, responses) are documented here
        module = site.operation.module or ""
        returned.update(dict.fromkeys(ir.ModelRef(m.name, module) for m in inline.get(module, ())))
    model_anchors: dict[tuple[str, str], str] = {}
    if returned:
        sections["Models"] = anchors.add("Models")
        model_anchors = {(r.module, r.name): anchors.add(r.name) for r in returned}
    return ResourceSite(resource, accessor, page, sites, sections, model_anchors)


def returned_models(methods: tuple[ir.Method, ...], index: ModelIndex) -> tuple[ir.ModelRef, ...]:
    """The object models a resource's methods return (page items for list methods), in order."""
    seen: dict[ir.ModelRef, None] = {}
    for m in methods:
        t = m.pagination.item_type if m.returns_kind == "page" and m.pagination else m.returns
        for ref in direct_refs(t):
            if isinstance(index.get(ref), ir.ObjectModel):
                seen[ref] = None
    return tuple(seen)


def direct_refs(t: ir.TypeRef | None) -> Iterator[ir.ModelRef]:
    """The models a type names, through arrays, maps and unions but not into other models."""
    match t:
        case ir.ModelRef():
            yield t
        case ir.ArrayOf(item=inner) | ir.MapOf(value=inner):
            yield from direct_refs(inner)
        case ir.UnionOf(members=members):
            for m in members:
                yield from direct_refs(m)


def _used_by(resources: tuple[ResourceSite, ...]) -> dict[tuple[str, str], tuple[Use, ...]]:
    uses: dict[tuple[str, str], dict[tuple[str, str], Use]] = {}
    for resource in resources:
        for site in resource.methods:
            op = site.operation
            roles = [(p.type, f"{p.where} parameter {md_cell_code(p.alias)}") for p in op.parameters]
            roles += [(op.body.type, "request body")] if op.body else []
            roles += [(r.type, f"response {md_cell_code(r.status)}") for r in op.responses if r.type is not None]
            roles += [(r.stream_type, f"stream events ({md_cell_code(r.status)})") for r in op.responses
                      if r.stream_type is not None]
            for t, role in roles:
                for ref in set(direct_refs(t)):
                    uses.setdefault((ref.module, ref.name), {}).setdefault((site.accessor, role), Use(site, role))
    return {k: tuple(v.values()) for k, v in uses.items()}


def _referenced_by(api: ir.Api) -> dict[tuple[str, str], tuple[ir.ModelRef, ...]]:
    """For each model, the component models whose own types (fields, alias, inline models) name it."""
    found: dict[tuple[str, str], dict[ir.ModelRef, None]] = {}
    for mod in api.schemas:
        owner = ir.ModelRef(mod.primary.name, mod.module)
        for model in (mod.primary, *mod.inline):
            types = [model.type] if isinstance(model, ir.AliasModel) else [f.type for f in model.fields]
            for t in types:
                for ref in direct_refs(t):
                    if ref.module != mod.module:
                        found.setdefault((ref.module, ref.name), {})[owner] = None
    return {k: tuple(v) for k, v in found.items()}
