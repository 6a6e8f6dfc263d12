"""Which way each model travels: sent in requests, read from responses, or both, in either version.

A change to a model is breaking or not depending on who holds its values: a new required field
breaks callers who build it, a widened type breaks readers. A model no operation reaches (a
webhook payload, a schema kept for import) could be either, so it counts as both.
"""

from __future__ import annotations

from collections.abc import Iterable

from .. import ir

REQUEST, RESPONSE = "request", "response"
BOTH = frozenset({REQUEST, RESPONSE})
ModelKey = tuple[str, str]
"""(module, class name): how a `ModelRef` names a model."""


def model_index(api: ir.Api) -> dict[ModelKey, ir.Model]:
    """Every model of an API (component schemas, their inline models, operations' inline models)."""
    out: dict[ModelKey, ir.Model] = {}
    for schema in api.schemas:
        for model in (schema.primary, *schema.inline):
            out[(schema.module, model.name)] = model
    for module in api.operation_modules:
        for model in module.models:
            out[(module.module, model.name)] = model
    return out


def alias_types(api: ir.Api) -> dict[ModelKey, ir.TypeRef]:
    """What each type alias of an API stands for."""
    return {key: m.type for key, m in model_index(api).items() if isinstance(m, ir.AliasModel)}


class Usage:
    """The directions of every model over both versions; `of(key)` for one model."""

    def __init__(self, old: ir.Api, new: ir.Api) -> None:
        self._seen: dict[ModelKey, set[str]] = {}
        for api in (old, new):
            models = model_index(api)
            for op in api.operations:
                self._walk([p.type for p in op.parameters] + ([op.body.type] if op.body else []), models, REQUEST)
                self._walk([t for r in op.responses for t in (r.type, r.stream_type) if t is not None], models, RESPONSE)

    def of(self, key: ModelKey) -> frozenset[str]:
        return frozenset(self._seen.get(key, BOTH))

    def _walk(self, types: Iterable[ir.TypeRef], models: dict[ModelKey, ir.Model], direction: str) -> None:
        stack = list(types)
        while stack:
            t = stack.pop()
            match t:
                case ir.ArrayOf(item=item):
                    stack.append(item)
                case ir.MapOf(value=value):
                    stack.append(value)
                case ir.UnionOf(members=members):
                    stack.extend(members)
                case ir.ModelRef(name=name, module=module):
                    seen = self._seen.setdefault((module, name), set())
                    if direction not in seen:
                        seen.add(direction)
                        stack.extend(_inside(models.get((module, name))))


def _inside(model: ir.Model | None) -> list[ir.TypeRef]:
    if isinstance(model, ir.ObjectModel):
        return [f.type for f in model.fields] + ([model.extra] if model.extra is not None else [])
    return [model.type] if isinstance(model, ir.AliasModel) else []
