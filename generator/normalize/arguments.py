"""A client method's signature, decided from its operation: arguments, return, pagination.

Path parameters come first, positional, in path order; query, header and cookie parameters
and the fields of an object body are keyword-only. Every name is allocated in one namespace per
method, so a query `limit` and a body `limit` cannot clash; readOnly body fields are not sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Union

from .. import ir
from ..names import NameAllocator, field_name

# The per-call options every method takes.
RESERVED_ARGS = ("self", "extra_headers", "extra_query", "extra_body", "timeout", "max_retries",
                 "httpx")  # the module annotations name
_FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")
_JSON_KINDS = ("application/json",)


def method_signature(name: str, op: ir.Operation, models: dict[tuple[str, str], ir.Model],
                     override: PaginationOverride = None) -> ir.Method:
    names = NameAllocator(RESERVED_ARGS, case_sensitive=True)
    args = [_param(p, names) for p in op.parameters if p.where == "path"]
    args += [_param(p, names) for p in op.parameters if p.where != "path"]
    if op.body is not None:
        args += _body_arguments(op.body, models, names)
    ok = _success(op)
    returns = ok.type if ok else None
    kind = _kind(ok)
    pagination = _pagination(op, returns, models) if kind == "model" else None
    if override is not None and kind == "model":
        pagination = _overridden(returns, models, override)
    errors = tuple((r.status, r.type) for r in op.responses
                   if not r.status.startswith(("1", "2", "3")) and r.type is not None and _is_json(r.media_type))
    streams = ok.stream_type if ok and any(a.alias == "stream" and a.where == "body" for a in args) else None
    return ir.Method(name, op.name, tuple(_ordered(args)), op.body.media_type if op.body else None,
                     returns, "page" if pagination else kind, pagination, errors, streams)


def _ordered(args: list[ir.Argument]) -> list[ir.Argument]:
    """Positional path arguments, then required keyword arguments, then optional ones."""
    return sorted(args, key=lambda a: (a.where != "path", not a.required))


def _param(p: ir.Parameter, names: NameAllocator) -> ir.Argument:
    return ir.Argument(names.allocate(field_name(p.alias)), p.alias, p.where, p.type, p.required, p.description,
                       p.example, p.has_example)


def _body_arguments(body: ir.Body, models: dict[tuple[str, str], ir.Model], names: NameAllocator) -> list[ir.Argument]:
    model = models.get((body.type.module, body.type.name)) if isinstance(body.type, ir.ModelRef) else None
    fielded = isinstance(model, ir.ObjectModel) and (_is_json(body.media_type) or body.media_type in _FORMS)
    if not fielded:
        return [ir.Argument(names.allocate("body"), "", "whole_body", body.type, body.required, body.description)]
    assert isinstance(model, ir.ObjectModel)
    out = []
    for f in model.fields:
        if f.read_only:
            continue  # the server sets it; a request never carries it
        where = "file" if body.media_type == "multipart/form-data" and _is_file(f.type) else "body"
        out.append(ir.Argument(names.allocate(f.name), f.alias, where, f.type, f.required and body.required, f.description,
                               f.example, f.has_example))
    return out


def _is_file(t: ir.TypeRef) -> bool:
    if isinstance(t, ir.ArrayOf):
        return _is_file(t.item)
    return isinstance(t, ir.Primitive) and t.kind == "bytes"


def _is_json(media: str | None) -> bool:
    return media is not None and (media in _JSON_KINDS or media.endswith("+json") or media == "*/*")


def _success(op: ir.Operation) -> ir.Response | None:
    ok = [r for r in op.responses if r.status.startswith("2")]
    return min(ok, key=lambda r: r.status) if ok else None


def _kind(response: ir.Response | None) -> str:
    if response is None or response.type is None:
        return "none"
    if response.media_type == "text/event-stream":
        return "stream"
    if _is_json(response.media_type):
        return "model"
    return "binary"


# From specloom.yaml: `false` (not paged), or the runtime Pagination's fields (`style`, `items`, …).
PaginationOverride = Union[bool, Mapping[str, Any], None]


def _overridden(returns: ir.TypeRef | None, models: dict[tuple[str, str], ir.Model],
                override: bool | Mapping[str, Any]) -> ir.Pagination | None:
    """The pagination the config asks for; the item type comes from the response's `items` field."""
    if override is False or override is True:
        return None
    model = models.get((returns.module, returns.name)) if isinstance(returns, ir.ModelRef) else None
    field = next((f for f in model.fields if f.alias == override.get("items", "data")), None) \
        if isinstance(model, ir.ObjectModel) else None
    if field is None or not isinstance(field.type, ir.ArrayOf):
        raise ValueError(f"the response has no array field {override.get('items', 'data')!r} to page through")
    return ir.Pagination(**{"items": field.alias, **override, "item_type": field.type.item})


def _pagination(op: ir.Operation, returns: ir.TypeRef | None, models: dict[tuple[str, str], ir.Model]) -> ir.Pagination | None:
    """A page, recognised from the response's shape and the operation's parameters."""
    if op.method != "get" or not isinstance(returns, ir.ModelRef):
        return None
    model = models.get((returns.module, returns.name))
    if not isinstance(model, ir.ObjectModel):
        return None
    fields = {f.alias: f for f in model.fields}
    arrays = [f for f in model.fields if isinstance(f.type, ir.ArrayOf)]
    query = {p.alias for p in op.parameters if p.where == "query"}
    if len(arrays) != 1:
        return None
    items = arrays[0]
    assert isinstance(items.type, ir.ArrayOf)
    if "has_more" in fields and "after" in query:
        cursor_field = "last_id" if "last_id" in fields else None
        return ir.Pagination("cursor", items.alias, items.type.item, "has_more", "after", cursor_field)
    if "next" in fields:
        return ir.Pagination("next_link", items.alias, items.type.item, None, next_field="next")
    if {"offset", "limit"} <= query:
        return ir.Pagination("offset", items.alias, items.type.item, None)
    return None
