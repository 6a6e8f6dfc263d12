"""TypeRef → Python: the one place that spells a type as an annotation and lists its imports."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import ir
from .escape import py_str

_PRIMITIVE_SPELLING = {"datetime": "_dt.datetime", "date": "_dt.date"}


@dataclass
class Imports:
    """What a module's annotations need: names from typing/pydantic and models from elsewhere."""

    typing: set[str] = field(default_factory=set)
    pydantic: set[str] = field(default_factory=set)
    datetime: bool = False
    models: set[tuple[str, str]] = field(default_factory=set)
    """(module, name) of models defined in other modules of the types package."""
    local: dict[tuple[str, str], str] = field(default_factory=dict)
    """The name a model goes by where two imported models share a name (`import … as …`)."""


def py_literal(value: ir.JsonValue) -> str:
    """A Python expression for a JSON value."""
    if isinstance(value, str):
        return py_str(value)
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, (int, float)):
        return repr(value) if value == value and value not in (float("inf"), float("-inf")) else f'float("{value}")'
    if isinstance(value, list):
        return "[" + ", ".join(py_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py_str(str(k))}: {py_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"not a JSON value: {value!r}")


def constraint_args(constraints: ir.Constraints) -> str:
    return ", ".join(f"{name}={py_literal(value)}" for name, value in constraints.items)


def annotation(t: ir.TypeRef, module: str, imports: Imports, forward: frozenset[str] = frozenset(),
               *, list_name: str = "list") -> str:
    """The annotation for `t` as written in `module`, recording the imports it needs.

    Names in `forward` are not defined yet where the annotation is evaluated (a recursive type
    alias): they are quoted, and unions are spelled `Union[...]`, which accepts strings.
    `list_name` is `List` in resource classes, where a method named `list` shadows the builtin.
    """

    def spell(inner: ir.TypeRef) -> str:
        return annotation(inner, module, imports, forward, list_name=list_name)

    match t:
        case ir.Primitive(kind=kind, constraints=constraints):
            if kind in ("datetime", "date"):
                imports.datetime = True
            return _constrained(_PRIMITIVE_SPELLING.get(kind, kind), constraints, imports)
        case ir.AnyType():
            imports.typing.add("Any")
            return "Any"
        case ir.NullType():
            return "None"
        case ir.LiteralOf(values=values):
            imports.typing.add("Literal")
            return "Literal[" + ", ".join(py_literal(v) for v in values) + "]"
        case ir.ArrayOf(item=item, constraints=constraints):
            if list_name != "list":
                imports.typing.add(list_name)
            return _constrained(f"{list_name}[{spell(item)}]", constraints, imports)
        case ir.MapOf(value=value, key=key, constraints=constraints):
            return _constrained(f"dict[{spell(key)}, {spell(value)}]", constraints, imports)
        case ir.ModelRef(name=name, module=target):
            if target != module:
                imports.models.add((target, name))
            local = imports.local.get((target, name), name)
            return py_str(local) if name in forward else local
        case ir.UnionOf(members=members, discriminator=discriminator):
            if forward:
                imports.typing.add("Union")
                joined = "Union[" + ", ".join(spell(m) for m in members) + "]"
            else:
                joined = " | ".join(spell(m) for m in members)
            if discriminator is None:
                return joined
            imports.typing.add("Annotated")
            imports.pydantic.add("Field")
            return f"Annotated[{joined}, Field(discriminator={py_str(discriminator)})]"
    raise TypeError(f"not a TypeRef: {t!r}")


def _constrained(spelling: str, constraints: ir.Constraints, imports: Imports) -> str:
    if not constraints:
        return spelling
    imports.typing.add("Annotated")
    imports.pydantic.add("Field")
    return f"Annotated[{spelling}, Field({constraint_args(constraints)})]"


def is_nullable(t: ir.TypeRef) -> bool:
    return isinstance(t, (ir.NullType, ir.AnyType)) or (
        isinstance(t, ir.UnionOf) and any(isinstance(m, ir.NullType) for m in t.members)
    )


def single_const(t: ir.TypeRef) -> str | int | float | bool | None:
    if isinstance(t, ir.LiteralOf) and len(t.values) == 1:
        return t.values[0]
    return None
