"""Test helpers over the IR: find models, map a TypeRef to the generated runtime type, build
minimal valid JSON samples, and trace a field's `Any` back to the raw schema that forced it."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union

import pydantic

from generator import graph, ir
from generator.loader import split_pointer
from generator.normalize.refs import Node, Resolver

SAMPLE_DEPTH = 24
DATETIME = "2024-01-01T00:00:00Z"
DATE = "2024-01-01"


def model_index(api: ir.Api) -> dict[tuple[str, str], ir.Model]:
    """Every model of the IR (component modules and operation modules) by (module, name)."""
    index: dict[tuple[str, str], ir.Model] = {}
    for mod in api.schemas:
        for model in (mod.primary, *mod.inline):
            index[(mod.module, model.name)] = model
    for op_mod in api.operation_modules:
        for model in op_mod.models:
            index[(op_mod.module, model.name)] = model
    return index


def owned_models(api: ir.Api) -> Iterator[tuple[str, ir.Model]]:
    """(module, model) for every model, in IR order."""
    for mod in api.schemas:
        for model in (mod.primary, *mod.inline):
            yield mod.module, model
    for op_mod in api.operation_modules:
        for model in op_mod.models:
            yield op_mod.module, model


# ---- TypeRef → runtime type -------------------------------------------------------------------


class Runtime:
    """Maps TypeRefs to the objects of a generated package (imported on first use, cached)."""

    def __init__(self, package: str) -> None:
        self.package = package
        self._adapters: dict[Any, pydantic.TypeAdapter[Any]] = {}

    def model(self, ref: ir.ModelRef) -> Any:
        return getattr(importlib.import_module(f"{self.package}.types.{ref.module}"), ref.name)

    def type(self, t: ir.TypeRef) -> Any:
        match t:
            case ir.Primitive(kind=kind):
                import datetime as dt

                return {"str": str, "int": int, "float": float, "bool": bool, "bytes": bytes,
                        "datetime": dt.datetime, "date": dt.date}[kind]
            case ir.AnyType():
                return Any
            case ir.NullType():
                return type(None)
            case ir.LiteralOf(values=values):
                return Literal[values]  # type: ignore[valid-type]
            case ir.ArrayOf(item=item):
                return list[self.type(item)]  # type: ignore[misc]
            case ir.MapOf(value=value):
                return dict[str, self.type(value)]  # type: ignore[misc]
            case ir.ModelRef():
                return self.model(t)
            case ir.UnionOf(members=members, discriminator=discriminator):
                joined = Union[tuple(self.type(m) for m in members)]  # type: ignore[valid-type]
                return Annotated[joined, pydantic.Field(discriminator=discriminator)] if discriminator else joined
        raise TypeError(f"not a TypeRef: {t!r}")

    def adapter(self, key: Any, build: Any) -> pydantic.TypeAdapter[Any]:
        """A TypeAdapter built once per key (`build()` gives the type)."""
        if key not in self._adapters:
            self._adapters[key] = pydantic.TypeAdapter(build())
        return self._adapters[key]


# ---- minimal samples --------------------------------------------------------------------------


class Unsynthesizable(Exception):
    """No minimal sample can be built for a type, for a structural reason (said in the message)."""


class Sampler:
    """Minimal valid JSON for a TypeRef: required fields only, the first choice of every union."""

    def __init__(self, index: dict[tuple[str, str], ir.Model]) -> None:
        self.index = index

    def model_of(self, ref: ir.ModelRef) -> ir.Model:
        model = self.index.get((ref.module, ref.name))
        if model is None:
            raise Unsynthesizable(f"ModelRef {ref.module}.{ref.name} names no model of the IR")
        return model

    def object_sample(self, model: ir.ObjectModel, depth: int = 0, **override: Any) -> dict[str, Any]:
        """Every required field of `model` (JSON names), with `override` (JSON name → value) on top."""
        out: dict[str, Any] = {}
        for f in model.fields:
            if f.alias in override:
                out[f.alias] = override[f.alias]
            elif f.required:
                try:
                    out[f.alias] = self.value(f.type, depth + 1)
                except Unsynthesizable as exc:
                    raise Unsynthesizable(f"{model.name}.{f.alias}: {exc}") from None
        for alias, value in override.items():
            out.setdefault(alias, value)
        return out

    def value(self, t: ir.TypeRef, depth: int = 0) -> Any:
        if depth > SAMPLE_DEPTH:
            raise Unsynthesizable(f"required fields nest deeper than {SAMPLE_DEPTH} levels (a required cycle?)")
        match t:
            case ir.Primitive():
                return _primitive(t)
            case ir.AnyType():
                return {}
            case ir.NullType():
                return None
            case ir.LiteralOf(values=values):
                return values[0]
            case ir.ArrayOf(item=item, constraints=constraints):
                count = int(dict(constraints.items).get("min_length", 0))  # type: ignore[arg-type]
                return [self.value(item, depth + 1) for _ in range(count)]
            case ir.MapOf(value=value, constraints=constraints):
                count = int(dict(constraints.items).get("min_length", 0))  # type: ignore[arg-type]
                return {f"k{i}": self.value(value, depth + 1) for i in range(count)}
            case ir.ModelRef():
                model = self.model_of(t)
                if isinstance(model, ir.ObjectModel):
                    return self.object_sample(model, depth + 1)
                return self.value(model.type, depth + 1)
            case ir.UnionOf(members=members):
                reasons = []
                for member in members:
                    if isinstance(member, ir.NullType):
                        continue
                    try:
                        return self.value(member, depth + 1)
                    except Unsynthesizable as exc:
                        reasons.append(str(exc))
                if any(isinstance(m, ir.NullType) for m in members):
                    return None
                raise Unsynthesizable("no member of the union can be built: " + "; ".join(reasons))
        raise Unsynthesizable(f"not a TypeRef: {t!r}")


def _primitive(t: ir.Primitive) -> Any:
    c = dict(t.constraints.items)
    if t.kind in ("str", "bytes"):
        text = "x" * max(int(c.get("min_length", 1) or 0), 1)  # type: ignore[arg-type]
        if "max_length" in c:
            text = text[: int(c["max_length"])]  # type: ignore[arg-type]
        pattern = c.get("pattern")
        if isinstance(pattern, str) and not re.search(pattern, text):
            raise Unsynthesizable(f"cannot build a string matching pattern {pattern!r}")
        return text
    if t.kind in ("int", "float"):
        number: float = 0
        if "ge" in c:
            number = max(number, c["ge"])  # type: ignore[type-var,assignment]
        if "gt" in c:
            number = max(number, c["gt"] + 1)  # type: ignore[operator,assignment]
        if "le" in c:
            number = min(number, c["le"])  # type: ignore[type-var,assignment]
        if "lt" in c:
            number = min(number, c["lt"] - 1)  # type: ignore[operator,assignment]
        return int(number) if t.kind == "int" else float(number)
    return {"bool": False, "datetime": DATETIME, "date": DATE}[t.kind]


# ---- placing a sample at one position of a type -----------------------------------------------

MAP_KEY = "key"


def wrap(t: ir.TypeRef, target: ir.TypeRef, sample: Any) -> Any:
    """A value of type `t` that holds `sample` where `target` (nested in `t`) is."""
    if t == target:
        return sample
    match t:
        case ir.ArrayOf(item=item):
            return [wrap(item, target, sample)]
        case ir.MapOf(value=value):
            return {MAP_KEY: wrap(value, target, sample)}
        case ir.UnionOf(members=members):
            return wrap(_member_holding(members, target), target, sample)
    raise ValueError(f"{target!r} is not nested in {t!r}")


def unwrap(value: Any, t: ir.TypeRef, target: ir.TypeRef) -> Any:
    """The inverse of `wrap` on the validated value."""
    if t == target:
        return value
    match t:
        case ir.ArrayOf(item=item):
            return unwrap(value[0], item, target)
        case ir.MapOf(value=inner):
            return unwrap(value[MAP_KEY], inner, target)
        case ir.UnionOf(members=members):
            return unwrap(value, _member_holding(members, target), target)
    raise ValueError(f"{target!r} is not nested in {t!r}")


def _member_holding(members: tuple[ir.TypeRef, ...], target: ir.TypeRef) -> ir.TypeRef:
    return next(m for m in members if any(s == target for s in graph.walk(m)))


# ---- where an Any comes from ------------------------------------------------------------------

# Keywords that say nothing about the value: a schema with only these accepts anything, as `{}` does.
ANNOTATIONS = frozenset({"description", "title", "default", "example", "examples", "deprecated", "readOnly",
                         "writeOnly", "externalDocs", "$comment", "$id", "$schema", "nullable"})
FREE_FORM = frozenset({"empty schema {}", "empty schema {} (annotations only)", "array without items",
                       "free-form object (no properties)", "free-form object (additionalProperties: true)",
                       "free-form object (additionalProperties: {})"})


@dataclass(frozen=True)
class AnyOrigin:
    pointer: str
    """Where the construct is (after `$ref`s)."""
    construct: str


def contains_any(t: ir.TypeRef) -> bool:
    return any(isinstance(s, ir.AnyType) for s in graph.walk(t))


def raw_node(resolver: Resolver, file: str, pointer: str) -> Node:
    value = resolver.doc.trees[file]
    for part in split_pointer(pointer):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return Node(file, pointer, value)


def any_origins(resolver: Resolver, t: ir.TypeRef, node: Node) -> list[AnyOrigin]:
    """For every `AnyType` in `t`, the raw schema (under `node`) that forced it, classified."""
    node = resolver.resolve(node)
    schema = node.value
    if isinstance(t, ir.AnyType):
        return [AnyOrigin(node.pointer, classify(schema))]
    if not contains_any(t) or not isinstance(schema, dict):
        return []
    match t:
        case ir.ArrayOf(item=item):
            if "items" not in schema:
                return [AnyOrigin(node.pointer, "array without items")]
            return any_origins(resolver, item, resolver.child(node, "items"))
        case ir.MapOf(value=value):
            additional = schema.get("additionalProperties")
            if isinstance(additional, dict) and additional:
                return any_origins(resolver, value, resolver.child(node, "additionalProperties"))
            return [AnyOrigin(node.pointer, classify(schema))]
        case ir.UnionOf(members=members):
            return _union_origins(resolver, members, node)
    return [AnyOrigin(node.pointer, "unmapped: " + classify(schema))]


def _union_origins(resolver: Resolver, members: tuple[ir.TypeRef, ...], node: Node) -> list[AnyOrigin]:
    schema = node.value
    key = next((k for k in ("oneOf", "anyOf") if isinstance(schema.get(k), list)), None)
    concrete = [m for m in members if not isinstance(m, ir.NullType)]
    if key is None:
        # `nullable: true` or `type: [object, "null"]`: every member comes from this same node.
        return [o for m in concrete for o in any_origins(resolver, m, node)]
    subs = [resolver.child(node, key, i) for i, sub in enumerate(schema[key])
            if not (isinstance(sub, dict) and (sub.get("type") == "null" or sub.get("const", 0) is None))]
    if len(subs) == len(concrete):
        return [o for m, sub in zip(concrete, subs) for o in any_origins(resolver, m, sub)]
    return [AnyOrigin(node.pointer, f"unmapped: {key} with {len(subs)} members typed as {len(concrete)}")]


def classify(schema: Any) -> str:
    """The construct a raw schema is, in words, as far as typing it as Any goes."""
    if schema is True or schema == {}:
        return "empty schema {}"
    if not isinstance(schema, dict):
        return f"not a schema ({type(schema).__name__})"
    keys = {k for k in schema if not k.startswith("x-")}
    types = schema.get("type") if isinstance(schema.get("type"), list) else [schema.get("type")]
    additional = schema.get("additionalProperties")
    if not keys - ANNOTATIONS:
        return "empty schema {} (annotations only)"
    if "$recursiveRef" in keys or "$dynamicRef" in keys:
        return "recursive reference"
    if "object" in types or "properties" in keys or "additionalProperties" in keys:
        if schema.get("properties"):
            composed = sorted(keys & {"oneOf", "anyOf", "allOf"})
            return "object with properties" + (f" and {'/'.join(composed)}" if composed else "")
        if additional is True or additional == {}:
            return f"free-form object (additionalProperties: {'true' if additional is True else '{}'})"
        if additional is None:
            return "free-form object (no properties)"
        return "object with typed additionalProperties"
    if "oneOf" in keys or "anyOf" in keys or "allOf" in keys:
        return "composition (" + "/".join(sorted(keys & {"oneOf", "anyOf", "allOf"})) + ")"
    if "array" in types:
        return "array"
    if any(t is not None for t in types):
        return f"typed {'/'.join(str(t) for t in types if t is not None)}"
    return "no type and no keywords that imply one (" + ", ".join(sorted(keys - ANNOTATIONS)) + ")"
