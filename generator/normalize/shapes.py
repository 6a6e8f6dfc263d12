"""Schema shapes: what a raw schema is, after `$ref`s and `allOf` are looked through.

Pure questions about raw schemas, asked before any type is built: is it an object, which
properties and required names does it have once `allOf` is merged, which constant does a
property hold (for discriminators).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import refplaces
from ..loader import ref_file
from .refs import Node, Resolver

# Keywords that only annotate a `$ref` wrapped in `allOf` (`allOf: [$ref: X]` + a description):
# such a wrapper stays a reference to X.
ANNOTATION_KEYS = frozenset(
    {"description", "title", "nullable", "default", "readOnly", "writeOnly", "deprecated",
     "example", "examples", "externalDocs", "$comment"}
)


def schema_types(schema: dict[str, Any]) -> list[str]:
    """The JSON types a schema declares (3.1 type arrays included), in spec order."""
    declared = schema.get("type")
    if isinstance(declared, str):
        return [declared]
    if isinstance(declared, list):
        return [t for t in declared if isinstance(t, str)]
    return []


def is_null_schema(schema: Any) -> bool:
    return isinstance(schema, dict) and (schema_types(schema) == ["null"] or schema.get("const", 0) is None)


@dataclass
class Shape:
    """An object schema with its `allOf` members merged (later members win per keyword)."""

    keywords: dict[str, Any] = field(default_factory=dict)
    properties: dict[str, Node] = field(default_factory=dict)
    required: list[str] = field(default_factory=list)
    duplicate_required: list[str] = field(default_factory=list)
    unmerged: list[Node] = field(default_factory=list)
    """`allOf` members that are not objects (a union, a primitive): they cannot be merged."""


_TYPING_KEYS = frozenset({"type", "properties", "items", "prefixItems", "$ref", "allOf", "oneOf", "anyOf", "enum", "const",
                          "additionalProperties", "patternProperties", "$recursiveRef", "$dynamicRef"})


def constraint_only_union(schema: dict[str, Any]) -> bool:
    """`oneOf: [{required: [a]}, {required: [b]}]` beside `properties` (OpenAI's file_search):
    members that say only which properties must be present constrain the object, they are not
    types of their own."""
    members = schema.get("oneOf") or schema.get("anyOf")
    return isinstance(members, list) and bool(members) and all(
        isinstance(m, dict) and not (_TYPING_KEYS & m.keys()) for m in members)


def is_objectlike(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    types = [t for t in schema_types(schema) if t != "null"]
    if types and types != ["object"]:
        return False
    return "properties" in schema or "allOf" in schema or (types == ["object"] and "oneOf" not in schema and "anyOf" not in schema)


def merge_shape(resolver: Resolver, node: Node, shape: Shape | None = None, seen: frozenset[str] = frozenset()) -> Shape:
    """Merge `node` (resolved) and its `allOf` members into one object shape."""
    shape = shape if shape is not None else Shape()
    node = resolver.resolve(node)
    key = f"{node.file}{node.pointer}"
    schema = node.value
    if key in seen or not isinstance(schema, dict):
        return shape
    seen = seen | {key}
    for i, member in enumerate(schema.get("allOf") or []):
        member = resolver.child(node, "allOf", i)
        member_node = resolver.resolve(member)
        if is_objectlike(member_node.value):
            merge_shape(resolver, member_node, shape, seen)
        elif not _is_annotation_only(member_node.value):
            shape.unmerged.append(member)  # as written: a `$ref` to a component stays a reference to it
    for k, v in schema.items():
        if k not in ("allOf", "properties", "required"):
            shape.keywords[k] = v
    for name, sub in (schema.get("properties") or {}).items():
        sub_node = resolver.child(node, "properties", name)
        previous = shape.properties.get(name)
        if previous is not None and isinstance(previous.value, dict) and isinstance(sub, dict) and "$ref" not in sub:
            # allOf on one property is an intersection: keep both sides' keywords, later wins.
            # The earlier side's relative refs are rebased, since the merge lives in `sub`'s file.
            earlier = previous.value if previous.file == sub_node.file else rebase_refs(previous.value, previous.file)
            sub_node = Node(sub_node.file, sub_node.pointer, {**earlier, **sub})
        shape.properties[name] = sub_node
    for name in schema.get("required") or []:
        if not isinstance(name, str):
            continue
        if name in shape.required:
            shape.duplicate_required.append(name)
        else:
            shape.required.append(name)
    return shape


def rebase_refs(value: Any, file: str, kind: int = refplaces.OBJECT) -> Any:
    """A copy of `value` (a schema) whose `$ref`s name their target by absolute path, valid from
    any file. Examples and defaults are data, kept as written (see `refplaces`)."""
    if kind == refplaces.LITERAL:
        return value
    if isinstance(value, dict):
        out = {k: rebase_refs(v, file, refplaces.inner(kind, k, v)) if isinstance(v, (dict, list)) else v
               for k, v in value.items()}
        if refplaces.is_reference(kind) and isinstance(value.get("$ref"), str):
            target, _, fragment = value["$ref"].partition("#")
            out["$ref"] = f"{ref_file(target, file) if target else file}#{fragment}"
        return out
    if isinstance(value, list):
        return [rebase_refs(v, file, kind) for v in value]
    return value


def _is_annotation_only(schema: Any) -> bool:
    return isinstance(schema, dict) and all(k in ANNOTATION_KEYS for k in schema)


def ref_wrapper(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The single `$ref` member of an `allOf` that only adds annotations, if that is the shape."""
    members = schema.get("allOf")
    if not isinstance(members, list):
        return None
    refs = [m for m in members if isinstance(m, dict) and "$ref" in m]
    rest = [m for m in members if not (isinstance(m, dict) and "$ref" in m)]
    if len(refs) != 1 or not all(_is_annotation_only(m) for m in rest):
        return None
    if any(k not in ANNOTATION_KEYS and k != "allOf" for k in schema):
        return None
    return refs[0]


@dataclass(frozen=True, slots=True)
class Tag:
    """What a union member says about a would-be discriminator property."""

    values: tuple[Any, ...]
    required: bool
    nullable: bool


def const_values(resolver: Resolver, node: Node, prop: str) -> Tag | None:
    """The constant values `prop` may take in the object `node`, if it is an enum or const."""
    shape = merge_shape(resolver, node)
    sub = shape.properties.get(prop)
    if sub is None:
        return None
    schema = resolver.resolve(sub).value
    if not isinstance(schema, dict):
        return None
    if "const" in schema:
        raw: list[Any] = [schema["const"]]
    elif isinstance(schema.get("enum"), list) and schema["enum"]:
        raw = list(schema["enum"])
    else:
        return None
    values = tuple(v for v in raw if v is not None)
    if not values or not all(isinstance(v, (str, int, bool)) for v in values):
        return None
    nullable = len(values) < len(raw) or schema.get("nullable") is True or "null" in schema_types(schema)
    return Tag(values, prop in shape.required, nullable)
