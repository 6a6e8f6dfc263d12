"""`specloom.yaml`: the jobs a bare `specloom generate` runs (spec → output folder)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from .diagnostics import Location, error
from .loader import join_pointer
from .names import package_name
from .plan import TARGETS
from .yaml12 import load_yaml

CONFIG_FILE = "specloom.yaml"
_JOB_KEYS = {"spec", "output", "package", "targets", "pagination", "docs_base_url"}
_PAGINATION_KEYS = {"style", "items", "has_more", "cursor_param", "cursor_field", "limit_param", "offset_param", "next_field"}
_STYLES = ("cursor", "offset", "next_link")


@dataclass(frozen=True, slots=True)
class Job:
    spec: str
    output: str
    package: str | None
    targets: tuple[str, ...]
    pagination: dict[str, Any] = field(default_factory=dict)
    """operationId → `false`, or how its list pages (the runtime `Pagination`'s fields)."""
    docs_base_url: str | None = None
    """The site the spec's relative links point into (`https://platform.openai.com`)."""


def load_config(path: str) -> list[Job]:
    from .loader import Document

    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError:
        raise error("config-missing", f"no {CONFIG_FILE} here: name a spec (specloom generate SPEC -o OUT)", Location(path)) from None
    data, _ = load_yaml(text)
    doc = Document(path, {path: data}, {path: text}, {path: path})
    base = os.path.dirname(os.path.abspath(path))
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
        raise error("config-invalid", "expected a mapping with a `jobs` list", doc.locate(path, "#"))
    unknown = sorted(set(data) - {"jobs"})
    if unknown:
        raise error("config-unknown-key", f"unknown key {unknown[0]!r}", doc.locate(path, join_pointer("#", unknown[0])))
    return [_job(doc, base, i, raw) for i, raw in enumerate(data["jobs"])]


def _job(doc: Any, base: str, i: int, raw: Any) -> Job:
    where = join_pointer("#/jobs", i)
    if not isinstance(raw, dict) or not isinstance(raw.get("spec"), str) or not isinstance(raw.get("output"), str):
        raise error("config-invalid", "a job needs `spec` and `output` paths", doc.locate(doc.root, where))
    for key in raw:
        if key not in _JOB_KEYS:
            raise error("config-unknown-key", f"unknown key {key!r} (known: {', '.join(sorted(_JOB_KEYS))})",
                        doc.locate(doc.root, join_pointer(where, key)))
    targets = raw.get("targets", list(TARGETS))
    if not isinstance(targets, list) or not all(t in TARGETS for t in targets):
        raise error("config-invalid", f"`targets` must be a list of {', '.join(TARGETS)}", doc.locate(doc.root, join_pointer(where, "targets")))
    package = raw.get("package")
    if package is not None and (not isinstance(package, str) or package_name(package) != package):
        raise error("config-invalid", f"`package` must be a valid module name, like {package_name(str(package))!r}",
                    doc.locate(doc.root, join_pointer(where, "package")))
    pagination = _pagination(doc, join_pointer(where, "pagination"), raw.get("pagination", {}))
    base_url = raw.get("docs_base_url")
    if base_url is not None and (not isinstance(base_url, str) or not base_url.startswith(("https://", "http://"))):
        raise error("config-invalid", "`docs_base_url` must be an http(s) URL, like https://example.com",
                    doc.locate(doc.root, join_pointer(where, "docs_base_url")))
    return Job(_rel(base, raw["spec"]), _rel(base, raw["output"]), package, tuple(targets), pagination, base_url)


def _pagination(doc: Any, where: str, raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise error("config-invalid", "`pagination` maps operationIds to `false` or a pagination", doc.locate(doc.root, where))
    for op, value in raw.items():
        here = join_pointer(where, op)
        if value is False:
            continue
        if not isinstance(value, dict) or value.get("style") not in _STYLES:
            raise error("config-invalid", f"pagination for {op!r} needs `style`: one of {', '.join(_STYLES)} (or `false`)",
                        doc.locate(doc.root, here))
        unknown = sorted(set(value) - _PAGINATION_KEYS)
        if unknown:
            raise error("config-unknown-key", f"unknown key {unknown[0]!r} (known: {', '.join(sorted(_PAGINATION_KEYS))})",
                        doc.locate(doc.root, join_pointer(here, unknown[0])))
    return dict(raw)


def _rel(base: str, path: str) -> str:
    return os.path.relpath(os.path.join(base, path))
