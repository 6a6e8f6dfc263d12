"""Lint rule `invalid-example`: every example in the spec, checked against the schema it illustrates.

Examples are what readers copy and what docs show, and they rot as schemas change. Sources:
schema `example` and `examples` (a list in 3.1), `example` and `examples.*.value` on media types,
parameters and headers, and OpenAI's `x-oaiMeta` extension: `x-oaiMeta.example` on a component
schema and `x-oaiMeta.examples[*].response` on an operation, both JSON held in a string (a string
that is not JSON, like a server-sent-event stream, is not an example of the schema and is skipped).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jsonschema.exceptions import ValidationError, best_match  # type: ignore[import-untyped,unused-ignore]
from openapi_schema_validator import OAS30Validator, OAS31Validator, OAS32Validator
from referencing import Registry, Specification
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT4, DRAFT202012

from ..diagnostics import Diagnostic, Severity, SpecError
from ..loader import Document, join_pointer
from ..normalize.refs import Node, Resolver
from .walk import Site, walk

CODE = "invalid-example"
MESSAGE_LIMIT = 200
_SUCCESS = re.compile(r"^2(?:\d\d|XX)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SpecExample:
    """One example value and the schema it must satisfy.

    kind: where it came from ("schema.example", "schema.examples", "media.example",
    "media.examples", "x-oaiMeta.example", "x-oaiMeta.response").
    owner: as `walk.Site.owner`; ("schema", component) or ("response", path, method, status)
    for most, and ("operation", path, method) for an operation's `x-oaiMeta` response.
    """

    kind: str
    file: str
    pointer: str
    value: Any
    schema: tuple[str, str]
    owner: tuple[str, ...]


def collect_examples(doc: Document, sites: Iterable[Site] | None = None) -> list[SpecExample]:
    resolver = Resolver(doc)
    found: list[SpecExample] = []
    for site in walk(doc) if sites is None else sites:
        if site.kind == "schema":
            found.extend(_schema_examples(site))
        elif site.kind == "media":
            found.extend(_media_examples(resolver, site))
        elif site.kind == "operation":
            found.extend(_operation_examples(resolver, site))
    return found


def _schema_examples(site: Site) -> Iterator[SpecExample]:
    schema = (site.file, site.pointer)
    if "example" in site.value:
        yield SpecExample("schema.example", site.file, join_pointer(site.pointer, "example"), site.value["example"],
                          schema, site.owner)
    examples = site.value.get("examples")
    for i, value in enumerate(examples if isinstance(examples, list) else ()):
        yield SpecExample("schema.examples", site.file, join_pointer(site.pointer, "examples", i), value, schema, site.owner)
    meta = site.value.get("x-oaiMeta")
    if isinstance(meta, dict) and "example" in meta:
        parsed = _json(meta["example"])
        if parsed is not _NOT_JSON:
            yield SpecExample("x-oaiMeta.example", site.file, join_pointer(site.pointer, "x-oaiMeta", "example"), parsed,
                              schema, site.owner)


def _media_examples(resolver: Resolver, site: Site) -> Iterator[SpecExample]:
    if not isinstance(site.value.get("schema"), dict):
        return
    schema = (site.file, join_pointer(site.pointer, "schema"))
    if "example" in site.value:
        yield SpecExample("media.example", site.file, join_pointer(site.pointer, "example"), site.value["example"],
                          schema, site.owner)
    examples = site.value.get("examples")
    if not isinstance(examples, dict):
        return
    for name, value in examples.items():
        node = _resolve(resolver, Node(site.file, join_pointer(site.pointer, "examples", name), value))
        if node is not None and isinstance(node.value, dict) and "value" in node.value:
            yield SpecExample("media.examples", node.file, join_pointer(node.pointer, "value"), node.value["value"],
                              schema, site.owner)


def _operation_examples(resolver: Resolver, site: Site) -> Iterator[SpecExample]:
    meta = site.value.get("x-oaiMeta")
    examples = meta.get("examples") if isinstance(meta, dict) else None
    if isinstance(examples, dict):
        holders = [(join_pointer(site.pointer, "x-oaiMeta", "examples"), examples)]
    elif isinstance(examples, list):
        holders = [(join_pointer(site.pointer, "x-oaiMeta", "examples", i), e) for i, e in enumerate(examples)]
    else:
        return
    schema = None
    for pointer, holder in holders:
        parsed = _json(holder.get("response")) if isinstance(holder, dict) else _NOT_JSON
        if parsed is _NOT_JSON:
            continue
        schema = schema or _success_schema(resolver, Node(site.file, site.pointer, site.value))
        if schema is None:
            return
        yield SpecExample("x-oaiMeta.response", site.file, join_pointer(pointer, "response"), parsed, schema, site.owner)


def _success_schema(resolver: Resolver, operation: Node) -> tuple[str, str] | None:
    """(file, pointer) of the first 2XX response's JSON schema."""
    responses = operation.value.get("responses")
    if not isinstance(responses, dict):
        return None
    for status in responses:
        response = _resolve(resolver, resolver.child(operation, "responses", status)) if _SUCCESS.match(str(status)) else None
        content = response.value.get("content") if response is not None and isinstance(response.value, dict) else None
        if response is None or not isinstance(content, dict):
            continue
        for media, body in content.items():
            kind = str(media).split(";", 1)[0].strip().lower()
            if (kind == "application/json" or kind.endswith("+json")) and isinstance(body, dict) \
                    and isinstance(body.get("schema"), dict):
                return response.file, join_pointer(response.pointer, "content", media, "schema")
    return None


def _resolve(resolver: Resolver, node: Node) -> Node | None:
    try:
        return resolver.resolve(node)
    except SpecError:  # an unresolved ref is reported by normalize, or by --validate
        return None


_NOT_JSON: Any = object()


def _json(value: Any) -> Any:
    """The example a string holds (x-oaiMeta keeps JSON in strings), or _NOT_JSON."""
    if not isinstance(value, str):
        return _NOT_JSON
    try:
        return json.loads(value)
    except ValueError:
        return _NOT_JSON


# ---- checking ---------------------------------------------------------------------------------

def check_examples(doc: Document, examples: Iterable[SpecExample]) -> list[Diagnostic]:
    checker = ExampleChecker(doc)
    found = []
    for example in examples:
        error = checker.first_error(example)
        if error is not None:
            where = doc.locate(example.file, example.pointer)
            found.append(Diagnostic(Severity.WARNING, CODE, _message(example, error), where))
    return found


class ExampleChecker:
    """Validates values against schemas of one document, one cached validator per schema."""

    def __init__(self, doc: Document) -> None:
        version = str(doc.trees[doc.root].get("openapi", "3.0"))
        self.cls = OAS30Validator if version.startswith("3.0") else OAS31Validator \
            if version.startswith("3.1") else OAS32Validator
        spec = _OAS30 if self.cls is OAS30Validator else DRAFT202012
        # Every file under its own URI, so `#/components/...` and `other.yaml#/...` resolve
        # exactly as the loader resolved them, without reading anything again.
        self.registry: Registry[Any] = Registry().with_resources(
            (file_uri(file), spec.create_resource(tree)) for file, tree in doc.trees.items())
        self.validators: dict[tuple[str, str], Any] = {}

    def first_error(self, example: SpecExample) -> ValidationError | None:
        validator = self.validators.get(example.schema)
        if validator is None:
            file, pointer = example.schema
            ref = {"$ref": file_uri(file) + "#" + quote(pointer.lstrip("#"), safe="/~!$&'()*+,;=:@")}
            validator = self.validators[example.schema] = self.cls(ref, registry=self.registry)
        try:
            return best_match(validator.iter_errors(example.value))
        except (Unresolvable, re.error):
            return None  # the schema itself is broken: `--validate` reports that


# OpenAPI 3.0 schemas are draft-4 shaped but have no `id` keyword. Under draft-4 rules, looking
# up `file.yaml#/properties/a/items/properties/id` takes the `properties` map for a schema and its
# `id` property for a base URI, and crashes (DigitalOcean's specs have many such files).
_OAS30: Specification[Any] = Specification(name="openapi-3.0", id_of=lambda contents: None,
                                           subresources_of=DRAFT4.subresources_of, anchors_in=lambda spec, contents: [],
                                           maybe_in_subresource=DRAFT4.maybe_in_subresource)  # type: ignore[call-arg]


def file_uri(file: str) -> str:
    return Path(file).as_uri()


def one_line(text: str, limit: int = MESSAGE_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _message(example: SpecExample, error: ValidationError) -> str:
    against = example.schema[1]
    if example.schema[0] != example.file:
        against = f"{Path(example.schema[0]).name}{against}"
    return f"example does not match its schema {against}: at {error.json_path}: {one_line(error.message)}"
