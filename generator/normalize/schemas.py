"""Schema conversion: a raw schema node becomes a `TypeRef`, inline objects become models.

One `Converter` serves a whole spec; a `ModuleScope` collects the inline models of the
component being converted and allocates their names in that module's namespace.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import ir
from ..diagnostics import Diagnostic, Location, Severity
from ..loader import join_pointer
from ..names import NameAllocator, class_name
from .consts import check_const_description
from .constraints import constraints
from .refs import Node, Resolver
from ..renames import Rename, attribute_names, rename_error
from .shapes import Shape, const_values, constraint_only_union, is_null_schema, is_objectlike, merge_shape, ref_wrapper, schema_types

_PRIMITIVES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
_STRING_FORMATS = {"date-time": "datetime", "date": "date", "binary": "bytes"}

# Inline models are documented as sections of their component's page: these names would
# share an anchor with the page's own headings.
RESERVED_INLINE_NAMES = ("Fields", "Type")


@dataclass
class ModuleScope:
    """The namespace of one generated module: its models, in order, and the names it uses."""

    module: str
    names: NameAllocator
    models: list[ir.Model] = field(default_factory=list)
    self_ref: ir.ModelRef | None = None
    """The component being converted: what `$recursiveRef: "#"` means."""


Locate = Callable[[str, str], Location]


MAX_ENUM_VALUES = 2_000
"""Past this many values an enum is typed by its base type (a warning says so)."""


class Converter:
    def __init__(self, resolver: Resolver, components: dict[str, ir.ModelRef], locate: Locate,
                 nullable: frozenset[str] = frozenset(), version: str = "3.1") -> None:
        self.resolver = resolver
        self.version = version
        """`3.0` or `3.1` (Swagger 2.0 is converted to 3.0 on load)."""
        self.components = components
        self.nullable = nullable
        """Components whose class cannot say the schema also allows null: their references do."""
        self.locate = locate
        self.diagnostics: list[Diagnostic] = []
        self._inlining: set[str] = set()
        self._merging: dict[str, ir.ModelRef] = {}  # allOf nodes whose inline model is being built

    # ---- entry points -----------------------------------------------------------------------

    def component(self, node: Node, ref: ir.ModelRef, scope: ModuleScope,
                  renames: Mapping[str, Rename] | None = None) -> ir.Model:
        """The primary model of a component: a class for objects, an alias for anything else.

        `renames` are the config's attribute names for its properties, by JSON name."""
        schema = node.value
        where = self.where(node)
        description = schema.get("description") if isinstance(schema, dict) else None
        if is_class_schema(schema):
            shape = merge_shape(self.resolver, node)
            # `allOf: [{oneOf: …}, {description: …}]` is a union with a description, not a class.
            if not (shape.unmerged and not shape.properties) and (shape.properties or not self._map_like(shape)):
                return self.object_model(node, shape, ref.name, "", scope, renames)
        self.diagnostics.extend(rename_error("rename-unknown", f"cannot rename {r.target!r}: {ref.name} is a type alias, "
                                             "not a class with fields", r) for r in (renames or {}).values())
        return ir.AliasModel(ref.name, _text(description) or self._member_description(node), self.type_of(node, scope, ref.name), where)

    def _member_description(self, node: Node) -> str | None:
        """`anyOf: [{description: …, type: object}, {type: "null"}]` (OpenAI's Metadata): the one
        real member's description describes the whole."""
        schema = node.value if isinstance(node.value, dict) else {}
        members = schema.get("anyOf") or schema.get("oneOf")
        if not isinstance(members, list):
            return None
        concrete = [m for m in members if not is_null_schema(m)]
        return _text(concrete[0].get("description")) if len(concrete) == 1 and isinstance(concrete[0], dict) else None

    def type_of(self, node: Node, scope: ModuleScope, hint: str) -> ir.TypeRef:
        schema = node.value
        if schema is True or schema == {} or schema is None:
            return ir.AnyType()
        if not isinstance(schema, dict):
            self.warn("invalid-schema", f"a schema must be an object or a boolean, not {type(schema).__name__}", node)
            return ir.AnyType()
        nullable = schema.get("nullable") is True
        result = self._body(node, scope, hint)
        return nullable_of(result) if nullable else result

    # ---- dispatch ---------------------------------------------------------------------------

    def _body(self, node: Node, scope: ModuleScope, hint: str) -> ir.TypeRef:
        schema = node.value
        if "$ref" in schema:
            return self._ref(node, scope, hint)
        if "$recursiveRef" in schema or "$dynamicRef" in schema:
            return scope.self_ref or ir.AnyType()
        # An enum or const beside allOf/oneOf is the tighter constraint (Discord narrows a shared
        # `oneOf` of type codes with `enum: [5]`): the values it lists are the type.
        if "const" in schema:
            return _literal([schema["const"]]) or ir.AnyType()
        if isinstance(schema.get("enum"), list) and len(schema["enum"]) > MAX_ENUM_VALUES:
            # A Literal of tens of thousands of values is no help to a reader or a type checker,
            # and formatting and checking it takes minutes: the plain type, with a warning.
            self.warn("enum-too-large", f"the enum lists {len(schema['enum'])} values, over the limit of {MAX_ENUM_VALUES}; "
                      "typed without them", self.resolver.child(node, "enum"))
            schema = {k: v for k, v in schema.items() if k != "enum"}
            node = Node(node.file, node.pointer, schema)
        elif isinstance(schema.get("enum"), list) and schema["enum"]:
            literal = _literal(schema["enum"])
            if literal is not None:
                return literal
        wrapped = ref_wrapper(schema)
        if wrapped is not None:
            index = schema["allOf"].index(wrapped)
            return self._ref(self.resolver.child(node, "allOf", index), scope, hint)
        if "allOf" in schema:
            return self._all_of(node, scope, hint)
        if (isinstance(schema.get("oneOf"), list) or isinstance(schema.get("anyOf"), list)) and not constraint_only_union(schema):
            return self._union(node, scope, hint)
        types = schema_types(schema)
        concrete = [t for t in types if t != "null"]
        if len(concrete) > 1:
            members = [self._typed(node, scope, hint, t) for t in concrete]
            result: ir.TypeRef = ir.UnionOf(tuple(_dedupe(members)))
        else:
            result = self._typed(node, scope, hint, concrete[0] if concrete else _implied_type(schema))
        return nullable_of(result) if "null" in types else result

    def _typed(self, node: Node, scope: ModuleScope, hint: str, json_type: str | None) -> ir.TypeRef:
        schema = node.value
        if json_type in _PRIMITIVES:
            kind = _PRIMITIVES[json_type]
            fmt = schema.get("format") if isinstance(schema.get("format"), str) else None
            if kind == "str" and fmt in _STRING_FORMATS:
                return ir.Primitive(_STRING_FORMATS[fmt], fmt)
            return ir.Primitive(kind, fmt, self._constraints(node, kind))
        if json_type == "array":
            return ir.ArrayOf(self._items(node, scope, hint), self._constraints(node, "sized"))
        if json_type == "object":
            return self._object(node, scope, hint)
        return ir.AnyType()

    def _items(self, node: Node, scope: ModuleScope, hint: str) -> ir.TypeRef:
        """The item type. With 3.1 `prefixItems`, the leading items have their own schemas and
        need not be present, so the item type is their union with `items` (not a tuple)."""
        schema = node.value
        prefix = schema.get("prefixItems") if isinstance(schema.get("prefixItems"), list) else []
        members = [self.type_of(self.resolver.child(node, "prefixItems", i), scope, hint) for i in range(len(prefix))]
        if schema.get("items") is not False:
            items = self.resolver.child(node, "items") if "items" in schema else Node(node.file, node.pointer, {})
            members.append(self.type_of(items, scope, hint))
        members = _dedupe(members)
        return members[0] if len(members) == 1 else ir.UnionOf(tuple(members)) if members else ir.AnyType()

    # ---- references and composition ---------------------------------------------------------

    def _ref(self, node: Node, scope: ModuleScope, hint: str) -> ir.TypeRef:
        target = self.resolver.target(node)
        key = f"{target.file}{target.pointer}"
        named = self.components.get(key)
        if named is not None:
            return nullable_of(named) if key in self.nullable else named
        if key in self._inlining:
            self.warn("recursive-inline", "an inline schema refers to itself; typed as Any", node)
            return ir.AnyType()
        self._inlining.add(key)
        try:
            return self.type_of(target, scope, hint)
        finally:
            self._inlining.discard(key)

    def _all_of(self, node: Node, scope: ModuleScope, hint: str) -> ir.TypeRef:
        shape = merge_shape(self.resolver, node)
        if shape.unmerged and not shape.properties:
            # `allOf: [oneOf…]` or a primitive with annotations: the one real member is the type.
            return self.type_of(shape.unmerged[0], scope, hint)
        if shape.unmerged:
            self.warn("allof-unmerged", "allOf mixes objects with non-object schemas; the non-object ones are ignored", node)
        if not shape.properties and self._map_like(shape):
            return self._map(node, shape.keywords, scope, hint)
        key = f"{node.file}{node.pointer}"
        if key in self._merging:
            # The merge takes in a model whose property is this same allOf (`A: {x: allOf: [A, {…}]}`):
            # the inline model being built is that property's type.
            return self._merging[key]
        name = scope.names.allocate(class_name(hint))
        ref = self._merging[key] = ir.ModelRef(name, scope.module)
        try:
            scope.models.append(self.object_model(node, shape, name, name, scope))
        finally:
            del self._merging[key]
        return ref

    def _union(self, node: Node, scope: ModuleScope, hint: str) -> ir.TypeRef:
        schema = node.value
        key = "oneOf" if isinstance(schema.get("oneOf"), list) else "anyOf"
        members: list[ir.TypeRef] = []
        member_nodes: list[Node] = []
        nullable = False
        for i, member in enumerate(schema[key]):
            member_node = self.resolver.child(node, key, i)
            if is_null_schema(member):
                nullable = True
                continue
            members.append(self.type_of(member_node, scope, _variant_hint(hint, member, i)))
            member_nodes.append(member_node)
        members = _dedupe(members)
        if members and all(isinstance(m, ir.LiteralOf) for m in members):
            # `oneOf` of `const`s (an enum with a title per value) is one Literal.
            merged = _literal([v for m in members if isinstance(m, ir.LiteralOf) for v in m.values])
            members = [merged] if merged is not None else members
        if not members:
            return ir.NullType() if nullable else ir.AnyType()
        if len(members) == 1:
            result = members[0]
        else:
            result = ir.UnionOf(tuple(members), self._discriminator(node, member_nodes))
        return nullable_of(result) if nullable else result

    def _discriminator(self, node: Node, members: list[Node]) -> str | None:
        """The property that tells members apart, declared or inferred, if pydantic can use it.

        Every member must be an object whose required, non-null property holds distinct
        constants; a declared `mapping` is not needed (the OpenAI spec has none: its values are the members' `type`
        constants, not schema names).
        """
        declared = node.value.get("discriminator")
        names: list[str] = [declared["propertyName"]] if isinstance(declared, dict) and isinstance(declared.get("propertyName"), str) else []
        candidates = names or ["type", "object", "kind"]
        for prop in candidates:
            seen: set[Any] = set()
            usable = True
            for member in members:
                resolved = self.resolver.resolve(member)
                if not is_objectlike(resolved.value) or resolved.value.get("oneOf") or resolved.value.get("anyOf"):
                    usable = False
                    break
                tag = const_values(self.resolver, resolved, prop)
                # pydantic picks the member by the tag's value, so every member must carry the tag
                # (a payload without it is valid JSON for the spec and must still parse).
                if tag is None or not tag.required or tag.nullable or seen.intersection(tag.values):
                    usable = False
                    break
                seen.update(tag.values)
            if usable:
                return prop
        if names:
            self.warn("discriminator-unusable",
                      f"discriminator {names[0]!r} is not a distinct constant in every member; generated as a plain union", node)
        return None

    # ---- objects ----------------------------------------------------------------------------

    def _map_like(self, shape: Shape) -> bool:
        additional = shape.keywords.get("additionalProperties")
        return (additional is not None and additional is not False) or bool(shape.keywords.get("patternProperties"))

    def _additional(self, node: Node, keywords: dict[str, Any], scope: ModuleScope, hint: str) -> ir.TypeRef | None:
        """The type of properties beyond the named ones: `additionalProperties` and every
        `patternProperties` schema (a key matching no pattern falls to additionalProperties)."""
        members = []
        patterns = keywords.get("patternProperties")
        for pattern, sub in (patterns.items() if isinstance(patterns, dict) else ()):
            members.append(self.type_of(Node(node.file, join_pointer(node.pointer, "patternProperties", pattern), sub), scope, hint))
        additional = keywords.get("additionalProperties")
        if isinstance(additional, dict) or additional is True or (additional is None and members):
            extra = additional if isinstance(additional, dict) else {}
            members.append(self.type_of(Node(node.file, join_pointer(node.pointer, "additionalProperties"), extra), scope, hint))
        members = _dedupe(members)
        if not members:
            return None
        return ir.AnyType() if any(isinstance(m, ir.AnyType) for m in members) else \
            members[0] if len(members) == 1 else ir.UnionOf(tuple(members))

    def _object(self, node: Node, scope: ModuleScope, hint: str) -> ir.TypeRef:
        schema = node.value
        if not schema.get("properties"):
            return self._map(node, schema, scope, hint)
        name = scope.names.allocate(class_name(hint))
        scope.models.append(self.object_model(node, merge_shape(self.resolver, node), name, name, scope))
        return ir.ModelRef(name, scope.module)

    def _map(self, node: Node, keywords: dict[str, Any], scope: ModuleScope, hint: str) -> ir.TypeRef:
        value = self._additional(node, keywords, scope, hint) or ir.AnyType()
        key = ir.Primitive("str")
        names = keywords.get("propertyNames")
        if isinstance(names, dict):
            key = ir.Primitive("str", None, self._constraints(Node(node.file, node.pointer, names), "str"))
        return ir.MapOf(value, key, self._constraints(Node(node.file, node.pointer, keywords), "sized"))

    def object_model(self, node: Node, shape: Shape, name: str, prefix: str, scope: ModuleScope,
                     renames: Mapping[str, Rename] | None = None) -> ir.ObjectModel:
        for dup in shape.duplicate_required:
            self.warn("duplicate-required", f"{dup!r} is listed twice in `required`", self.resolver.child(node, "required"))
        attrs, errors = attribute_names(list(shape.properties), renames or {})
        self.diagnostics.extend(errors)
        fields = [self._field(prop, sub, attrs[prop], prop in shape.required, prefix, scope)
                  for prop, sub in shape.properties.items()]
        extra = self._additional(node, shape.keywords, scope, f"{prefix or name}Extra")
        if isinstance(extra, ir.AnyType):
            extra = None  # extra="allow" already keeps untyped extras
        description = _text(shape.keywords.get("description"))
        groups, exclusive = _required_groups(shape.keywords)
        return ir.ObjectModel(name, description, tuple(fields), extra, self.where(node), groups, exclusive)

    def _field(self, prop: str, sub: Node, attr: str, required: bool, prefix: str, scope: ModuleScope) -> ir.Field:
        schema = sub.value if isinstance(sub.value, dict) else {}
        base = class_name(prop)
        hint = base if base.startswith(prefix) else prefix + base
        ftype = self.type_of(sub, scope, hint)
        description = _text(schema.get("description"))
        if isinstance(ftype, ir.LiteralOf) and len(ftype.values) == 1:
            claim = check_const_description(description, ftype.values[0])
            if claim is not None:
                desc_node = Node(sub.file, join_pointer(sub.pointer, "description"), description)
                self.warn("const-description-mismatch",
                          f"description says `{claim.claimed}` but the value is `{ftype.values[0]}`; "
                          f"the value wins (fix the description: replace `{claim.claimed}` with `{ftype.values[0]}`)",
                          desc_node)
                description = claim.corrected
        has_default = "default" in schema
        if has_default and schema["default"] is None and not is_nullable_schema(schema) and not _allows_null(ftype):
            self.warn("null-default", "`default: null` on a schema that does not allow null; the field is optional instead",
                      Node(sub.file, join_pointer(sub.pointer, "default"), None))
        # Models parse responses, which never carry writeOnly properties: required or not.
        required = required and not schema.get("writeOnly") is True
        return ir.Field(
            name=attr, alias=prop, type=ftype, required=required,
            description=description, default=schema.get("default"), has_default=has_default,
            deprecated=schema.get("deprecated") is True, read_only=schema.get("readOnly") is True,
            write_only=schema.get("writeOnly") is True, example=schema.get("example"),
            has_example="example" in schema, location=self.where(sub),
        )

    # ---- helpers ----------------------------------------------------------------------------

    def _constraints(self, node: Node, kind: str) -> ir.Constraints:
        return constraints(node, kind, version=self.version, warn=lambda code, message: self.warn(code, message, node))

    def where(self, node: Node) -> Location:
        return Location(self.resolver.doc.display.get(node.file, node.file), node.pointer)

    def warn(self, code: str, message: str, node: Node) -> None:
        self.diagnostics.append(Diagnostic(Severity.WARNING, code, message, self.locate(node.file, node.pointer)))


def is_class_schema(schema: Any) -> bool:
    """A schema that becomes a class when it is a component (otherwise an alias)."""
    return isinstance(schema, dict) and "$ref" not in schema and ref_wrapper(schema) is None \
        and is_objectlike(schema) and (not (schema.get("oneOf") or schema.get("anyOf")) or constraint_only_union(schema))


def is_nullable_schema(schema: Any) -> bool:
    return isinstance(schema, dict) and (schema.get("nullable") is True or "null" in schema_types(schema))


def nullable_of(t: ir.TypeRef) -> ir.TypeRef:
    if isinstance(t, (ir.NullType, ir.AnyType)):
        return t
    if isinstance(t, ir.UnionOf) and t.discriminator is None:
        if any(isinstance(m, ir.NullType) for m in t.members):
            return t
        return ir.UnionOf((*t.members, ir.NullType()))
    return ir.UnionOf((t, ir.NullType()))


def _allows_null(t: ir.TypeRef) -> bool:
    return isinstance(t, (ir.NullType, ir.AnyType)) or (isinstance(t, ir.UnionOf) and any(isinstance(m, ir.NullType) for m in t.members))


def _literal(values: list[Any]) -> ir.TypeRef | None:
    concrete = [v for v in values if v is not None]
    if not concrete or not all(isinstance(v, (str, int, bool)) for v in concrete):
        return None
    # `True == 1` in Python: dedupe on (type, value) so `[true, 1]` keeps both.
    unique = {(type(v), v): v for v in concrete}
    literal = ir.LiteralOf(tuple(unique.values()))
    return nullable_of(literal) if len(concrete) < len(values) else literal


def _implied_type(schema: dict[str, Any]) -> str | None:
    if "properties" in schema or "additionalProperties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return None


def _variant_hint(hint: str, member: Any, index: int) -> str:
    title = member.get("title") if isinstance(member, dict) else None
    if isinstance(title, str) and class_name(title) != "Model":
        return class_name(title)
    return f"{hint}Variant{index + 1}"


def _dedupe(members: list[ir.TypeRef]) -> list[ir.TypeRef]:
    return list(dict.fromkeys(members))


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _required_groups(keywords: dict[str, Any]) -> tuple[tuple[tuple[str, ...], ...], bool]:
    """The `required` lists of a constraint-only `oneOf`/`anyOf` (which properties must be there)."""
    if not constraint_only_union(keywords):
        return (), False
    exclusive = bool(keywords.get("oneOf"))
    members = keywords.get("oneOf") or keywords.get("anyOf") or []
    groups = tuple(tuple(r for r in m.get("required", []) if isinstance(r, str)) for m in members)
    return tuple(g for g in groups if g), exclusive
