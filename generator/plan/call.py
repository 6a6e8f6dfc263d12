"""A client method as the docs show it: its call signature, and an example call built from the
spec's examples (path parameters positional, required arguments by keyword), as Python code."""

from __future__ import annotations

from typing import Any

from .. import ir
from ..pytypes import py_literal
from .examples import Example, block
from .index import ModelIndex
from .samples import Sampler, field_value, group_to_add

_OPTIONS = ("extra_headers", "extra_query", "extra_body", "timeout", "max_retries")


def py_type(t: ir.TypeRef) -> str:
    """A type spelled as in the SDK's signatures, without the validation metadata."""
    match t:
        case ir.Primitive(kind="datetime"):
            return "datetime.datetime"
        case ir.Primitive(kind="date"):
            return "datetime.date"
        case ir.Primitive(kind=kind):
            return kind
        case ir.AnyType():
            return "Any"
        case ir.NullType():
            return "None"
        case ir.LiteralOf(values=values):
            return f"Literal[{', '.join(py_literal(v) for v in values)}]"
        case ir.ArrayOf(item=item):
            return f"list[{py_type(item)}]"
        case ir.MapOf(key=key, value=value):
            return f"dict[{py_type(key)}, {py_type(value)}]"
        case ir.ModelRef(name=name):
            return name
        case ir.UnionOf(members=members):
            return " | ".join(py_type(m) for m in members)
    raise TypeError(f"not a TypeRef: {t!r}")


def returns(method: ir.Method) -> str:
    if method.returns_kind == "page" and method.pagination is not None:
        return f"SyncPage[{py_type(method.pagination.item_type)}]"
    if method.returns_kind == "none" or method.returns is None:
        return "None"
    if method.returns_kind == "binary":
        return "BinaryResponse"
    if method.returns_kind == "stream":
        return f"Stream[{py_type(method.returns)}]"
    if method.stream_type is not None:
        return f"{py_type(method.returns)} | Stream[{py_type(method.stream_type)}]"
    return py_type(method.returns)


def signature(accessor: str, method: ir.Method) -> str:
    """`client.a.b.create(\\n    id: str,\\n    *,\\n    name: str | NotGiven = NOT_GIVEN,\\n) -> Model`."""
    lines = []
    for a in method.arguments:
        spelled = "FileInput" if a.where == "file" else py_type(a.type)
        if a.where == "path":
            lines.append(f"{a.name}: {spelled}")
    keywords = []
    for a in method.arguments:
        if a.where == "path":
            continue
        spelled = "FileInput" if a.where == "file" else py_type(a.type)
        keywords.append(f"{a.name}: {spelled}" if a.required else f"{a.name}: {spelled} | NotGiven = NOT_GIVEN")
    keywords.append("# and the per-call options: " + ", ".join(_OPTIONS))
    lines += ["*", *keywords]
    inner = "".join(f"    {line}{'' if line.startswith('#') else ','}\n" for line in lines)
    return f"{accessor}(\n{inner}) -> {returns(method)}"


def example_call(accessor: str, method: ir.Method, body: ir.TypeRef | None, index: ModelIndex, package: str) -> str:
    """A runnable call: a client, the call with every required argument, and what to do with the result."""
    example = Example(index, package)
    sampler = Sampler(index)
    model = index.get(body) if isinstance(body, ir.ModelRef) else None
    wanted: tuple[str, ...] = ()
    if isinstance(model, ir.ObjectModel):  # a body whose properties are required in groups (`oneOf: [{required: …}]`)
        wanted = group_to_add(model, {a.alias for a in method.arguments if a.required and a.where in ("body", "file")})
    args = []
    for a in method.arguments:
        if not a.required and not (a.where in ("body", "file") and a.alias in wanted):
            continue
        value = _argument(a, example, sampler)
        args.append(value if a.where == "path" else f"{a.name}={value}")
    call = block(f"{accessor}(", ")", args)
    code = f"from {package} import Client\n" + _imports(example) + "\nclient = Client()\n\n" + _use(method, call)
    return code


def _argument(a: ir.Argument, example: Example, sampler: Sampler) -> str:
    if a.where == "file":
        return 'b"file contents"'
    given: Any = field_value(a)
    return example.expr(a.type, sampler.value(a.type, given, a.alias), sampler)


def _imports(example: Example) -> str:
    lines = example.import_lines()
    return lines.rstrip("\n") + "\n" if lines else ""


def _use(method: ir.Method, call: str) -> str:
    if method.returns_kind == "page":
        return f"page = {call}\nfor item in page.data:\n    print(item)\n"
    if method.returns_kind == "stream":
        return f"for event in {call}:\n    print(event)\n"
    if method.returns_kind == "none" or method.returns is None:
        return call + "\n"
    if method.returns_kind == "binary":
        return f"response = {call}\nprint(len(response.content))\n"
    return f"result = {call}\nprint(result)\n"


__all__ = ["example_call", "py_type", "returns", "signature"]
