"""Reference resolution over the loaded document: `$ref` → (file, pointer, node)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..diagnostics import SpecError, error
from ..loader import Document, fragment_pointer, join_pointer, ref_file, split_pointer

MAX_REF_HOPS = 64


@dataclass(frozen=True, slots=True)
class Node:
    """A spec node and where it lives: the absolute file path and a JSON pointer in it."""

    file: str
    pointer: str
    value: Any


class Resolver:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self._targets: dict[tuple[str, str], Node] = {}
        """(file, `$ref` value) → its target. The document does not change while it is read, and the
        OpenAI spec names 1,322 targets from 8,217 places."""

    def root(self) -> Node:
        return Node(self.doc.root, "#", self.doc.trees[self.doc.root])

    def child(self, node: Node, *parts: str | int) -> Node:
        value = node.value
        for part in parts:
            value = value[part]
        return Node(node.file, join_pointer(node.pointer, *parts), value)

    def resolve(self, node: Node) -> Node:
        """Follow `$ref` (and refs whose target is itself a `$ref`) to a concrete node."""
        seen: set[str] = set()
        while isinstance(node.value, dict) and isinstance(node.value.get("$ref"), str):
            key = f"{node.file}{node.pointer}"
            if key in seen:
                raise error("circular-ref", f"$ref {node.value['$ref']!r} leads back to itself: it names no schema",
                            self.doc.locate(node.file, join_pointer(node.pointer, "$ref")))
            seen.add(key)
            if len(seen) > MAX_REF_HOPS:
                raise error("ref-chain", f"$ref chain longer than {MAX_REF_HOPS} hops", self.doc.locate(node.file, node.pointer))
            node = self.target(node)
        return node

    def known(self, file: str, ref: str) -> Node | None:
        """The target of `ref` from `file`, if it has been looked up already."""
        return self._targets.get((file, ref))

    def target(self, node: Node) -> Node:
        """The node one `$ref` names, walking through refs met along the pointer's path."""
        ref = node.value["$ref"]
        if not isinstance(ref, str):
            where = self.doc.locate(node.file, join_pointer(node.pointer, "$ref"))
            raise error("invalid-ref", f"$ref must be a string (a URI reference), not {type(ref).__name__}", where)
        found = self._targets.get((node.file, ref))
        if found is None:
            found = self._targets[node.file, ref] = self._lookup(node)
        return found

    def _lookup(self, node: Node) -> Node:
        ref = node.value["$ref"]
        file = ref_file(ref, node.file)
        fragment = ref.split("#", 1)[1] if "#" in ref else ""
        if file not in self.doc.trees:
            raise self._unresolved(node, ref)
        current = Node(file, "#", self.doc.trees[file])
        try:
            parts = split_pointer(fragment_pointer(fragment))
        except ValueError:
            raise self._unresolved(node, ref) from None
        for part in parts:
            current = self.resolve(current) if part != "$ref" else current
            value = current.value
            if isinstance(value, dict) and part in value:
                current = Node(current.file, join_pointer(current.pointer, part), value[part])
            elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                current = Node(current.file, join_pointer(current.pointer, part), value[int(part)])
            else:
                raise self._unresolved(node, ref)
        return current

    def _unresolved(self, node: Node, ref: str) -> SpecError:
        where = self.doc.locate(node.file, join_pointer(node.pointer, "$ref"))
        return error("unresolved-ref", f"$ref {ref!r} does not resolve", where)
