"""Resources: operations grouped by the static segments of their paths, as a client exposes them.

`POST /vector_stores/{vector_store_id}/file_batches/{batch_id}/cancel` is
`client.vector_stores.file_batches.cancel(vector_store_id, batch_id)`. A static segment is a
resource when a path goes on below it, or when it follows another static segment; a last static
segment right after a parameter is an action (`cancel`). Methods on a collection are `list`
(GET) and `create` (POST); on an item `retrieve`, `update` and `delete`; `x-specloom-name` wins,
and a rename in the config wins over both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from dataclasses import dataclass, field

from .. import ir
from ..diagnostics import Diagnostic, Severity
from ..names import NameAllocator, class_name, field_name, method_name, module_name, snake_case
from .arguments import method_signature
from ..renames import Rename, rename_error

_COLLECTION = {"get": "list", "post": "create", "put": "update", "patch": "update", "delete": "delete"}
_ITEM = {"get": "retrieve", "post": "update", "put": "update", "patch": "update", "delete": "delete"}
# Names the generated modules import as they are: a resource class is never one of them.
RESERVED_CLASSES = frozenset({"NotGiven", "FileInput", "SyncPage", "AsyncPaginator", "Stream", "AsyncStream",
                              "BinaryResponse", "AsyncBinaryResponse", "Client", "AsyncClient"})
# Attributes every resource class has: no method or child resource may take them.
RESERVED = ("with_raw_response", "with_streaming_response", "with_options")


@dataclass
class _Node:
    segment: str
    children: dict[str, _Node] = field(default_factory=dict)
    ops: list[tuple[str, ir.Operation]] = field(default_factory=list)
    """(wanted method name, operation)."""


# Attributes of the client itself.
CLIENT_RESERVED = (*RESERVED, "close", "base_url", "request", "request_page", "timeout", "max_retries", "copy")


def build_resources(ops: list[ir.Operation], models: dict[tuple[str, str], ir.Model],
                    pagination: Mapping[str, Any] | None = None, renames: Mapping[str, Rename] | None = None,
                    ) -> tuple[tuple[ir.Resource, ...], tuple[ir.Method, ...], list[Diagnostic]]:
    """Top-level resources, methods of the client itself (paths with no static segment), and
    diagnostics: methods named other than they wanted, renames (by operationId) that clash."""
    deeper = _segments_with_children(op.path for op in ops)
    statics = [tuple(p for p in _parts(op.path) if not _is_param(p)) for op in ops]
    collections = set(statics)  # chains with operations of their own
    # A static chain that other paths share or go beyond names a resource, never an action.
    paths_of: dict[tuple[str, ...], set[str]] = {}
    for op, chain in zip(ops, statics):
        paths_of.setdefault(chain, set()).add(op.path.split("?", 1)[0])
    shared = {c for c, paths in paths_of.items() if len(paths) > 1} | {c[:i] for c in statics for i in range(1, len(c))}
    root = _Node("")
    for op in ops:
        place, wanted = _place(op, deeper, collections, shared)
        node = root
        for segment in place:
            node = node.children.setdefault(segment, _Node(segment))
        node.ops.append((op.sdk_name or wanted, op))
    diagnostics: list[Diagnostic] = []
    context = _Context(models, pagination or {}, renames or {}, diagnostics)
    names = NameAllocator(CLIENT_RESERVED)
    methods = _methods(root, names, context)
    modules = NameAllocator(["_client"])
    resources = tuple(_build(child, (seg,), names.allocate(field_name(seg)), modules, context)
                      for seg, child in root.children.items())
    return resources, methods, diagnostics


@dataclass(frozen=True)
class _Context:
    models: dict[tuple[str, str], ir.Model]
    pagination: Mapping[str, Any]
    """operationId → a pagination override from specloom.yaml."""
    renames: Mapping[str, Rename]
    """operationId → the method name specloom.yaml gives it."""
    diagnostics: list[Diagnostic]


def _segments_with_children(paths: Iterable[str]) -> set[tuple[str, ...]]:
    """Every static-path prefix below which some path continues."""
    out: set[tuple[str, ...]] = set()
    for path in paths:
        parts = _parts(path)
        for i in range(1, len(parts)):
            out.add(tuple(parts[:i]))
    return out


def _parts(path: str) -> list[str]:
    return [p for p in path.split("?", 1)[0].split("/") if p]


def _is_param(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


def _place(op: ir.Operation, deeper: set[tuple[str, ...]], collections: set[tuple[str, ...]],
           shared: set[tuple[str, ...]]) -> tuple[list[str], str]:
    """The resource chain (static segments) an operation belongs to, and its method name.

    `collections` are the chains that have operations of their own (a list, or an item): a
    last static segment below one of them, with nothing further below it, is an action on it
    (`/organization/certificates/activate`), not a resource of its own (`/audio/speech`)."""
    parts = _parts(op.path)
    query = op.path.split("?", 1)[1] if "?" in op.path else ""
    suffix = f"_{snake_case(query)}" if snake_case(query) else ""
    chain = [p for p in parts if not _is_param(p)]
    if not parts:
        return [], op.method + suffix
    last = parts[-1]
    if _is_param(last):
        return chain, _ITEM.get(op.method, op.method) + suffix
    leaf = tuple(parts) not in deeper and tuple(chain) not in shared
    leaf_action = len(parts) > 1 and leaf and (_is_param(parts[-2]) or tuple(chain[:-1]) in collections)
    if leaf_action:
        action = snake_case(last)
        if op.method == "get":
            action = f"list_{action}" if _lists(op) else f"retrieve_{action}"
        elif op.method == "delete":
            action = f"delete_{action}"
        return chain[:-1], action + suffix
    return chain, _COLLECTION.get(op.method, op.method) + suffix


def _lists(op: ir.Operation) -> bool:
    """A GET whose success is an array, or a page (an object holding one array, like `data`)."""
    ok = next((r for r in op.responses if r.status.startswith("2")), None)
    return ok is not None and (isinstance(ok.type, ir.ArrayOf) or any(p.alias in ("after", "cursor", "offset", "page")
                                                                      for p in op.parameters if p.where == "query"))



def _build(node: _Node, chain: tuple[str, ...], attr: str, modules: NameAllocator, context: _Context) -> ir.Resource:
    names = NameAllocator(RESERVED)
    methods = _methods(node, names, context)  # methods claim their names first
    module = modules.allocate(module_name("_".join(chain)))
    children = tuple(_build(child, (*chain, seg), names.allocate(field_name(seg)), modules, context)
                     for seg, child in node.children.items())
    cls = class_name("_".join(chain))
    if cls in RESERVED_CLASSES:
        cls += "Resource"
    return ir.Resource(attr, cls, module, chain, methods, children)


def _methods(node: _Node, names: NameAllocator, context: _Context) -> tuple[ir.Method, ...]:
    renamed = _claim_renames(node, names, context)
    out = []
    for i, (wanted, op) in enumerate(node.ops):
        name = renamed.get(i) or _allocate(wanted, op, names, context)
        override = context.pagination.get(op.operation_id or "")
        try:
            out.append(method_signature(name, op, context.models, override))
        except ValueError as exc:
            context.diagnostics.append(Diagnostic(Severity.ERROR, "config-pagination", f"pagination for "
                                                  f"{op.operation_id!r}: {exc}", op.location))
            out.append(method_signature(name, op, context.models))
    return tuple(out)


def _allocate(wanted: str, op: ir.Operation, names: NameAllocator, context: _Context) -> str:
    name = method_name(wanted)
    if names.taken(name) and op.operation_id:
        name = method_name(op.operation_id)  # the spec's own name for it says what differs
    name = names.allocate(name)
    if name != method_name(wanted):
        context.diagnostics.append(Diagnostic(Severity.WARNING, "method-name-clash",
                                              f"{op.method.upper()} {op.path} would be `{wanted}`, taken by another "
                                              f"operation here; named `{name}` (set x-specloom-name to choose)", op.location))
    return name


def _claim_renames(node: _Node, names: NameAllocator, context: _Context) -> dict[int, str]:
    """The config's method names for this resource's operations (by index), claimed before any
    other name of the resource; one that another method or a child resource wants is an error."""
    chosen: dict[tuple[str, str | int], str] = {("op", i): context.renames[op.operation_id or ""].new
                                                for i, (_, op) in enumerate(node.ops) if op.operation_id in context.renames}
    wanted: list[tuple[tuple[str, str | int], str]] = [(("op", i), method_name(w)) for i, (w, _) in enumerate(node.ops)]
    wanted += [(("resource", seg), field_name(seg)) for seg in node.children]
    clashes = names.claim(wanted, chosen)
    for (_, i), other in clashes.items():
        op = node.ops[int(i)][1]
        rename = context.renames[op.operation_id or ""]
        if other is None:
            whose = "a name every resource (or the client) has"
        elif other[0] == "op":
            other_op = node.ops[int(other[1])][1]
            whose = f"the method of {other_op.method.upper()} {other_op.path} here"
        else:
            whose = f"the child resource `{other[1]}` here"
        context.diagnostics.append(rename_error("rename-collision", f"cannot rename {rename.target!r} to {rename.new!r}: "
                                                f"that is {whose}", rename))
    return {int(i): new for (_, i), new in chosen.items() if ("op", i) not in clashes}
