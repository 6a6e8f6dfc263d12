"""Property-based fuzzing: random specs (schemas nested, combined and named at random) never crash
generation and always give a package that compiles and imports; the loader, fed random bytes and
mutated real specs, only ever ends in a clean error."""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import REPO
from generator.diagnostics import Severity, SpecError
from generator.loader import load
from generator.pipeline import build
from generator.write import write

# CI runs a fixed 100 (derandomized: the same examples every run); SPECLOOM_FUZZ_EXAMPLES=N hunts
# with N fresh random examples instead.
HUNT = "SPECLOOM_FUZZ_EXAMPLES" in os.environ
GENERATION_EXAMPLES = int(os.environ.get("SPECLOOM_FUZZ_EXAMPLES", "100"))
LOADER_EXAMPLES = 300

# Names as real specs have them, and as hostile ones do.
NAMES = st.one_of(
    st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,10}", fullmatch=True),
    st.sampled_from(["class", "None", "self", "list", "BaseModel", "Field", "model_config", "a b", "a-b", "1x", "_",
                     "__init__", "Pet", "pet", "PET", "é", "名前", "x.y", "../x", "", " ", '"', "{{x}}"]),
    st.text(min_size=1, max_size=8),
)
TEXT = st.one_of(st.none(), st.text(max_size=20), st.sampled_from(['"""', "\\", "`", "|", "<script>", "{{ x }}"]))


def _primitive() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.builds(lambda f: {"type": "string", **({"format": f} if f else {})},
                  st.sampled_from([None, "date-time", "date", "uuid", "binary", "byte", "email", "unixtime"])),
        st.builds(lambda lo: {"type": "integer", **({"minimum": lo} if lo is not None else {})}, st.none() | st.integers(-5, 5)),
        st.just({"type": "number"}), st.just({"type": "boolean"}), st.just({"type": "null"}), st.just({}),
        st.builds(lambda vs: {"type": "string", "enum": vs}, st.lists(st.text(max_size=5), min_size=1, max_size=4, unique=True)),
        st.builds(lambda v: {"const": v}, st.one_of(st.text(max_size=5), st.integers(), st.booleans())),
        st.builds(lambda d: {"type": "string", "default": d}, st.text(max_size=5)),
    )


def _schema(refs: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    leaves = _primitive() | (st.sampled_from(refs).map(lambda r: {"$ref": f"#/components/schemas/{r}"}) if refs else _primitive())

    def extend(inner: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
        props = st.dictionaries(NAMES, inner, max_size=4)
        return st.one_of(
            st.builds(lambda p, req, d: {"type": "object", "properties": p, "required": [k for k in p if req], "description": d},
                      props, st.booleans(), TEXT),
            st.builds(lambda i: {"type": "array", "items": i}, inner),
            st.builds(lambda v: {"type": "object", "additionalProperties": v}, inner | st.booleans()),
            st.builds(lambda ms, kw: {kw: ms}, st.lists(inner, min_size=1, max_size=3), st.sampled_from(["oneOf", "anyOf", "allOf"])),
            st.builds(lambda i: {**i, "type": [i.get("type", "string"), "null"]} if isinstance(i.get("type"), str) else i, inner),
        )

    return st.recursive(leaves, extend, max_leaves=8)


@st.composite
def specs(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(NAMES, min_size=1, max_size=5, unique=True))
    schemas = {name: draw(_schema(names)) for name in names}
    body = {"$ref": f"#/components/schemas/{names[0]}"}
    paths = {"/things/{thing_id}": {
        "get": {"operationId": draw(NAMES), "parameters": [{"name": "thing_id", "in": "path", "required": True,
                                                           "schema": draw(_primitive())}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": draw(_schema(names))}}}}},
        "post": {"requestBody": {"content": {"application/json": {"schema": body}}},
                 "responses": {"201": {"description": "made", "content": {"application/json": {"schema": body}}}}},
    }}
    return {"openapi": "3.1.0", "info": {"title": draw(NAMES) or "t", "version": "1"}, "paths": paths,
            "components": {"schemas": schemas}}


_counter = iter(range(10**9))


@settings(max_examples=GENERATION_EXAMPLES, deadline=None, derandomize=not HUNT, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
@given(spec=specs())
def test_random_specs_generate_a_package_that_imports(spec: dict[str, Any], tmp_path: Path) -> None:
    n = next(_counter)
    folder = tmp_path / f"s{n}"
    folder.mkdir()
    (folder / "spec.json").write_text(json.dumps(spec))
    package = f"fuzz_pkg_{n}"
    try:
        result = build(str(folder / "spec.json"), package=package)
    except SpecError as exc:  # a clean, located error is an acceptable end for a bad spec
        assert "\n" not in exc.diagnostic.render()
        event("refused: " + exc.diagnostic.code)
        return
    if any(d.severity is Severity.ERROR for d in result.diagnostics):
        event("refused: " + next(d.code for d in result.diagnostics if d.severity is Severity.ERROR))
        return
    event("generated")
    write(str(folder / "out"), result.files)
    root = folder / "out" / "python"
    for path in root.rglob("*.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")
    sys.path.insert(0, str(root))
    try:
        types = importlib.import_module(f"{package}.types")
        for name in types.__all__:
            getattr(types, name)  # each class is built (pydantic checks fields, defaults, aliases)
        importlib.import_module(package).Client(base_url="http://127.0.0.1:9")  # no security: no credentials
    finally:
        sys.path.remove(str(root))
        for mod in [m for m in sys.modules if m.split(".")[0] == package]:
            del sys.modules[mod]


def _clean_end(path: Path) -> None:
    try:
        load(str(path))
    except SpecError as exc:
        assert "\n" not in exc.diagnostic.render()


@settings(max_examples=LOADER_EXAMPLES, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".yaml", ".json", ".yml"]))
def test_loader_on_random_bytes_ends_cleanly(data: bytes, suffix: str, tmp_path: Path) -> None:
    path = tmp_path / f"spec{suffix}"
    path.write_bytes(data)
    _clean_end(path)


SEEDS = [REPO / "specs" / "openai-batches.yaml", REPO / "specs" / "petstore.yaml"]


@settings(max_examples=LOADER_EXAMPLES, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.sampled_from(SEEDS), cuts=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 40), st.binary(max_size=8)),
                                                      min_size=1, max_size=4))
def test_mutated_real_specs_end_cleanly(seed: Path, cuts: list[tuple[float, int, bytes]], tmp_path: Path) -> None:
    """Bytes deleted and inserted at random places in a real spec: a clean error or a document,
    and a document that loads goes through normalize without a crash too."""
    data = bytearray(seed.read_bytes())
    for where, length, insert in cuts:
        at = int(where * len(data))
        data[at:at + length] = insert
    path = tmp_path / "spec.yaml"
    path.write_bytes(bytes(data))
    try:
        build(str(path), targets=("docs",))
    except SpecError as exc:
        assert "\n" not in exc.diagnostic.render()
