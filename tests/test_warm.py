"""A rerun with nothing changed skips the pipeline, and anything the output depends on undoes that.

`cli.main` runs in process so the tests can count (or forbid) the builds it starts; the record of
each run goes to a cache folder of the test's own (SPECLOOM_CACHE_DIR).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, run_specloom
from generator import cli, fingerprint
from generator import write as writer
from generator.config import Job
from generator.pipeline import Build, build_job

MAIN = """\
openapi: 3.1.0
info: {title: Pets, version: "1"}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: A pet
          content:
            application/json:
              schema: {$ref: "schemas.yaml#/Pet"}
"""
SCHEMAS = """\
Pet:
  type: object
  required: [id]
  properties:
    id: {type: string, description: The pet's id.}
    kind: {type: string, const: cat, description: Always `dog`.}
"""
WARNING = "schemas.yaml:6:38: warning[const-description-mismatch]"
CONFIG = "jobs:\n  - spec: main.yaml\n    output: out\n"


class Specloom:
    """`specloom` in this process, in the test's folder, counting the builds it starts."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
        self.root, self.capsys, self.builds = root, capsys, 0
        def counting(job: Job, *rest: Any) -> Build:
            self.builds += 1
            return build_job(job, *rest)

        monkeypatch.setattr(cli, "build_job", counting)
        monkeypatch.setenv("SPECLOOM_CACHE_DIR", str(root / "cache"))
        monkeypatch.chdir(root)

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        """Exit status, stdout and stderr of `specloom generate ARGV` (default: the config's jobs)."""
        status = cli.main(["generate", *argv])
        out = self.capsys.readouterr()
        return status, out.out, out.err

    def built(self, *argv: str) -> bool:
        """Whether a run built (rather than recalled) its output; it must succeed either way."""
        before = self.builds
        status, _, err = self(*argv)
        assert status == 0, err
        return self.builds > before


@pytest.fixture
def specloom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Specloom:
    (tmp_path / "main.yaml").write_text(MAIN)
    (tmp_path / "schemas.yaml").write_text(SCHEMAS)
    (tmp_path / "specloom.yaml").write_text(CONFIG)
    return Specloom(tmp_path, monkeypatch, capsys)


def mtimes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_rerun_skips_the_pipeline_writes_nothing_and_prints_the_same(specloom: Specloom,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    status, first_out, first_err = specloom()
    assert status == 0 and WARNING in first_err
    before = mtimes(specloom.root / "out")

    def forbidden(*job: object) -> object:
        raise AssertionError("the pipeline ran")

    monkeypatch.setattr(cli, "build_job", forbidden)
    status, out, err = specloom()
    assert status == 0
    assert err == first_err, "the recorded warnings, exactly as the first run printed them"
    assert first_out == f"main.yaml → out: {len(before)} written, 0 removed, 0 unchanged\n"
    assert out == f"main.yaml → out: 0 written, 0 removed, {len(before)} unchanged\n"
    assert mtimes(specloom.root / "out") == before
    status, out, err = specloom("--check")
    assert status == 0 and err == first_err and out == f"out: up to date ({len(before) - 1} files)\n"
    assert specloom("-q")[1] == ""


def test_a_spec_given_on_the_command_line_is_recalled_too(specloom: Specloom) -> None:
    assert specloom.built("main.yaml", "-o", "cli-out")
    assert not specloom.built("main.yaml", "-o", "cli-out")
    assert specloom.built("main.yaml", "-o", "cli-out", "--package-name", "pets_sdk")
    assert specloom.built("main.yaml", "-o", "cli-out", "--target", "docs")
    assert specloom.built("main.yaml", "-o", "cli-out", "--max-string-chars", "1000")
    assert not specloom.built("main.yaml", "-o", "cli-out", "--max-string-chars", "1000")


def append_byte(path: Path) -> None:
    path.write_bytes(path.read_bytes() + b"#")  # a YAML comment: one byte that changes no output


def edit_template(root: Path) -> None:
    (root / "tpl" / "docs" / "resource.md.j2").write_text((root / "tpl" / "docs" / "resource.md.j2").read_text() + "\n")


EDITS: dict[str, Callable[[Path], object]] = {
    "spec": lambda root: append_byte(root / "main.yaml"),
    "spec, same size and mtime": lambda root: same_stat_edit(root / "main.yaml", b"Pets", b"Cats"),
    "$ref'd file": lambda root: append_byte(root / "schemas.yaml"),
    "config: docs_base_url": lambda root: (root / "specloom.yaml").write_text(CONFIG + "    docs_base_url: https://x.test\n"),
    "config: package": lambda root: (root / "specloom.yaml").write_text(CONFIG + "    package: pets_sdk\n"),
    "config: limits": lambda root: (root / "specloom.yaml").write_text(CONFIG + "    limits: {max_string_chars: 1000}\n"),
    "template override": edit_template,
    "template added": lambda root: (root / "tpl" / "docs" / "_extra.j2").write_text("x"),
}


def same_stat_edit(path: Path, old: bytes, new: bytes) -> None:
    stat = path.stat()
    path.write_bytes(path.read_bytes().replace(old, new))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_any_input_edit_runs_the_pipeline(specloom: Specloom, edit: str) -> None:
    builtin = (REPO / "templates" / "docs" / "resource.md.j2").read_text()
    (specloom.root / "tpl" / "docs").mkdir(parents=True)
    (specloom.root / "tpl" / "docs" / "resource.md.j2").write_text(builtin)
    if edit.startswith("template"):
        (specloom.root / "specloom.yaml").write_text(CONFIG + "    templates: tpl\n")
    assert specloom.built()
    assert not specloom.built()
    EDITS[edit](specloom.root)
    assert specloom.built()
    assert not specloom.built(), "the new inputs are recorded"
    assert specloom("--check")[0] == 0


def test_a_change_of_specloom_itself_runs_the_pipeline(specloom: Specloom, monkeypatch: pytest.MonkeyPatch) -> None:
    assert specloom.built()
    monkeypatch.setattr(fingerprint, "code_hash", lambda: "another specloom")
    assert specloom.built()


def test_the_code_hash_covers_every_file_of_a_tree(tmp_path: Path) -> None:
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "pkg" / "a.py").write_text("a = 1\n")
    (tmp_path / "pkg" / "sub" / "t.j2").write_text("{{ x }}\n")
    (tmp_path / "pkg" / "__pycache__").mkdir()
    (tmp_path / "pkg" / "__pycache__" / "a.pyc").write_bytes(b"\0")
    (tmp_path / "pkg" / "loop").symlink_to(tmp_path / "pkg")  # a cycle: walked once
    folders = [str(tmp_path / "pkg")]
    first = fingerprint._tree_hash(folders)
    (tmp_path / "pkg" / "__pycache__" / "a.pyc").write_bytes(b"\1")
    assert fingerprint._tree_hash(folders) == first, "bytecode is not code"
    (tmp_path / "pkg" / "sub" / "t.j2").write_text("{{ y }}\n")
    assert fingerprint._tree_hash(folders) != first
    (tmp_path / "pkg" / "sub" / "t.j2").write_text("{{ x }}\n")
    (tmp_path / "pkg" / "b.py").write_text("")
    assert fingerprint._tree_hash(folders) != first
    assert fingerprint.code_hash() == fingerprint.code_hash()


@pytest.mark.parametrize("harm", ["edited", "same size, old mtime", "deleted"])
def test_a_hand_edited_generated_file_is_repaired(specloom: Specloom, harm: str) -> None:
    assert specloom.built()
    page = specloom.root / "out" / "docs" / "resources" / "pets.md"
    text = page.read_text()
    if harm == "deleted":
        page.unlink()
    else:
        stat = page.stat()
        page.write_text(text.replace("pet", "pat", 1))
        if harm == "same size, old mtime":
            os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert specloom("--check")[0] == 1
    status, out, _ = specloom()
    assert status == 0 and specloom.builds == 3 and " 1 written, 0 removed," in out
    assert page.read_text() == text
    assert not specloom.built()


def test_check_trusts_no_record_for_file_contents(specloom: Specloom, monkeypatch: pytest.MonkeyPatch) -> None:
    assert specloom.built()
    page = specloom.root / "out" / "python" / "pets" / "types" / "get_pet.py"
    page.write_text(page.read_text() + "# mine\n")
    status, _, err = specloom("--check")
    assert status == 1 and "  stale: python/pets/types/get_pet.py" in err and "-# mine" in err
    assert specloom.builds == 2, "a file that differs from the manifest: the full comparison"
    assert page.read_text().endswith("# mine\n"), "--check writes nothing"


@pytest.mark.parametrize("harm", ["deleted", "corrupted", "truncated", "not a mapping", "lists an extra file"])
def test_a_missing_or_corrupted_manifest_means_a_full_run(specloom: Specloom, harm: str) -> None:
    assert specloom.built()
    manifest = specloom.root / "out" / writer.MANIFEST
    good = manifest.read_text()
    (specloom.root / "out" / "notes.md").write_text("mine\n")
    match harm:
        case "deleted":
            manifest.unlink()
        case "corrupted":
            manifest.write_bytes(b"\xff\x00{{")
        case "truncated":
            manifest.write_text(good[: len(good) // 2])
        case "not a mapping":
            manifest.write_text("[]")
        case "lists an extra file":
            body = json.loads(good)
            body["files"]["notes.md"] = hashlib.sha256(b"mine\n").hexdigest()
            manifest.write_text(json.dumps(body))
    assert specloom.built()
    assert manifest.read_text() == good
    assert not specloom.built()
    # A file the manifest lists is specloom's, so the full run removed it; other files are kept.
    assert (specloom.root / "out" / "notes.md").exists() == (harm != "lists an extra file")


@pytest.mark.parametrize("harm", ["deleted", "garbage", "other version", "spec list not a mapping"])
def test_a_missing_or_corrupted_record_means_a_full_run(specloom: Specloom, harm: str) -> None:
    assert specloom.built()
    [record] = (specloom.root / "cache" / "runs").iterdir()
    body = json.loads(record.read_text())
    match harm:
        case "deleted":
            record.unlink()
        case "garbage":
            record.write_bytes(b"\x00{")
        case "other version":
            record.write_text(json.dumps({**body, "version": 0}))
        case "spec list not a mapping":
            record.write_text(json.dumps({**body, "inputs": {**body["inputs"], "spec": "main.yaml"}}))
    status, out, _ = specloom()
    assert status == 0 and specloom.builds == 2 and " 0 written, 0 removed," in out
    assert not specloom.built()


def test_an_unwritable_cache_only_costs_time(specloom: Specloom, monkeypatch: pytest.MonkeyPatch) -> None:
    (specloom.root / "cache").write_text("a file where the cache folder would be")
    assert specloom.built()
    assert specloom.built()


def test_an_interrupted_write_is_rolled_back_not_recalled(specloom: Specloom) -> None:
    assert specloom.built()
    out = specloom.root / "out"
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    model = out / "python" / "pets" / "types" / "get_pet.py"
    # What a kill mid-swap leaves: the old file moved aside, a staged one in its place, the journal.
    os.replace(model, str(model) + ".specloom-old")
    model.write_text("half\n")
    entry = {"path": "python/pets/types/get_pet.py", "target": str(model), "temp": str(model) + ".specloom-tmp",
             "backup": str(model) + ".specloom-old", "existed": True}
    (out / writer.JOURNAL).write_text(json.dumps({"committed": False, "entries": [entry]}))
    assert specloom.built()
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_a_folder_linked_out_of_the_output_is_refused_not_recalled(specloom: Specloom, tmp_path: Path) -> None:
    assert specloom.built()
    docs = specloom.root / "out" / "docs"
    elsewhere = tmp_path / "elsewhere"
    os.replace(docs, elsewhere)
    docs.symlink_to(elsewhere)
    status, _, err = specloom()
    assert status == 2 and "refusing to follow a link out of the output folder" in err


def test_intact_hashes_every_listed_file(tmp_path: Path) -> None:
    files = {"a.py": "a = 1\n", "docs/b.md": "# b\n"}
    changes = writer.write(str(tmp_path), files)
    assert writer.intact(str(tmp_path), changes.manifest) == 2
    assert writer.intact(str(tmp_path), "0" * 64) is None
    (tmp_path / "docs" / "b.md").write_text("# c\n")
    assert writer.intact(str(tmp_path), changes.manifest) is None
    (tmp_path / "docs" / "b.md").unlink()
    assert writer.intact(str(tmp_path), changes.manifest) is None
    assert writer.intact(str(tmp_path / "nowhere"), changes.manifest) is None


def test_a_rerun_does_not_import_the_pipeline(tmp_path: Path) -> None:
    """The process start is most of a rerun: the stages (normalize, plan, render, and Jinja)
    stay unloaded, and so does the IR."""
    spec = REPO / "specs" / "openai-batches.yaml"
    env = {"SPECLOOM_CACHE_DIR": str(tmp_path / "cache")}
    first = run_specloom("generate", str(spec), "-o", str(tmp_path / "out"), env=env)
    assert first.returncode == 0, first.stderr
    again = subprocess.run([sys.executable, "-X", "importtime", "-m", "generator", "generate", str(spec), "-o",
                            str(tmp_path / "out")], cwd=REPO, env={**os.environ, **env}, capture_output=True, text=True)
    assert again.returncode == 0 and " 0 written, 0 removed," in again.stdout
    imported = {line.split("|")[-1].strip() for line in again.stderr.splitlines() if line.startswith("import time:")}
    assert "generator.cli" in imported
    assert not imported & {"jinja2", "black", "generator.render", "generator.pyformat", "generator.normalize",
                           "generator.plan", "generator.ir"}
    warnings = [line for line in again.stderr.splitlines() if not line.startswith("import time:")]
    assert warnings == first.stderr.splitlines()


def test_each_job_of_a_config_is_recalled_on_its_own(specloom: Specloom) -> None:
    (specloom.root / "specloom.yaml").write_text(CONFIG + "  - spec: main.yaml\n    output: sdk\n    package: pets_sdk\n")
    specloom()
    assert specloom.builds == 2
    specloom()
    assert specloom.builds == 2
    (specloom.root / "sdk" / writer.MANIFEST).unlink()
    status, out, _ = specloom()
    assert status == 0 and specloom.builds == 3
    assert "main.yaml → out: 0 written, 0 removed," in out and "main.yaml → sdk: 1 written, 0 removed," in out


def test_records_not_written_for_a_month_are_dropped(specloom: Specloom) -> None:
    runs = specloom.root / "cache" / "runs"
    runs.mkdir(parents=True)
    for name, age_days in (("old.json", 31), ("recent.json", 29)):
        (runs / name).write_text("{}")
        then = (runs / name).stat().st_mtime - age_days * 86400
        os.utime(runs / name, (then, then))
    assert specloom.built()
    names = {p.name for p in runs.iterdir()}
    assert "old.json" not in names and "recent.json" in names and len(names) == 2, "and this run's record"


def test_records_unused_for_a_month_are_looked_for_once_a_day(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    runs.mkdir()

    def record(name: str, age_days: float) -> Path:
        path = runs / f"{name}.json"
        path.write_text("{}")
        then = time.time() - age_days * 86400
        os.utime(path, (then, then))
        return path

    old, fresh = record("old", 40), record("fresh", 2)
    fingerprint._forget_old(str(runs))
    assert not old.exists() and fresh.exists()
    later = record("later", 40)
    fingerprint._forget_old(str(runs))  # looked through today already: not again
    assert later.exists()
    yesterday = time.time() - 86400 - 60
    os.utime(tmp_path / f"runs{fingerprint._SWEPT}", (yesterday, yesterday))
    fingerprint._forget_old(str(runs))
    assert not later.exists() and fresh.exists()
