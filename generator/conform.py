"""Whether a JSON value conforms to a `TypeRef`: for defaults, which generated code writes as is."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable

from . import ir

Lookup = Callable[[ir.ModelRef], "ir.Model | None"]


def _no_lookup(ref: ir.ModelRef) -> ir.Model | None:
    return None


def coerce_default(t: ir.TypeRef, value: ir.JsonValue) -> ir.JsonValue:
    """A scalar default of a string schema as its text (`type: string, default: 1` means "1")."""
    if isinstance(t, ir.Primitive) and t.kind == "str" and isinstance(value, (int, float, bool)):
        return json.dumps(value)
    return value


def fits(t: ir.TypeRef, value: ir.JsonValue, lookup: Lookup = _no_lookup) -> bool:
    """Whether `value` is a valid instance of `t`, structurally (constraints are not checked).

    `lookup` finds the model a reference names; without it, references fit nothing.
    """
    match t:
        case ir.ModelRef():
            model = lookup(t)
            if isinstance(model, ir.AliasModel):
                return fits(model.type, value, lookup)
            return isinstance(value, dict) and model is not None
        case ir.AnyType():
            return True
        case ir.NullType():
            return value is None
        case ir.Primitive(kind=kind, format=fmt):
            return _primitive_fits(kind, fmt, value)
        case ir.LiteralOf(values=values):
            return any(value == v and type(value) is type(v) for v in values)
        case ir.ArrayOf(item=item):
            return isinstance(value, list) and all(fits(item, v, lookup) for v in value)
        case ir.MapOf(value=item):
            return isinstance(value, dict) and all(fits(item, v, lookup) for v in value.values())
        case ir.UnionOf(members=members):
            return any(fits(m, value, lookup) for m in members)
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
            import uuid  # here, not on import: with the `platform` it imports, ~4 ms of every run

            uuid.UUID(value)
        elif fmt == "date-time":
            datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        elif fmt == "date":
            datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True
