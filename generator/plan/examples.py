"""Example values for docs: a Python expression that builds a model, from the spec's own example
where it has one, otherwise from defaults, enums, formats and field names.

The expression is laid out as black lays out a call with a magic trailing comma (one argument a
line), so it is black-stable without running black.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

from .. import ir
from ..pytypes import py_literal
from .index import ModelIndex

_MISSING: Any = object()
_MAX_DEPTH = 6


@dataclass
class Example:
    """Builds one example; collects the imports its code needs."""

    index: ModelIndex
    package: str
    imports: set[tuple[str, str]] = field(default_factory=set)
    uses_datetime: bool = False
    _stack: list[tuple[str, str]] = field(default_factory=list)

    def code(self, ref: ir.ModelRef, value: Any, *, given: bool) -> str:
        """`from … import …` lines and `value = Model(…)`; `value` is the spec's example if `given`."""
        expr = self.expr(ref, value if given else _MISSING, "value", 0)
        by_module: dict[str, list[str]] = {}
        for module, name in sorted(self.imports):
            by_module.setdefault(module, []).append(name)
        lines = ["import datetime"] if self.uses_datetime else []
        lines.extend(_import_line(module, names) for module, names in by_module.items())
        return "\n".join(lines) + ("\n\n" if lines else "") + "value = " + expr

    def expr(self, t: ir.TypeRef, value: Any, name: str, depth: int) -> str:
        match t:
            case ir.ModelRef():
                return self._model(t, value, depth)
            case ir.LiteralOf(values=values):
                return py_literal(value if value in values and value is not _MISSING else values[0])
            case ir.Primitive():
                return self._primitive(t, value, name)
            case ir.ArrayOf(item=item):
                items = value if isinstance(value, list) else [] if self._recursive(item) else [_MISSING]
                return _block("[", "]", [self.expr(item, v, name, depth + 1) for v in items])
            case ir.MapOf(value=item):
                entries = value if isinstance(value, dict) else {} if self._recursive(item) else {"key": _MISSING}
                return _block("{", "}", [f"{py_literal(str(k))}: {self.expr(item, v, str(k), depth + 1)}" for k, v in entries.items()])
            case ir.UnionOf(members=members):
                return self.expr(self._pick(members, value), value, name, depth)
            case ir.NullType():
                return "None"
        return py_literal(value) if value is not _MISSING and _is_json(value) else '"<value>"'

    def _recursive(self, t: ir.TypeRef) -> bool:
        """A type that leads back to a model being built: an example stops there, empty."""
        return isinstance(t, ir.ModelRef) and (t.module, t.name) in self._stack

    def _model(self, ref: ir.ModelRef, value: Any, depth: int) -> str:
        model = self.index.get(ref)
        key = (ref.module, ref.name)
        if key in self._stack or depth > _MAX_DEPTH:
            return "None"
        self._stack.append(key)
        try:
            if isinstance(model, ir.AliasModel):
                return self.expr(model.type, value, model.name, depth + 1)
            args = []
            given = value if isinstance(value, dict) else {}
            for f in model.fields:
                if f.alias in given and given[f.alias] is None and not f.required:
                    args.append(f"{f.name}=None")
                elif f.alias in given:
                    args.append(f"{f.name}={self.expr(f.type, given[f.alias], f.alias, depth + 1)}")
                elif f.required:
                    args.append(f"{f.name}={self.expr(f.type, _field_value(f), f.alias, depth + 1)}")
        finally:
            self._stack.pop()
        module = f"{self.package}.types" if self.index.is_primary(ref) else f"{self.package}.types.{ref.module}"
        self.imports.add((module, ref.name))
        return _block(f"{ref.name}(", ")", args)

    def _primitive(self, t: ir.Primitive, value: Any, name: str) -> str:
        if t.kind in ("datetime", "date"):
            self.uses_datetime = True
            return _datetime_expr(t.kind, value)
        if value is not _MISSING and _primitive_fits(t.kind, value):
            return _bytes_literal(value) if t.kind == "bytes" else py_literal(value)
        return _synthesize(t, name)

    def _pick(self, members: tuple[ir.TypeRef, ...], value: Any) -> ir.TypeRef:
        concrete = [m for m in members if not isinstance(m, ir.NullType)]
        if value is None and len(concrete) < len(members):
            return ir.NullType()
        if isinstance(value, dict):
            for m in concrete:
                if isinstance(m, ir.ModelRef) and self._accepts(m, value):
                    return m
        for m in concrete:
            if _json_kind(value) == _type_kind(m):
                return m
        return concrete[0] if concrete else members[0]

    def _accepts(self, ref: ir.ModelRef, value: dict[str, Any]) -> bool:
        model = self.index.get(ref)
        if not isinstance(model, ir.ObjectModel):
            return False
        aliases = {f.alias: f for f in model.fields}
        for f in model.fields:
            if isinstance(f.type, ir.LiteralOf) and f.alias in value and value[f.alias] not in f.type.values:
                return False
        return all(f.alias in value for f in model.fields if f.required) and set(value) <= set(aliases)


def _field_value(f: ir.Field) -> Any:
    if f.has_example:
        return f.example
    if f.has_default:
        return f.default
    return _MISSING


def _primitive_fits(kind: str, value: Any) -> bool:
    if isinstance(value, bool):
        return kind == "bool"
    return isinstance(value, {"str": str, "bytes": str, "int": int, "float": (int, float), "bool": bool}[kind])


def _bytes_literal(text: str) -> str:
    return "b" + py_literal(text.encode("ascii", "ignore").decode("ascii"))


def _synthesize(t: ir.Primitive, name: str) -> str:
    bounds = {k: v for k, v in t.constraints.items if isinstance(v, (int, float))}
    if t.kind == "int":
        if t.format == "unixtime" or name.endswith("_at"):
            return "1700000000"
        low = bounds.get("ge", bounds["gt"] + 1 if "gt" in bounds else 1)
        return repr(int(min(low, bounds.get("le", low))))
    if t.kind == "float":
        return repr(float(bounds.get("ge", bounds.get("gt", 0.0) + 0.5 if "gt" in bounds else 1.0)))
    if t.kind == "bool":
        return "True"
    text = _string_for(t.format, name).ljust(int(bounds.get("min_length", 0)), "x")
    if "max_length" in bounds:
        text = text[: int(bounds["max_length"])]
    return _bytes_literal(text) if t.kind == "bytes" else py_literal(text)


def _string_for(fmt: str | None, name: str) -> str:
    by_format = {"uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "email": "user@example.com",
                 "uri": "https://example.com", "url": "https://example.com", "hostname": "example.com",
                 "ipv4": "192.0.2.1", "ipv6": "2001:db8::1", "byte": "aGVsbG8="}
    if fmt in by_format:
        return by_format[fmt]
    if name == "id" or name.endswith("_id"):
        return f"{name.removesuffix('_id') or 'obj'}_abc123"
    return f"<{name}>"


def _datetime_expr(kind: str, value: Any) -> str:
    moment = _dt.datetime(2024, 1, 1, tzinfo=_dt.timezone.utc)
    if isinstance(value, str):
        try:
            moment = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass
    if kind == "date":
        return f"datetime.date({moment.year}, {moment.month}, {moment.day})"
    return (f"datetime.datetime({moment.year}, {moment.month}, {moment.day}, {moment.hour}, {moment.minute}, "
            f"tzinfo=datetime.timezone.utc)")


def _import_line(module: str, names: list[str]) -> str:
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= 88:
        return line
    return _block(f"from {module} import (", ")", names)


def _block(open_: str, close: str, items: list[str]) -> str:
    if not items:
        return open_ + close
    inner = "".join(f"    {item.replace(chr(10), chr(10) + '    ')},\n" for item in items)
    return f"{open_}\n{inner}{close}"


def _json_kind(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number"}.get(type(value), "")


def _type_kind(t: ir.TypeRef) -> str:
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
    return ""


def _is_json(value: Any) -> bool:
    try:
        py_literal(value)
    except TypeError:
        return False
    return True
