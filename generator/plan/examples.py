"""Example code for docs: the Python expression that builds a sample value with the generated
models (the sample itself comes from `samples.py`, which both the code and the JSON bodies share).

The expression is laid out as black lays out a call with a magic trailing comma (one argument a
line), so it is black-stable without running black.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .. import ir
from ..pytypes import py_literal
from .index import ModelIndex
from .samples import MISSING, Sampler, parse_moment


@dataclass
class Example:
    """Builds one example; collects the imports its code needs."""

    index: ModelIndex
    package: str
    imports: set[tuple[str, str]] = field(default_factory=set)
    uses_datetime: bool = False
    _aliases: list[tuple[str, str, int]] = field(default_factory=list)

    def code(self, ref: ir.ModelRef, value: Any, *, given: bool) -> str:
        """`from … import …` lines and `value = Model(…)`; `value` is the spec's example if `given`."""
        expr = self.build(ref, value if given else MISSING)
        return self.import_lines() + "value = " + expr

    def build(self, t: ir.TypeRef, given: Any) -> str:
        """The expression for a sample of `t` built from `given` (or made up)."""
        sampler = Sampler(self.index)
        return self.expr(t, sampler.value(t, given), sampler)

    def import_lines(self) -> str:
        by_module: dict[str, list[str]] = {}
        for module, name in sorted(self.imports):
            by_module.setdefault(module, []).append(name)
        lines = ["import datetime"] if self.uses_datetime else []
        lines.extend(_import_line(module, names) for module, names in by_module.items())
        return "\n".join(lines) + ("\n\n" if lines else "")

    def expr(self, t: ir.TypeRef, value: Any, sampler: Sampler) -> str:
        """Python for a complete sample `value` of type `t`."""
        if value is None:
            return "None"
        match t:
            case ir.ModelRef():
                return self._model(t, value, sampler)
            case ir.Primitive(kind="datetime" | "date" as kind):
                self.uses_datetime = True
                return _datetime_expr(kind, value)
            case ir.Primitive(kind="bytes"):
                return "b" + py_literal(str(value).encode("ascii", "ignore").decode("ascii"))
            case ir.ArrayOf(item=item) if isinstance(value, list):
                return block("[", "]", [self.expr(item, v, sampler) for v in value])
            case ir.MapOf(value=item) if isinstance(value, dict):
                return block("{", "}", [f"{py_literal(str(k))}: {self.expr(item, v, sampler)}" for k, v in value.items()])
            case ir.UnionOf(members=members):
                return self.expr(sampler.pick(members, value), value, sampler)
        return py_literal(value)

    def _model(self, ref: ir.ModelRef, value: Any, sampler: Sampler) -> str:
        model = self.index.get(ref)
        if isinstance(model, ir.AliasModel):
            # An alias that names itself (`A = str | list[A]`, or `A = B | str`, `B = A`): the
            # same value met again under it would go round forever; as a literal it is valid.
            key = (ref.module, ref.name, id(value))
            if key in self._aliases:
                return py_literal(value)
            self._aliases.append(key)
            try:
                return self.expr(model.type, value, sampler)
            finally:
                self._aliases.pop()
        if not isinstance(value, dict):  # no member of a union fitted the sample: show it as it is
            return py_literal(value)
        args = [f"{f.name}={self.expr(f.type, value[f.alias], sampler)}" for f in model.fields if f.alias in value]
        module = f"{self.package}.types" if self.index.is_primary(ref) else f"{self.package}.types.{ref.module}"
        self.imports.add((module, ref.name))
        return block(f"{ref.name}(", ")", args)


def _datetime_expr(kind: str, value: Any) -> str:
    moment = parse_moment(value)
    if kind == "date":
        return f"datetime.date({moment.year}, {moment.month}, {moment.day})"
    return (f"datetime.datetime({moment.year}, {moment.month}, {moment.day}, {moment.hour}, {moment.minute}, "
            f"tzinfo=datetime.timezone.utc)")


def _import_line(module: str, names: list[str]) -> str:
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= 88:
        return line
    return block(f"from {module} import (", ")", names)


def block(open_: str, close: str, items: list[str]) -> str:
    if not items:
        return open_ + close
    inner = "".join(f"    {item.replace(chr(10), chr(10) + '    ')},\n" for item in items)
    return f"{open_}\n{inner}{close}"
