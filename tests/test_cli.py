"""The command as users run it: exit codes, one-line errors, nothing written on failure, --check."""

from __future__ import annotations

import gc
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, run_specloom

BATCHES = REPO / "specs" / "openai-batches.yaml"


def tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_const_diagnostic_names_file_and_line() -> None:
    result = run_specloom("generate", "--check")
    line = next(i for i, text in enumerate(BATCHES.read_text().splitlines(), 1)
                if "always `vector_store.file_batch`" in text)
    assert f"specs/openai-batches.yaml:{line}:" in result.stderr
    assert "warning[const-description-mismatch]" in result.stderr


def test_generate_then_check_then_edit(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run_specloom("generate", str(BATCHES), "-o", str(out))
    assert first.returncode == 0, first.stderr
    assert (out / "python" / "openai_batches" / "types" / "batch.py").is_file()
    assert (out / "docs" / "models" / "Batch.md").is_file()
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    again = run_specloom("generate", str(BATCHES), "-o", str(out))
    assert again.returncode == 0 and "0 written" in again.stdout
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == before
    assert run_specloom("generate", str(BATCHES), "-o", str(out), "--check").returncode == 0
    target = out / "python" / "openai_batches" / "types" / "batch.py"
    target.write_text(target.read_text() + " ")
    stale = run_specloom("generate", str(BATCHES), "-o", str(out), "--check")
    assert stale.returncode == 1
    assert "stale: python/openai_batches/types/batch.py" in stale.stderr
    assert target.read_text().endswith(" "), "--check must not write"


def test_targets_and_package_name(tmp_path: Path) -> None:
    result = run_specloom("generate", str(BATCHES), "-o", str(tmp_path), "--target", "docs", "--package-name", "acme_sdk")
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "python").exists()
    assert "from acme_sdk.types import" in (tmp_path / "docs" / "models" / "Batch.md").read_text()


def test_removed_schema_files_are_deleted_and_foreign_files_kept(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(BATCHES.read_text())
    out = tmp_path / "out"
    assert run_specloom("generate", str(spec), "-o", str(out)).returncode == 0
    (out / "python" / "NOTES.md").write_text("mine")
    spec.write_text(BATCHES.read_text().replace("    BatchError:\n", "    BatchFailure:\n").replace(
        "#/components/schemas/BatchError", "#/components/schemas/BatchFailure"))
    assert run_specloom("generate", str(spec), "-o", str(out)).returncode == 0
    assert not (out / "python" / "openai_batches" / "types" / "batch_error.py").exists()
    assert (out / "python" / "openai_batches" / "types" / "batch_failure.py").is_file()
    assert (out / "python" / "NOTES.md").read_text() == "mine"


def mtimes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def test_a_changed_spec_rewrites_only_the_files_it_affects(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(BATCHES.read_text())
    out = tmp_path / "out"
    assert run_specloom("generate", str(spec), "-o", str(out), "-q").returncode == 0
    before = mtimes(out)
    old = "description: An error code identifying the error type."
    assert BATCHES.read_text().count(old) == 1
    spec.write_text(BATCHES.read_text().replace(old, "description: An error code naming the kind of error."))
    result = run_specloom("generate", str(spec), "-o", str(out))
    assert result.returncode == 0 and "3 written, 0 removed" in result.stdout
    after = mtimes(out)
    assert after.keys() == before.keys()
    rewritten = {path for path in after if after[path] != before[path]}
    assert rewritten == {"python/openai_batches/types/batch_error.py", "docs/models/BatchError.md", ".specloom-manifest.json"}


def test_foreign_files_survive_and_check_ignores_them(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(BATCHES.read_text())
    out = tmp_path / "out"
    assert run_specloom("generate", str(spec), "-o", str(out), "-q").returncode == 0
    (out / "README.md").write_text("# ours\n")
    (out / "custom").mkdir()
    (out / "custom" / "x.py").write_text("x = 1\n")
    check = run_specloom("generate", str(spec), "-o", str(out), "--check")
    assert check.returncode == 0, check.stderr
    # BatchError removed from the spec: its files are "extra" (specloom wrote them), ours are not.
    spec.write_text(BATCHES.read_text().replace("    BatchError:\n", "    BatchFailure:\n").replace(
        "#/components/schemas/BatchError", "#/components/schemas/BatchFailure"))
    stale = run_specloom("generate", str(spec), "-o", str(out), "--check")
    assert stale.returncode == 1
    extra = sorted(line.split("extra: ")[1] for line in stale.stderr.splitlines() if "  extra: " in line)
    assert extra == ["docs/models/BatchError.md", "python/openai_batches/types/batch_error.py"]
    assert run_specloom("generate", str(spec), "-o", str(out), "-q").returncode == 0
    assert not (out / "docs" / "models" / "BatchError.md").exists()
    assert (out / "README.md").read_text() == "# ours\n" and (out / "custom" / "x.py").read_text() == "x = 1\n"
    assert run_specloom("generate", str(spec), "-o", str(out), "--check").returncode == 0


def test_check_names_a_one_byte_edit_with_its_diff(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_specloom("generate", str(BATCHES), "-o", str(out), "-q").returncode == 0
    page = out / "docs" / "models" / "BatchError.md"
    text = page.read_text()
    page.write_text(text.replace("# BatchError", "# BatchErrox", 1))
    result = run_specloom("generate", str(BATCHES), "-o", str(out), "--check")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert "  stale: docs/models/BatchError.md" in lines
    assert [line for line in lines if line.startswith(("  stale:", "  missing:", "  extra:"))] == ["  stale: docs/models/BatchError.md"]
    assert "-# BatchErrox" in lines and "+# BatchError" in lines
    assert page.read_text() != text, "--check must not write"


BAD_INPUTS = {
    "missing-file": (None, "no such file"),
    "bad-yaml": ("openapi: 3.1.0\ninfo: {title: x\npaths: {}\n", "invalid YAML"),
    "bad-json": ('{"openapi": "3.1.0",\n "info": }', "invalid JSON"),
    "unresolved-ref": ("openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
                       "    A:\n      type: object\n      properties:\n        b: {$ref: '#/components/schemas/Nope'}\n",
                       "does not resolve"),
    # A place the converter does not read: the load's walk finds it, in the process that loads.
    "unresolved-ref-under-not": ("openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
                                 "    A:\n      type: object\n      not: {$ref: '#/components/schemas/Nope'}\n",
                                 "does not resolve"),
    "missing-ref-file": ("openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
                         "    A: {$ref: 'other.yaml#/A'}\n", "no such file"),
    "not-openapi": ("just: a mapping\n", "openapi"),
    "non-string-ref": ("openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
                       "    A:\n      type: object\n      properties:\n        b: {$ref: 5}\n", "$ref must be a string"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path: Path, case: str) -> None:
    text, expected = BAD_INPUTS[case]
    spec = tmp_path / ("spec.json" if case == "bad-json" else "spec.yaml")
    if text is not None:
        spec.write_text(text)
    out = tmp_path / "out"
    shutil.copytree(REPO / "generated" / "petstore", out)
    before = tree_digest(out)
    result = run_specloom("generate", str(spec), "-o", str(out))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and expected in lines[0]
    assert "spec." in lines[0]
    if case in ("bad-yaml", "bad-json", "unresolved-ref", "unresolved-ref-under-not", "missing-ref-file", "non-string-ref"):
        assert f"{spec.name}:" in lines[0] and any(ch.isdigit() for ch in lines[0].split(":")[1]), "a line number"
    assert tree_digest(out) == before


def test_bad_input_stays_one_line_under_debug(tmp_path: Path) -> None:
    """--debug shows tracebacks of specloom's own failures; a bad spec is not one."""
    result = run_specloom("--debug", "generate", str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "o"))
    assert result.returncode == 2 and "no such file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_output_is_deterministic_across_hash_seeds(tmp_path: Path) -> None:
    trees = []
    for seed in ("1", "4242"):
        out = tmp_path / seed
        result = run_specloom("generate", str(REPO / "specs" / "petstore.yaml"), "-o", str(out), env={"PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        trees.append(tree_digest(out))
    assert trees[0] == trees[1]


def test_unknown_config_key_is_an_error_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "specloom.yaml").write_text(f"jobs:\n  - spec: {BATCHES}\n    output: out\n    colour: blue\n")
    result = run_specloom("generate", cwd=tmp_path)
    assert result.returncode == 2
    assert "specloom.yaml:4:" in result.stderr and "colour" in result.stderr
    assert not (tmp_path / "out").exists()


def test_what_the_command_prints_arrives_though_it_ends_without_shutdown(tmp_path: Path) -> None:
    """The process ends as soon as the command is done, skipping the interpreter's shutdown
    (cli._exit_now): what it printed must still arrive through buffered pipes, with its status."""
    buffered = {"PYTHONUNBUFFERED": ""}
    generated = run_specloom("generate", str(BATCHES), "-o", str(tmp_path / "out"), env=buffered)
    assert generated.returncode == 0
    assert f"→ {tmp_path / 'out'}: " in generated.stdout and "written" in generated.stdout
    assert "warning[const-description-mismatch]" in generated.stderr
    linted = run_specloom("lint", str(BATCHES), "--format", "json", env=buffered)
    assert any(row["code"] == "const-description-mismatch" for row in json.loads(linted.stdout))
    stale = run_specloom("generate", str(BATCHES), "-o", str(tmp_path / "none"), "--check", env=buffered)
    assert stale.returncode == 1 and "run `specloom generate` to update it" in stale.stderr


def test_the_command_ends_without_a_garbage_collection(tmp_path: Path) -> None:
    """The collector is off while a command runs; a process that ends with the command does not
    switch it on again, which would make it walk every object the run built (cli._no_cyclic_gc).
    Collections before the build (imports, parsing the arguments) are not counted."""
    code = ("import gc, os, sys\n"
            "from generator import pipeline\n"
            "from generator.cli import run\n"
            "built, build = [], pipeline.build\n"
            "pipeline.build = lambda *args, **kwargs: built.append(1) or build(*args, **kwargs)\n"
            "gc.callbacks.append(lambda phase, info: built and phase == 'start' and os.write(2, b'collected\\n'))\n"
            f"sys.argv = ['specloom', 'generate', {str(BATCHES)!r}, '-o', {str(tmp_path / 'out')!r}, '-q']\n"
            "run()\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "docs").is_dir()
    assert "collected" not in result.stderr


def test_the_collector_is_on_again_when_main_returns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import cli

    monkeypatch.chdir(tmp_path)
    assert gc.isenabled()
    assert cli.main(["generate", str(BATCHES), "-o", "out", "-q"]) == 0
    assert gc.isenabled()


def test_lint_reports_const_mismatch_as_json() -> None:
    result = run_specloom("lint", str(BATCHES), "--format", "json")
    assert result.returncode == 0
    rows = json.loads(result.stdout)
    row = next(r for r in rows if r["code"] == "const-description-mismatch")
    assert row["pointer"].endswith("/properties/object/description") and row["line"] > 0


def test_pagination_overrides_in_config(tmp_path: Path) -> None:
    (tmp_path / "specloom.yaml").write_text(
        f"jobs:\n  - spec: {BATCHES}\n    output: out\n    targets: [python]\n    pagination:\n"
        "      listBatches: false\n"
        "      listFilesInVectorStoreBatch: {style: offset, items: data, limit_param: limit}\n")
    result = run_specloom("generate", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    resources = tmp_path / "out" / "python" / "openai_batches" / "resources"
    batches = (resources / "batches.py").read_text()
    assert "def list(" in batches and "-> ListBatchesResponse:" in batches and "SyncPage" not in batches
    files = (resources / "vector_stores_file_batches.py").read_text()
    assert 'style="offset"' in files and "-> SyncPage[VectorStoreFileObject]:" in files


@pytest.mark.parametrize("pagination,expected", [
    ("listBatches: {style: sideways}", "needs `style`"),
    ("listBatches: {style: cursor, colour: blue}", "unknown key 'colour'"),
    ("retrieveBatch: {style: cursor, items: data}", "no array field 'data'"),
])
def test_bad_pagination_override_is_a_clear_error(tmp_path: Path, pagination: str, expected: str) -> None:
    (tmp_path / "specloom.yaml").write_text(f"jobs:\n  - spec: {BATCHES}\n    output: out\n    pagination:\n      {pagination}\n")
    result = run_specloom("generate", cwd=tmp_path)
    assert result.returncode == 2 and expected in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("argv", [["--debug", "generate"], ["generate", "--debug"], ["generate"]])
def test_internal_failure_is_one_line_and_debug_shows_the_traceback(
        argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A bug in specloom (here: one injected into the pipeline) ends in one line and exit 2; --debug, given
    before or after the subcommand, adds the traceback."""
    from generator import cli

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("injected")

    monkeypatch.setattr(cli, "build_job", broken)
    assert cli.main([*argv, str(BATCHES), "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "error[internal]: specloom failed: RuntimeError: injected" in err
    assert ("Traceback" in err) == ("--debug" in argv)
    if "--debug" not in argv:
        assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_a_failed_run_removes_the_tree_it_began(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Into a new folder the SDK's files are written beside it while the docs render: a failure
    after that (here, in rendering the docs) leaves neither the folder nor anything beside it."""
    from generator import cli, forkmap, render

    real = render.render

    def docs_fail(files: Any, *args: Any) -> Any:
        if any(f.path.startswith("docs/") for f in files):
            raise RuntimeError("injected")
        return real(files, *args)

    monkeypatch.setattr(forkmap, "can_fork", lambda: False)  # the failure in this process
    monkeypatch.setattr(render, "render", docs_fail)
    puts: list[str] = []
    real_put = cli.FirstWrite.put
    monkeypatch.setattr(cli.FirstWrite, "put", lambda self, files: (puts.extend(files), real_put(self, files))[1])
    assert cli.main(["generate", str(BATCHES), "-o", str(tmp_path / "out")]) == 2
    assert any(p.startswith("python/") for p in puts), "the SDK was put into the new tree first"
    assert list(tmp_path.iterdir()) == []
