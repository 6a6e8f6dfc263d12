"""The committed SDKs under generated/ (and the full OpenAI SDK): type-check, format, import, validate."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pydantic
import pytest
import yaml

from conftest import OPENAI_SPEC, REPO

GENERATED = REPO / "generated"
PACKAGES = {"openai_batches": GENERATED / "openai-batches" / "python", "petstore": GENERATED / "petstore" / "python"}
# Seed 003 (Yandex Cloud's API reference) shows this response body for the file batch.
SEED_003 = {
    "id": "example",
    "object": "vector_store.files_batch",
    "created_at": 0,
    "vector_store_id": "example",
    "status": "in_progress",
    "file_counts": {"in_progress": 0, "completed": 0, "failed": 0, "cancelled": 0, "total": 0},
}

for _path in PACKAGES.values():
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))


def docs_examples() -> list[tuple[str, str]]:
    """(page, code) of the Example Usage block on every committed model page."""
    found = []
    for page in sorted(GENERATED.glob("*/docs/models/*.md")):
        match = re.search(r"```python\n(.*?)```", page.read_text(), re.S)
        assert match, f"{page} has no Python example"
        found.append((str(page.relative_to(REPO)), match.group(1)))
    return found


RESOURCE_EXAMPLE = re.compile(r"^\*\*Example\*\*\n\n```python\n(.*?)^```", re.S | re.M)


def resource_examples(root: Path = GENERATED) -> list[tuple[str, str]]:
    """(page#n, code) of every method's example call on the resource pages under `root`."""
    found = []
    pages = sorted([*root.glob("*/docs/resources/*.md"), *root.glob("*/docs/client.md")])
    for page in pages:
        text = page.read_text()
        blocks = RESOURCE_EXAMPLE.findall(text)
        assert len(blocks) == text.count("\n```python\nclient."), f"{page}: a method without an example call"
        found += [(f"{page.relative_to(REPO)}#{i}", code) for i, code in enumerate(blocks)]
    return found


def docs_example_files(folder: Path) -> list[Path]:
    paths = []
    for page, code in [*docs_examples(), *resource_examples()]:
        path = folder / (re.sub(r"\W", "_", page) + ".py")
        path.write_text(code)
        paths.append(path)
    return paths


@pytest.mark.parametrize("package", ["openai_batches", "petstore"])
def test_mypy_strict_passes(mypy_report: dict[str, list[str]], package: str) -> None:
    assert mypy_report[package] == [], "\n".join(mypy_report[package][:30])


def test_mypy_strict_passes_on_full_openai_sdk(openai_out: Path, mypy_report: dict[str, list[str]]) -> None:
    assert mypy_report["openai_full"] == [], "\n".join(mypy_report["openai_full"][:30])


def test_mypy_strict_passes_on_specloom_itself(mypy_report: dict[str, list[str]]) -> None:
    assert mypy_report["generator"] == [], "\n".join(mypy_report["generator"][:30])


def test_docs_examples_type_check(mypy_report: dict[str, list[str]]) -> None:
    assert mypy_report["examples"] == [], "\n".join(mypy_report["examples"][:30])


@pytest.mark.parametrize("page,code", docs_examples(), ids=lambda v: Path(v).stem if v.endswith(".md") else "")
def test_docs_example_runs(page: str, code: str) -> None:
    namespace: dict[str, Any] = {}
    exec(compile(code, page, "exec"), namespace)
    assert "value" in namespace


def test_black_leaves_generated_code_unchanged() -> None:
    for root in PACKAGES.values():
        result = subprocess.run([sys.executable, "-m", "black", "--check", "--quiet", str(root)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def test_black_leaves_full_openai_sdk_unchanged(openai_out: Path) -> None:
    """Its 1,500 modules are laid out without black (generator/pyformat); black agrees with all of them."""
    result = subprocess.run([sys.executable, "-m", "black", "--check", "--quiet", str(openai_out / "python")],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr


def test_seed_example_validates_and_wrong_const_is_rejected() -> None:
    from openai_batches.types import VectorStoreFileBatchObject

    adapter = pydantic.TypeAdapter(VectorStoreFileBatchObject)
    batch = adapter.validate_python(SEED_003)
    assert batch.object == "vector_store.files_batch"
    assert batch.model_dump(mode="json") == SEED_003
    with pytest.raises(pydantic.ValidationError, match="vector_store.files_batch"):
        adapter.validate_python({**SEED_003, "object": "vector_store.file_batch"})


def test_docstring_states_the_true_const() -> None:
    source = (PACKAGES["openai_batches"] / "openai_batches" / "types" / "vector_store_file_batch_object.py").read_text()
    assert "always `vector_store.files_batch`" in source
    assert "vector_store.file_batch`" not in source


def test_metadata_constraints_enforced() -> None:
    from openai_batches.types import Metadata

    adapter = pydantic.TypeAdapter(Metadata)
    assert adapter.validate_python(None) is None
    assert adapter.validate_python({"k" * 64: "v" * 512}) == {"k" * 64: "v" * 512}
    for bad in ({str(i): "v" for i in range(17)}, {"k" * 65: "v"}, {"k": "v" * 513}):
        with pytest.raises(pydantic.ValidationError):
            adapter.validate_python(bad)


def test_spec_examples_round_trip() -> None:
    """Every schema-level example in our own specs validates and dumps back to itself."""
    import openai_batches.types as types

    spec = yaml.safe_load((REPO / "specs" / "openai-batches.yaml").read_text())
    checked = 0
    for name, schema in spec["components"]["schemas"].items():
        if "example" in schema and name != "Batch":  # Batch's example has nulls its schema forbids, as in the real spec
            value = pydantic.TypeAdapter(getattr(types, name)).validate_python(schema["example"])
            assert json.loads(pydantic.TypeAdapter(getattr(types, name)).dump_json(value)) == schema["example"]
            checked += 1
    assert checked >= 1


def test_petstore_behaviour() -> None:
    from petstore.types import AnyPet, Category, Inventory

    pets = pydantic.TypeAdapter(list[AnyPet]).validate_python(
        [{"pet_type": "dog", "name": "Rex", "bark": True}, {"pet_type": "cat", "name": "Tom", "age": 3}]
    )
    assert [type(p).__name__ for p in pets] == ["Dog", "Cat"]
    with pytest.raises(pydantic.ValidationError):
        pydantic.TypeAdapter(AnyPet).validate_python({"pet_type": "cow", "name": "Daisy"})
    tree = Category.model_validate({"id": 1, "name": "root", "class": "Aves", "x-rate-limit": 5,
                                    "children": [{"id": 2, "name": "leaf", "parent": {"id": 1, "name": "root"}}]})
    assert tree.class_ == "Aves" and tree.x_rate_limit == 5
    assert tree.children and tree.children[0].parent and tree.children[0].parent.name == "root"
    assert tree.model_dump(exclude_unset=True)["x-rate-limit"] == 5
    assert pydantic.TypeAdapter(Inventory).validate_python({"a": 1}) == {"a": 1}


def test_openai_full_spec_every_schema_importable(openai_out: Path) -> None:
    spec = yaml.load(OPENAI_SPEC.read_text(), Loader=yaml.CSafeLoader)
    expected = len(spec["components"]["schemas"])
    sys.path.insert(0, str(openai_out / "python"))
    try:
        import openai_full.types as types

        assert len(types.__all__) == expected == 1422
        failures = []
        for name in types.__all__:
            try:
                pydantic.TypeAdapter(getattr(types, name)).core_schema
            except Exception as exc:  # collect all, report together
                failures.append(f"{name}: {exc}")
        assert not failures, "\n".join(failures[:20])
    finally:
        sys.path.remove(str(openai_out / "python"))


def test_generated_package_installs_with_pip(tmp_path: Path) -> None:
    """`OUT/python` is a real project: pip builds and installs it, py.typed included."""
    project = PACKAGES["openai_batches"]
    result = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(tmp_path), str(project)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "openai_batches" / "py.typed").is_file()
    assert (tmp_path / "openai_batches" / "types" / "vector_store_file_batch_object.py").is_file()
