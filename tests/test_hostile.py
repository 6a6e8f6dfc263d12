"""A spec is untrusted input: the hostile spec of tests/hostile.py generates a package that
compiles, imports without running anything, keeps every value exactly, writes only inside its
folder, and docs in which no script can run. (`mypy --strict` runs on it with every case.)"""

from __future__ import annotations

import html
import importlib
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import markdown
import pydantic
import pytest

import hostile


@pytest.fixture(scope="module")
def out(cases_out: dict[str, Path]) -> Path:
    return cases_out["hostile"]


@pytest.fixture(scope="module")
def types(out: Path) -> Iterator[ModuleType]:
    sys.path.insert(0, str(out / "python"))
    try:
        yield importlib.import_module("case_hostile.types")
    finally:
        sys.path.remove(str(out / "python"))
        for mod in [m for m in sys.modules if m.split(".")[0] == "case_hostile"]:
            del sys.modules[mod]


def test_importing_every_module_runs_nothing(out: Path, tmp_path: Path) -> None:
    script = textwrap.dedent("""
        import importlib, pkgutil, case_hostile
        names = [m.name for m in pkgutil.walk_packages(case_hostile.__path__, "case_hostile.")]
        for name in names:
            importlib.import_module(name)
        client = case_hostile.Client(api_key="k", base_url="http://127.0.0.1:9")
        for attr in dir(client):
            if not attr.startswith("__"):
                getattr(client, attr)
        print(len(names))
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(out / "python"), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 15
    assert list(tmp_path.iterdir()) == [], "a spec string ran as code"
    assert not list(out.rglob(hostile.CANARY))


def test_every_generated_file_compiles(out: Path) -> None:
    for path in (out / "python").rglob("*.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")


@pytest.mark.parametrize("value", hostile.ENUM_VALUES)
def test_enum_values_round_trip_exactly(types: ModuleType, value: str) -> None:
    thing = types.Thing.model_validate({"kind": value})
    assert thing.kind == value
    assert thing.model_dump(mode="json", by_alias=True, exclude_unset=True) == {"kind": value}
    assert pydantic.TypeAdapter(types.Class).validate_python(value) == value


def test_defaults_consts_and_odd_names_round_trip(types: ModuleType) -> None:
    thing = types.Thing(kind='a"b')
    assert thing.default_str == hostile.DEFAULT
    payload = {"kind": "c'd", "const_field": hostile.CLOSE_STR, '"""': "q", "a b-c": "s", "1st": 1, "self": "me",
               "class": "c", "None": "n", "model_config": "m", "__init__": "i", "Field": "f", "{{ name }}": {"inner": "j"}}
    parsed = types.Thing.model_validate(payload)
    assert parsed.model_dump(mode="json", by_alias=True, exclude_unset=True) == payload
    with pytest.raises(pydantic.ValidationError):
        types.Thing.model_validate({"kind": "c'd", "const_field": "other"})


def test_names_collide_only_once_cased_and_shadow_nothing(types: ModuleType) -> None:
    names = set(types.__all__)
    assert {"Pet", "Pet2", "PET3", "Class", "BaseModel_"} <= names
    assert len({n.casefold() for n in names}) == len(names)
    assert "BaseModel" not in names  # pydantic's own name stays pydantic's


_SAFE_FILE = re.compile(r"^\.?[A-Za-z0-9_][A-Za-z0-9_.-]*$")
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def test_files_stay_inside_the_output_folder_with_safe_names(out: Path) -> None:
    for path in out.rglob("*"):
        assert path.resolve().is_relative_to(out.resolve())
        assert not path.is_symlink()
        if path.is_file():
            assert _SAFE_FILE.match(path.name), path
            assert path.name.split(".")[0].casefold() not in _RESERVED, path
    assert not (out.parent / "etc").exists() and not Path("/abs/path").exists()


# A script element, an event handler, or a script URL, in a real tag (escaped text shows as `&lt;`).
_LIVE = re.compile(r"<script\b|<[a-z][^>]*\son[a-z]+\s*=|<[a-z][^>]*\s(?:href|src)\s*=\s*[\"']?\s*(?:javascript|data|vbscript):", re.I)


def test_docs_show_the_hostile_text_and_run_none_of_it(out: Path) -> None:
    pages = sorted((out / "docs").rglob("*.md"))
    assert len(pages) >= 10
    for page in pages:
        rendered = markdown.markdown(page.read_text(encoding="utf-8"), extensions=["tables", "fenced_code", "toc"])
        assert not _LIVE.search(rendered), (page.name, _LIVE.search(rendered))
    thing = markdown.markdown((out / "docs/models/Thing.md").read_text(encoding="utf-8"), extensions=["tables", "fenced_code"])
    text = html.unescape(re.sub(r"<[^>]+>", "", thing))
    assert "<script>alert(1)</script>" in text and "{{ 7*7 }}" in text  # shown as written, not run or expanded
