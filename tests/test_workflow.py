"""The README's GitHub Actions workflow, run here: its shell steps against this repository and a git repo.

What GitHub provides is stood in for: `${{ … }}` expressions by their values for a pull request,
`gh` by a script that records its arguments and the comment body, `/tmp` by the test's folder.
The `uses:` steps and the install step set up the runner; everything else runs as written.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO

HEAD = "# .github/workflows/specloom.yml"
PULL_REQUEST = "github.event_name == 'pull_request'"
SAME_REPO_PR = f"{PULL_REQUEST} && github.event.pull_request.head.repo.full_name == github.repository"
EXPRESSIONS = {"github.base_ref": "main", "github.token": "token-for-tests", "github.event.pull_request.number": "7"}
BATCHES = REPO / "specs" / "openai-batches.yaml"
REMOVED_FIELD = """\
        line:
          anyOf:
            - type: integer
              description: The line number of the input file where the error occurred, if applicable.
            - type: "null"
"""


def workflow() -> dict[str, Any]:
    blocks = re.findall(r"^```yaml\n(.*?)^```", (REPO / "README.md").read_text(), re.S | re.M)
    [block] = [b for b in blocks if b.startswith(HEAD)]
    parsed: dict[str, Any] = yaml.safe_load(block)
    return parsed


def steps() -> list[dict[str, Any]]:
    return list(workflow()["jobs"]["specloom"]["steps"])


def expand(text: str) -> str:
    def value(match: re.Match[str]) -> str:
        expr = match.group(1).strip()
        if expr not in EXPRESSIONS:
            pytest.fail(f"the workflow uses ${{{{ {expr} }}}}, which this test does not stand in for")
        return EXPRESSIONS[expr]

    return re.sub(r"\$\{\{(.*?)\}\}", value, text)


@pytest.fixture
def runner(tmp_path: Path) -> Any:
    """Runs one step's script as GitHub does (bash -eo pipefail), with `specloom` and a fake `gh`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "specloom").write_text(f'#!/bin/sh\nPYTHONPATH="{REPO}" exec "{sys.executable}" -m generator "$@"\n')
    (bin_dir / "gh").write_text(f'#!/bin/sh\necho "$@" > "{tmp_path}/gh-args"\n'
                                'while [ $# -gt 0 ]; do [ "$1" = --body-file ] && cp "$2" "' + str(tmp_path) + '/gh-body"; '
                                'shift; done\n')
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    scratch = tmp_path / "runner-tmp"
    scratch.mkdir()
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           **{k: expand(str(v)) for k, v in workflow().get("env", {}).items()}}

    def run(step: dict[str, Any], cwd: Path) -> subprocess.CompletedProcess[str]:
        script = expand(step["run"]).replace("/tmp/", f"{scratch}/")
        step_env = {**env, **{k: expand(str(v)) for k, v in step.get("env", {}).items()}}
        return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd, env=step_env,
                              capture_output=True, text=True, timeout=600)

    return run


def test_workflow_triggers_and_setup() -> None:
    flow = workflow()
    on = flow.get("on", flow.get(True))  # YAML 1.1 reads the key `on` as true; GitHub does not
    for event in ("push", "pull_request"):
        assert {"specs/**", "specloom.yaml"} <= set(on[event]["paths"])
    assert flow["permissions"]["pull-requests"] == "write"
    uses = [s["uses"] for s in steps() if "uses" in s]
    assert [u.split("@")[0] for u in uses] == ["actions/checkout", "actions/setup-python"]
    checkout = next(s for s in steps() if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0, "the changelog step needs the base branch"
    installs = [s for s in steps() if "pip install" in s.get("run", "")]
    assert len(installs) == 1 and installs[0]["run"].split("#")[0].strip() == "pip install ."
    assert all(s.get("if") in (None, PULL_REQUEST, SAME_REPO_PR) for s in steps())
    assert (REPO / Path(flow["env"]["SPEC"])).is_file()


def _push_steps() -> list[dict[str, Any]]:
    return [s for s in steps() if "run" in s and "if" not in s and "pip install" not in s["run"]]


def test_push_steps_pass_on_this_repository(runner: Any) -> None:
    [check] = _push_steps()
    assert "specloom generate --check" in check["run"]
    result = runner(check, REPO)
    assert result.returncode == 0, result.stderr
    assert "generated/petstore: up to date" in result.stdout


def test_push_steps_fail_on_stale_output(runner: Any, tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "specs").mkdir(parents=True)
    shutil.copy(REPO / "specs" / "petstore.yaml", project / "specs")
    (project / "specloom.yaml").write_text("jobs:\n  - {spec: specs/petstore.yaml, output: generated/petstore, package: petstore}\n")
    shutil.copytree(REPO / "generated" / "petstore", project / "generated" / "petstore")
    [check] = _push_steps()
    assert runner(check, project).returncode == 0
    page = project / "generated" / "petstore" / "docs" / "index.md"
    page.write_text(page.read_text() + "edited by hand\n")
    result = runner(check, project)
    assert result.returncode == 1 and "stale: docs/index.md" in result.stderr


def _pr_repo(tmp_path: Path, new_spec: str) -> Path:
    """A clone's view on a pull request: `origin/main` has the old spec, the work tree the new one."""
    repo = tmp_path / "repo"
    (repo / "specs").mkdir(parents=True)
    shutil.copy(BATCHES, repo / "specs" / BATCHES.name)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=repo, check=True)
    subprocess.run([*git, "add", "."], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "old spec"], cwd=repo, check=True)
    subprocess.run([*git, "update-ref", "refs/remotes/origin/main", "HEAD"], cwd=repo, check=True)
    (repo / "specs" / BATCHES.name).write_text(new_spec)
    return repo


def _run_pr_steps(runner: Any, repo: Path) -> list[subprocess.CompletedProcess[str]]:
    """The steps a pull request from a branch of the same repository runs, in order."""
    pr_steps = [s for s in steps() if s.get("if") in (PULL_REQUEST, SAME_REPO_PR)]
    assert [("specloom diff" in s["run"], "gh pr comment" in s["run"], "--fail-on breaking" in s["run"])
            for s in pr_steps] == [(True, False, False), (False, True, False), (True, False, True)]
    return [runner(step, repo) for step in pr_steps]


def test_pull_request_steps_comment_the_changelog_and_fail_on_breaking(runner: Any, tmp_path: Path) -> None:
    assert BATCHES.read_text().count(REMOVED_FIELD) == 1
    repo = _pr_repo(tmp_path, BATCHES.read_text().replace(REMOVED_FIELD, ""))
    changelog, comment, breaking = _run_pr_steps(runner, repo)
    assert changelog.returncode == 0, changelog.stderr
    assert comment.returncode == 0, comment.stderr
    assert (tmp_path / "gh-args").read_text().split()[:2] == ["pr", "comment"]
    assert "7" in (tmp_path / "gh-args").read_text().split()
    body = (tmp_path / "gh-body").read_text()
    assert body.startswith("# API changes") and "**Suggested version bump: major**" in body
    assert "`BatchError`: field `line` removed" in body
    assert breaking.returncode == 1


def test_pull_request_steps_pass_a_compatible_change(runner: Any, tmp_path: Path) -> None:
    old = "description: An error code identifying the error type."
    repo = _pr_repo(tmp_path, BATCHES.read_text().replace(old, "description: An error code naming the error."))
    changelog, comment, breaking = _run_pr_steps(runner, repo)
    assert changelog.returncode == comment.returncode == breaking.returncode == 0, breaking.stderr
    body = (tmp_path / "gh-body").read_text()
    assert "## Breaking changes\n\nNone." in body
