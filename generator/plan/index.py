"""Look-ups over a frozen `Api` that planning needs: models by (module, name), and pages by module."""

from __future__ import annotations

from dataclasses import dataclass

from .. import ir


@dataclass(frozen=True, slots=True)
class ModelIndex:
    models: dict[tuple[str, str], ir.Model]
    primary: dict[str, str]
    """module → the name of its component's model (the page it is documented on); operation
    modules (inline bodies and responses) have none."""

    @classmethod
    def of(cls, api: ir.Api) -> ModelIndex:
        models: dict[tuple[str, str], ir.Model] = {}
        for mod in api.schemas:
            for model in (mod.primary, *mod.inline):
                models[(mod.module, model.name)] = model
        for op_mod in api.operation_modules:
            for model in op_mod.models:
                models[(op_mod.module, model.name)] = model
        examples = {(mod.module, mod.primary.name): mod.example for mod in api.schemas if mod.has_example}
        return cls(models, {mod.module: mod.primary.name for mod in api.schemas}, examples)

    examples: dict[tuple[str, str], ir.JsonValue]
    """The spec's example of each component schema that has one."""

    def get(self, ref: ir.ModelRef) -> ir.Model:
        return self.models[(ref.module, ref.name)]

    def is_primary(self, ref: ir.ModelRef) -> bool:
        return self.primary.get(ref.module) == ref.name
