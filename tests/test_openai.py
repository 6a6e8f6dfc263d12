"""The real OpenAI spec (2026-08-21): counts, every discriminated union, and every field typed Any."""

from __future__ import annotations

import importlib
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydantic
import pytest

from conftest import OPENAI_SPEC, REPO, need_shared
from generator import graph, ir, loader
from generator.loader import Document
from generator.normalize import normalize
from generator.normalize.refs import Resolver
from irtypes import (FREE_FORM, Runtime, Sampler, Unsynthesizable, any_origins, contains_any, model_index,
                     owned_models, raw_node, unwrap, wrap)

PACKAGE = "openai_full"
ARTIFACTS = REPO / "test-artifacts"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Spec:
    doc: Document
    api: ir.Api
    raw: dict[str, Any]

    def __repr__(self) -> str:  # a failing test prints its fixtures: keep the 80,000-line spec out
        return f"Spec({self.doc.root!r})"


@pytest.fixture(scope="module")
def spec() -> Spec:
    doc = loader.load(str(need_shared(OPENAI_SPEC)))
    api = normalize(doc, package=PACKAGE).api
    return Spec(doc, api, doc.trees[doc.root])


@pytest.fixture(scope="module")
def sdk(openai_out: Path) -> Iterator[Runtime]:
    """The generated package on sys.path for this module's tests; removed (and unloaded) after."""
    root = str(openai_out / "python")
    sys.path.insert(0, root)
    try:
        importlib.import_module(PACKAGE)  # a broken package fails here once, not once per sample
        yield Runtime(PACKAGE)
    finally:
        sys.path.remove(root)
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


# ---- 1. counts -------------------------------------------------------------------------------


def test_ir_counts_match_the_spec(spec: Spec) -> None:
    assert len(spec.raw["components"]["schemas"]) == len(spec.api.schemas) == 1422
    assert len(spec.api.operations) == 288
    in_spec = Counter((method, path) for path, item in spec.raw["paths"].items()
                      for method in item if method in HTTP_METHODS)
    in_ir = Counter((op.method, op.path) for op in spec.api.operations)
    assert set(in_spec.values()) == {1}
    duplicated = sorted(k for k, n in in_ir.items() if n > 1)
    assert not duplicated, f"operations listed more than once: {duplicated}"
    assert sorted(in_ir) == sorted(in_spec), (
        f"missing: {sorted(set(in_spec) - set(in_ir))}; extra: {sorted(set(in_ir) - set(in_spec))}")


def test_generated_types_export_every_component(spec: Spec, sdk: Runtime) -> None:
    types = importlib.import_module(f"{PACKAGE}.types")
    assert len(types.__all__) == len(set(types.__all__)) == 1422
    assert set(types.__all__) == {m.primary.name for m in spec.api.schemas}


# ---- 2. discriminated unions -----------------------------------------------------------------


@dataclass(frozen=True)
class UnionSite:
    """A discriminated union and where it sits: a field of an object model, or an alias's type."""

    module: str
    owner: ir.Model
    field: ir.Field | None
    union: ir.UnionOf

    @property
    def label(self) -> str:
        where = f".{self.field.alias}" if self.field else ""
        return f"{self.module}.{self.owner.name}{where}"


def union_sites(api: ir.Api) -> list[UnionSite]:
    sites = []
    for module, model in owned_models(api):
        if isinstance(model, ir.ObjectModel):
            assert model.extra is None or not any(isinstance(s, ir.UnionOf) and s.discriminator for s in graph.walk(model.extra)), \
                f"{module}.{model.name}: a discriminated union in additionalProperties is not covered by this test"
            typed: list[tuple[ir.Field | None, ir.TypeRef]] = [(f, f.type) for f in model.fields]
        else:
            typed = [(None, model.type)]
        for f, t in typed:
            found = dict.fromkeys(s for s in graph.walk(t) if isinstance(s, ir.UnionOf) and s.discriminator)
            sites.extend(UnionSite(module, model, f, u) for u in found)
    return sites


def member_object(sampler: Sampler, member: ir.TypeRef) -> tuple[ir.ModelRef, ir.ObjectModel]:
    """The class a union member names, through aliases of a single reference."""
    while isinstance(member, ir.ModelRef):
        model = sampler.model_of(member)
        if isinstance(model, ir.ObjectModel):
            return member, model
        member = model.type
    raise Unsynthesizable(f"member {member!r} is not a reference to a class")


def tag_of(model: ir.ObjectModel, discriminator: str) -> str | int | float | bool:
    field = next((f for f in model.fields if f.alias == discriminator), None)
    if field is None:
        raise Unsynthesizable(f"{model.name} has no {discriminator!r} property")
    if not isinstance(field.type, ir.LiteralOf):
        raise Unsynthesizable(f"{model.name}.{discriminator} is {field.type!r}, not a Literal")
    return field.type.values[0]


def check_site(site: UnionSite, sdk: Runtime, sampler: Sampler) -> tuple[int, list[str], list[str]]:
    """Validate one sample per member through the owner's generated type: (samples, failures, unbuildable)."""
    checked, failures, unbuildable = 0, [], []
    for member in site.union.members:
        try:
            ref, model = member_object(sampler, member)
            tag = tag_of(model, site.union.discriminator or "")
            sample = sampler.object_sample(model, **{site.union.discriminator or "": tag})
            if site.field is None:
                payload = wrap(site.owner.type, site.union, sample)  # type: ignore[union-attr]
            else:
                assert isinstance(site.owner, ir.ObjectModel)
                payload = sampler.object_sample(site.owner, **{site.field.alias: wrap(site.field.type, site.union, sample)})
        except Unsynthesizable as exc:
            unbuildable.append(f"{site.label} member {member!r}: {exc}")
            continue
        owner_ref = ir.ModelRef(site.owner.name, site.module)
        checked += 1
        try:
            if site.field is None:
                adapter = sdk.adapter(owner_ref, lambda: sdk.model(owner_ref))
                got = unwrap(adapter.validate_python(payload), site.owner.type, site.union)  # type: ignore[union-attr]
            else:
                owner = sdk.model(owner_ref).model_validate(payload)
                got = unwrap(getattr(owner, site.field.name), site.field.type, site.union)
            # The same sample through a union built from the member classes alone: tells a wrong
            # annotation in the owner apart from a member class that cannot be discriminated.
            alone = sdk.adapter(site.union, lambda: sdk.type(site.union)).validate_python(sample)
            expected = sdk.model(ref)
            for how, value in (("owner", got), ("member classes", alone)):
                if not isinstance(value, expected):
                    failures.append(f"{site.label} ({how}): tag {tag!r} gave {type(value).__qualname__}, "
                                    f"expected {ref.module}.{ref.name}")
        except (pydantic.ValidationError, AttributeError, ImportError, NameError, TypeError,
                pydantic.errors.PydanticUserError) as exc:
            failures.append(f"{site.label}: tag {tag!r} ({ref.module}.{ref.name}) payload {payload!r:.300}\n"
                            f"    {type(exc).__name__}: {str(exc)[:600]}")
    return checked, failures, unbuildable


def test_every_discriminated_union_validates_each_member(spec: Spec, sdk: Runtime) -> None:
    sampler = Sampler(model_index(spec.api))
    sites = union_sites(spec.api)
    samples, failures, unbuildable = 0, [], []
    for site in sites:
        checked, failed, skipped = check_site(site, sdk, sampler)
        samples += checked
        failures += failed
        unbuildable += skipped
    distinct = len({s.union for s in sites})
    summary = (f"discriminated unions: {distinct} distinct, {len(sites)} sites (owner model field or alias)\n"
               f"member samples validated: {samples}\n"
               f"failures: {len(failures)}\nunbuildable samples: {len(unbuildable)}\n")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "openai-unions.txt").write_text(
        summary + "".join(f"\nFAIL {f}" for f in failures) + "".join(f"\nUNBUILDABLE {u}" for u in unbuildable) + "\n")
    print(summary)
    assert sites, "no discriminated union found: the walk is broken"
    assert not unbuildable, f"{len(unbuildable)} samples cannot be built:\n" + "\n".join(unbuildable[:40])
    assert not failures, f"{len(failures)} of {samples} samples fail:\n" + "\n".join(failures[:40])


# ---- 3. fields typed Any ---------------------------------------------------------------------


def test_every_any_field_comes_from_a_free_form_schema(spec: Spec) -> None:
    """Fields of object models, and type aliases (a component or inline schema that is not a class),
    whose type holds Any: each must come from a schema that allows any value."""
    resolver = Resolver(spec.doc)
    files = {shown: real for real, shown in spec.doc.display.items()} | {f: f for f in spec.doc.trees}
    rows = []
    for module, model in owned_models(spec.api):
        typed = [(f"`{f.alias}`", f.type, f.location) for f in model.fields] if isinstance(model, ir.ObjectModel) \
            else [("(type alias)", model.type, model.location)]
        for where, t, location in typed:
            if contains_any(t):
                node = raw_node(resolver, files[location.file], location.pointer)
                rows += [(module, model.name, where, o.pointer, o.construct) for o in any_origins(resolver, t, node)]
    by_construct = Counter(row[4] for row in rows)
    fields = len({row[:3] for row in rows if row[2] != "(type alias)"})
    aliases = len({row[:2] for row in rows if row[2] == "(type alias)"})
    lines = ["# Any in the OpenAI SDK", "",
             f"{fields} fields of object models and {aliases} type aliases hold Any ({len(rows)} occurrences), "
             "by the construct that forced it:", "",
             "| construct | count | free-form |", "| --- | ---: | --- |"]
    lines += [_row(c, str(n), "yes" if c in FREE_FORM else "**no**") for c, n in by_construct.most_common()]
    lines += ["", "| module | model | field | pointer | construct |", "| --- | --- | --- | --- | --- |"]
    lines += [_row(m, name, where, f"`{pointer}`", c) for m, name, where, pointer, c in rows]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "openai-any.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines[:6 + len(by_construct)]))
    bad = [row for row in rows if row[4] not in FREE_FORM]
    assert rows, "no Any found: the walk is broken"
    assert not bad, f"{len(bad)} types are Any though their schema is not free-form (see test-artifacts/openai-any.md):\n" + \
        "\n".join(f"{m}.{name} {where} at {pointer}: {c}" for m, name, where, pointer, c in bad)


def _row(*cells: str) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"
