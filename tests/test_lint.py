"""generator.lint: each rule on a tiny spec (code, severity, exact line), the CLI, and the OpenAI spec."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import OPENAI_SPEC, need_shared, run_specloom
from generator.diagnostics import Diagnostic, Severity
from generator.lint import collect_examples, lint
from generator.lint.enums import missing_enum_values
from generator.loader import load
from generator.normalize import normalize


def _write(tmp_path: Path, text: str, name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def _lint(path: Path, *, validate: bool = False) -> list[Diagnostic]:
    doc = load(str(path))
    return lint(doc, normalize(doc), validate=validate)


def _line_of(path: Path, needle: str) -> int:
    matches = [i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line]
    assert len(matches) == 1, (needle, matches)
    return matches[0]


def _only(diags: list[Diagnostic], code: str) -> list[Diagnostic]:
    return [d for d in diags if d.code == code]


# ---- enum-description-mismatch ---------------------------------------------------------------

ENUMS = """
openapi: 3.1.0
info: {title: Enums, version: '1'}
paths:
  /batches:
    get:
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema:
                type: object
                properties:
                  state:
                    type: string
                    description: One of `queued`, `paused` or `running`.
                    enum: [queued, paused]
components:
  schemas:
    Batch:
      type: object
      properties:
        status:
          type: string
          description: >
            The status of the batch, which can be either
            `in_progress`, `completed`, `cancelled` or `failed`.
          enum: [in_progress, completed]
        background:
          type: string
          description: Either `transparent` or `opaque`. If `transparent`, set the format to `png` or `webp`.
          enum: [transparent, opaque]
        order:
          type: string
          description: Sort by `created_at`; `asc` for ascending order, `desc` for descending.
          enum: [asc, desc]
        kind:
          type: string
          description: The kind, `file_batch` or `vector_store.file` or `other_kind`.
          enum: [file_batch, upload]
"""


def test_enum_description_lists_missing_values(tmp_path: Path) -> None:
    spec = _write(tmp_path, ENUMS)
    found = _only(_lint(spec), "enum-description-mismatch")
    by_line = {d.location.line: d for d in found}
    # Only `description:`'s key line counts, for a folded description too.
    status_line = _line_of(spec, "The status of the batch") - 1
    assert sorted(by_line) == sorted([_line_of(spec, "One of `queued`"), status_line, _line_of(spec, "The kind,")])
    status = by_line[status_line]
    assert status.severity is Severity.WARNING
    assert "`cancelled`, `failed`" in status.message and "add them to the enum" in status.message
    assert status.location.pointer == "#/components/schemas/Batch/properties/status/description"
    # Inline in a path, not only in components.
    assert "`running`" in by_line[_line_of(spec, "One of `queued`")].message
    # `vector_store.file` has a dot, which no value of the enum has: not taken for a value.
    kind = by_line[_line_of(spec, "The kind,")]
    assert "`other_kind`" in kind.message and "vector_store" not in kind.message.split("lacks")[0]


@pytest.mark.parametrize(("description", "enum", "missing"), [
    ("can be either `in_progress`, `completed`, `cancelled` or `failed`.", ["in_progress", "completed"], ["cancelled", "failed"]),
    ("(`message`, `function_call`, `item_reference`)", ["message", "function_call"], ["item_reference"]),
    ("`low`/`high`/`auto`", ["low", "high"], ["auto"]),
    ("One of `a1` (first), `b2` (second), or `c3` (third).", ["a1", "b2"], ["c3"]),
    # Code spans that are not the enum's values: field names, another field's values.
    ("Sort by `created_at`, `asc` or `desc`.", ["asc", "desc"], []),
    ("If `transparent`, set the format to `png` or `webp`.", ["transparent", "opaque"], []),
    ("Labels an `assistant` message as `commentary` or `final_answer`.", ["commentary", "final_answer"], []),
    ("One of `server_url`, `connector_id`, or `tunnel_id` must be given.", ["connector_dropbox", "connector_gmail"], []),
    ("No code spans at all.", ["a", "b"], []),
    ("`GET` or `POST` or `put`", ["GET", "POST"], []),
    ("`1`, `2` or `3`", [1, 2], ["3"]),
])
def test_missing_enum_values_table(description: str, enum: list[object], missing: list[str]) -> None:
    assert missing_enum_values(description, enum) == missing


# ---- invalid-example -------------------------------------------------------------------------

EXAMPLES = """
openapi: 3.1.0
info: {title: Examples, version: '1'}
paths:
  /batches/{id}:
    get:
      parameters:
        - name: id
          in: path
          required: true
          schema: {type: string}
          example: 42
      responses:
        '200':
          $ref: '#/components/responses/BatchResponse'
      x-oaiMeta:
        examples:
          request: {curl: curl https://example.com}
          response: |
            {"id": "b1", "status": "paused"}
    post:
      responses:
        '201':
          description: Created
          content:
            text/event-stream:
              schema: {type: string}
            application/json:
              schema: {$ref: '#/components/schemas/Batch'}
              example: {id: b2, status: stopped}
              examples:
                good: {value: {id: b3, status: done}}
                shared: {$ref: '#/components/examples/BadBatch'}
      x-oaiMeta:
        examples:
          - title: streaming
            response: |
              data: {"id": "b4"}
          - title: plain
            response: |
              {"id": "b5", "status": 7}
components:
  responses:
    BatchResponse:
      description: OK
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Batch'}
  examples:
    BadBatch:
      value: {status: done}
  schemas:
    Batch:
      type: object
      required: [id, status]
      properties:
        id: {type: string}
        status: {$ref: 'common.yaml#/Status'}
        size:
          type: integer
          example: big
          examples: [1, two]
      x-oaiMeta:
        example: |
          {"id": "b6", "status": "finished"}
    Note:
      type: string
      x-oaiMeta:
        example: not JSON at all
"""

COMMON = """
Status:
  type: string
  enum: [done, running]
"""


def _examples_spec(tmp_path: Path) -> Path:
    _write(tmp_path, COMMON, "common.yaml")
    return _write(tmp_path, EXAMPLES)


def test_collect_examples_kinds_and_owners(tmp_path: Path) -> None:
    doc = load(str(_examples_spec(tmp_path)))
    got = {(e.kind, e.pointer): e for e in collect_examples(doc)}
    kinds = sorted(kind for kind, _ in got)
    assert kinds == ["media.example", "media.example", "media.examples", "media.examples", "schema.example",
                     "schema.examples", "schema.examples", "x-oaiMeta.example", "x-oaiMeta.response", "x-oaiMeta.response"]
    meta = got["x-oaiMeta.example", "#/components/schemas/Batch/x-oaiMeta/example"]
    assert meta.value == {"id": "b6", "status": "finished"} and meta.owner == ("schema", "Batch")
    assert meta.schema == (doc.root, "#/components/schemas/Batch")
    get = got["x-oaiMeta.response", "#/paths/~1batches~1{id}/get/x-oaiMeta/examples/response"]
    # The response is a $ref: the schema is looked up where the response really is.
    assert get.schema == (doc.root, "#/components/responses/BatchResponse/content/application~1json/schema")
    assert get.owner == ("operation", "/batches/{id}", "get")
    post = got["x-oaiMeta.response", "#/paths/~1batches~1{id}/post/x-oaiMeta/examples/1/response"]
    assert post.schema[1].endswith("/responses/201/content/application~1json/schema")  # the JSON one, not the stream
    shared = got["media.examples", "#/components/examples/BadBatch/value"]
    assert shared.owner == ("response", "/batches/{id}", "post", "201")
    assert got["media.example", "#/paths/~1batches~1{id}/get/parameters/0/example"].owner == ("parameter", "/batches/{id}", "get")


def test_invalid_examples_are_reported_at_their_line(tmp_path: Path) -> None:
    spec = _examples_spec(tmp_path)
    found = {d.location.pointer: d for d in _only(_lint(spec), "invalid-example")}
    # pointer → (text on the example's line, lines above it): a block scalar is at its key's line.
    expected = {
        "#/paths/~1batches~1{id}/get/parameters/0/example": ("example: 42", 0),
        "#/paths/~1batches~1{id}/get/x-oaiMeta/examples/response": ('{"id": "b1"', 1),
        "#/paths/~1batches~1{id}/post/responses/201/content/application~1json/example": ("example: {id: b2", 0),
        "#/paths/~1batches~1{id}/post/x-oaiMeta/examples/1/response": ('{"id": "b5"', 1),
        "#/components/examples/BadBatch/value": ("value: {status: done}", 0),
        "#/components/schemas/Batch/properties/size/example": ("example: big", 0),
        "#/components/schemas/Batch/properties/size/examples/1": ("examples: [1, two]", 0),
        "#/components/schemas/Batch/x-oaiMeta/example": ('{"id": "b6"', 1),
    }
    assert sorted(found) == sorted(expected)
    for pointer, (needle, above) in expected.items():
        assert found[pointer].severity is Severity.WARNING
        assert found[pointer].location.line == _line_of(spec, needle) - above, found[pointer].render()
    # A ref into another file resolves; the message names the JSON path and the error.
    assert "at $.status: 'finished' is not one of ['done', 'running']" in found["#/components/schemas/Batch/x-oaiMeta/example"].message
    assert "at $.status: 7 is not of type 'string'" in found["#/paths/~1batches~1{id}/post/x-oaiMeta/examples/1/response"].message
    assert "'id' is a required property" in found["#/components/examples/BadBatch/value"].message


def test_openapi_30_examples_honour_nullable(tmp_path: Path) -> None:
    spec = _write(tmp_path, """
        openapi: 3.0.3
        info: {title: Nullable, version: '1'}
        paths: {}
        components:
          schemas:
            Maybe:
              type: string
              nullable: true
              example: null
            Never:
              type: string
              example: null
    """)
    found = _only(_lint(spec), "invalid-example")
    assert [d.location.pointer for d in found] == ["#/components/schemas/Never/example"]
    assert found[0].location.line == _line_of(spec, "Never:") + 2


def test_openapi_30_property_named_id_is_no_base_uri(tmp_path: Path) -> None:
    # Under draft-4 rules, looking up `user.yaml#/properties/acl/items/properties/id` reads the
    # `properties` map as a schema whose `id` (a base URI) is a mapping, and crashes (DigitalOcean).
    _write(tmp_path, """
        type: object
        properties:
          acl:
            type: array
            items:
              type: object
              properties:
                id: {type: string, example: 7}
    """, "user.yaml")
    spec = _write(tmp_path, """
        openapi: 3.0.3
        info: {title: Ids, version: '1'}
        paths: {}
        components:
          schemas:
            User: {$ref: 'user.yaml'}
    """)
    (found,) = _only(_lint(spec), "invalid-example")
    assert found.location.file.endswith("user.yaml") and found.location.line == 8
    assert found.location.pointer == "#/properties/acl/items/properties/id/example"


def test_long_messages_stay_on_one_short_line(tmp_path: Path) -> None:
    spec = _write(tmp_path, """
        openapi: 3.1.0
        info: {title: Long, version: '1'}
        paths: {}
        components:
          schemas:
            Choice:
              oneOf: [{type: integer}, {type: boolean}]
              example: {text: "%s"}
    """ % ("word " * 200))
    (found,) = _only(_lint(spec), "invalid-example")
    assert "\n" not in found.message and len(found.message) < 300


# ---- lint(): merged with normalize's diagnostics ---------------------------------------------

def test_lint_includes_normalize_diagnostics_sorted_and_deduplicated(tmp_path: Path) -> None:
    spec = _write(tmp_path, """
        openapi: 3.1.0
        info: {title: Const, version: '1'}
        paths: {}
        components:
          schemas:
            Thing:
              type: object
              properties:
                object:
                  type: string
                  description: The object type, which is always `thing.old`.
                  enum: [thing.new]
                  example: thing.old
    """)
    doc = load(str(spec))
    normalized = normalize(doc)
    found = lint(doc, normalized)
    assert set(normalized.diagnostics) <= set(found)
    assert [d.code for d in found] == ["const-description-mismatch", "invalid-example"]
    assert found == sorted(set(found), key=Diagnostic.sort_key)


# ---- --validate ------------------------------------------------------------------------------

BROKEN = """
openapi: 3.1.0
info: {title: Broken, version: '1'}
paths:
  /things:
    get:
      operationId: listThings
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
    Thing:
      type: object
      required: [id, id]
      properties:
        id: {type: string}
        size:
          type: integer
          default: big
"""


def test_validate_maps_errors_to_their_lines(tmp_path: Path) -> None:
    spec = _write(tmp_path, BROKEN)
    assert not _only(_lint(spec), "spec-invalid"), "--validate is opt-in"
    found = {d.location.pointer: d for d in _only(_lint(spec, validate=True), "spec-invalid")}
    # Reached through the response's $ref, reported where the schema is.
    assert sorted(found) == ["#/components/schemas/Thing/properties/size/default", "#/components/schemas/Thing/required"]
    required = found["#/components/schemas/Thing/required"]
    assert required.severity is Severity.ERROR and "non-unique" in required.message
    assert required.location.line == _line_of(spec, "required: [id, id]")
    assert found["#/components/schemas/Thing/properties/size/default"].location.line == _line_of(spec, "default: big")


def test_validate_says_once_that_a_value_is_outside_its_enum(tmp_path: Path) -> None:
    """`type: 5` fails the meta-schema's `type: string` and its enum of type names: one error,
    the enum's, which lists what is allowed; a value of the wrong type with no enum keeps its."""
    spec = _write(tmp_path, """
        openapi: 3.0.3
        info: {title: Types, version: '1'}
        paths: {}
        components:
          schemas:
            A: {type: 5}
            B: {type: string, nullable: 'no'}
    """)
    found = [(d.location.pointer, d.message) for d in _only(_lint(spec, validate=True), "spec-invalid")]
    assert [(p, m.split(" [")[0]) for p, m in found] == [
        ("#/components/schemas/A/type", "5 is not one of"),
        ("#/components/schemas/B/nullable", "'no' is not of type 'boolean'"),
    ]


def test_validate_reports_document_structure_errors(tmp_path: Path) -> None:
    spec = _write(tmp_path, """
        openapi: 3.0.3
        info: {title: Bad, version: '1'}
        paths:
          /a:
            get:
              responses:
                '200': {content: {}}
    """)
    (found,) = _only(_lint(spec, validate=True), "spec-invalid")
    assert "'description' is a required property" in found.message
    assert found.location.line == _line_of(spec, "'200'")


def test_validate_does_not_ask_a_30_schema_for_a_ref(tmp_path: Path) -> None:
    """In OpenAPI 3.0 a schema is `Schema | Reference`: one that fails says "'$ref' is a required
    property" as its shallowest cause. A schema without `$ref` is not meant as a reference: the
    errors are the schema's own, each where it is, in the component and in an inline schema."""
    spec = _write(tmp_path, """
        openapi: 3.0.3
        info: {title: Nullable, version: '1'}
        paths:
          /a:
            get:
              parameters:
                - name: q
                  in: query
                  schema: {type: string, nullable: 'no'}
              responses:
                '200': {description: OK}
        components:
          schemas:
            Thing:
              type: object
              properties:
                id: {type: string, nullable: 'yes'}
                size: {type: integer, readOnly: 1}
    """)
    found = _only(_lint(spec, validate=True), "spec-invalid")
    assert not [d for d in found if "$ref" in d.message], found
    assert sorted((d.location.pointer, d.location.line) for d in found) == [
        ("#/components/schemas/Thing/properties/id/nullable", _line_of(spec, "nullable: 'yes'")),
        ("#/components/schemas/Thing/properties/size/readOnly", _line_of(spec, "readOnly: 1")),
        ("#/paths/~1a/get/parameters/0/schema/nullable", _line_of(spec, "nullable: 'no'")),
    ]


UNION_CASES = {
    "Swagger 2.0: a path parameter and a header": ("""
        swagger: '2.0'
        info: {title: t, version: '1'}
        paths:
          /a/{id}:
            get:
              parameters:
                - {name: id, in: path, type: string}
              responses:
                '200':
                  description: OK
                  headers:
                    X: {type: strin}
    """, [("#/paths/~1a~1{id}/get/parameters/0", "'required' is a required property"),
          ("#/paths/~1a~1{id}/get/responses/200/headers/X/type", "'strin' is not one of")]),
    "3.0: additionalProperties, Schema | Reference | boolean": ("""
        openapi: 3.0.3
        info: {title: t, version: '1'}
        paths: {}
        components:
          schemas:
            M:
              type: object
              additionalProperties: {type: string, nullable: 'yes'}
    """, [("#/components/schemas/M/additionalProperties/nullable", "'yes' is not of type 'boolean'")]),
    "3.0: a header's style, Header | Reference": ("""
        openapi: 3.0.3
        info: {title: t, version: '1'}
        paths:
          /a:
            get:
              responses:
                '200':
                  description: OK
                  headers:
                    X-Rate: {style: form, schema: {type: integer}}
    """, [("#/paths/~1a/get/responses/200/headers/X-Rate/style", "'form' is not one of ['simple']")]),
    "Swagger 2.0: a typo in a parameter's in": ("""
        swagger: '2.0'
        info: {title: t, version: '1'}
        paths:
          /a:
            get:
              parameters:
                - {name: q, in: qurey, type: string}
                - {name: b, in: bdy, schema: {type: string}}
              responses:
                '200': {description: OK}
    """, [("#/paths/~1a/get/parameters/0/in", "'qurey' is not one of ['body', 'header', 'formData', 'query', 'path']"),
          ("#/paths/~1a/get/parameters/1/in", "'bdy' is not one of ['body', 'header', 'formData', 'query', 'path']")]),
    "3.0: a typo in a parameter's in": ("""
        openapi: 3.0.3
        info: {title: t, version: '1'}
        paths:
          /a:
            get:
              parameters:
                - {name: q, in: qurey, schema: {type: string}}
              responses:
                '200': {description: OK}
    """, [("#/paths/~1a/get/parameters/0/in", "'qurey' is not one of ['path', 'query', 'header', 'cookie']")]),
    "3.0: a type the type checker does not know": ("""
        openapi: 3.0.3
        info: {title: t, version: '1'}
        paths: {}
        components:
          schemas:
            T:
              oneOf: [{type: 'null', nullable: true, enum: [1]}, {type: integer}]
              default: null
    """, [("#/components/schemas/T/default", "None is not one of [1]"),
          ("#/components/schemas/T/oneOf/0/type", "'null' is not one of")]),
}


@pytest.mark.parametrize("case", list(UNION_CASES))
def test_validate_names_the_error_of_the_union_member_meant(tmp_path: Path, case: str) -> None:
    """A union whose other members were never meant for the value (a Reference, a boolean, a
    parameter of another `in`) reports the meant member's errors, not "'$ref' is a required
    property"; a typo in the discriminator itself is reported there, with every value allowed;
    ranking a cause whose schema names a type the checker lacks does not crash."""
    text, expected = UNION_CASES[case]
    found = sorted((d.location.pointer, d.message) for d in _only(_lint(_write(tmp_path, text), validate=True), "spec-invalid"))
    assert len(found) == len(expected), found
    for (pointer, message), (want_pointer, start) in zip(found, sorted(expected)):
        assert pointer == want_pointer and message.startswith(start), found


def test_validate_reports_every_meta_schema_error_whatever_the_hash_seed(tmp_path: Path) -> None:
    """openapi-spec-validator stops at a schema's first meta-schema error, and which one comes
    first depends on the hash seed; the names of an allOf schema's undefined required
    properties come from a set. Both were one thing on one run and another on the next."""
    spec = _write(tmp_path, """
        openapi: 3.1.0
        info: {title: Hyper, version: '1'}
        paths:
          /h:
            get:
              responses:
                '200':
                  description: OK
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/Both'}
        components:
          schemas:
            Base:
              type: object
              properties:
                id: {type: string}
            Both:
              allOf:
                - $ref: '#/components/schemas/Base'
              required: [zeta, alpha, mu, beta, id]
            Hyper:
              type: object
              properties:
                alpha:
                  oneOf:
                    - type: string
                    - {type: number, exclusiveMinimum: true}
                beta:
                  oneOf:
                    - type: string
                    - {type: number, exclusiveMinimum: true}
                gamma: {type: number, exclusiveMaximum: false}
    """)
    outputs = [run_specloom("lint", str(spec), "--validate", env={"PYTHONHASHSEED": seed}).stdout for seed in "12345"]
    assert len(set(outputs)) == 1, "the same errors on every run"
    invalid = [line for line in outputs[0].splitlines() if "spec-invalid" in line]
    hyper = "#/components/schemas/Hyper/properties"
    assert [line.rsplit("(at ", 1)[1] for line in invalid if "Hyper" in line] == [
        f"{hyper}/alpha/oneOf/1/exclusiveMinimum)", f"{hyper}/beta/oneOf/1/exclusiveMinimum)",
        f"{hyper}/gamma/exclusiveMaximum)"]
    assert any("Required list has not defined properties: ['alpha', 'beta', 'mu', 'zeta']" in line for line in invalid)


TWO_BAD_KEYWORDS = {
    "3.0.3": {"a": {"type": "number", "exclusiveMinimum": 3}, "b": {"type": "string", "nullable": "yes"},
              "c": {"type": "string", "pattern": "(?P<y>x"}},
    "3.1.0": {"a": {"type": "number", "exclusiveMinimum": True}, "b": {"type": "string", "minLength": -1},
              "c": {"type": "string", "pattern": "(?P<y>x"}},
    "3.1.0 with a JSON Schema dialect": {"a": {"type": 5}, "b": {"minimum": "x"}, "c": {"type": "string", "pattern": "(?P<y>x"}},
}


@pytest.mark.parametrize("version", list(TWO_BAD_KEYWORDS))
def test_validate_finds_what_the_validator_finds_and_the_rest(tmp_path: Path, version: str) -> None:
    """The meta-schema errors reported are the validator's own, all of them: whichever one it
    reports under any hash seed is among them, and there is one for each bad keyword."""
    spec = {"openapi": version.split()[0], "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {"Thing": {"type": "object", "properties": TWO_BAD_KEYWORDS[version]}}}}
    if "dialect" in version:
        spec["jsonSchemaDialect"] = "https://json-schema.org/draft/2020-12/schema"
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    ours = {(d.location.pointer.partition("/properties/")[2].split("/")[0], d.message)
            for d in _only(_lint(path, validate=True), "spec-invalid")}
    assert {prop for prop, _ in ours} == {"a", "b", "c"}, ours
    script = ("import json, sys\nfrom jsonschema.exceptions import best_match\n"
              f"from openapi_spec_validator import {'OpenAPIV30SpecValidator' if version.startswith('3.0') else 'OpenAPIV31SpecValidator'} as V\n"
              "for e in V(json.load(open(sys.argv[1]))).iter_errors():\n"
              "    e = best_match(e.context) or e if e.context else e\n"
              "    print(json.dumps([list(e.absolute_path), e.message]))\n")
    for seed in "123":
        found = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True,
                               env={**os.environ, "PYTHONHASHSEED": seed}).stdout.splitlines()
        # Its meta-schema errors: their paths start at the schema checked, not at the spec's root.
        theirs = {(p[p.index("properties") + 1], m) for p, m in map(json.loads, found) if p[:1] != ["components"]}
        assert theirs and theirs <= ours, (seed, theirs, ours)


# ---- the CLI ---------------------------------------------------------------------------------

def test_cli_json_and_exit_codes(tmp_path: Path) -> None:
    spec = _write(tmp_path, BROKEN)
    warnings_only = run_specloom("lint", str(spec), "--format", "json")
    assert warnings_only.returncode == 0, warnings_only.stderr
    assert "spec-invalid" not in {r["code"] for r in json.loads(warnings_only.stdout)}
    validated = run_specloom("lint", str(spec), "--format", "json", "--validate")
    assert validated.returncode == 1, validated.stderr
    rows = [r for r in json.loads(validated.stdout) if r["code"] == "spec-invalid"]
    assert {r["line"] for r in rows} == {_line_of(spec, "required: [id, id]"), _line_of(spec, "default: big")}
    assert all(set(r) == {"severity", "code", "message", "file", "line", "column", "pointer"} for r in rows)


def test_cli_text_format(tmp_path: Path) -> None:
    spec = _write(tmp_path, ENUMS)
    result = run_specloom("lint", str(spec))
    assert result.returncode == 0
    line = _line_of(spec, "The status of the batch") - 1
    assert f"{spec}:{line}:11: warning[enum-description-mismatch]: description lists `cancelled`, `failed`" in result.stdout
    assert result.stdout.rstrip().endswith("(at #/components/schemas/Batch/properties/kind/description)")


def test_cli_bad_input_exits_2(tmp_path: Path) -> None:
    result = run_specloom("lint", str(tmp_path / "missing.yaml"), "--validate")
    assert result.returncode == 2 and "file-not-found" in result.stderr and not result.stdout


# ---- the OpenAI spec -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def openai_lint() -> tuple[list[Diagnostic], float]:
    doc = load(str(need_shared(OPENAI_SPEC)))
    normalized = normalize(doc)
    started = time.monotonic()
    found = lint(doc, normalized)
    return found, time.monotonic() - started


def test_openai_spec(openai_lint: tuple[list[Diagnostic], float]) -> None:
    found, seconds = openai_lint
    assert seconds < 15, f"lint rules took {seconds:.1f} s"  # about 1.5 s here; validators are cached per schema
    examples = _only(found, "invalid-example")
    assert len(examples) == 155, len(examples)
    assert all(d.severity is Severity.WARNING and d.location.line for d in examples)
    text = OPENAI_SPEC.read_text().splitlines()
    const_line = next(i for i, line in enumerate(text, 1) if "always `vector_store.file_batch`" in line)
    (const,) = [d for d in _only(found, "const-description-mismatch") if "VectorStoreFileBatchObject" in d.location.pointer]
    assert const.location.line == const_line
    enums = {d.location.pointer for d in _only(found, "enum-description-mismatch")}
    assert "#/components/schemas/RealtimeConversationItemWithReference/properties/type/description" in enums
    assert not any(d.severity is Severity.ERROR for d in found)


def test_diagnostics_without_lines_print_in_one_order(tmp_path: Path) -> None:
    """A JSON escape libyaml cannot compose (a lone surrogate) leaves every diagnostic without a
    line; equal ones at different pointers still print in one order, whatever the hash seed."""
    params = [{"name": "p", "in": "query", "schema": {"type": "boolean"},
               "examples": {f"e{i}": {"value": "true"} for i in range(12)}}]
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"openapi": "3.1.0", "info": {"title": "t", "version": "1", "description": "\ud800"},
                                "paths": {"/a": {"get": {"operationId": "a", "parameters": params,
                                                         "responses": {"200": {"description": "ok"}}}}}}))
    outputs = [run_specloom("lint", str(spec), env={"PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")]
    pointers = [line.split(":", 2)[1] for line in outputs[0].splitlines() if "invalid-example" in line]
    assert len(pointers) == 12 and pointers == sorted(pointers)
    assert outputs[0] == outputs[1] == outputs[2]
