"""Operation changes: operations added, removed or renamed, and their parameters, bodies and responses.

An operation is its method and path; a new operationId or SDK method name on the same method and
path is a rename. Bodies and responses that refer to component schemas are compared by class
name only here: what changed inside those models is reported once, under the model.
"""

from __future__ import annotations

from collections.abc import Iterator

from .. import ir
from ..diagnostics import Location
from .changes import Change
from .models import module_models
from .rules import Scope, default_change, presence_changes, type_changes
from .typediff import Aliases, spell
from .usage import REQUEST, RESPONSE, Usage

OpKey = tuple[str, str]


def sdk_methods(api: ir.Api) -> dict[str, tuple[str, ir.Method]]:
    """`Operation.name` → (the call users write, `client.vector_stores.file_batches.create`; its method)."""
    out = {m.operation: (f"client.{m.name}", m) for m in api.client_methods}

    def walk(resources: tuple[ir.Resource, ...], prefix: str) -> Iterator[tuple[str, tuple[str, ir.Method]]]:
        for r in resources:
            yield from ((m.operation, (f"{prefix}.{r.attr}.{m.name}", m)) for m in r.methods)
            yield from walk(r.children, f"{prefix}.{r.attr}")

    out.update(walk(api.resources, "client"))
    return out


def operation_changes(old: ir.Api, new: ir.Api, usage: Usage, aliases: tuple[Aliases, Aliases]) -> list[Change]:
    before = {(op.method, op.path): op for op in old.operations}
    after = {(op.method, op.path): op for op in new.operations}
    calls_old, calls_new = sdk_methods(old), sdk_methods(new)
    modules_old = {m.module: m.models for m in old.operation_modules}
    modules_new = {m.module: m.models for m in new.operation_modules}
    out: list[Change] = []
    for key in sorted(before.keys() - after.keys()):
        op = before[key]
        scope = Scope("operation", _subject(op), _call(calls_old, op), frozenset({REQUEST}), aliases)
        out.append(scope.change("operation-removed", True, op.location, why="code that calls it breaks"))
    for key in sorted(after.keys() - before.keys()):
        op = after[key]
        out.append(Scope("operation", _subject(op), _call(calls_new, op), frozenset({REQUEST}), aliases).change(
            "operation-added", False, op.location))
    for key in sorted(before.keys() & after.keys()):
        a, b = before[key], after[key]
        scope = Scope("operation", _subject(b), _call(calls_new, b), frozenset({REQUEST}), aliases)
        out += _renamed(scope, a, b, _call(calls_old, a))
        out += _operation(scope, a, b)
        out += _returns(scope, calls_old.get(a.name), calls_new.get(b.name), b)
        out += module_models(scope, a.module or "", b.module or "", modules_old.get(a.module or "", ()),
                             modules_new.get(b.module or "", ()), usage)
    return out


def _subject(op: ir.Operation) -> str:
    return f"{op.method.upper()} {op.path}"


def _call(calls: dict[str, tuple[str, ir.Method]], op: ir.Operation) -> str:
    return calls[op.name][0] if op.name in calls else op.name


def _renamed(scope: Scope, old: ir.Operation, new: ir.Operation, old_call: str) -> list[Change]:
    if old_call != scope.sdk:
        return [scope.change("operation-renamed", True, new.location, note="SDK method", old=old_call, new=scope.sdk,
                             why="code that calls the old method breaks")]
    if old.operation_id != new.operation_id:
        return [scope.change("operation-renamed", False, new.location, note="operationId", old=old.operation_id or "",
                             new=new.operation_id or "", why="the SDK method keeps its name")]
    return []


def _operation(scope: Scope, old: ir.Operation, new: ir.Operation) -> list[Change]:
    out = []
    if new.deprecated and not old.deprecated:
        out.append(scope.change("operation-deprecated", False, new.location, why="it still works; plan to stop using it"))
    out += _parameters(scope, old.parameters, new.parameters)
    out += _body(scope, old.body, new.body, new.location)
    out += _responses(scope, old.responses, new.responses)
    return out


def _parameters(scope: Scope, old: tuple[ir.Parameter, ...], new: tuple[ir.Parameter, ...]) -> list[Change]:
    before = {(p.where, p.alias): p for p in old}
    after = {(p.where, p.alias): p for p in new}
    out: list[Change] = []
    for where, alias in sorted(before.keys() | after.keys()):
        a, b = before.get((where, alias)), after.get((where, alias))
        place, member = f"{where} parameter", (b or a).name  # type: ignore[union-attr]
        location = (b or a).location  # type: ignore[union-attr]
        out += presence_changes(scope, place, member, a, b, location)
        if a is None or b is None:
            continue
        if a.name != b.name:
            out.append(scope.change("parameter-renamed", True, location, place=place, member=alias, old=a.name,
                                    new=b.name, why="calls that pass the old keyword break"))
        out += type_changes(scope, place, member, a.type, b.type, location)
        out += default_change(scope, place, member, (a.has_default, a.default), (b.has_default, b.default), location)
        if b.deprecated and not a.deprecated:
            out.append(scope.change("deprecated", False, location, place=place, member=member,
                                    why="it still works; plan to stop passing it"))
    return out


def _body(scope: Scope, old: ir.Body | None, new: ir.Body | None, location: Location) -> list[Change]:
    if old is None and new is None:
        return []
    if old is None or new is None:
        if new is not None:
            return [scope.change("body-added", new.required, new.location, note="required" if new.required else "optional",
                                 new=spell(new.type), why="callers must now pass it" if new.required else "")]
        assert old is not None
        return [scope.change("body-removed", True, location, old=spell(old.type), why="calls that pass a body break")]
    out = []
    if old.required != new.required:
        kind, breaking = ("now-required", True) if new.required else ("now-optional", False)
        out.append(scope.change(kind, breaking, new.location, place="request body",
                                why="callers must now pass it" if breaking else "callers may leave it out"))
    if old.media_type != new.media_type:
        out.append(scope.change("media-type-changed", True, new.location, place="request body", old=old.media_type,
                                new=new.media_type, why="the SDK sends it differently, and its arguments may differ"))
    return out + type_changes(scope, "request body", "", old.type, new.type, new.location)


def _responses(scope: Scope, old: tuple[ir.Response, ...], new: tuple[ir.Response, ...]) -> list[Change]:
    reading = scope.holding(frozenset({RESPONSE}))
    before = {r.status: r for r in old}
    after = {r.status: r for r in new}
    out: list[Change] = []
    for status in sorted(before.keys() - after.keys()):
        success = status.startswith("2")
        out.append(reading.change("response-removed", success, before[status].location, member=status,
                                  why="the SDK method may no longer return what it did" if success
                                  else "an error status the API no longer documents"))
    for status in sorted(after.keys() - before.keys()):
        error = not status.startswith(("1", "2", "3"))
        out.append(reading.change("response-added", False, after[status].location, member=status,
                                  why="the SDK raises an error for it, as for any error status" if error else
                                  "the method's return type is listed apart if it changes"))
    for status in sorted(before.keys() & after.keys()):
        out += _response(reading, before[status], after[status])
    return out


def _response(scope: Scope, old: ir.Response, new: ir.Response) -> list[Change]:
    success = new.status.startswith("2")
    if old.type is None or new.type is None:
        if old.type is new.type:
            return []
        if new.type is not None:
            return [scope.change("response-body-added", False, new.location, member=new.status, new=spell(new.type))]
        assert old.type is not None
        return [scope.change("response-body-removed", success, new.location, member=new.status, old=spell(old.type),
                             why="readers of its body break" if success else "an error body readers may have used")]
    out = []
    if old.media_type != new.media_type:
        out.append(scope.change("media-type-changed", success, new.location, place="response", member=new.status,
                                old=old.media_type, new=new.media_type, why="the SDK reads it differently"
                                if success else "only an error body"))
    out += type_changes(scope, "response", new.status, old.type, new.type, new.location)
    if old.stream_type is not None and new.stream_type is not None:
        out += type_changes(scope, "streamed events of response", new.status, old.stream_type, new.stream_type,
                            new.location)
    return out


def _returns(scope: Scope, old: tuple[str, ir.Method] | None, new: tuple[str, ir.Method] | None,
             op: ir.Operation) -> list[Change]:
    """What the SDK method gives back (`model`, `page`, `stream`, `binary`, `none`), apart from types."""
    if old is None or new is None or old[1].returns_kind == new[1].returns_kind:
        return []
    return [scope.change("return-changed", True, op.location, old=old[1].returns_kind, new=new[1].returns_kind,
                         why="code that uses the result the old way breaks")]
