"""Plan the Markdown reference as an MkDocs site: model pages, resource pages, the index pages and
`mkdocs.yml` (beside `docs/`, so `mkdocs build --strict` in the output folder builds the site)."""

from __future__ import annotations

import html

from .. import ir
from ..escape import md_cell, md_cell_code, md_code, md_heading, yaml_str
from .client import credentials
from .common import OutputFile, PlanOptions, css_header, md_header, yaml_header
from .links import Prose
from .model_pages import model_page
from .resource_pages import resource_page
from .site import Site, map_site

NAV_MODELS_LIMIT = 60
"""Above this many models the navigation lists only the models index: every page of an MkDocs
site carries the whole navigation, so 1,400 entries would make each page 1,400 links long."""


def plan_docs(api: ir.Api, options: PlanOptions = PlanOptions()) -> list[OutputFile]:
    site = map_site(api)
    header = md_header(api.spec_name)
    base = options.docs_base_url
    files = [model_page(mod, site, header, api.package, base) for mod in api.schemas]
    files += [resource_page(res, site, api, header, base) for res in site.resources]
    # Both index pages list every model, and from the same folder: the rows are the same.
    rows = _model_rows(api, Prose(base, site.pages, "index.md"))
    files.append(_models_index(api, header, rows))
    files.append(_index(api, site, header, base, rows))
    files.append(_mkdocs(api, site))
    files.append(OutputFile("docs/css/specloom.css", "docs/specloom.css.j2", {"header": css_header(api.spec_name)}, "text"))
    return files


def _summary(description: str | None) -> str:
    if not description:
        return ""
    return " ".join(description.strip().split("\n\n")[0].split())


def _model_rows(api: ir.Api, prose: Prose) -> list[tuple[str, str, str]]:
    return [(md_heading(mod.primary.name), prose.relative(f"models/{mod.primary.name}.md"),
             prose.cell(_summary(mod.primary.description))) for mod in api.schemas]


def _models_index(api: ir.Api, header: str, rows: list[tuple[str, str, str]]) -> OutputFile:
    return OutputFile("docs/models.md", "docs/models_index.md.j2", {
        "header": header, "title": md_heading(f"{api.title} models"), "models": rows,
    }, "markdown")


def _index(api: ir.Api, site: Site, header: str, base: str | None, rows: list[tuple[str, str, str]]) -> OutputFile:
    prose = Prose(base, site.pages, "index.md")
    resources = [(md_cell_code(r.accessor), r.page, ", ".join(md_cell_code(m.method.name) for m in r.methods) or "-")
                 for r in site.resources]
    return OutputFile("docs/index.md", "docs/index.md.j2", {
        "header": header, "title": md_heading(api.title), "version": md_code(api.version) if api.version else "",
        "description": prose.text(api.description or ""), "package": md_code(api.package),
        "servers": [md_code(s) for s in api.servers], "credentials": _credential_rows(api), "install": api.package,
        "resources": resources, "models": rows,
    }, "markdown")


def _credential_rows(api: ir.Api) -> list[tuple[str, str, str]]:
    """Argument, environment variable and scheme of each credential (basic auth gives two)."""
    kinds = []
    for s in api.security:
        shown = f"{md_cell(s.name)}: {md_cell_code(s.kind)}" + (f" ({s.where} {md_cell_code(s.param)})" if s.param else "")
        kinds += [shown] * (2 if s.kind == "basic" else 1)
    return [(md_cell_code(c.arg), md_cell_code(c.env), kind) for c, kind in zip(credentials(api), kinds)]


def _mkdocs(api: ir.Api, site: Site) -> OutputFile:
    nav: list[tuple[str, str] | tuple[str, list[tuple[str, str]]]] = [("Home", "index.md")]
    if site.resources:
        nav.append(("Resources", [(r.accessor, r.page) for r in site.resources]))
    models = [("All models", "models.md")]
    if len(api.schemas) <= NAV_MODELS_LIMIT:
        models += [(mod.primary.name, f"models/{mod.primary.name}.md") for mod in api.schemas]
    nav.append(("Models", models))
    return OutputFile("mkdocs.yml", "docs/mkdocs.yml.j2", {
        "header": yaml_header(api.spec_name), "site_name": yaml_str(html.escape(f"{api.title} reference")),  # themes print it raw into HTML,
        "nav": [(yaml_str(title), yaml_str(target) if isinstance(target, str)
                 else [(yaml_str(t), yaml_str(p)) for t, p in target]) for title, target in nav],
    }, "text")
