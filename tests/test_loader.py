"""generator.yaml12 (YAML 1.2 scalars) and generator.loader (files, $ref reachability, lines)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import REPO
from generator.diagnostics import SpecError
from generator.loader import Document, join_pointer, load, split_pointer
from generator.yaml12 import load_yaml


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def _line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing `needle`."""
    lines = textwrap.dedent(text).lstrip("\n").splitlines()
    matches = [i + 1 for i, line in enumerate(lines) if needle in line]
    assert len(matches) == 1, f"{needle!r} must occur once, found on lines {matches}"
    return matches[0]


# ---- yaml12: YAML 1.2 core schema ------------------------------------------------------------


def test_unquoted_status_code_key_is_a_string() -> None:
    data, dups = load_yaml("responses:\n  200:\n    description: ok\n  4XX:\n    description: err\n")
    assert data == {"responses": {"200": {"description": "ok"}, "4XX": {"description": "err"}}}
    assert dups == []
    assert all(isinstance(k, str) for k in data["responses"])


@pytest.mark.parametrize(
    ("scalar", "expected"),
    [
        ("on", "on"),
        ("off", "off"),
        ("yes", "yes"),
        ("no", "no"),
        ("Yes", "Yes"),
        ("y", "y"),
        ("2024-01-01", "2024-01-01"),
        ("2024-01-01T10:00:00Z", "2024-01-01T10:00:00Z"),
        ("12:30:00", "12:30:00"),  # YAML 1.1 sexagesimal
        ("1_000", "1_000"),
        ("0b101", "0b101"),
        ("=", "="),
        ("010", 10),  # decimal in 1.2, octal 8 in 1.1
        ("0o10", 8),
        ("0x1F", 31),
        ("-5", -5),
        ("+7", 7),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        ("true", True),
        ("false", False),
        ("True", True),
        ("null", None),
        ("~", None),
        ("'010'", "010"),
        ('"true"', "true"),
    ],
)
def test_core_schema_scalars(scalar: str, expected: object) -> None:
    data, _ = load_yaml(f"v: {scalar}\n")
    assert data["v"] == expected
    assert type(data["v"]) is type(expected)


def test_non_string_keys_become_strings() -> None:
    data, _ = load_yaml("200: a\ntrue: b\nnull: c\n1.5: d\non: e\n")
    assert data == {"200": "a", "true": "b", "null": "c", "1.5": "d", "on": "e"}


def test_explicit_timestamp_tag_stays_text() -> None:
    data, _ = load_yaml("d: !!timestamp 2024-01-01\n")
    assert data == {"d": "2024-01-01"}


def test_duplicate_keys_reported_with_line_and_column() -> None:
    text = "a: 1\nb:\n  x: 1\n  y: 2\n  x: 3\na: 4\n"
    data, dups = load_yaml(text)
    assert data == {"a": 4, "b": {"x": 3, "y": 2}}  # the last one wins
    assert sorted(dups) == [("a", 6, 1), ("x", 5, 3)]


def test_duplicate_keys_differing_only_in_spelling_of_a_number() -> None:
    # `200` and `"200"` are the same key once keys are strings.
    _, dups = load_yaml('200: a\n"200": b\n')
    assert dups == [("200", 2, 1)]


def test_duplicate_keys_compared_as_the_strings_they_become() -> None:
    # `1` and `01` are both the int 1, so both the key "1": the second one silently won before.
    data, dups = load_yaml("1: a\n01: b\n0: c\n-0: d\n")
    assert data == {"1": "b", "0": "d"}
    assert dups == [("1", 2, 1), ("0", 4, 1)]


@pytest.mark.parametrize("text", ["v:\n", "v: {a: }\n", "v: [a: ]\n"])
def test_empty_plain_scalar_is_null(text: str) -> None:
    # YAML 1.2 core schema (and PyYAML's own resolver); the custom resolvers used to give "".
    data, _ = load_yaml(text)
    inner = data["v"] if text == "v:\n" else (data["v"]["a"] if "{" in text else data["v"][0]["a"])
    assert inner is None


def test_merge_keys_still_work() -> None:
    data, _ = load_yaml("base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  c: 3\n")
    assert data["x"] == {"a": 1, "b": 2, "c": 3}


def test_overriding_a_merge_key_is_not_a_duplicate() -> None:
    data, dups = load_yaml("base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  a: 2\n")
    assert data["x"] == {"a": 2, "b": 2}
    assert dups == []


# ---- loader: JSON and YAML files ----------------------------------------------------------------

SPEC_YAML = """
openapi: 3.1.0
info:
  title: T
  version: "1"
paths:
  /pets:
    get:
      responses:
        200:
          description: ok
tags:
  - name: first
  - name: second
components:
  schemas:
    Pet:
      type: object
      properties:
        name:
          type: string
          description: on
"""


def test_load_yaml_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "spec.yaml", SPEC_YAML)
    doc = load(str(path))
    assert isinstance(doc, Document)
    assert doc.root == str(path)
    assert list(doc.trees) == [str(path)]
    tree = doc.trees[doc.root]
    assert tree["paths"]["/pets"]["get"]["responses"]["200"] == {"description": "ok"}
    assert tree["components"]["schemas"]["Pet"]["properties"]["name"]["description"] == "on"
    assert doc.display[doc.root] == str(path)
    assert doc.diagnostics == []


def test_load_json_file(tmp_path: Path) -> None:
    spec = {"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "components": {"schemas": {"A": {"type": "object"}}}}
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec, indent=2), encoding="utf-8")
    doc = load(str(path))
    assert doc.trees[doc.root] == spec
    # the line of a pointer in a JSON file
    text = path.read_text()
    assert doc.locate(doc.root, "#/components/schemas/A").line == _line_of(text, '"A"')


def test_load_json_file_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "spec.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"openapi": "3.1.0"}).encode())
    assert load(str(path)).trees[str(path)] == {"openapi": "3.1.0"}


@pytest.mark.parametrize("value,kind,pointer", [
    ("!!binary aGVsbG8=", "a `!!binary` value", "#/components/schemas/Pet/default"),
    ("!!set {a, b}", "a `!!set`", "#/components/schemas/Pet/default"),
    ("!!omap [a: 1]", "an `!!omap` or `!!pairs` entry", "#/components/schemas/Pet/default/0"),
    ("[!!binary aGVsbG8=]", "a `!!binary` value", "#/components/schemas/Pet/default/0"),
])
def test_a_yaml_value_json_has_not_is_an_error_at_its_line(tmp_path: Path, value: str, kind: str, pointer: str) -> None:
    """YAML's tags make bytes, sets and pairs, which no JSON document holds: refused at the load
    with their place, not an internal error when a page shows the value as JSON."""
    path = _write(tmp_path / "spec.yaml", f"""
    openapi: 3.1.0
    info: {{title: A, version: "1"}}
    paths: {{}}
    components:
      schemas:
        Pet:
          default: {value}
    """)
    with pytest.raises(SpecError) as caught:
        load(str(path))
    diagnostic = caught.value.diagnostic
    assert diagnostic.code == "not-json" and diagnostic.message.startswith(f"{kind} is not JSON")
    assert (diagnostic.location.pointer, diagnostic.location.line) == (pointer, 7)


@pytest.mark.parametrize("data,line,col", [("\n      !!binary aGVsbG8=: 1", 5, 3), (" {<<: {!!binary aGVsbG8=: 1}}", 4, 15)])
def test_a_binary_key_is_an_error_at_its_line(tmp_path: Path, data: str, line: int, col: int) -> None:
    """Merged in (`<<`) too."""
    path = _write(tmp_path / "spec.yaml", f"""
    openapi: 3.1.0
    info: {{title: A, version: "1"}}
    paths: {{}}
    x-data:{data}
    """)
    with pytest.raises(SpecError) as caught:
        load(str(path))
    diagnostic = caught.value.diagnostic
    assert diagnostic.code == "not-json" and "`!!binary` key" in diagnostic.message
    assert (diagnostic.location.line, diagnostic.location.col) == (line, col)


def test_a_referenced_file_that_is_a_yaml_value_json_has_not_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path / "spec.yaml", """
    openapi: 3.1.0
    info: {title: A, version: "1"}
    paths: {}
    components:
      schemas:
        Pet: {$ref: "pet.yaml"}
    """)
    _write(tmp_path / "pet.yaml", "!!binary aGVsbG8=\n")
    with pytest.raises(SpecError) as caught:
        load(str(tmp_path / "spec.yaml"))
    diagnostic = caught.value.diagnostic
    assert diagnostic.code == "not-json" and diagnostic.location.file.endswith("pet.yaml")
    assert (diagnostic.location.pointer, diagnostic.location.line) == ("#", 1)


def test_duplicate_key_in_file_is_a_warning_with_line(tmp_path: Path) -> None:
    text = """
    openapi: 3.1.0
    info:
      title: A
      title: B
    """
    path = _write(tmp_path / "spec.yaml", text)
    doc = load(str(path))
    assert doc.trees[doc.root]["info"]["title"] == "B"
    assert [d.code for d in doc.diagnostics] == ["duplicate-key"]
    diag = doc.diagnostics[0]
    assert diag.severity.value == "warning"
    assert diag.location.line == 4
    assert "title" in diag.message


# ---- multi-file $ref loading --------------------------------------------------------------------


def _multi_file(tmp_path: Path) -> Path:
    root = _write(tmp_path / "root.yaml", """
        openapi: 3.1.0
        info: {title: T, version: "1"}
        components:
          schemas:
            A:
              type: object
              properties:
                x:
                  $ref: 'other.yaml#/components/schemas/X'
                y:
                  $ref: './sub/third.yaml'
        """)
    _write(tmp_path / "other.yaml", """
        components:
          schemas:
            X:
              type: string
            Back:
              $ref: 'root.yaml#/components/schemas/A'
        """)
    _write(tmp_path / "sub" / "third.yaml", """
        type: object
        properties:
          again:
            $ref: '../other.yaml#/components/schemas/X'
        """)
    return root


def test_external_refs_are_loaded(tmp_path: Path) -> None:
    root = _multi_file(tmp_path)
    doc = load(str(root))
    other = str(tmp_path / "other.yaml")
    third = str(tmp_path / "sub" / "third.yaml")
    assert set(doc.trees) == {str(root), other, third}  # cycles back to root do not load it twice
    assert doc.trees[other]["components"]["schemas"]["X"] == {"type": "string"}
    assert doc.trees[third]["type"] == "object"
    assert set(doc.texts) == set(doc.trees)


def test_only_refs_where_a_reference_may_be_are_followed(tmp_path: Path) -> None:
    """A `$ref` in an example or a default is data (no file is read for it); one in an extension
    is followed, as tools follow `x-codeSamples`; so is one under a key like `default` at the
    top of a referenced file, which may be a map of components by any names."""
    root = _write(tmp_path / "root.yaml", """
        openapi: 3.1.0
        info: {title: T, version: '1'}
        paths:
          /x:
            get:
              x-code-samples: [{lang: sh, source: {$ref: 'sample.yaml'}}]
              responses:
                default: {$ref: 'responses.yaml#/default'}
                '200':
                  description: ok
                  content:
                    application/json:
                      example: {$ref: 'not-a-file.json'}
                      examples:
                        first: {value: {$ref: 'nor-this.json'}}
                      schema:
                        type: object
                        default: {$ref: 'nor-that.json'}
        """)
    _write(tmp_path / "sample.yaml", "curl https://example.com\n")
    _write(tmp_path / "responses.yaml", """
        default:
          description: an error
          content:
            application/json:
              schema: {$ref: 'error.yaml'}
        """)
    _write(tmp_path / "error.yaml", "type: object\n")
    doc = load(str(root))
    assert sorted(os.path.basename(f) for f in doc.trees) == ["error.yaml", "responses.yaml", "root.yaml", "sample.yaml"]


# Where a name may be one of the data keywords, or the walk cannot know: the `$ref` is followed.
# Each names `target.yaml`, which the load must read (the converter alone would never read it).
NAMES_LIKE_DATA_KEYWORDS = {
    "a property called `example`": ("components:\n  schemas:\n    S:\n      type: object\n      properties:\n"
                                    "        example: {$ref: 'target.yaml'}\n", {}),
    "a response called `default`": ("components:\n  responses:\n    R:\n      description: r\n      links:\n"
                                    "        default: {$ref: 'target.yaml'}\n", {}),
    "an Example Object called `value`": ("components:\n  examples:\n    value: {$ref: 'target.yaml'}\n", {}),
    "a header called `enum`": ("components:\n  responses:\n    R:\n      description: r\n      headers:\n"
                               "        enum: {$ref: 'target.yaml'}\n", {}),
    "a property called `value` of a schema in a file of its own": (
        "components:\n  schemas:\n    Price: {$ref: 'price.yaml'}\n",
        {"price.yaml": "type: object\nproperties:\n  value: {$ref: 'target.yaml'}\n  default: {$ref: 'target.yaml'}\n"}),
    "a link called `default` of a response in a file of its own": (
        "components:\n  responses:\n    R: {$ref: 'response.yaml'}\n",
        {"response.yaml": "description: r\nlinks:\n  default: {$ref: 'target.yaml'}\n"}),
    "a map of components by name, in a file of its own": (
        "components:\n  schemas:\n    E: {$ref: 'defs.yaml#/example'}\n",
        {"defs.yaml": "example:\n  type: object\n  properties:\n    a: {$ref: 'target.yaml'}\n"}),
    "data under an extension": ("x-thing:\n  value: {$ref: 'target.yaml'}\n", {}),
    "data under an extension of the Paths Object": ("paths:\n  x-meta:\n    value: {$ref: 'target.yaml'}\n", {}),
}


@pytest.mark.parametrize("place", list(NAMES_LIKE_DATA_KEYWORDS))
def test_a_ref_under_a_name_like_a_data_keyword_is_followed(tmp_path: Path, place: str) -> None:
    body, others = NAMES_LIKE_DATA_KEYWORDS[place]
    root = tmp_path / "root.yaml"
    paths = "" if body.startswith("paths:") else "paths: {}\n"
    root.write_text("openapi: 3.1.0\ninfo: {title: T, version: '1'}\n" + paths + body, encoding="utf-8")
    for name, text in others.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "target.yaml").write_text("type: string\n", encoding="utf-8")
    doc = load(str(root))
    assert str(tmp_path / "target.yaml") in doc.trees


def test_swagger2_examples_are_data(tmp_path: Path) -> None:
    """In a Swagger 2.0 spec too: a response's `examples` (by media type) and a schema's
    `example` keep their `$ref` keys as written, neither read as files nor moved to 3.0's
    places, and `type: file` in them stays as it is."""
    root = _write(tmp_path / "root.yaml", """
        swagger: '2.0'
        info: {title: T, version: '1'}
        paths:
          /x:
            get:
              responses:
                '200':
                  description: ok
                  schema: {$ref: '#/definitions/Doc'}
                  examples:
                    application/json: {$ref: 'example.json'}
        definitions:
          Doc:
            type: object
            properties:
              body: {type: object}
            example: {body: {$ref: '#/definitions/Doc', type: file}}
        """)
    doc = load(str(root))
    assert list(doc.trees) == [str(root)]
    schema = doc.trees[str(root)]["components"]["schemas"]["Doc"]
    assert schema["example"] == {"body": {"$ref": "#/definitions/Doc", "type": "file"}}
    assert doc.trees[str(root)]["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] == \
        {"$ref": "#/components/schemas/Doc"}


def test_swagger2_refs_in_extensions_move_with_their_targets(tmp_path: Path) -> None:
    """Azure's `x-ms-parameterized-host` and `x-ms-paths` hold `#/parameters/...` refs: the
    conversion moves them to 3.0's places, as every other reference."""
    root = _write(tmp_path / "root.yaml", """
        swagger: '2.0'
        info: {title: T, version: '1'}
        x-ms-parameterized-host:
          hostTemplate: '{endpoint}'
          parameters: [{$ref: '#/parameters/Endpoint'}]
        paths: {}
        parameters:
          Endpoint: {name: endpoint, in: path, required: true, type: string, x-ms-skip-url-encoding: true}
        definitions:
          Doc: {type: object, x-see: {value: {$ref: '#/definitions/Doc'}}}
        """)
    tree = load(str(root)).trees[str(root)]
    assert tree["x-ms-parameterized-host"]["parameters"] == [{"$ref": "#/components/parameters/Endpoint"}]
    assert tree["components"]["schemas"]["Doc"]["x-see"] == {"value": {"$ref": "#/components/schemas/Doc"}}


def test_swagger2_examples_the_conversion_keeps_are_data(tmp_path: Path) -> None:
    """A 2.0 parameter's `examples` (not 2.0's, but written) is kept by the conversion: its refs
    stay data when the converted tree is walked again, as they were in the 2.0 tree."""
    root = _write(tmp_path / "root.yaml", """
        swagger: '2.0'
        info: {title: T, version: '1'}
        paths:
          /x:
            get:
              parameters:
                - {name: q, in: query, type: string, examples: {one: {$ref: '#/definitions/Nothing'}}}
              responses: {'200': {description: ok}}
        """)
    doc = load(str(root))
    assert "#/definitions/Nothing" not in doc.refs[str(root)]
    assert "#/components/schemas/Nothing" not in doc.refs[str(root)]


def test_the_walk_asks_refplaces_wherever_it_matters() -> None:
    """The load's walk asks `refplaces.inner` only at its few keys and takes the usual answer
    elsewhere: its refs are those of a walk that asks at every value, on trees with every key
    that matters in every kind of place (and on the OpenAI spec, where ../shared is)."""
    from generator import refplaces
    from generator.loader import _walk

    def asking(tree: object, top: int, swagger2: bool) -> dict[object, object]:
        found: dict[object, object] = {}
        stack = [(tree, "#", top)]
        while stack:
            node, path, kind = stack.pop()
            if isinstance(node, dict) and "$ref" in node and refplaces.is_reference(kind):
                found.setdefault(node["$ref"], path)
            items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
            for key, value in items:
                if isinstance(value, (dict, list)):
                    stack.append((value, f"{path}/{key}", refplaces.inner(kind, key, value, swagger2)))
        return found

    keys = [*sorted(refplaces.SPECIAL_KEYS), "x-ext", "type", "items", "", "x", "xy"]

    def tree(path: str, depth: int) -> object:  # each `$ref` names its own place: a set of them says which were met
        node: dict[str, object] = {"$ref": path}
        if depth:
            node.update({key: tree(f"{path}/{key}", depth - 1) for key in keys})
            node["list"] = [tree(f"{path}/list/0", depth - 1)]
        return node

    samples = [tree("#", 3)]
    openai = REPO.parent / "shared" / "specs" / "openai" / "openapi-2026-08-21.yaml"
    if openai.is_file():
        samples.append(load(str(openai)).trees[str(openai)])
    for sample in samples:
        for top in (refplaces.OBJECT, refplaces.UNKNOWN):
            for swagger2 in (False, True):
                every: dict[object, object] = {}
                _walk(sample, budget=10**9, every=every, top=top, swagger2=swagger2)
                assert set(every) == set(asking(sample, top, swagger2))


def test_external_files_are_displayed_relative_to_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _multi_file(tmp_path)
    monkeypatch.chdir(tmp_path)
    doc = load("root.yaml")
    assert doc.display[str(tmp_path / "root.yaml")] == "root.yaml"
    assert doc.display[str(tmp_path / "other.yaml")] == "other.yaml"
    assert doc.display[str(tmp_path / "sub" / "third.yaml")] == os.path.join("sub", "third.yaml")


def test_locate_in_an_external_file(tmp_path: Path) -> None:
    root = _multi_file(tmp_path)
    doc = load(str(root))
    other = str(tmp_path / "other.yaml")
    loc = doc.locate(other, "#/components/schemas/Back")
    assert loc.line == 5
    assert loc.file == doc.display[other]


# ---- Document.locate ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pointer", "needle"),
    [
        ("#/openapi", "openapi:"),
        ("#/info/title", "title: T"),
        ("#/paths/~1pets", "/pets:"),
        ("#/paths/~1pets/get/responses/200", "200:"),
        ("#/paths/~1pets/get", "get:"),  # internal pointers are plain RFC 6901
        ("#/tags/1", "name: second"),
        ("#/tags/1/name", "name: second"),
        ("#/components/schemas/Pet/properties/name/description", "description: on"),
        # a pointer that runs past the tree: the deepest node that exists
        ("#/components/schemas/Pet/properties/missing/type", "properties:"),
        ("#/tags/7", "tags:"),
    ],
)
def test_locate_returns_1_based_line(tmp_path: Path, pointer: str, needle: str) -> None:
    path = _write(tmp_path / "spec.yaml", SPEC_YAML)
    doc = load(str(path))
    loc = doc.locate(doc.root, pointer)
    assert loc.line == _line_of(SPEC_YAML, needle)
    assert loc.pointer == pointer
    assert loc.file == str(path)
    assert loc.col is not None and loc.col >= 1


def test_locate_reads_lines_off_the_text(tmp_path: Path) -> None:
    # Block YAML: the pointer is followed through the text; PyYAML does not compose the file.
    path = _write(tmp_path / "spec.yaml", SPEC_YAML)
    doc = load(str(path))
    pointer = "#/components/schemas/Pet/properties/name/type"
    assert doc.locate(doc.root, pointer).line == _line_of(SPEC_YAML, "type: string")
    assert doc._nodes == {}


@pytest.mark.parametrize(("pointer", "needle", "composed"), [
    ("#/components/schemas/Pet/required/1", "required:", True),  # inside a flow collection
    ("#/components/schemas/Pet/x-tag", "x-tag:", False),  # before what could mislead
    ("#/components/schemas/Pet/properties/name", "name:", True),  # past it
])
def test_locate_composes_where_the_text_may_mislead(tmp_path: Path, pointer: str, needle: str, composed: bool) -> None:
    # A flow collection; a tagged quoted scalar whose next line is not indented past its key (so
    # that a line of it could pass for a key): the text is not read there, PyYAML composes it.
    text = """
    components:
      schemas:
        Pet:
          required: [id, name]
          x-tag: !!str "a
      b"
          properties:
            name:
              type: string
    """
    path = _write(tmp_path / "spec.yaml", text)
    doc = load(str(path))
    loc = doc.locate(doc.root, pointer)
    assert loc.line == _line_of(text, needle)
    assert bool(doc._nodes) == composed


def test_locate_in_json_that_libyaml_cannot_compose_has_no_line(tmp_path: Path) -> None:
    # libyaml refuses an escaped UTF-16 surrogate that json reads: PyYAML finds no line, and the
    # text is not read for one either.
    path = tmp_path / "spec.json"
    path.write_text('{\n  "openapi": "3.1.0",\n  "info": {"title": "\\ud83d\\ude00"}\n}\n', encoding="utf-8")
    doc = load(str(path))
    loc = doc.locate(doc.root, "#/info/title")
    assert (loc.line, loc.col) == (None, None)
    assert loc.render() == f"{path}:#/info/title"


def test_locate_root_pointer(tmp_path: Path) -> None:
    path = _write(tmp_path / "spec.yaml", "# a comment\n\nopenapi: 3.1.0\n")
    doc = load(str(path))
    assert doc.locate(doc.root, "#").line == 3


@pytest.mark.parametrize("parts", [("a/b~c",), ("100%",), ("~0", "~1"), ("", ), ("x", "0", "y z")])
def test_join_and_split_pointer_round_trip(parts: tuple[str, ...]) -> None:
    assert split_pointer(join_pointer("#", *parts)) == list(parts)


@pytest.mark.parametrize("parts", [("a%20b",), ("", "x")])
def test_join_and_split_pointer_round_trip_percent_and_empty_keys(parts: tuple[str, ...]) -> None:
    assert split_pointer(join_pointer("#", *parts)) == list(parts)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(exclude_characters="%"), min_size=1, max_size=8), max_size=5))
def test_join_and_split_pointer_round_trip_property(parts: list[str]) -> None:
    # `%` and empty keys are excluded: see test_join_and_split_pointer_round_trip.
    assert split_pointer(join_pointer("#", *parts)) == parts


def test_locate_key_containing_percent(tmp_path: Path) -> None:
    text = """
    openapi: 3.1.0
    components:
      schemas:
        "a%20b":
          type: string
    """
    path = _write(tmp_path / "spec.yaml", text)
    doc = load(str(path))
    pointer = join_pointer("#", "components", "schemas", "a%20b", "type")
    assert doc.locate(doc.root, pointer).line == _line_of(text, "type: string")


# ---- errors: each one a SpecError whose diagnostic renders on one line naming the file ----------


def _assert_one_line_naming(exc: SpecError, name: str) -> str:
    rendered = exc.diagnostic.render()
    assert "\n" not in rendered and "\r" not in rendered
    assert name in rendered
    assert str(exc) == rendered
    assert exc.diagnostic.severity.value == "error"
    return rendered


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as info:
        load(str(tmp_path / "missing.yaml"))
    assert info.value.diagnostic.code == "file-not-found"
    _assert_one_line_naming(info.value, "missing.yaml")


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as info:
        load(str(tmp_path))
    assert info.value.diagnostic.code == "file-not-found"
    _assert_one_line_naming(info.value, str(tmp_path))


def test_missing_referenced_file_points_at_the_ref(tmp_path: Path) -> None:
    text = """
    openapi: 3.1.0
    components:
      schemas:
        A:
          $ref: 'nope.yaml#/A'
    """
    root = _write(tmp_path / "root.yaml", text)
    with pytest.raises(SpecError) as info:
        load(str(root))
    diag = info.value.diagnostic
    assert diag.code == "file-not-found"
    rendered = _assert_one_line_naming(info.value, "root.yaml")
    assert "nope.yaml" in rendered
    assert diag.location.line in (_line_of(text, "A:"), _line_of(text, "$ref"))


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("openapi: 3.1.0\ninfo:\n  title: [a, b\n  version: 1\n", None),
        ("a: 1\n  b: 2\n", 2),
        ("a: 1\nb:\n\t- x\n", 3),
        ("a: [1, 2\n", None),
        ("a: 'unterminated\n", None),
    ],
)
def test_invalid_yaml(tmp_path: Path, text: str, line: int | None) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load(str(path))
    diag = info.value.diagnostic
    assert diag.code == "invalid-yaml"
    assert diag.location.line is not None and 1 <= diag.location.line <= text.count("\n") + 1
    if line is not None:
        assert diag.location.line == line
    rendered = _assert_one_line_naming(info.value, "bad.yaml")
    assert f"bad.yaml:{diag.location.line}:" in rendered


def test_invalid_json(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"openapi": "3.1.0",\n "info": }\n', encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load(str(path))
    diag = info.value.diagnostic
    assert diag.code == "invalid-json"
    assert diag.location.line == 2
    _assert_one_line_naming(info.value, "bad.json")


def test_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("openapi: 3.1.0\ninfo: {title: caf\xe9}\n".encode("latin-1"))
    with pytest.raises(SpecError) as info:
        load(str(path))
    assert info.value.diagnostic.code == "invalid-encoding"
    _assert_one_line_naming(info.value, "latin1.yaml")


@pytest.mark.parametrize("text", ["- a\n- b\n", "just a string\n", "", "42\n", "null\n"])
def test_top_level_not_a_mapping(tmp_path: Path, text: str) -> None:
    path = tmp_path / "notmap.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load(str(path))
    assert info.value.diagnostic.code == "not-openapi"
    _assert_one_line_naming(info.value, "notmap.yaml")


@pytest.mark.parametrize("ref", ["http://example.com/schemas.yaml#/X", "https://example.com/s.json", "file:///etc/passwd"])
def test_remote_ref_is_refused(tmp_path: Path, ref: str) -> None:
    text = f"""
    openapi: 3.1.0
    components:
      schemas:
        A:
          $ref: '{ref}'
    """
    path = _write(tmp_path / "remote.yaml", text)
    with pytest.raises(SpecError) as info:
        load(str(path))
    diag = info.value.diagnostic
    assert diag.code == "remote-ref"
    rendered = _assert_one_line_naming(info.value, "remote.yaml")
    assert ref in rendered
    assert diag.location.line in (_line_of(text, "A:"), _line_of(text, "$ref"))


def test_a_marked_location_is_placed_where_locate_puts_it() -> None:
    """normalize's warnings are marked and placed on their lines later (beside rendering): the
    place is the one `locate` gives, and what is not marked is left alone."""
    from generator.diagnostics import Diagnostic, Location, Severity
    from generator.loader import Unplaced

    doc = load(str(REPO / "specs" / "openai-batches.yaml"))
    pointer = "#/components/schemas/VectorStoreFileBatchObject/properties/object/description"
    marked = doc.mark(doc.root, pointer)
    assert isinstance(marked, Unplaced) and marked.line is None
    other = Diagnostic(Severity.WARNING, "x", "not marked", Location("elsewhere.yaml", "#/a"))
    placed = doc.placed([Diagnostic(Severity.WARNING, "y", "marked", marked), other])
    assert placed[0].location == doc.locate(doc.root, pointer) and placed[0].location.line == 573
    assert type(placed[0].location) is Location
    assert placed[1] is other
