"""generated/ is the golden output for specs/: regenerate in memory and compare the whole tree."""

from __future__ import annotations

import dataclasses
import difflib
from pathlib import Path

import pytest

from conftest import REPO
from generator.config import load_config
from generator.pipeline import build_job
from generator.write import MANIFEST, manifest_text

JOBS = load_config(str(REPO / "specloom.yaml"))
UPDATE = "specloom generate   # then review and commit generated/"


@pytest.mark.parametrize("job", JOBS, ids=lambda j: Path(j.output).name)
def test_generated_tree_matches_specs(job: object) -> None:
    result = build_job(dataclasses.replace(job, spec=str(REPO / job.spec)))  # type: ignore[type-var]
    expected = {**result.files, MANIFEST: manifest_text(result.files)}
    root = REPO / job.output  # type: ignore[attr-defined]
    on_disk = {p.relative_to(root).as_posix(): p.read_text() for p in root.rglob("*") if p.is_file()}
    problems = []
    for path in sorted(set(expected) | set(on_disk)):
        if path not in on_disk:
            problems.append(f"missing: {path}")
        elif path not in expected:
            problems.append(f"extra: {path}")
        elif on_disk[path] != expected[path]:
            diff = difflib.unified_diff(on_disk[path].splitlines(True), expected[path].splitlines(True),
                                        f"{path} (committed)", f"{path} (fresh)", n=2)
            problems.append("".join(list(diff)[:60]))
    assert not problems, "\n".join(problems) + f"\n\nTo update the golden tree: {UPDATE}"


def test_every_spec_has_a_job() -> None:
    specs = sorted(p.name for p in (REPO / "specs").glob("*.yaml"))
    assert sorted(Path(j.spec).name for j in JOBS) == specs
