"""The config as users write it: every key, renames, templates, pyproject.toml, --job, and its errors."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import textwrap
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO
from generator.cli import main

BATCHES = REPO / "specs" / "openai-batches.yaml"
PETSTORE = REPO / "specs" / "petstore.yaml"


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


def specloom(*args: str, cwd: Path) -> Result:
    """The CLI in this process (a child process per call would cost a second each)."""
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(list(args))
    finally:
        os.chdir(old)
    return Result(code, out.getvalue(), err.getvalue())


def errors(result: Result) -> list[str]:
    return [line for line in result.err.splitlines() if "warning[" not in line]


def run_python(code: str, cwd: Path) -> str:
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


# ---- renames, end to end ------------------------------------------------------------------------

RENAMES = """\
jobs:
  - spec: {spec}
    output: out
    renames:
      models:
        Batch: Job
      fields:
        Batch.created_at: created
        CreateVectorStoreFileBatchRequest.file_ids: ids
      methods:
        createBatch: submit
"""


def test_each_rename_kind_works_end_to_end(tmp_path: Path) -> None:
    (tmp_path / "specloom.yaml").write_text(RENAMES.format(spec=BATCHES))
    result = specloom("generate", "-q", cwd=tmp_path)
    assert result.code == 0, result.err
    out = tmp_path / "out"
    types = out / "python" / "openai_batches" / "types"
    assert (types / "job.py").is_file() and not (types / "batch.py").exists()
    printed = run_python("""
        import json
        import httpx
        from openai_batches import Client, types

        sent = []
        BATCH = {"id": "b1", "object": "batch", "endpoint": "/v1/responses", "input_file_id": "f",
                 "completion_window": "24h", "status": "validating", "created_at": 7}
        FILE_BATCH = {"id": "vsfb", "object": "vector_store.files_batch", "created_at": 1, "vector_store_id": "vs",
                      "status": "in_progress",
                      "file_counts": {"in_progress": 1, "completed": 0, "cancelled": 0, "failed": 0, "total": 1}}

        def handler(request):
            sent.append((request.method, request.url.path, json.loads(request.content)))
            return httpx.Response(200, json=BATCH if request.url.path == "/batches" else FILE_BATCH)

        client = Client(api_key="k", base_url="http://api.test", http_client=httpx.Client(transport=httpx.MockTransport(handler)))
        job = client.batches.submit(input_file_id="f", endpoint="/v1/responses", completion_window="24h")
        client.vector_stores.file_batches.create("vs", ids=["f1"])
        print(json.dumps({
            "all": types.__all__, "type": type(job).__name__, "created": job.created,
            "dumped": job.model_dump(by_alias=True, exclude_none=True)["created_at"],
            "has_create": hasattr(client.batches, "create"), "sent": sent,
        }))
    """, out / "python")
    got = json.loads(printed)
    assert "Job" in got["all"] and "Batch" not in got["all"]
    assert got["type"] == "Job" and got["created"] == 7 and got["dumped"] == 7
    assert not got["has_create"]
    assert got["sent"][0][:2] == ["POST", "/batches"]
    # The renamed body field is the method's argument; the wire keeps the spec's name.
    assert got["sent"][1] == ["POST", "/vector_stores/vs/file_batches", {"file_ids": ["f1"]}]
    docs = out / "docs"
    assert (docs / "models" / "Job.md").read_text().splitlines()[2] == "# Job"
    assert not (docs / "models" / "Batch.md").exists()
    assert "`created`" in (docs / "models" / "Job.md").read_text()
    listing = (docs / "models" / "ListBatchesResponse.md").read_text()
    assert "list\\[[Job](Job.md)\\]" in listing and "import BatchRequestCounts, Job, ListBatchesResponse" in listing
    assert "client.batches.submit(" in (docs / "resources" / "batches.md").read_text()


RENAME_ERRORS = {
    "unknown model": ("models", "Batchh", "Job", "rename-unknown", "no schema 'Batchh' (did you mean 'Batch'?)"),
    "unknown field schema": ("fields", "Bacth.id", "ident", "rename-unknown", "no schema 'Bacth'"),
    "unknown field": ("fields", "Batch.idd", "ident", "rename-unknown", "no property in 'Batch' named 'idd'"),
    "field of an alias": ("fields", "Metadata.x", "y", "rename-unknown", "type alias, not a class with fields"),
    "unknown method": ("methods", "createBacth", "submit", "rename-unknown", "no operation with operationId 'createBacth'"),
    "model collision": ("models", "Batch", "BatchError", "rename-collision", "the class name of schema 'BatchError'"),
    "model collision, other case": ("models", "Batch", "BATCHERROR", "rename-collision", "schema 'BatchError'"),
    "field collision, attribute": ("fields", "Batch.id", "object", "rename-collision", "the attribute of property 'object'"),
    "method collision": ("methods", "createBatch", "list", "rename-collision", "the method of GET /batches"),
    "method collision, reserved": ("methods", "createBatch", "with_options", "rename-collision", "every resource"),
    "invalid class name": ("models", "Batch", "my-class", "config-invalid", "not a class name specloom can use (like 'MyClass')"),
    "keyword class name": ("models", "Batch", "None", "config-invalid", "not a class name"),
    "invalid attribute": ("fields", "Batch.id", "Bad Name", "config-invalid", "not an attribute name specloom can use"),
    "reserved attribute": ("fields", "Batch.id", "model_dump", "config-invalid", "(like 'model_dump_')"),
    "invalid method": ("methods", "createBatch", "class", "config-invalid", "not a method name specloom can use (like 'class_')"),
    "field without schema": ("fields", "created_at", "created", "config-invalid", "SchemaKey.json_property"),
}


def _rename_config(tmp_path: Path, fmt: str, kind: str, target: str, new: str) -> tuple[str, str]:
    """A one-rename config in YAML or TOML; the rename is on line 7 either way."""
    if fmt == "yaml":
        text = (f"jobs:\n  - spec: {BATCHES}\n    output: out\n    targets: [docs]\n    renames:\n      {kind}:\n"
                f"        {json.dumps(target)}: {json.dumps(new)}\n")
        name = "specloom.yaml"
    else:
        text = (f"[[tool.specloom.jobs]]\nspec = {json.dumps(str(BATCHES))}\noutput = \"out\"\ntargets = [\"docs\"]\n\n"
                f"[tool.specloom.jobs.renames.{kind}]\n{json.dumps(target)} = {json.dumps(new)}\n")
        name = "pyproject.toml"
    (tmp_path / name).write_text(text)
    return name, f"{name}:7:"


@pytest.mark.parametrize("fmt", ["yaml", "toml"])
@pytest.mark.parametrize("case", sorted(RENAME_ERRORS))
def test_bad_rename_is_exit_2_at_its_config_line(tmp_path: Path, case: str, fmt: str) -> None:
    kind, target, new, code, message = RENAME_ERRORS[case]
    name, where = _rename_config(tmp_path, fmt, kind, target, new)
    result = specloom("generate", cwd=tmp_path)
    assert result.code == 2, result.err
    lines = errors(result)
    assert len(lines) == 1, result.err
    assert lines[0].startswith(where) and f"error[{code}]" in lines[0], lines[0]
    assert message in lines[0]
    if fmt == "toml":
        assert f"(at tool.specloom.jobs[0].renames.{kind}." in lines[0]
    assert not (tmp_path / "out").exists()


NESTED = """\
openapi: 3.1.0
info: {title: Nested, version: '1'}
paths:
  /things:
    get: {operationId: listThings, responses: {'204': {description: none}}}
  /things/{id}/parts/{part}:
    get:
      operationId: getPart
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: part, in: path, required: true, schema: {type: string}}
      responses: {'204': {description: none}}
"""


def test_method_rename_clashing_with_a_child_resource_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "spec.yaml").write_text(NESTED)
    (tmp_path / "specloom.yaml").write_text("jobs:\n  - spec: spec.yaml\n    output: out\n    renames:\n"
                                            "      methods: {listThings: parts}\n")
    result = specloom("generate", cwd=tmp_path)
    assert result.code == 2
    assert errors(result) == ["specloom.yaml:5:17: error[rename-collision]: cannot rename 'listThings' to 'parts': "
                              "that is the child resource `parts` here (at #/jobs/0/renames/methods/listThings)"]
    (tmp_path / "specloom.yaml").write_text("jobs:\n  - spec: spec.yaml\n    output: out\n    renames:\n"
                                            "      methods: {listThings: all_things}\n")
    assert specloom("generate", "-q", cwd=tmp_path).code == 0
    resource = (tmp_path / "out" / "python" / "nested" / "resources" / "things.py").read_text()
    assert "def all_things(" in resource and "def parts(self)" in resource


def test_models_may_swap_names(tmp_path: Path) -> None:
    """Renames are claimed before anything else is named, so two schemas can trade names."""
    (tmp_path / "specloom.yaml").write_text(f"jobs:\n  - spec: {BATCHES}\n    output: out\n    targets: [docs]\n"
                                            "    renames:\n      models: {Batch: BatchError, BatchError: Batch}\n")
    assert specloom("generate", "-q", cwd=tmp_path).code == 0
    page = (tmp_path / "out" / "docs" / "models" / "Batch.md").read_text()
    assert "A human-readable message" in page  # BatchError's field, under the name Batch


# ---- the schema: unknown keys and bad values, in either file ----------------------------------

# (YAML, TOML, the line of the bad key, its key path in TOML)
UNKNOWN_KEYS = {
    "top level": ("colour: blue\njobs:\n  - {spec: S, output: out}\n",
                  "[tool.specloom]\ncolour = 'blue'\n\n[[tool.specloom.jobs]]\nspec = 'S'\noutput = 'out'\n",
                  (1, 2), "tool.specloom.colour"),
    "job": ("jobs:\n  - spec: S\n    output: out\n    colour: blue\n",
            "[[tool.specloom.jobs]]\nspec = 'S'\noutput = 'out'\ncolour = 'blue'\n", (4, 4), "tool.specloom.jobs[0].colour"),
    "second job": ("jobs:\n  - {spec: S, output: a}\n  - spec: S\n    output: b\n    colour: blue\n",
                   "[[tool.specloom.jobs]]\nspec = 'S'\noutput = 'a'\n\n[[tool.specloom.jobs]]\nspec = 'S'\noutput = 'b'\n"
                   "colour = 'blue'\n", (5, 8), "tool.specloom.jobs[1].colour"),
    "pagination": ("jobs:\n  - spec: S\n    output: out\n    pagination:\n      listBatches: {style: cursor, colour: blue}\n",
                   "[[tool.specloom.jobs]]\nspec = 'S'\noutput = 'out'\n\n[tool.specloom.jobs.pagination.listBatches]\n"
                   "style = 'cursor'\ncolour = 'blue'\n", (5, 7), "tool.specloom.jobs[0].pagination.listBatches.colour"),
    "renames": ("jobs:\n  - spec: S\n    output: out\n    renames:\n      classes: {Batch: Job}\n",
                "[[tool.specloom.jobs]]\nspec = 'S'\noutput = 'out'\n\n[tool.specloom.jobs.renames]\nclasses = {Batch = 'Job'}\n",
                (5, 6), "tool.specloom.jobs[0].renames.classes"),
}


@pytest.mark.parametrize("fmt", ["yaml", "toml"])
@pytest.mark.parametrize("case", sorted(UNKNOWN_KEYS))
def test_unknown_keys_anywhere_are_errors_with_their_location(tmp_path: Path, case: str, fmt: str) -> None:
    yaml_text, toml_text, lines, path = UNKNOWN_KEYS[case]
    name = "specloom.yaml" if fmt == "yaml" else "pyproject.toml"
    text = yaml_text if fmt == "yaml" else toml_text
    (tmp_path / name).write_text(text.replace("S", str(BATCHES)))
    result = specloom("generate", cwd=tmp_path)
    assert result.code == 2
    [line] = errors(result)
    assert line.startswith(f"{name}:{lines[0] if fmt == 'yaml' else lines[1]}:"), line
    assert "error[config-unknown-key]" in line and "(known: " in line
    if fmt == "toml":
        assert line.endswith(f"(at {path})")
    assert not any(tmp_path.glob("out*")) and not (tmp_path / "a").exists()


BAD_VALUES = {
    "no jobs": ("jobs: 3\n", "expected a mapping with a `jobs` list"),
    "job without output": ("jobs:\n  - spec: S\n", "a job needs `output`"),
    "targets": ("jobs:\n  - {spec: S, output: out, targets: [pdf]}\n", "`targets` must be a non-empty list of python, docs"),
    "no targets": ("jobs:\n  - {spec: S, output: out, targets: []}\n", "`targets` must be a non-empty list"),
    "package": ("jobs:\n  - {spec: S, output: out, package: acme-sdk}\n", "like 'acme_sdk'"),
    "base url": ("jobs:\n  - {spec: S, output: out, docs_base_url: example.com}\n", "http(s) URL"),
    "templates folder": ("jobs:\n  - {spec: S, output: out, templates: nowhere}\n", "'nowhere' is not one"),
    "same output": ("jobs:\n  - {spec: S, output: out}\n  - {spec: S, output: ./out/}\n", "job 2 has the same output as job 1"),
    "same name": ("jobs:\n  - {spec: S, output: a, name: x}\n  - {spec: S, output: b, name: x}\n", "same name"),
    "name like another's default": ("jobs:\n  - {spec: S, output: gen/x}\n  - {spec: S, output: b, name: x}\n", "same name"),
    "duplicate key": ("jobs:\n  - spec: S\n    output: a\n    output: b\n", "duplicate key 'output'"),
    "renames not a mapping": ("jobs:\n  - {spec: S, output: out, renames: [Batch]}\n", "`renames` maps"),
}


@pytest.mark.parametrize("case", sorted(BAD_VALUES))
def test_bad_values_are_errors(tmp_path: Path, case: str) -> None:
    text, expected = BAD_VALUES[case]
    (tmp_path / "specloom.yaml").write_text(text.replace("S", str(BATCHES)))
    result = specloom("generate", cwd=tmp_path)
    assert result.code == 2
    [line] = errors(result)
    assert line.startswith("specloom.yaml:") and expected in line, line
    assert "Traceback" not in result.err


def test_no_config_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")  # no [tool.specloom]
    result = specloom("generate", cwd=tmp_path)
    assert result.code == 2
    assert "error[config-missing]" in result.err and "[tool.specloom]" in result.err


# ---- pyproject.toml --------------------------------------------------------------------------------

def test_pyproject_tool_table_runs_its_jobs(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent(f"""\
        [project]
        name = "mine"

        [[tool.specloom.jobs]]
        spec = "{PETSTORE}"
        output = "gen/pets"
        targets = ["docs"]

        [[tool.specloom.jobs]]
        spec = "{BATCHES}"
        output = "gen/batches"
        targets = ["python"]

        [tool.specloom.jobs.renames.models]
        Batch = "Job"

        [tool.specloom.jobs.pagination]
        listBatches = false

        [tool.ruff]
        line-length = 100
    """))
    result = specloom("generate", cwd=tmp_path)
    assert result.code == 0, result.err
    assert (tmp_path / "gen" / "pets" / "docs" / "index.md").is_file() and not (tmp_path / "gen" / "pets" / "python").exists()
    batches = (tmp_path / "gen" / "batches" / "python" / "openai_batches")
    assert (batches / "types" / "job.py").is_file()
    assert "-> ListBatchesResponse:" in (batches / "resources" / "batches.py").read_text()
    assert specloom("generate", "--check", cwd=tmp_path).code == 0


def test_specloom_yaml_wins_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[[tool.specloom.jobs]]\nspec = '{PETSTORE}'\noutput = 'from_toml'\n")
    (tmp_path / "specloom.yaml").write_text(f"jobs:\n  - {{spec: {PETSTORE}, output: from_yaml, targets: [docs]}}\n")
    assert specloom("generate", "-q", cwd=tmp_path).code == 0
    assert (tmp_path / "from_yaml").is_dir() and not (tmp_path / "from_toml").exists()
    assert specloom("generate", "-q", "--config", "pyproject.toml", cwd=tmp_path).code == 0
    assert (tmp_path / "from_toml" / "docs" / "index.md").is_file()


# ---- --job -----------------------------------------------------------------------------------------

def _two_jobs(tmp_path: Path) -> None:
    (tmp_path / "specloom.yaml").write_text(f"jobs:\n  - {{spec: {PETSTORE}, output: gen/pets, targets: [docs]}}\n"
                                            f"  - {{spec: {PETSTORE}, output: gen/more, name: second, targets: [docs]}}\n")


def test_job_selects_by_name_or_output(tmp_path: Path) -> None:
    _two_jobs(tmp_path)
    assert specloom("generate", "-q", "--job", "pets", cwd=tmp_path).code == 0
    assert (tmp_path / "gen" / "pets").is_dir() and not (tmp_path / "gen" / "more").exists()
    # The unselected job is stale (missing): --check of the selected one alone passes.
    checked = specloom("generate", "--check", "--job", "gen/pets/", cwd=tmp_path)
    assert checked.code == 0 and re.fullmatch(r"gen/pets: up to date \(\d+ files\)\n", checked.out), checked.out
    assert specloom("generate", "--check", cwd=tmp_path).code == 1
    assert specloom("generate", "-q", "--job", "second", cwd=tmp_path).code == 0
    assert specloom("generate", "--check", cwd=tmp_path).code == 0


def test_unknown_job_lists_the_jobs(tmp_path: Path) -> None:
    _two_jobs(tmp_path)
    result = specloom("generate", "--job", "petz", cwd=tmp_path)
    assert result.code == 2
    assert "--job 'petz' matches no job (jobs: pets (gen/pets), second (gen/more))" in result.err
    assert not (tmp_path / "gen").exists()
    spec = specloom("generate", str(PETSTORE), "-o", "x", "--job", "pets", cwd=tmp_path)
    assert spec.code == 2 and "--job selects jobs of the config" in spec.err


# ---- templates -------------------------------------------------------------------------------------

def _templates(tmp_path: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (tmp_path / "tpl" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "tpl" / name).write_text(text)
    (tmp_path / "specloom.yaml").write_text(f"jobs:\n  - spec: {PETSTORE}\n    output: out\n    templates: tpl\n")


def test_user_templates_shadow_built_ins(tmp_path: Path) -> None:
    builtin = REPO / "templates"
    _templates(tmp_path, {
        "docs/model.md.j2": (builtin / "docs" / "model.md.j2").read_text() + "\nMaintained by the pets team.\n",
        # Badly laid out on purpose: the output must still be black's.
        "python/model.py.j2": (builtin / "python" / "model.py.j2").read_text() + "\nTEAM   =   {'owner' : 'pets'}\n",
    })
    result = specloom("generate", "-q", cwd=tmp_path)
    assert result.code == 0, result.err
    out = tmp_path / "out"
    assert (out / "docs" / "models" / "Pet.md").read_text().endswith("\nMaintained by the pets team.\n")
    assert "Maintained" not in (out / "docs" / "index.md").read_text()  # only the page it replaces
    module = (out / "python" / "pet_store" / "types" / "pet.py").read_text()
    assert module.endswith('\n\nTEAM = {"owner": "pets"}\n')
    printed = run_python("from pet_store.types.pet import TEAM, Pet; print(TEAM['owner'], Pet.__name__)", out / "python")
    assert printed == "pets Pet\n"
    assert specloom("generate", "--check", cwd=tmp_path).code == 0


def test_compiled_templates_are_kept_and_follow_edits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Templates compile once into the cache; an edited one, even with its size and time kept, again."""
    import jinja2

    from generator import render

    monkeypatch.setenv("SPECLOOM_CACHE_DIR", str(tmp_path / "cache"))
    page = tmp_path / "tpl" / "docs" / "model.md.j2"
    page.parent.mkdir(parents=True)
    page.write_text("one\n")
    compiled: list[str] = []
    real_compile = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: str, name: str | None = None, *args: object, **kwargs: object) -> object:
        compiled.append(name or "")
        return real_compile(self, source, name, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(jinja2.Environment, "compile", counting)

    def fresh_render() -> str:
        render.environment.cache_clear()  # as a new process would start
        return str(render.environment((str(tmp_path / "tpl"),)).get_template("docs/model.md.j2").render())

    assert fresh_render() == "one\n" and compiled == ["docs/model.md.j2"]
    assert fresh_render() == "one\n" and compiled == ["docs/model.md.j2"]  # from the cache
    stat = page.stat()
    page.write_text("two\n")
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert fresh_render() == "two\n" and len(compiled) == 2
    magic = jinja2.bccache.bc_magic
    for entry in (tmp_path / "cache").glob("jinja-*/*"):
        entry.write_bytes(magic + b"\x80\x05garbage")  # damaged past its header: compiled again
    assert fresh_render() == "two\n" and len(compiled) == 3
    monkeypatch.setenv("SPECLOOM_CACHE_DIR", str(page))  # a file: no cache folder can be made there
    assert fresh_render() == "two\n" and len(compiled) == 4
    render.environment.cache_clear()


def test_a_template_that_shadows_nothing_is_an_error(tmp_path: Path) -> None:
    _templates(tmp_path, {"docs/modle.md.j2": "typo", "docs/_footer.j2": "a helper", ".keep": ""})
    result = specloom("generate", cwd=tmp_path)
    assert result.code == 2
    [line] = errors(result)
    assert line.startswith("specloom.yaml:4:5: error[config-invalid]: template 'docs/modle.md.j2' in 'tpl' shadows no built-in")


@pytest.mark.parametrize("name,text,expected", [
    ("docs/model.md.j2", "{{ header }}\n{% if %}\n", "tpl/docs/model.md.j2:2:"),
    ("docs/model.md.j2", "{{ header }}\n\n{{ no_such_variable }}\n", "tpl/docs/model.md.j2:3:"),
    ("python/model.py.j2", "{{ header }}\ndef broken(:\n", "tpl/python/model.py.j2:"),
])
def test_a_broken_template_is_an_error_at_the_template(tmp_path: Path, name: str, text: str, expected: str) -> None:
    _templates(tmp_path, {name: text})
    result = specloom("generate", cwd=tmp_path)
    assert result.code == 2
    [line] = errors(result)
    assert line.startswith(expected) and name in line, line
    assert not (tmp_path / "out").exists()


def test_pyproject_errors_name_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n\n[[tool.specloom.jobs]]\nspec = 'a.yaml\n")
    broken = specloom("generate", cwd=tmp_path)
    assert broken.code == 2
    assert broken.err.startswith("pyproject.toml:5:") and "error[config-invalid]: invalid TOML" in broken.err
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    missing = specloom("generate", "--config", "pyproject.toml", cwd=tmp_path)
    assert missing.code == 2 and "pyproject.toml has no [tool.specloom] table" in missing.err
    (tmp_path / "pyproject.toml").write_text("[[tool.specloom.jobs]]\nspec = 'nope.yaml'\noutput = 'out'\n")
    no_spec = specloom("generate", cwd=tmp_path)
    assert no_spec.code == 2 and "no such file: nope.yaml" in no_spec.err


def test_job_names_that_coincide_by_default_are_selected_by_output(tmp_path: Path) -> None:
    (tmp_path / "specloom.yaml").write_text(f"jobs:\n  - {{spec: {PETSTORE}, output: a/sdk, targets: [docs]}}\n"
                                            f"  - {{spec: {PETSTORE}, output: b/sdk, targets: [docs]}}\n")
    ambiguous = specloom("generate", "--job", "sdk", cwd=tmp_path)
    assert ambiguous.code == 2 and "matches 2 jobs; name one by its output folder" in ambiguous.err
    assert specloom("generate", "-q", "--job", "b/sdk", cwd=tmp_path).code == 0
    assert (tmp_path / "b" / "sdk").is_dir() and not (tmp_path / "a").exists()


def test_pagination_for_an_unknown_operation_is_an_error_at_the_config_entry(tmp_path: Path) -> None:
    """A typo in `pagination` would leave the list unpaginated without a word: it is an error,
    located in specloom.yaml, with the nearest operationId."""
    (tmp_path / "specloom.yaml").write_text(f"jobs:\n  - spec: {BATCHES}\n    output: out\n    pagination:\n"
                                            "      listBatchs: false\n")
    result = specloom("generate", cwd=tmp_path)
    assert result.code == 2
    assert errors(result) == ["specloom.yaml:5:7: error[config-pagination]: pagination for 'listBatchs': no operation "
                              "with that operationId in the spec (did you mean 'listBatches'?) (at #/jobs/0/pagination/listBatchs)"]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("config", ["specloom.yaml", "pyproject.toml", "jobs.yaml"])
def test_a_config_that_is_a_folder_is_said_to_be_one_not_missing(tmp_path: Path, config: str) -> None:
    (tmp_path / config).mkdir()
    ran = specloom("generate", "--config", config, cwd=tmp_path)
    assert ran.code == 2
    assert ran.err.strip() == f"{config}:#: error[config-invalid]: {config} is a directory, not a config file"
    gone = specloom("generate", "--config", "nowhere.yaml", cwd=tmp_path)
    assert gone.code == 2 and "error[config-missing]: no nowhere.yaml here" in gone.err
