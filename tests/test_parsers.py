"""generator.parse: the yaml-rs fast path reads every spec as yaml12 (PyYAML) does, and refuses the
same hostile inputs with the same one-line errors."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
import yaml_rs
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import corpus_specs, run_specloom
from generator import parse, yaml12
from generator.diagnostics import SpecError
from generator.loader import load

try:
    CORPUS = corpus_specs()
except pytest.skip.Exception:  # no ../shared: the corpus test below skips and says why
    CORPUS = {}

BUDGET = 10**8

# Corpus specs whose fast-path tree may differ from PyYAML's, with the reason. None does: yaml-rs
# and yaml12 agree on all 65 corpus specs and the three OpenAI specs.
CORPUS_DIFFERENCES: dict[str, str] = {}
# Corpus YAML specs that go to PyYAML (slow) because a gate in parse.py saw something yaml-rs might
# read differently, with the reason. None does today; a new entry is a performance regression.
CORPUS_SLOW_PATH: dict[str, str] = {}

# Where raw yaml-rs and yaml12 differ, found by probing (YAML 1.1 vs 1.2, and yaml-rs's own
# leniencies), each with why: parse.py must send every one of them to PyYAML, so the loader's
# reading never depends on which parser ran.
KNOWN_DIFFERENCES: dict[str, str] = {
    "v: 1_000\n": "yaml-rs takes `_` in numbers (YAML 1.1 style); the 1.2 core schema keeps a string",
    "v: 0b101\n": "binary ints are YAML 1.1, not 1.2 core: a string for yaml12",
    "v: -0x1F\n": "a sign before 0x/0o is not 1.2 core: a string for yaml12",
    "v: 0X1F\n": "uppercase prefix: not 1.2 core",
    "v: .iNf\n": "any-case .inf: the 1.2 core schema has only .inf/.Inf/.INF",
    "x: &b {a: 1}\ny:\n  <<: *b\n": "merge keys are YAML 1.1: yaml-rs keeps `<<` as a key, yaml12 merges",
    "d: !!timestamp 2024-01-01\n": "yaml-rs refuses the 1.1 !!timestamp tag; yaml12 keeps its text",
    "v: !!binary aGk=\n": "yaml-rs keeps !!binary as text; PyYAML decodes it to bytes",
    "v: ! 5\n": "non-specific tag: yaml-rs says string (1.2), PyYAML resolves 5",
    "v: !custom x\n": "yaml-rs ignores unknown tags; PyYAML refuses them",
    "200: a\n'200': b\n": "keys differ before they become strings: yaml12 reports a duplicate",
    "a: 1\na: 2\n": "yaml-rs refuses duplicates without a line; yaml12 warns with the line, last wins",
    "a:\tb\n": "yaml-rs refuses a tab after `:`, which PyYAML (and YAML 1.2) accept",
    "v: a\x0cb\n": "a control character: yaml-rs reads it, PyYAML refuses it (invalid-yaml)",
    "v: a\x00b\n": "NUL: yaml-rs cuts the string at it; PyYAML refuses it",
    "v: 'a\u2028 b'\n": "U+2028 is a line break in YAML 1.1 (PyYAML folds it), text in 1.2 (yaml-rs)",
    "a: 1\n---\nb: 2\n": "two documents: yaml-rs returns a list of both, PyYAML refuses (one spec, one document)",
    "? [a]\n: 1\n": "a sequence as a key: yaml-rs makes a tuple, yaml12 its own string",
    "a: &a [*a]\n": "a recursive alias: yaml-rs reads null, PyYAML a self-containing list; both refused",
}


def _raw_yaml_rs(text: str) -> Any:
    try:
        data = yaml_rs.loads(text, parse_datetime=False)
    except yaml_rs.YAMLDecodeError as exc:
        return f"refused: {exc}"
    return _string_keys_naive(data), []


def _string_keys_naive(node: Any) -> Any:
    if isinstance(node, dict):
        return {yaml12.key_to_str(k): _string_keys_naive(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_string_keys_naive(v) for v in node]
    return node


def _reference(text: str) -> Any:
    """What the loader gave before yaml-rs: yaml12 (PyYAML), or the error code it led to."""
    try:
        return yaml12.load_yaml(text)
    except Exception as exc:  # noqa: BLE001 - the kind of failure is what is compared
        return type(exc).__name__


def _fast(text: str) -> Any:
    try:
        return parse.parse_yaml(text, alias_budget=BUDGET)
    except parse.ParseFailure as exc:
        return exc.code


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return bool(a == b)


# ---- the corpus: the same document from both parsers ---------------------------------------


@pytest.mark.parametrize("label", sorted(CORPUS) or ["(no ../shared)"])
def test_corpus_spec_parses_the_same_on_both_paths(label: str) -> None:
    if label not in CORPUS:
        corpus_specs()  # skips, saying where the corpus should be
    text = CORPUS[label].read_text(encoding="utf-8-sig")
    if CORPUS[label].suffix == ".json":
        assert parse.parse_json(text) == (json.loads(text), [])
        return
    fast = parse.parse_yaml(text, alias_budget=BUDGET)
    if label not in CORPUS_DIFFERENCES:
        assert fast == yaml12.load_yaml(text)
    took_fast_path = not parse.may_differ(text)
    assert took_fast_path or label in CORPUS_SLOW_PATH, f"{label} now goes to PyYAML: see parse.may_differ"


# ---- named differences: each one goes to PyYAML, so the reading does not change ------------


@pytest.mark.parametrize("text", list(KNOWN_DIFFERENCES))
def test_known_difference_is_real_and_resolved_as_yaml12_does(text: str) -> None:
    raw, reference = _raw_yaml_rs(text), _reference(text)
    assert raw != reference, \
        f"yaml-rs now agrees on {text!r}: drop the entry ({KNOWN_DIFFERENCES[text]})"
    fast = _fast(text)
    if text == "a: &a [*a]\n":  # refused on the fast path before anything walks it
        assert fast == "yaml-aliases"
    elif isinstance(reference, str):
        assert fast == "invalid-yaml"
    else:
        assert fast == reference


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("v:\n", None),  # the empty plain scalar is null in YAML 1.2 (and was "" before yaml-rs)
        ("v: {a: }\n", {"a": None}),
        ("v: 1_000 apples\n", "1_000 apples"),
        ("v: see core/3_6_2/x.html\n", "see core/3_6_2/x.html"),
        ("v: a != b\n", "a != b"),
        ("v: R & D\n", "R & D"),
        ("v: 0o17\n", 15),
        ("v: 0x1F\n", 31),
        ("v: on\n", "on"),
    ],
)
def test_fast_path_scalars(text: str, expected: object) -> None:
    data, _ = parse.parse_yaml(text, alias_budget=BUDGET)
    assert data["v"] == expected
    assert yaml12.load_yaml(text)[0]["v"] == expected


_SCALAR_CHARS = "0123456789_.eE+-xXoObBaAfFiInN "


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_SCALAR_CHARS, min_size=1, max_size=10))
def test_fast_path_agrees_on_number_like_scalars(scalar: str) -> None:
    # The gates in parse.py are text searches: every number-like token must still read as yaml12 does.
    for text in (f"v: {scalar}\n", f"v: [{scalar}, x]\n", f"{scalar}: v\n", f"- k: {scalar}\n"):
        fast, reference = _fast(text), _reference(text)
        if isinstance(reference, str):
            continue  # not YAML (`v: -`, a lone `?`): no reading to agree on
        assert isinstance(fast, tuple), f"{text!r}: {fast}"
        assert _same_tree(fast[0], reference[0]) and fast[1] == reference[1], text


def _same_tree(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same_tree(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_tree(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and _same(a, b)


# ---- hostile inputs: the same one-line error on both paths ----------------------------------


def _bomb(levels: int = 9) -> str:
    lines = ['openapi: 3.1.0', 'a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


HOSTILE = {
    "alias-bomb": (_bomb(), "yaml-aliases"),
    "recursive-alias": ("openapi: 3.1.0\na: &a\n  b: *a\n", "yaml-aliases"),
    "deep-flow": ("openapi: 3.1.0\nx: " + "[" * 300 + "]" * 300 + "\n", "nesting-too-deep"),
    "deep-block": ("openapi: 3.1.0\nx:\n" + "".join(" " * (i + 1) + "k:\n" for i in range(300)), "nesting-too-deep"),
    "very-deep-flow": ("openapi: 3.1.0\nx: " + "[" * 200_000 + "]" * 200_000 + "\n", "nesting-too-deep"),
    "control-character": ("openapi: 3.1.0\ninfo: {title: \"a\x1bb\"}\n", "invalid-yaml"),
}


@pytest.fixture(params=["fast", "pyyaml"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test once as shipped and once with every document sent to PyYAML."""
    if request.param == "pyyaml":
        monkeypatch.setattr(parse, "may_differ", lambda text: True)
    return str(request.param)


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_input_is_refused_alike(tmp_path: Path, path: str, name: str) -> None:
    text, code = HOSTILE[name]
    spec = tmp_path / "hostile.yaml"
    spec.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load(str(spec))
    assert info.value.diagnostic.code == code
    rendered = info.value.diagnostic.render()
    assert "\n" not in rendered and "hostile.yaml" in rendered


def test_duplicate_keys_warn_with_line_on_both_paths(tmp_path: Path, path: str) -> None:
    spec = tmp_path / "dup.yaml"
    spec.write_text("openapi: 3.1.0\ninfo:\n  title: A\n  title: B\npaths:\n  /a: {}\n  /a: {}\n")
    doc = load(str(spec))
    assert doc.trees[doc.root]["info"]["title"] == "B"
    assert [(d.code, d.location.line) for d in doc.diagnostics] == [("duplicate-key", 4), ("duplicate-key", 7)]


def test_duplicate_keys_in_json_warn_with_line(tmp_path: Path) -> None:
    spec = tmp_path / "dup.json"
    spec.write_text('{"openapi": "3.1.0",\n "info": {"title": "A",\n  "title": "B"}}\n')
    doc = load(str(spec))
    assert doc.trees[doc.root]["info"]["title"] == "B"
    assert [(d.code, d.location.line) for d in doc.diagnostics] == [("duplicate-key", 3)]


def test_duplicate_keys_in_json_that_yaml_cannot_read() -> None:
    # A lone surrogate escape is JSON but not YAML: the duplicate is still named, without a line.
    data, duplicates = parse.parse_json('{"a": 1, "a": 2, "b": "\\ud800"}')
    assert data == {"a": 2, "b": "\ud800"}
    assert duplicates == [("a", None, None)]


def test_deep_json_is_refused(tmp_path: Path) -> None:
    for depth in (300, 100_000):  # below and above the json module's own recursion limit
        spec = tmp_path / "deep.json"
        spec.write_text('{"openapi": "3.1.0", "x": ' + "[" * depth + "]" * depth + "}")
        with pytest.raises(SpecError) as info:
            load(str(spec))
        assert info.value.diagnostic.code == "nesting-too-deep"


def test_yaml_file_that_is_json(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text('{"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "x": NaN, "y": 1e3}')
    tree = load(str(spec)).trees[str(spec)]
    assert tree["x"] == "NaN"  # not JSON, so read as YAML: a string, as before
    assert tree["y"] == 1000.0


@pytest.mark.parametrize("name", ["alias-bomb", "deep-flow", "very-deep-flow"])
def test_hostile_input_through_the_cli(tmp_path: Path, name: str) -> None:
    text, code = HOSTILE[name]
    spec = tmp_path / "hostile.yaml"
    spec.write_text(text, encoding="utf-8")
    result = run_specloom("generate", str(spec), "-o", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and f"error[{code}]" in result.stderr
    assert not (tmp_path / "out").exists()
