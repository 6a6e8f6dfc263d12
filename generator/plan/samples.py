"""Sample JSON values for docs: the spec's own example where it has one, completed from defaults,
enums, formats and field names, so every required field is there and every value fits its type.

One sampler serves both views of an example: the JSON bodies on resource pages, and (through
`examples.py`) the Python code that builds the same value with the generated models.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from .. import ir
from .index import ModelIndex

MISSING: Any = object()
_MAX_DEPTH = 6


@dataclass
class Sampler:
    index: ModelIndex
    _stack: list[tuple[str, str]] = field(default_factory=list)

    def value(self, t: ir.TypeRef, given: Any = MISSING, name: str = "value", depth: int = 0) -> Any:
        """A JSON value of type `t`: `given` where it fits, otherwise one made up to fit."""
        match t:
            case ir.ModelRef():
                return self._model(t, given, depth)
            case ir.LiteralOf(values=values):
                return given if given is not MISSING and given in values else values[0]
            case ir.Primitive():
                return _primitive(t, given, name)
            case ir.ArrayOf(item=item):
                items = given if isinstance(given, list) else [] if self.recursive(item) else [MISSING]
                return [self.value(item, v, name, depth + 1) for v in items]
            case ir.MapOf(value=item):
                entries = given if isinstance(given, dict) else {} if self.recursive(item) else {"key": MISSING}
                return {str(k): self.value(item, v, str(k), depth + 1) for k, v in entries.items()}
            case ir.UnionOf(members=members):
                member = self.pick(members, given)
                return self.value(member, given, name, depth)
            case ir.NullType():
                return None
        return given if given is not MISSING and is_json(given) else "<value>"

    def recursive(self, t: ir.TypeRef) -> bool:
        """A type that leads back to a model being sampled: a sample stops there, empty."""
        return isinstance(t, ir.ModelRef) and (t.module, t.name) in self._stack

    def _model(self, ref: ir.ModelRef, given: Any, depth: int) -> Any:
        model = self.index.get(ref)
        key = (ref.module, ref.name)
        if key in self._stack or depth > _MAX_DEPTH:
            return None
        if given is MISSING:
            given = self.index.examples.get(key, MISSING)  # the component's own example, where it has one
        self._stack.append(key)
        try:
            if isinstance(model, ir.AliasModel):
                return self.value(model.type, given, model.name, depth + 1)
            out: dict[str, Any] = {}
            known = given if isinstance(given, dict) else {}
            wanted = group_to_add(model, set(known))
            for f in model.fields:
                if f.alias in known and known[f.alias] is None and not f.required:
                    out[f.alias] = None
                elif f.alias in known:
                    out[f.alias] = self.value(f.type, known[f.alias], f.alias, depth + 1)
                elif f.required or f.alias in wanted:
                    out[f.alias] = self.value(f.type, field_value(f), f.alias, depth + 1)
            return out
        finally:
            self._stack.pop()

    def pick(self, members: tuple[ir.TypeRef, ...], value: Any) -> ir.TypeRef:
        """The member of a union that `value` belongs to (the first that fits, when none is sure)."""
        concrete = [m for m in members if not isinstance(m, ir.NullType)]
        if value is None and len(concrete) < len(members):
            return ir.NullType()
        if value is MISSING:
            return concrete[0] if concrete else members[0]
        if isinstance(value, dict):
            for m in concrete:
                if isinstance(m, ir.ModelRef) and self.accepts(m, value):
                    return m
        kind = json_kind(value)
        for m in concrete:
            if kind in self.kinds(m):
                return m
        return concrete[0] if concrete else members[0]

    def kinds(self, t: ir.TypeRef, _seen: frozenset[tuple[str, str]] = frozenset()) -> frozenset[str]:
        """The JSON kinds a value of `t` can have, seen through aliases and nested unions."""
        match t:
            case ir.ModelRef():
                model = self.index.get(t)
                if not isinstance(model, ir.AliasModel):
                    return frozenset({"object"})
                key = (t.module, t.name)
                return frozenset() if key in _seen else self.kinds(model.type, _seen | {key})
            case ir.UnionOf(members=members):
                return frozenset().union(*(self.kinds(m, _seen) for m in members))
            case ir.LiteralOf(values=values):
                return frozenset(json_kind(v) for v in values)
            case ir.AnyType():
                return frozenset({"object", "array", "string", "number", "boolean", "null"})
        return frozenset({type_kind(t)})

    def accepts(self, ref: ir.ModelRef, value: dict[str, Any]) -> bool:
        model = self.index.get(ref)
        if not isinstance(model, ir.ObjectModel):
            return False
        aliases = {f.alias for f in model.fields}
        for f in model.fields:
            if isinstance(f.type, ir.LiteralOf) and f.alias in value and value[f.alias] not in f.type.values:
                return False
        return all(f.alias in value for f in model.fields if f.required) and set(value) <= aliases


def group_to_add(model: ir.ObjectModel, present: set[str]) -> tuple[str, ...]:
    """The properties to add so that one of the model's required groups is there (the first)."""
    if not model.required_groups or any(set(g) <= present for g in model.required_groups):
        return ()
    return model.required_groups[0]


def field_value(f: ir.Field | ir.Argument) -> Any:
    if f.has_example:
        return f.example
    if isinstance(f, ir.Field) and f.has_default:
        return f.default
    return MISSING


def _primitive(t: ir.Primitive, given: Any, name: str) -> Any:
    if t.kind in ("datetime", "date"):
        moment = parse_moment(given)
        return moment.date().isoformat() if t.kind == "date" else moment.isoformat().replace("+00:00", "Z")
    if given is not MISSING and _fits(t.kind, given):
        return given
    return _synthesize(t, name)


def parse_moment(value: Any) -> _dt.datetime:
    """The moment a date or date-time example names; a fixed one when it names none."""
    if isinstance(value, str):
        try:
            moment = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            return moment if moment.tzinfo else moment.replace(tzinfo=_dt.timezone.utc)
    return _dt.datetime(2024, 1, 1, tzinfo=_dt.timezone.utc)


def _fits(kind: str, value: Any) -> bool:
    if isinstance(value, bool):
        return kind == "bool"
    kinds: dict[str, type | tuple[type, ...]] = {"str": str, "bytes": str, "int": int, "float": (int, float), "bool": bool}
    return isinstance(value, kinds[kind])


def _synthesize(t: ir.Primitive, name: str) -> Any:
    bounds = {k: v for k, v in t.constraints.items if isinstance(v, (int, float))}
    if t.kind == "int":
        if t.format == "unixtime" or name.endswith("_at"):
            return 1700000000
        low = bounds.get("ge", bounds["gt"] + 1 if "gt" in bounds else 1)
        return int(min(low, bounds.get("le", low)))
    if t.kind == "float":
        return float(bounds.get("ge", bounds.get("gt", 0.0) + 0.5 if "gt" in bounds else 1.0))
    if t.kind == "bool":
        return True
    text = _string_for(t.format, name).ljust(int(bounds.get("min_length", 0)), "x")
    if "max_length" in bounds:
        text = text[: int(bounds["max_length"])]
    return text


def _string_for(fmt: str | None, name: str) -> str:
    by_format = {"uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "email": "user@example.com",
                 "uri": "https://example.com", "url": "https://example.com", "hostname": "example.com",
                 "ipv4": "192.0.2.1", "ipv6": "2001:db8::1", "byte": "aGVsbG8="}
    if fmt in by_format:
        return by_format[fmt]
    if name.endswith("_ids"):
        name = name[:-1]  # an item of a list of ids
    if name == "id" or name.endswith("_id"):
        return f"{name.removesuffix('_id') or 'obj'}_abc123"
    return f"<{name}>"


def json_kind(value: Any) -> str:
    kinds = {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number", type(None): "null"}
    return kinds.get(type(value), "")


def type_kind(t: ir.TypeRef) -> str:
    match t:
        case ir.ArrayOf():
            return "array"
        case ir.MapOf() | ir.ModelRef():
            return "object"
        case ir.Primitive(kind="bool"):
            return "boolean"
        case ir.Primitive(kind="int" | "float"):
            return "number"
        case ir.Primitive() | ir.LiteralOf():
            return "string"
        case ir.NullType():
            return "null"
    return ""


def is_json(value: Any) -> bool:
    if value is None or isinstance(value, (bool, int, str)):
        return True
    if isinstance(value, float):
        return value == value and value not in (float("inf"), float("-inf"))
    if isinstance(value, list):
        return all(is_json(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_json(v) for k, v in value.items())
    return False
