"""Every real-world and peer-test spec of ../shared/corpus and the three OpenAI specs.

Each generates a package that imports, whose every type builds a pydantic schema, and that
passes `mypy --strict` (in the session's one mypy call); the five documents with errors exit 2
with a clear error instead. A per-spec table is written to test-artifacts/corpus.md.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ERROR_SPECS, REPO, Generated, corpus_specs

try:
    LABELS = sorted(corpus_specs())
except pytest.skip.Exception:  # no ../shared: the tests below skip through their fixtures
    LABELS = []

# The one document "with errors" whose defect real specs share: datamodel-code-generator's
# body_and_parameters.yaml also leaves `required` off a path parameter, and must generate. A
# path cannot omit a parameter, so specloom takes it as required and warns.
TOLERATED = "optional-path-param.yaml"

CHECK = """
import json, sys
sys.path.insert(0, sys.argv[1])
import importlib, pydantic
types = importlib.import_module(sys.argv[2] + ".types")
failures = []
for name in types.__all__:
    try:
        pydantic.TypeAdapter(getattr(types, name)).core_schema
    except Exception as exc:
        failures.append(f"{name}: {str(exc).splitlines()[0]}")
print(json.dumps({"types": len(types.__all__), "failures": failures}))
"""


def check_package(generated: Generated) -> dict[str, object]:
    import json

    result = subprocess.run([sys.executable, "-c", CHECK, str(generated.out / "python"), generated.package],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def table(corpus_out: dict[str, Generated], mypy_report: dict[str, list[str]]) -> dict[str, dict[str, object]]:
    """Per-spec results, also written to test-artifacts/corpus.md for the closing note."""
    rows: dict[str, dict[str, object]] = {}
    for label, generated in sorted(corpus_out.items()):
        row: dict[str, object] = {"exit": generated.returncode, "seconds": round(generated.seconds, 1)}
        if generated.returncode == 0:
            row.update(check_package(generated))
            key = "openai_full" if generated.package == "openai_full" else f"corpus:{label}"
            row["mypy_errors"] = len(mypy_report[key])
            row["mypy"] = mypy_report[key][:10]
            row["python_files"] = sum(1 for _ in (generated.out / "python").rglob("*.py"))
        else:
            row["error"] = next((line for line in generated.stderr.splitlines() if "error[" in line), generated.stderr[-200:])
        rows[label] = row
    artifacts = REPO / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    lines = ["| spec | exit | s | types | failures | mypy errors | note |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for label, row in rows.items():
        note = str(row.get("error", "")).split("error[", 1)[-1][:90] if "error" in row else ""
        lines.append(f"| {label} | {row['exit']} | {row['seconds']} | {row.get('types', '')} | "
                     f"{len(row.get('failures', []))} | {row.get('mypy_errors', '')} | {note} |")  # type: ignore[arg-type]
    (artifacts / "corpus.md").write_text("\n".join(lines) + "\n")
    return rows


@pytest.mark.parametrize("label", LABELS)
def test_spec_generates_a_working_package_or_a_clear_error(table: dict[str, dict[str, object]],
                                                           corpus_out: dict[str, Generated], label: str) -> None:
    row, generated = table[label], corpus_out[label]
    if label.startswith(ERROR_SPECS) and not label.endswith(TOLERATED):
        assert generated.returncode == 2, "a document with errors must be refused"
        errors = [line for line in generated.stderr.splitlines() if "error[" in line]
        assert errors and all(generated.spec.name in line and ":" in line for line in errors), generated.stderr
        assert "Traceback" not in generated.stderr
        return
    assert generated.returncode == 0, generated.stderr[-3000:]
    if label.endswith(TOLERATED):
        assert "warning[path-parameter-not-required]" in generated.stderr
    assert row["failures"] == [], row["failures"]
    assert row["mypy_errors"] == 0, "\n".join(row["mypy"])  # type: ignore[arg-type]


def test_every_component_schema_is_generated(corpus_out: dict[str, Generated]) -> None:
    """No schema is dropped: `types` exports one name per component (or Swagger definition)."""
    import json

    from generator.yaml12 import load_yaml

    missing = []
    for label, generated in corpus_out.items():
        if generated.returncode != 0:
            continue
        text = generated.spec.read_text()
        doc = json.loads(text) if generated.spec.suffix == ".json" else load_yaml(text)[0]
        schemas = (doc.get("components") or {}).get("schemas") or doc.get("definitions") or {}
        init = (generated.out / "python" / generated.package / "types" / "__init__.py").read_text()
        exported = init.count('": "')  # one `"Name": "module"` entry per component
        if exported != len(schemas):
            missing.append(f"{label}: {len(schemas)} schemas, {exported} exported")
    assert not missing, "\n".join(missing)
