"""Shared fixtures: paths, the real specs from ../shared, and work shared across slow tests."""

from __future__ import annotations

import atexit
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
# specloom's caches (warm-run records, black's results) go to a folder of this session, so no
# test sees a record an earlier session left and no run fills the user's ~/.cache.
# The folder is removed when the process that made it exits (not a forked child of it).
if "SPECLOOM_CACHE_DIR" not in os.environ:
    _CACHE_DIR, _MAKER = tempfile.mkdtemp(prefix="specloom-test-cache-"), os.getpid()
    os.environ["SPECLOOM_CACHE_DIR"] = _CACHE_DIR
    atexit.register(lambda: os.getpid() == _MAKER and shutil.rmtree(_CACHE_DIR, ignore_errors=True))
SHARED = REPO.parent / "shared"
OPENAI_SPEC = SHARED / "specs" / "openai" / "openapi-2026-08-21.yaml"


needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="reads which file a descriptor is from /proc")


def full_disk_writes(monkeypatch: pytest.MonkeyPatch, fails: Callable[[str], bool]) -> None:
    """Make each `os.write` into a file whose path `fails` picks fail as a full disk does: after
    the file was created. The path is read from /proc (`needs_proc`)."""
    real_write = os.write

    def flaky(fd: int, data: object) -> int:
        path = os.readlink(f"/proc/self/fd/{fd}")
        if fails(path):
            raise OSError(28, "No space left on device", path)
        return real_write(fd, data)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "write", flaky)


def need_shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is absent: the real-world specs live in ../shared beside the repo (CI always has it)")
    return path


def run_specloom(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process, as a user runs it (`python -m generator` is `specloom`)."""
    full_env = {**os.environ, **(env or {})}
    full_env["PYTHONPATH"] = os.pathsep.join([str(REPO), full_env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=600)


CORPUS = SHARED / "corpus"
ERROR_SPECS = "peer-tests/openapi-python-client/documents_with_errors/"


@dataclass(frozen=True)
class Generated:
    spec: Path
    out: Path
    package: str
    returncode: int
    stderr: str
    seconds: float


def corpus_specs() -> dict[str, Path]:
    """Every spec of ../shared: the corpus (MANIFEST.tsv) and the three OpenAI versions, by label."""
    with open(need_shared(CORPUS / "MANIFEST.tsv"), newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    specs = {row["local_path"]: CORPUS / row["local_path"] for row in rows}
    for spec in sorted((SHARED / "specs" / "openai").glob("openapi-*.yaml")):
        specs[f"openai/{spec.name}"] = spec
    return specs


@pytest.fixture(scope="session")
def corpus_out(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Generated]:
    """Every spec of ../shared generated once per session, two at a time (CI has two cores)."""
    specs = corpus_specs()
    root = tmp_path_factory.mktemp("corpus")

    def generate(item: tuple[int, tuple[str, Path]]) -> tuple[str, Generated]:
        i, (label, spec) = item
        package = "openai_full" if spec == OPENAI_SPEC else f"corpus_{i:02d}"
        out = root / package
        started = time.monotonic()
        result = run_specloom("generate", str(spec), "-o", str(out), "--package-name", package, "-q")
        return label, Generated(spec, out, package, result.returncode, result.stderr, time.monotonic() - started)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(generate, enumerate(specs.items())))


@pytest.fixture(scope="session")
def openai_out(corpus_out: dict[str, Generated]) -> Path:
    """The full OpenAI spec (2026-08-21) generated (models and docs)."""
    generated = corpus_out[f"openai/{OPENAI_SPEC.name}"]
    assert generated.returncode == 0, generated.stderr
    return generated.out


@pytest.fixture(scope="session")
def cases_out(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every embedded case spec (tests/cases.py) generated once: case name → output folder."""
    from cases import CASES

    root = tmp_path_factory.mktemp("cases")
    outputs = {}
    for name, files in CASES.items():
        for rel, text in files.items():
            (root / name / "spec" / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / name / "spec" / rel).write_text(text)
        spec = root / name / "spec" / next(iter(files))
        result = run_specloom("generate", str(spec), "-o", str(root / name / "out"), "--package-name", f"case_{name}", "-q")
        assert result.returncode == 0, f"{name}: {result.stderr}"
        outputs[name] = root / name / "out"
    return outputs


@pytest.fixture(scope="session")
def mypy_report(request: pytest.FixtureRequest, cases_out: dict[str, Path],
                tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """One `mypy --strict` call over every generated package, the docs' examples and specloom itself.

    mypy is slow cold and fast warm, so it runs once, with a cache kept between test runs.
    Returns error lines by the top folder they are in.
    """
    from test_generated import docs_example_files

    examples = tmp_path_factory.mktemp("examples")
    targets = {
        "generator": REPO / "generator",
        "openai_batches": REPO / "generated" / "openai-batches" / "python" / "openai_batches",
        "petstore": REPO / "generated" / "petstore" / "python" / "petstore",
    }
    try:
        corpus: dict[str, Generated] = request.getfixturevalue("corpus_out")
    except pytest.skip.Exception:
        corpus = {}  # without ../shared the corpus is not generated; its own tests skip and say why
    for label, generated in corpus.items():
        if generated.returncode == 0:
            targets["openai_full" if generated.package == "openai_full" else f"corpus:{label}"] = \
                generated.out / "python" / generated.package
    for out in cases_out.values():
        package = next(p for p in (out / "python").iterdir() if p.is_dir())
        targets[f"case:{out.parent.name}"] = package
    example_paths = [*docs_example_files(examples), Path(__file__).parent / "usage_batches.py"]
    paths = [str(p) for p in targets.values()] + [str(p) for p in example_paths]
    pythonpath = os.pathsep.join(str(p.parent) for p in targets.values())
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(REPO / ".mypy_cache"), "--no-error-summary", *paths],
        capture_output=True, text=True, env={**os.environ, "MYPYPATH": pythonpath}, timeout=1800,
    )
    report: dict[str, list[str]] = {name: [] for name in [*targets, "examples", "openai_full"]}
    for line in result.stdout.splitlines():
        owner = next((n for n, p in targets.items() if line.startswith(str(p) + os.sep)), "examples")
        report[owner].append(line)
    assert result.returncode in (0, 1), result.stderr
    return report


@pytest.fixture(scope="session")
def openai_docs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full OpenAI spec's docs (`docs/` and `mkdocs.yml`), generated once per session.

    When the session also runs a test of the whole corpus, this is `openai_out` (generated there
    anyway); otherwise only the docs are generated, as `openai_out` would (same package name, no
    docs base URL): about 5 s, where asking for `openai_out` would generate every spec of the
    corpus (about 90 s on two cores) for one of them.
    """
    need_shared(OPENAI_SPEC)
    if any("corpus_out" in getattr(item, "fixturenames", ()) for item in request.session.items):
        return request.getfixturevalue("openai_out")
    out = tmp_path_factory.mktemp("openai_docs")
    result = run_specloom("generate", str(OPENAI_SPEC), "-o", str(out), "--package-name", "openai_full",
                          "--target", "docs", "-q")
    assert result.returncode == 0, result.stderr
    return out
