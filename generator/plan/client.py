"""Plan the client: `_client.py`, one module per resource, and the runtime copied in.

Every decision is made here (argument lines, the request call's parts); the templates lay them
out. Behaviour (retries, pagination, streaming, errors) lives only in the runtime module.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .. import ir
from ..escape import py_docstring, py_str
from ..names import NameAllocator, field_name
from ..pytypes import Imports, annotation, py_literal
from .common import OutputFile, py_header



@dataclass(frozen=True, slots=True)
class OverloadView:
    keywords: tuple[str, ...]
    returns: str
    async_returns: str


@dataclass(frozen=True, slots=True)
class MethodView:
    name: str
    positional: tuple[str, ...]
    keywords: tuple[str, ...]
    returns: str
    async_returns: str
    docstring: str | None
    call: str
    """`request` or `request_page`."""
    receiver: str
    """What makes the call: `self._client` in a resource, `self` in the client."""
    cast: str
    async_cast: str
    """The return type as a string literal for `typing.cast` (the runtime returns `Any`)."""
    arguments: tuple[str, ...]
    """The keyword arguments of the runtime call, each `name=expression`."""
    overloads: tuple[OverloadView, ...] = ()
    """For a method with a `stream` flag: what it returns when the flag is false, true, or either."""


@dataclass(frozen=True, slots=True)
class ResourceView:
    class_name: str
    docstring: str
    methods: tuple[MethodView, ...]
    children: tuple[tuple[str, str, str], ...]
    """(attribute, module, class name) of nested resources, imported on first use."""


def walk_resources(resources: tuple[ir.Resource, ...]) -> Iterator[ir.Resource]:
    for r in resources:
        yield r
        yield from walk_resources(r.children)


def client_items(api: ir.Api) -> list[Callable[[], list[OutputFile]]]:
    """The client's files (runtime, one module a resource, the client), in groups each planned
    when called (see plan.python.python_items)."""
    pkg, header = api.package, py_header(api.spec_name)
    ops = {op.name: op for op in api.operations}

    def fixed() -> list[OutputFile]:
        return [OutputFile(f"python/{pkg}/_runtime.py", "python/runtime/_runtime.py", {"verbatim_header": header}, "python"),
                OutputFile(f"python/{pkg}/resources/__init__.py", "python/resources_init.py.j2", {"header": header}, "python")]

    def resource_module(resource: ir.Resource) -> list[OutputFile]:
        return [OutputFile(f"python/{pkg}/resources/{resource.module}.py", "python/resource.py.j2",
                           _resource_context(resource, ops, header), "python")]

    def client() -> list[OutputFile]:
        return [OutputFile(f"python/{pkg}/_client.py", "python/client.py.j2", _client_context(api, header), "python")]

    return [fixed, *(functools.partial(resource_module, r) for r in walk_resources(api.resources)), client]


def _resource_context(resource: ir.Resource, ops: dict[str, ir.Operation], header: str) -> dict[str, object]:
    taken = {resource.class_name, *(c.class_name for c in resource.children)}
    imports = _imports_for(resource.methods, ops, taken | {f"Async{n}" for n in taken})
    methods = tuple(_method(m, ops[m.operation], imports) for m in resource.methods)
    title = " ".join(resource.path)
    view = ResourceView(resource.class_name, py_docstring(f"Operations on `{title}`."), methods,
                        tuple((c.attr, c.module, c.class_name) for c in resource.children))
    return {"header": header, "resource": view, "runtime": _runtime_names(resource.methods), **_import_context(imports)}


def _imports_for(methods: tuple[ir.Method, ...], ops: dict[str, ir.Operation], taken: set[str]) -> Imports:
    """Imports whose model names are unique in the module: a first pass finds the models the
    methods name; a model whose name is taken (by another model, a class, a runtime or typing
    name) is imported under an allocated alias."""
    probe = Imports()
    for m in methods:
        _method(m, ops[m.operation], probe, docstring=False)
    reserved = {*taken, *RUNTIME_EXPORTS, *probe.typing, *probe.pydantic, "httpx", "cached_property", "Mapping",
                "TYPE_CHECKING", "Any", "_dt"}
    names = NameAllocator(reserved, case_sensitive=True)
    imports = Imports()
    for module, name in sorted(probe.models):
        local = names.allocate(name)
        if local != name:
            imports.local[(module, name)] = local
    return imports


# Names the runtime exports that generated modules may import.
RUNTIME_EXPORTS = ("NOT_GIVEN", "NotGiven", "FileInput", "SyncPage", "AsyncPaginator", "Stream", "AsyncStream",
                   "BinaryResponse", "AsyncBinaryResponse", "_rt", "_cast")


def _runtime_names(methods: tuple[ir.Method, ...]) -> list[str]:
    """The runtime names a module's signatures show, imported as they are; everything else it
    uses goes through `_rt.` (an argument may be called `path`, a resource `Auth`)."""
    names = {"NOT_GIVEN", "NotGiven"}
    for m in methods:
        if m.stream_type is not None:
            names.update(("Stream", "AsyncStream"))
        if any(a.where == "file" for a in m.arguments):
            names.add("FileInput")
        names.update({"page": ("SyncPage", "AsyncPaginator"), "stream": ("Stream", "AsyncStream"),
                      "binary": ("BinaryResponse", "AsyncBinaryResponse")}.get(m.returns_kind, ()))
    return sorted(names)


def _import_context(imports: Imports) -> dict[str, object]:
    by_module: dict[str, list[str]] = {}
    for module, name in sorted(imports.models):
        local = imports.local.get((module, name), name)
        by_module.setdefault(module, []).append(name if local == name else f"{name} as {local}")
    return {"typing": sorted(imports.typing), "pydantic": sorted(imports.pydantic), "datetime": imports.datetime,
            "model_imports": sorted(by_module.items())}


def _spell(t: ir.TypeRef, imports: Imports) -> str:
    return annotation(t, "", imports, list_name="List")


def _method(m: ir.Method, op: ir.Operation, imports: Imports, receiver: str = "self._client", *,
            docstring: bool = True) -> MethodView:
    """The method's view; `docstring=False` for a pass that only records the imports it needs."""
    positional, keywords = [], []
    for a in m.arguments:
        spelled = "FileInput" if a.where == "file" else _spell(a.type, imports)
        if a.where == "path":
            positional.append(f"{a.name}: {spelled}")
        elif a.required:
            keywords.append(f"{a.name}: {spelled}")
        else:
            keywords.append(f"{a.name}: {spelled} | NotGiven = NOT_GIVEN")
    returns, async_returns, cast = _returns(m, imports)
    arguments = (py_str(op.method), _path_expression(op, m), *_call_arguments(m, cast, imports))
    overloads: tuple[OverloadView, ...] = ()
    if m.stream_type is not None:
        overloads, keywords, returns, async_returns, arguments = _streaming(m, keywords, returns, arguments, imports)
    return MethodView(m.name, tuple(positional), tuple(keywords), returns, async_returns,
                      _docstring(m, op) if docstring else None,
                      "request_page" if m.returns_kind == "page" else "request", "self._client" if receiver else "self",
                      py_str(returns), py_str(async_returns), arguments, overloads)


def _streaming(m: ir.Method, keywords: list[str], returns: str, arguments: tuple[str, ...], imports: Imports
               ) -> tuple[tuple[OverloadView, ...], list[str], str, str, tuple[str, ...]]:
    """`stream=True` makes the server answer with events: three overloads say which type
    comes back for `False` (or not given), `True`, and a `bool` known only at run time."""
    assert m.stream_type is not None
    event = _spell(m.stream_type, imports)
    imports.typing.update({"Literal", "overload"})
    sync_stream, async_stream = f"Stream[{event}]", f"AsyncStream[{event}]"
    flag = next(a.name for a in m.arguments if a.alias == "stream" and a.where == "body")

    def swap(line: str) -> list[str]:
        others = [k for k in keywords if not k.startswith(f"{flag}:")]
        return [*others, line] if "=" not in line else [*[k for k in others if "=" not in k], line, *[k for k in others if "=" in k]]

    overloads = (
        OverloadView(tuple(swap(f"{flag}: Literal[False] | NotGiven = NOT_GIVEN")), returns, returns),
        OverloadView(tuple(swap(f"{flag}: Literal[True]")), sync_stream, async_stream),
        OverloadView(tuple(swap(f"{flag}: bool")), f"{returns} | {sync_stream}", f"{returns} | {async_stream}"),
    )
    main = swap(f"{flag}: bool | NotGiven = NOT_GIVEN")
    # Events decode as the event type; without the flag the body is the usual model.
    call = tuple(f"cast_to={event} if {flag} is True else {a[len('cast_to='):]}" if a.startswith("cast_to=") else a
                 for a in arguments[:-1])
    call = (*call, f"stream={flag} is True", arguments[-1])
    return overloads, main, f"{returns} | {sync_stream}", f"{returns} | {async_stream}", call


def _returns(m: ir.Method, imports: Imports) -> tuple[str, str, str]:
    """The sync and async return annotations, and the runtime `cast_to` (or item type)."""
    if m.returns is None or m.returns_kind == "none":
        return "None", "None", "None"
    if m.returns_kind == "binary":
        return "BinaryResponse", "AsyncBinaryResponse", "bytes"
    if m.returns_kind == "page" and m.pagination is not None:
        item = _spell(m.pagination.item_type, imports)
        return f"SyncPage[{item}]", f"AsyncPaginator[{item}]", item
    spelled = _spell(m.returns, imports)
    if m.returns_kind == "stream":
        return f"Stream[{spelled}]", f"AsyncStream[{spelled}]", spelled
    return spelled, spelled, spelled


def _call_arguments(m: ir.Method, cast: str, imports: Imports) -> Iterator[str]:
    if m.returns_kind == "page" and m.pagination is not None:
        yield f"item_type={cast}"
        yield f"pagination={_pagination(m.pagination)}"
    else:
        yield f"cast_to={cast}"
    groups = {"query": "query", "header": "headers"}
    for where, keyword in groups.items():
        items = [a for a in m.arguments if a.where == where]
        if items:
            yield f"{keyword}=_rt.strip_not_given({_dict(items)})"
    body = [a for a in m.arguments if a.where == "body"]
    files = [a for a in m.arguments if a.where == "file"]
    whole = next((a for a in m.arguments if a.where == "whole_body"), None)
    form = m.body_media in ("multipart/form-data", "application/x-www-form-urlencoded")
    if whole is not None:
        yield f"json_body={whole.name}"
    elif body and not form:
        yield f"json_body=_rt.strip_not_given({_dict(body)})"
    elif body:
        yield f"data=_rt.strip_not_given({_dict(body)})"
    if files:
        yield f"files=_rt.strip_not_given({_dict(files)})"
    if m.errors:
        yield "error_types={" + ", ".join(f"{py_str(s)}: {_spell(t, imports)}" for s, t in m.errors) + "}"
    if m.returns_kind == "stream":
        yield "stream=True"
    if m.returns_kind == "binary":
        yield "binary=True"
    yield ("options=_rt.RequestOptions(extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body, "
           "timeout=timeout, max_retries=max_retries)")


def _dict(args: list[ir.Argument]) -> str:
    return "{" + ", ".join(f"{py_str(a.alias)}: {a.name}" for a in args) + "}"


def _path_expression(op: ir.Operation, m: ir.Method) -> str:
    """`path("/batches/{batch_id}/cancel", **{"batch_id": batch_id})`: wire names may not be
    identifiers, so the values go in as a mapping."""
    params = [a for a in m.arguments if a.where == "path"]
    if not params:
        return py_str(op.path)
    return f"_rt.path({py_str(op.path)}, **{_dict(params)})"


def _pagination(p: ir.Pagination) -> str:
    fields = [f"style={py_str(p.style)}", f"items={py_str(p.items)}", f"has_more={py_literal(p.has_more)}",
              f"cursor_param={py_str(p.cursor_param)}", f"cursor_field={py_literal(p.cursor_field)}",
              f"limit_param={py_str(p.limit_param)}", f"offset_param={py_str(p.offset_param)}",
              f"next_field={py_str(p.next_field)}"]
    return f"_rt.Pagination({', '.join(fields)})"


def _docstring(m: ir.Method, op: ir.Operation) -> str | None:
    """Summary, description, then `Args:` with each argument's description, as openai-python has."""
    parts = [op.summary] if op.summary else []
    if op.description and op.description != op.summary:
        parts.append(op.description)
    described = [a for a in m.arguments if a.description]
    if described:
        parts.append("Args:\n" + "\n".join(f"  {a.name}: {' '.join(a.description.split())}" for a in described if a.description))
    parts.append(f"`{op.method.upper()} {op.path}`")
    return py_docstring("\n\n".join(parts))


@dataclass(frozen=True, slots=True)
class Credential:
    """A constructor argument for one credential; string values arrive as Python literals."""

    arg: str
    env: str
    """The environment variable, as a name (for docstrings)."""
    env_literal: str
    kind: str
    param_literal: str
    """The header, query or cookie name of an API key, from the spec: a literal, escaped."""
    where_literal: str
    role: str
    """`token`, `username` or `password`."""


def credentials(api: ir.Api) -> list[Credential]:
    """Constructor arguments for the credentials the spec's schemes take, with their env vars."""
    prefix = api.package.upper()
    out: list[Credential] = []
    used: set[str] = set()
    for scheme in api.security:
        roles = ("username", "password") if scheme.kind == "basic" else ("token",)
        for role in roles:
            arg = "api_key" if role == "token" else role
            if arg in used:
                arg = f"{field_name(scheme.name)}_{arg}"
            used.add(arg)
            env = f"{prefix}_{arg.upper()}"
            out.append(Credential(arg, env, py_str(env), scheme.kind, py_str(scheme.param or ""), py_str(scheme.where), role))
    return out


def _client_context(api: ir.Api, header: str) -> dict[str, object]:
    ops = {op.name: op for op in api.operations}
    taken = {"Client", "AsyncClient", *(r.class_name for r in api.resources), *(f"Async{r.class_name}" for r in api.resources)}
    imports = _imports_for(api.client_methods, ops, taken)
    methods = tuple(_method(m, ops[m.operation], imports, receiver="") for m in api.client_methods)
    return {
        "runtime": _runtime_names(api.client_methods),
        "header": header, "credentials": credentials(api), "base_url": py_str(api.servers[0] if api.servers else "http://localhost"),
        "base_url_env": f"{api.package.upper()}_BASE_URL", "base_url_env_literal": py_str(f"{api.package.upper()}_BASE_URL"), "resources": [(r.attr, r.module, r.class_name) for r in api.resources],
        "methods": methods, "title": py_docstring(f"Client for {api.title}."), "user_agent": py_str(f"{api.package}/python"),
        **_import_context(imports),
    }
