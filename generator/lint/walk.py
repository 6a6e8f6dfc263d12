"""Lint stage helper: one walk over a loaded document that finds every schema, example holder and operation.

The walk follows the OpenAPI structure (components, paths, webhooks, callbacks) rather than
matching keys anywhere, so a property that happens to be named `enum` or `example` is never taken
for the keyword. `$ref`s are followed (into other files too) but each node is visited once; refs
are followed only after the whole root structure is walked, so a component schema is always owned
by its own component and not by the first operation that happens to refer to it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..diagnostics import SpecError
from ..loader import Document
from ..normalize.refs import Node, Resolver

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")

# Keywords whose value is one schema, a {name: schema} map, or a list of schemas.
_ONE = ("items", "additionalProperties", "additionalItems", "not", "if", "then", "else", "contains",
        "propertyNames", "unevaluatedItems", "unevaluatedProperties", "contentSchema")
_MAP = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_LIST = ("allOf", "anyOf", "oneOf", "prefixItems", "items")

# components/<section> → the kind of object each entry is.
_COMPONENTS = (("schemas", "schema"), ("responses", "response"), ("parameters", "parameter"),
               ("requestBodies", "requestBody"), ("headers", "header"), ("callbacks", "callback"),
               ("pathItems", "pathItem"))

Owner = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Site:
    """A node the lint rules look at.

    kind: "schema"; "media" (a media type, parameter or header: an object with `schema` and
    `example`/`examples`); or "operation".
    owner: what the node belongs to: ("schema", component), ("response", path, method, status),
    ("request", path, method), ("parameter", path, method), ("operation", path, method),
    ("component", section, name) or ("path", path).
    """

    kind: str
    file: str
    pointer: str
    value: dict[str, Any]
    owner: Owner


Task = tuple[str, Node, Owner]


class _Walker:
    def __init__(self, doc: Document) -> None:
        self.resolver = Resolver(doc)
        self.seen: set[tuple[str, str, str]] = set()
        self.sites: list[Site] = []
        self.stack: list[Task] = []
        self.later: deque[Task] = deque()

    def run(self) -> list[Site]:
        self._push(self._root_tasks())
        while self.stack or self.later:
            if not self.stack:
                self.stack.append(self.later.popleft())
            kind, node, owner = self.stack.pop()
            self._visit(kind, node, owner)
        return self.sites

    def _root_tasks(self) -> list[Task]:
        root = self.resolver.root()
        tasks: list[Task] = []
        components = root.value.get("components")
        for section, kind in _COMPONENTS if isinstance(components, dict) else ():
            entries = components.get(section)
            for name in entries if isinstance(entries, dict) else ():
                owner = ("schema", name) if kind == "schema" else ("component", section, name)
                tasks.append((kind, self.resolver.child(root, "components", section, name), owner))
        for section in ("paths", "webhooks"):
            items = root.value.get(section)
            for path in items if isinstance(items, dict) else ():
                tasks.append(("pathItem", self.resolver.child(root, section, path), ("path", path)))
        return tasks

    def _push(self, tasks: list[Task]) -> None:
        # Reversed so that the stack pops them in spec order.
        self.stack.extend(reversed(tasks))

    def _visit(self, kind: str, node: Node, owner: Owner) -> None:
        if not isinstance(node.value, dict) or (kind, node.file, node.pointer) in self.seen:
            return
        self.seen.add((kind, node.file, node.pointer))
        if isinstance(node.value.get("$ref"), str):
            target = self._target(node)
            if target is not None:
                self.later.append((kind, target, owner))
            if kind != "schema":
                return  # outside schemas, OpenAPI ignores a $ref's siblings
        self._push(list(_HANDLERS[kind](self, node, owner)))

    def _target(self, node: Node) -> Node | None:
        try:
            return self.resolver.target(node)
        except SpecError:
            return None  # an unresolved ref is reported by normalize, or by --validate

    def _children(self, node: Node, key: str) -> Iterator[tuple[str | int, Node]]:
        """(name or index, node) of each entry of the map or list at `key`."""
        value = node.value.get(key)
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for name, _ in items:
            yield name, self.resolver.child(node, key, name)

    def _site(self, kind: str, node: Node, owner: Owner) -> None:
        self.sites.append(Site(kind, node.file, node.pointer, node.value, owner))

    # ---- one handler per kind of object: each returns the tasks for its children ----------------

    def schema(self, node: Node, owner: Owner) -> Iterator[Task]:
        self._site("schema", node, owner)
        for key, value in node.value.items():
            if key in _ONE and isinstance(value, dict):
                yield "schema", self.resolver.child(node, key), owner
            if (key in _MAP and isinstance(value, dict)) or (key in _LIST and isinstance(value, list)):
                yield from (("schema", child, owner) for _, child in self._children(node, key))

    def media(self, node: Node, owner: Owner) -> Iterator[Task]:
        """A media type, or a parameter or header: all three carry schema, example and examples."""
        self._site("media", node, owner)
        if isinstance(node.value.get("schema"), dict):
            yield "schema", self.resolver.child(node, "schema"), owner
        yield from (("media", child, owner) for _, child in self._children(node, "content"))

    def response(self, node: Node, owner: Owner) -> Iterator[Task]:
        yield from (("media", child, owner) for _, child in self._children(node, "content"))
        yield from (("header", child, owner) for _, child in self._children(node, "headers"))

    def request_body(self, node: Node, owner: Owner) -> Iterator[Task]:
        yield from (("media", child, owner) for _, child in self._children(node, "content"))

    def callback(self, node: Node, owner: Owner) -> Iterator[Task]:
        for expr in node.value:
            if isinstance(node.value[expr], dict):
                yield "pathItem", self.resolver.child(node, expr), ("path", expr)

    def path_item(self, node: Node, owner: Owner) -> Iterator[Task]:
        path = owner[1] if len(owner) > 1 else ""
        yield from (("parameter", child, ("parameter", path, "")) for _, child in self._children(node, "parameters"))
        for method in METHODS:
            if isinstance(node.value.get(method), dict):
                yield "operation", self.resolver.child(node, method), ("operation", path, method)

    def operation(self, node: Node, owner: Owner) -> Iterator[Task]:
        self._site("operation", node, owner)
        _, path, method = owner
        yield from (("parameter", child, ("parameter", path, method)) for _, child in self._children(node, "parameters"))
        if isinstance(node.value.get("requestBody"), dict):
            yield "requestBody", self.resolver.child(node, "requestBody"), ("request", path, method)
        for status, child in self._children(node, "responses"):
            yield "response", child, ("response", path, method, str(status))
        for _, child in self._children(node, "callbacks"):
            yield "callback", child, owner


_HANDLERS: dict[str, Callable[[_Walker, Node, Owner], Iterator[Task]]] = {
    "schema": _Walker.schema,
    "media": _Walker.media,
    "parameter": _Walker.media,
    "header": _Walker.media,
    "response": _Walker.response,
    "requestBody": _Walker.request_body,
    "callback": _Walker.callback,
    "pathItem": _Walker.path_item,
    "operation": _Walker.operation,
}


def walk(doc: Document) -> list[Site]:
    """Every schema, example holder and operation of the document, each once, in spec order."""
    return _Walker(doc).run()
