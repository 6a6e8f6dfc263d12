"""Whether a JSON value conforms to a `TypeRef`: for defaults, which generated code writes as is."""

from __future__ import annotations

import datetime
import uuid

from . import ir


def fits(t: ir.TypeRef, value: ir.JsonValue) -> bool:
    """Whether `value` is a valid instance of `t`, structurally (constraints are not checked)."""
    match t:
        case ir.AnyType():
            return True
        case ir.NullType():
            return value is None
        case ir.Primitive(kind=kind, format=fmt):
            return _primitive_fits(kind, fmt, value)
        case ir.LiteralOf(values=values):
            return any(value == v and type(value) is type(v) for v in values)
        case ir.ArrayOf(item=item):
            return isinstance(value, list) and all(fits(item, v) for v in value)
        case ir.MapOf(value=item):
            return isinstance(value, dict) and all(fits(item, v) for v in value.values())
        case ir.UnionOf(members=members):
            return any(fits(m, value) for m in members)
    return False


def _primitive_fits(kind: str, fmt: str | None, value: ir.JsonValue) -> bool:
    if isinstance(value, bool):
        return kind == "bool"
    if kind == "int":
        return isinstance(value, int)
    if kind == "float":
        return isinstance(value, (int, float))
    if kind in ("str", "bytes"):
        return isinstance(value, str) and _format_fits(fmt, value)
    if kind in ("datetime", "date"):
        return isinstance(value, str) and _format_fits(fmt, value)
    return False


def _format_fits(fmt: str | None, value: str) -> bool:
    try:
        if fmt == "uuid":
            uuid.UUID(value)
        elif fmt == "date-time":
            datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        elif fmt == "date":
            datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True
