"""specloom diff: each classification rule on a tiny spec, the report formats, the CLI's exit codes,
and the real OpenAI changelogs checked against the spec texts."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from conftest import REPO, SHARED, need_shared, run_specloom
from generator import ir, loader
from generator.diff import Change, Changelog, compare, render_json, render_markdown
from generator.normalize import normalize

OPENAI = SHARED / "specs" / "openai"
ARTIFACTS = REPO / "test-artifacts"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

BASE = """\
openapi: 3.1.0
info: {title: Shop, version: '1'}
paths:
  /items:
    post:
      operationId: createItem
      parameters:
        - {name: dry_run, in: query, schema: {type: boolean}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/ItemCreate'}
      responses:
        '200': {description: OK, content: {application/json: {schema: {$ref: '#/components/schemas/Item'}}}}
  /items/{item_id}:
    get:
      operationId: getItem
      parameters:
        - {name: item_id, in: path, required: true, schema: {type: string}}
      responses:
        '200': {description: OK, content: {application/json: {schema: {$ref: '#/components/schemas/Item'}}}}
        '404': {description: missing}
  /items/{item_id}/tag:
    post:
      operationId: tagItem
      parameters:
        - {name: item_id, in: path, required: true, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {tag: {type: string}}}
      responses:
        '204': {description: tagged}
components:
  schemas:
    ItemCreate:
      type: object
      required: [name]
      properties:
        name: {type: string}
        size: {type: string, enum: [s, m, l]}
        count: {type: integer, default: 1}
    Item:
      type: object
      required: [id, name]
      properties:
        id: {type: string}
        name: {type: string}
        status: {type: string, enum: [active, archived]}
        price: {type: number}
        note: {type: string}
"""


def edit(text: str, *replacements: tuple[str, str]) -> str:
    """`text` with each `old` replaced by `new`; each `old` must occur exactly once, so an edit that
    no longer matches the base fails loudly instead of leaving the two specs the same."""
    for old, new in replacements:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


def api_of(path: Path) -> ir.Api:
    normalized = normalize(loader.load(str(path)))
    assert not [d for d in normalized.diagnostics if d.severity.value == "error"], normalized.diagnostics
    return normalized.api


def diff_texts(tmp_path: Path, old: str, new: str) -> Changelog:
    (tmp_path / "old.yaml").write_text(old)
    (tmp_path / "new.yaml").write_text(new)
    return compare(api_of(tmp_path / "old.yaml"), api_of(tmp_path / "new.yaml"))


def only(changelog: Changelog, kind: str, subject: str | None = None, member: str | None = None) -> Change:
    found = [c for c in changelog.changes if c.kind == kind and subject in (None, c.subject) and member in (None, c.member)]
    assert len(found) == 1, f"{kind} {subject} {member}: {found}\nall: {[c.detail() for c in changelog.changes]}"
    return found[0]


# ---- classification rules, one tiny spec each ---------------------------------------------------


def test_identical_specs_have_no_changes(tmp_path: Path) -> None:
    changelog = diff_texts(tmp_path, BASE, BASE)
    assert changelog.changes == () and changelog.bump == "none"
    assert "Suggested version bump: none" in render_markdown(changelog)


def with_paths(text: str, paths: str) -> str:
    """`text` with more path items (YAML under `paths:`) added after its own."""
    return edit(text, ("components:\n", paths + "components:\n"))


def test_operations_added_removed_renamed(tmp_path: Path) -> None:
    new = edit(BASE, ("    get:\n      operationId: getItem", "    get:\n      operationId: fetchItem"),
               ("      operationId: tagItem", "      operationId: tagItem\n      x-specloom-name: label"))
    new = with_paths(new, "  /orders:\n    get:\n      operationId: listOrders\n      responses: {'200': {description: OK}}\n")
    changelog = diff_texts(tmp_path, BASE, new)
    added = only(changelog, "operation-added", "GET /orders")
    assert not added.breaking and added.sdk == "client.orders.list"
    renamed_id = only(changelog, "operation-renamed", "GET /items/{item_id}")
    assert not renamed_id.breaking and (renamed_id.old, renamed_id.new) == ("getItem", "fetchItem")
    renamed = only(changelog, "operation-renamed", "POST /items/{item_id}/tag")
    assert renamed.breaking and (renamed.old, renamed.new) == ("client.items.tag", "client.items.label")
    removed = diff_texts(tmp_path, new, BASE)
    assert only(removed, "operation-removed", "GET /orders").breaking


def test_parameters_added_removed_required_optional(tmp_path: Path) -> None:
    old = edit(BASE, ("        - {name: dry_run, in: query, schema: {type: boolean}}",
                      "        - {name: dry_run, in: query, schema: {type: boolean}}\n"
                      "        - {name: trace, in: header, schema: {type: string}}\n"
                      "        - {name: region, in: query, required: true, schema: {type: string}}"))
    new = edit(BASE, ("        - {name: dry_run, in: query, schema: {type: boolean}}",
                      "        - {name: dry_run, in: query, required: true, schema: {type: boolean}}\n"
                      "        - {name: region, in: query, schema: {type: string}}\n"
                      "        - {name: page, in: query, schema: {type: integer}}\n"
                      "        - {name: tenant, in: query, required: true, schema: {type: string}}"))
    changelog = diff_texts(tmp_path, old, new)
    op = "POST /items"
    assert only(changelog, "now-required", op, "dry_run").breaking
    assert not only(changelog, "now-optional", op, "region").breaking
    assert not only(changelog, "parameter-added", op, "page").breaking
    required = only(changelog, "parameter-added", op, "tenant")
    assert required.breaking and required.note == "required" and required.place == "query parameter"
    removed = only(changelog, "parameter-removed", op, "trace")
    assert removed.breaking and removed.place == "header parameter"


def test_request_model_fields(tmp_path: Path) -> None:
    new = edit(BASE, ("      required: [name]\n", "      required: [name, owner]\n"),
               ("        count: {type: integer, default: 1}",
                "        owner: {type: string}\n        color: {type: string}"))
    changelog = diff_texts(tmp_path, BASE, new)
    owner = only(changelog, "field-added", "ItemCreate", "owner")
    assert owner.breaking and owner.note == "required" and owner.area == "model"
    assert not only(changelog, "field-added", "ItemCreate", "color").breaking
    assert only(changelog, "field-removed", "ItemCreate", "count").breaking
    optional = diff_texts(tmp_path, BASE, edit(BASE, ("      required: [name]\n", "")))
    assert not only(optional, "now-optional", "ItemCreate", "name").breaking


def test_response_model_fields_reported_once_per_model(tmp_path: Path) -> None:
    """`Item` is returned by two operations: each change to it is one entry, under the model."""
    new = edit(BASE, ("        note: {type: string}", "        sku: {type: string}"),
               ("      required: [id, name]\n", "      required: [id, name, price]\n"))
    changelog = diff_texts(tmp_path, BASE, new)
    removed = only(changelog, "field-removed", member="note")
    assert removed.breaking and removed.subject == "Item" and removed.area == "model"
    assert not only(changelog, "field-added", "Item", "sku").breaking
    # In a model only read, a field becoming required is a promise, not a demand.
    assert not only(changelog, "now-required", "Item", "price").breaking
    assert {c.subject for c in changelog.changes} == {"Item"}


def test_inline_request_body_is_reported_under_its_operation(tmp_path: Path) -> None:
    new = edit(BASE, ("schema: {type: object, properties: {tag: {type: string}}}",
                      "schema: {type: object, required: [tag, color], properties: {tag: {type: string}, color: {type: string}}}"))
    changelog = diff_texts(tmp_path, BASE, new)
    color = only(changelog, "field-added", "POST /items/{item_id}/tag")
    assert color.breaking and color.area == "operation" and color.member.endswith(".color")
    assert color.sdk == "client.items.tag"
    assert only(changelog, "now-required", "POST /items/{item_id}/tag").breaking


@pytest.mark.parametrize("schema,old,new,kind,breaking", [
    # in a request (ItemCreate.count): narrowing breaks callers, widening does not
    ("ItemCreate", "{type: [integer, string]}", "{type: integer}", "type-members-removed", True),
    ("ItemCreate", "{type: integer}", "{type: [integer, string]}", "type-members-added", False),
    ("ItemCreate", "{type: integer}", "{type: number}", "type-changed", False),  # int → float widens
    ("ItemCreate", "{type: integer}", "{type: boolean}", "type-changed", True),  # neither: breaking
    # in a response (Item.price): widening breaks readers, narrowing does not
    ("Item", "{type: number}", "{type: [number, string]}", "type-members-added", True),
    ("Item", "{type: [number, string]}", "{type: number}", "type-members-removed", False),
    ("Item", "{type: number}", "{type: object}", "type-changed", True),
])
def test_type_changes_by_direction(tmp_path: Path, schema: str, old: str, new: str, kind: str, breaking: bool) -> None:
    field = "count" if schema == "ItemCreate" else "price"
    line = "        count: {type: integer, default: 1}" if field == "count" else "        price: {type: number}"
    before = edit(BASE, (line, f"        {field}: {old}"))
    after = edit(BASE, (line, f"        {field}: {new}"))
    change = only(diff_texts(tmp_path, before, after), kind, schema, field)
    assert change.breaking is breaking, change
    assert change.old or change.new


def test_enum_values_by_direction(tmp_path: Path) -> None:
    new = edit(BASE, ("size: {type: string, enum: [s, m, l]}", "size: {type: string, enum: [s, m, xl]}"),
               ("status: {type: string, enum: [active, archived]}", "status: {type: string, enum: [active, deleted]}"))
    changelog = diff_texts(tmp_path, BASE, new)
    assert only(changelog, "enum-value-removed", "ItemCreate", "size").breaking  # callers sending "l" are refused
    assert not only(changelog, "enum-value-added", "ItemCreate", "size").breaking
    # Decided: a value added in a response is not breaking (a str stays a str); the entry says who must care.
    added = only(changelog, "enum-value-added", "Item", "status")
    assert not added.breaking and added.new == '"deleted"' and "every value" in added.why
    assert added.section == "addition"
    assert not only(changelog, "enum-value-removed", "Item", "status").breaking


def test_nullability_by_direction(tmp_path: Path) -> None:
    old = edit(BASE, ("        name: {type: string}\n        size", "        name: {type: [string, 'null']}\n        size"))
    new = edit(BASE, ("        price: {type: number}", "        price: {type: [number, 'null']}"))
    changelog = diff_texts(tmp_path, old, new)
    assert only(changelog, "nullable-removed", "ItemCreate", "name").breaking  # callers passing None refused
    readers = only(changelog, "nullable-added", "Item", "price")  # like a field made optional: not breaking
    assert not readers.breaking and "None" in readers.why


def test_default_and_constraint_changes(tmp_path: Path) -> None:
    new = edit(BASE, ("count: {type: integer, default: 1}", "count: {type: integer, default: 5, maximum: 10}"))
    changelog = diff_texts(tmp_path, BASE, new)
    default = only(changelog, "default-changed", "ItemCreate", "count")
    assert not default.breaking and (default.old, default.new) == ("1", "5") and default.section == "other"
    bound = only(changelog, "constraint-changed", "ItemCreate", "count")
    assert bound.breaking and bound.note == "le"  # a new bound in a request refuses values sent before


def test_responses_added_and_removed(tmp_path: Path) -> None:
    new = edit(BASE, ("        '404': {description: missing}", "        '429': {description: slow down}"))
    changelog = diff_texts(tmp_path, BASE, new)
    assert not only(changelog, "response-added", "GET /items/{item_id}", "429").breaking
    assert not only(changelog, "response-removed", "GET /items/{item_id}", "404").breaking
    gone = diff_texts(tmp_path, BASE, edit(BASE, ("        '204': {description: tagged}", "        '404': {description: no}")))
    assert only(gone, "response-removed", "POST /items/{item_id}/tag", "204").breaking


def test_models_added_and_removed_and_bumps(tmp_path: Path) -> None:
    extra = BASE + "    Unused:\n      type: object\n      properties: {a: {type: string}}\n"
    added = diff_texts(tmp_path, BASE, extra)
    assert not only(added, "model-added", "Unused").breaking and added.bump == "minor"
    removed = diff_texts(tmp_path, extra, BASE)
    assert only(removed, "model-removed", "Unused").breaking and removed.bump == "major"
    patch = diff_texts(tmp_path, BASE, edit(BASE, ("count: {type: integer, default: 1}", "count: {type: integer, default: 2}")))
    assert patch.bump == "patch"


def test_component_key_kept_when_the_class_name_differs(tmp_path: Path) -> None:
    old = BASE + "    Conversation-2:\n      type: object\n      properties: {id: {type: string}}\n"
    change = only(diff_texts(tmp_path, old, BASE), "model-removed")
    assert (change.subject, change.sdk) == ("Conversation-2", "Conversation2")


# ---- report formats -----------------------------------------------------------------------------

HOSTILE = edit(BASE, ("status: {type: string, enum: [active, archived]}",
                      "status: {type: string, enum: [active, archived, '<script>x</script>', 'a`b|c']}"))


def test_json_shape_is_documented_and_stable(tmp_path: Path) -> None:
    changelog = diff_texts(tmp_path, BASE, edit(HOSTILE, ("        note: {type: string}\n", "")))
    doc = json.loads(render_json(changelog))
    assert list(doc) == ["format", "old", "new", "bump", "counts", "changes"]
    assert doc["format"] == "specloom-diff/1" and doc["bump"] == "major"
    assert doc["old"] == {"spec": "old.yaml", "title": "Shop", "version": "1"}
    assert doc["counts"] == {"breaking": 1, "addition": 2, "other": 0, "total": 3}
    first = doc["changes"][0]
    assert list(first) == ["kind", "breaking", "section", "area", "subject", "sdk", "place", "member", "old", "new",
                           "note", "detail", "why", "file", "pointer"]
    assert first["kind"] == "field-removed" and first["breaking"] and first["subject"] == "Item"
    assert first["pointer"] == "#/components/schemas/Item/properties/note" and first["file"].endswith("old.yaml")
    assert [c["new"] for c in doc["changes"][1:]] == ['"<script>x</script>"', '"a`b|c"']  # JSON keeps text as is
    assert render_json(changelog) == render_json(diff_texts(tmp_path, BASE, edit(HOSTILE, ("        note: {type: string}\n", ""))))


def test_markdown_sections_and_escaping(tmp_path: Path) -> None:
    changelog = diff_texts(tmp_path, BASE, edit(HOSTILE, ("        note: {type: string}\n", "")))
    text = render_markdown(changelog)
    assert text.index("**Suggested version bump: major**") < text.index("## Breaking changes") \
        < text.index("## Additions") < text.index("## Other changes")
    assert "- `Item`: field `note` removed — code that passes or reads it breaks" in text
    assert '``"a`b|c"``' in text  # a fence longer than the backtick inside
    html = MarkdownIt().render(text)
    assert "<script>" not in html and "<code>&quot;&lt;script&gt;x&lt;/script&gt;&quot;</code>" in html
    assert "## Other changes\n\nNone." in text


def test_markdown_collapses_one_change_on_many_operations(tmp_path: Path) -> None:
    old = with_paths(BASE, "".join(f"  /p{i}:\n    get:\n      responses: {{'200': {{description: OK}}}}\n" for i in range(6)))
    new = old.replace("{'200': {description: OK}}", "{'200': {description: OK}, '429': {description: slow}}")
    text = render_markdown(diff_texts(tmp_path, old, new))
    assert "- Response `429` added on 6 operations:\n  - `GET /p0` (`client.p0.list`)\n" in text


# ---- the command --------------------------------------------------------------------------------


def test_cli_fail_on_breaking(tmp_path: Path) -> None:
    (tmp_path / "old.yaml").write_text(BASE)
    (tmp_path / "breaking.yaml").write_text(edit(BASE, ("        note: {type: string}\n", "")))
    (tmp_path / "minor.yaml").write_text(BASE + "    Unused: {type: object}\n")
    old, breaking, minor = (str(tmp_path / n) for n in ("old.yaml", "breaking.yaml", "minor.yaml"))
    result = run_specloom("diff", old, breaking, "--fail-on", "breaking")
    assert result.returncode == 1, result.stderr
    assert "field `note` removed" in result.stdout
    assert run_specloom("diff", old, breaking).returncode == 0  # without --fail-on, a changelog is a success
    ok = run_specloom("diff", old, minor, "--fail-on", "breaking", "--format", "json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["bump"] == "minor"


def test_cli_output_is_deterministic_across_hash_seeds(tmp_path: Path) -> None:
    (tmp_path / "old.yaml").write_text(BASE)
    (tmp_path / "new.yaml").write_text(edit(HOSTILE, ("        note: {type: string}\n", ""), ("      required: [name]\n", "")))
    for fmt in ("json", "markdown"):
        outputs = {run_specloom("diff", str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml"), "--format", fmt,
                                env={"PYTHONHASHSEED": seed}).stdout for seed in ("1", "4242")}
        assert len(outputs) == 1, fmt
    assert json.loads(run_specloom("diff", str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml"), "--format",
                                   "json").stdout)["counts"]["total"] == 4


@pytest.mark.parametrize("which,text,expected", [
    ("new", "openapi: 3.1.0\ninfo: {title: x\npaths: {}\n", "invalid YAML"),
    ("old", None, "no such file"),
    ("new", "just: a mapping\n", "openapi"),
])
def test_cli_bad_spec_is_one_line_exit_2(tmp_path: Path, which: str, text: str | None, expected: str) -> None:
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(BASE)
    if text is not None:
        bad.write_text(text)
    args = (str(bad), str(good)) if which == "old" else (str(good), str(bad))
    result = run_specloom("diff", *args, "--fail-on", "breaking")
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith(str(bad)) and expected in lines[0]


# ---- the real OpenAI specs, checked against their texts -----------------------------------------


class Versions:
    """Two versions of the OpenAI spec: raw trees and the changelog between them."""

    def __init__(self, old: str, new: str) -> None:
        paths = [str(need_shared(OPENAI / f"openapi-{v}.yaml")) for v in (old, new)]
        started = time.monotonic()
        docs = [loader.load(path) for path in paths]
        apis = [normalize(d, package="openai").api for d in docs]
        compared = time.monotonic()
        self.changelog = compare(*apis)
        self.seconds, self.compare_seconds = time.monotonic() - started, time.monotonic() - compared
        self.old_raw, self.new_raw = (d.trees[d.root] for d in docs)

    def ops(self, raw: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
        return {(m, p): op for p, item in raw["paths"].items() for m, op in item.items() if m in HTTP_METHODS}

    def of(self, kind: str, subject: str | None = None, member: str | None = None) -> list[Change]:
        return [c for c in self.changelog.changes if c.kind == kind and subject in (None, c.subject)
                and member in (None, c.member)]


@pytest.fixture(scope="module")
def july_august() -> Versions:
    versions = Versions("2026-07-23", "2026-08-21")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "openai-changelog.md").write_text(render_markdown(versions.changelog))
    return versions


def test_openai_429_added_to_161_operations(july_august: Versions) -> None:
    old, new = july_august.ops(july_august.old_raw), july_august.ops(july_august.new_raw)
    gaining = {k for k, op in new.items() if "429" in op["responses"] and "429" not in old.get(k, {}).get("responses", {})}
    assert len(gaining) == 161
    kept = {k for k in gaining if k in old}  # the one other is a new operation, reported as added
    reported = july_august.of("response-added", member="429")
    assert {(c.subject.split(" ")[0].lower(), c.subject.split(" ", 1)[1]) for c in reported} == kept
    assert len(reported) == 160 and not any(c.breaking for c in reported)
    assert {f"{m.upper()} {p}" for m, p in gaining - kept} == {c.subject for c in july_august.of("operation-added")}


def test_openai_content_provenance_check_added(july_august: Versions) -> None:
    assert ("post", "/content_provenance_checks") in july_august.ops(july_august.new_raw)
    assert ("post", "/content_provenance_checks") not in july_august.ops(july_august.old_raw)
    [added] = july_august.of("operation-added")
    assert added.subject == "POST /content_provenance_checks" and not added.breaking
    assert added.sdk == "client.content_provenance_checks.create"


def test_openai_call_id_no_longer_required(july_august: Versions) -> None:
    for key in ("FunctionCallOutputItemParam", "FunctionToolCallOutput"):
        old, new = (raw["components"]["schemas"][key] for raw in (july_august.old_raw, july_august.new_raw))
        assert "call_id" in old["required"] and "call_id" not in new["required"] and "call_id" in new["properties"]
        [change] = july_august.of("now-optional", key, "call_id")
        assert not change.breaking


def test_openai_project_geography_replaced_by_residency(july_august: Versions) -> None:
    old_schemas, new_schemas = july_august.old_raw["components"]["schemas"], july_august.new_raw["components"]["schemas"]
    for key in ("ProjectCreateRequest", "ProjectUpdateRequest"):
        assert "geography" in old_schemas[key]["properties"] and "geography" not in new_schemas[key]["properties"]
        [removed] = july_august.of("field-removed", key, "geography")
        assert removed.breaking
        has_residency = "residency" in new_schemas[key]["properties"] and "residency" not in old_schemas[key]["properties"]
        added = july_august.of("field-added", key, "residency")
        assert len(added) == has_residency and not any(c.breaking for c in added)
    assert july_august.of("field-added", "ProjectCreateRequest", "residency"), "the spec adds it to ProjectCreateRequest"


def test_openai_service_tier_removed_from_model_response_properties(july_august: Versions) -> None:
    old, new = (raw["components"]["schemas"]["ModelResponseProperties"] for raw in (july_august.old_raw, july_august.new_raw))
    assert "service_tier" in old["properties"] and "service_tier" not in new["properties"]
    [removed] = july_august.of("field-removed", "ModelResponseProperties", "service_tier")
    assert removed.breaking and removed.sdk == "ModelResponseProperties"


def test_openai_models_removed_and_added_match_the_spec_keys(july_august: Versions) -> None:
    old, new = (set(raw["components"]["schemas"]) for raw in (july_august.old_raw, july_august.new_raw))
    assert {"Conversation-2", "BetaServiceTier"} <= old - new
    components = {c.subject: c for c in july_august.changelog.changes if c.kind == "model-removed" and c.member == c.sdk}
    assert set(components) == old - new
    assert components["Conversation-2"].sdk == "Conversation2" and components["Conversation-2"].breaking
    assert components["BetaServiceTier"].breaking
    added = {c.subject for c in july_august.changelog.changes if c.kind == "model-added" and c.member == c.sdk}
    assert added == new - old


def test_openai_changelog_summary(july_august: Versions) -> None:
    changelog = july_august.changelog
    assert changelog.bump == "major"
    text = (ARTIFACTS / "openai-changelog.md").read_text()
    assert text == render_markdown(changelog)
    assert "- Response `429` added on 160 operations:" in text
    by_kind: dict[tuple[str, bool], int] = {}
    for c in changelog.changes:
        by_kind[(c.kind, c.breaking)] = by_kind.get((c.kind, c.breaking), 0) + 1
    print(f"\n2026-07-23 → 2026-08-21: {len(changelog.changes)} changes, {len(changelog.breaking)} breaking, "
          f"bump {changelog.bump}; load, normalize and compare {july_august.seconds:.1f} s "
          f"(compare alone {july_august.compare_seconds:.2f} s)")
    for (kind, breaking), n in sorted(by_kind.items()):
        print(f"  {kind:22} {'breaking' if breaking else 'not breaking':13} {n}")


def test_openai_cli_matches_in_process(july_august: Versions) -> None:
    result = run_specloom("diff", str(OPENAI / "openapi-2026-07-23.yaml"), str(OPENAI / "openapi-2026-08-21.yaml"),
                          "--format", "json", "--fail-on", "breaking")
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["counts"]["total"] == len(july_august.changelog.changes)


def test_openai_2024_to_2026_across_3_0_and_3_1() -> None:
    versions = Versions("2024-06-17", "2026-08-21")
    assert versions.old_raw["openapi"].startswith("3.0") and versions.new_raw["openapi"].startswith("3.1")
    changelog = versions.changelog
    old, new = versions.ops(versions.old_raw), versions.ops(versions.new_raw)
    assert {c.subject for c in changelog.changes if c.kind == "operation-added"} == \
        {f"{m.upper()} {p}" for m, p in new.keys() - old.keys()}
    assert {c.subject for c in changelog.changes if c.kind == "operation-removed"} == \
        {f"{m.upper()} {p}" for m, p in old.keys() - new.keys()}
    assert changelog.bump == "major"
    render_markdown(changelog), render_json(changelog)
    print(f"\n2024-06-17 → 2026-08-21: {len(changelog.changes)} changes ({len(changelog.breaking)} breaking); "
          f"load, normalize both and compare: {versions.seconds:.1f} s (compare alone {versions.compare_seconds:.2f} s)")
