"""generator.normalize: tiny specs in, IR out (names, types, unions, the const rule, diagnostics)."""

from __future__ import annotations

import keyword
import textwrap
from pathlib import Path

import pytest

from generator import ir
from generator.diagnostics import Diagnostic, SpecError
from generator.loader import load
from generator.names import RESERVED_CLASS_NAMES, RESERVED_FILE_STEMS
from generator.normalize import normalize

STR = ir.Primitive("str")
INT = ir.Primitive("int")


def _spec(tmp_path: Path, schemas: str, *, version: str = "3.1.0", name: str = "spec.yaml") -> tuple[Path, str]:
    """A spec file whose components/schemas is `schemas` (YAML, indented as written); returns (path, text)."""
    body = textwrap.indent(textwrap.dedent(schemas).strip("\n"), "    ")
    text = f"openapi: {version}\ninfo:\n  title: Test API\n  version: '1'\ncomponents:\n  schemas:\n{body}\n"
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path, text


def _norm(tmp_path: Path, schemas: str, **kw: str) -> ir.Normalized:
    path, _ = _spec(tmp_path, schemas, **kw)
    return normalize(load(str(path)))


def _error(path: Path) -> Diagnostic:
    """The error that normalizing the spec at `path` stops with (loading it must succeed)."""
    doc = load(str(path))
    with pytest.raises(SpecError) as info:
        normalize(doc)
    return info.value.diagnostic


def _line_of(text: str, needle: str) -> int:
    matches = [i + 1 for i, line in enumerate(text.splitlines()) if needle in line]
    assert len(matches) == 1, (needle, matches)
    return matches[0]


def _module(result: ir.Normalized, component: str) -> ir.SchemaModule:
    found = [m for m in result.api.schemas if m.component == component]
    assert len(found) == 1, [m.component for m in result.api.schemas]
    return found[0]


def _object(result: ir.Normalized, component: str) -> ir.ObjectModel:
    primary = _module(result, component).primary
    assert isinstance(primary, ir.ObjectModel), primary
    return primary


def _alias(result: ir.Normalized, component: str) -> ir.AliasModel:
    primary = _module(result, component).primary
    assert isinstance(primary, ir.AliasModel), primary
    return primary


def _field(model: ir.ObjectModel, alias: str) -> ir.Field:
    found = [f for f in model.fields if f.alias == alias]
    assert len(found) == 1, [f.alias for f in model.fields]
    return found[0]


def _codes(result: ir.Normalized) -> list[str]:
    return [d.code for d in result.diagnostics]


# ---- the const rule ----------------------------------------------------------------------------

BATCH = """
VectorStoreFileBatchObject:
  type: object
  required: [id, object, file_counts]
  properties:
    id:
      type: string
    object:
      type: string
      enum: [vector_store.files_batch]
      x-stainless-const: true
      description: The object type, which is always `vector_store.file_batch`.
    file_counts:
      type: object
      required: [total]
      properties:
        total: {type: integer}
        in_progress: {type: integer}
"""


def test_const_description_mismatch_value_wins(tmp_path: Path) -> None:
    path, text = _spec(tmp_path, BATCH)
    result = normalize(load(str(path)))
    model = _object(result, "VectorStoreFileBatchObject")
    field = _field(model, "object")
    assert field.type == ir.LiteralOf(("vector_store.files_batch",))
    assert field.required is True
    assert field.description is not None
    assert "vector_store.files_batch" in field.description
    assert "vector_store.file_batch" not in field.description
    assert field.description == "The object type, which is always `vector_store.files_batch`."

    diags = [d for d in result.diagnostics if d.code == "const-description-mismatch"]
    assert len(diags) == 1
    assert len(result.diagnostics) == 1
    diag = diags[0]
    assert diag.severity.value == "warning"
    assert diag.location.line == _line_of(text, "description: The object type")
    assert diag.location.file == str(path)
    assert "vector_store.file_batch" in diag.message and "vector_store.files_batch" in diag.message
    rendered = diag.render()
    assert "\n" not in rendered and f"spec.yaml:{diag.location.line}:" in rendered


@pytest.mark.parametrize(
    "schema",
    [
        "{type: string, enum: [vector_store.files_batch], description: 'The object type, which is always `vector_store.files_batch`.'}",
        "{const: vector_store.files_batch, description: 'The object type, which is always `vector_store.files_batch`.'}",
        "{type: string, enum: [vector_store.files_batch], description: The object type.}",
        "{type: string, enum: [vector_store.files_batch]}",
        # Two values: not a constant, so no claim is checked.
        "{type: string, enum: [a, b], description: 'Is always `c`.'}",
        # Quoted prose is not a value claim.
        "{type: string, enum: [x], description: 'It will always be \"a thing that is not the value\".'}",
    ],
)
def test_const_without_mismatch_has_no_diagnostic(tmp_path: Path, schema: str) -> None:
    result = _norm(tmp_path, f"M:\n  type: object\n  properties:\n    object: {schema}\n")
    field = _field(_object(result, "M"), "object")
    assert isinstance(field.type, ir.LiteralOf)
    assert result.diagnostics == ()


def test_const_keyword_mismatch(tmp_path: Path) -> None:
    path, text = _spec(tmp_path, """
    M:
      type: object
      properties:
        type:
          const: response.done
          description: The event type, must be "response.completed".
    """)
    result = normalize(load(str(path)))
    field = _field(_object(result, "M"), "type")
    assert field.type == ir.LiteralOf(("response.done",))
    assert field.description == 'The event type, must be "response.done".'
    assert _codes(result) == ["const-description-mismatch"]
    assert result.diagnostics[0].location.line == _line_of(text, "description: The event type")


def test_const_mismatch_with_capitalised_always(tmp_path: Path) -> None:
    result = _norm(tmp_path, """
    M:
      type: object
      properties:
        object:
          type: string
          enum: [vector_store.files_batch]
          description: The object type. Always `vector_store.file_batch`.
    """)
    assert _codes(result) == ["const-description-mismatch"]
    assert "vector_store.file_batch" not in (_field(_object(result, "M"), "object").description or "")


def test_const_mismatch_line_for_key_with_percent(tmp_path: Path) -> None:
    path, text = _spec(tmp_path, """
    M:
      type: object
      properties:
        "rate%20limit":
          type: string
          enum: [x]
          description: which is always `y`.
    """)
    result = normalize(load(str(path)))
    assert _codes(result) == ["const-description-mismatch"]
    assert result.diagnostics[0].location.line == _line_of(text, "description: which is always")


# ---- inline object naming ---------------------------------------------------------------------


def test_inline_object_named_without_stutter(tmp_path: Path) -> None:
    result = _norm(tmp_path, BATCH)
    module = _module(result, "VectorStoreFileBatchObject")
    assert module.module == "vector_store_file_batch_object"
    field = _field(_object(result, "VectorStoreFileBatchObject"), "file_counts")
    assert field.type == ir.ModelRef("FileCounts", "vector_store_file_batch_object")
    inline = {m.name: m for m in module.inline}
    assert set(inline) == {"FileCounts"}
    counts = inline["FileCounts"]
    assert isinstance(counts, ir.ObjectModel)
    assert [(f.name, f.required, f.type) for f in counts.fields] == [("total", True, INT), ("in_progress", False, INT)]


def test_nested_inline_objects_are_prefixed_by_their_parent(tmp_path: Path) -> None:
    result = _norm(tmp_path, """
    Response:
      type: object
      properties:
        usage:
          type: object
          properties:
            input_tokens: {type: integer}
            input_tokens_details:
              type: object
              properties:
                cached_tokens: {type: integer}
            usage_breakdown:
              type: object
              properties:
                x: {type: integer}
    """)
    module = _module(result, "Response")
    usage = _field(_object(result, "Response"), "usage")
    assert usage.type == ir.ModelRef("Usage", "response")
    names = {m.name: m for m in module.inline}
    assert set(names) == {"Usage", "UsageInputTokensDetails", "UsageBreakdown"}
    usage_model = names["Usage"]
    assert isinstance(usage_model, ir.ObjectModel)
    assert _field(usage_model, "input_tokens_details").type == ir.ModelRef("UsageInputTokensDetails", "response")
    # `usage_breakdown` inside `Usage` does not stutter into `UsageUsageBreakdown`
    assert _field(usage_model, "usage_breakdown").type == ir.ModelRef("UsageBreakdown", "response")


def test_inline_name_does_not_collide_with_component_names(tmp_path: Path) -> None:
    result = _norm(tmp_path, """
    FileCounts:
      type: object
      properties:
        n: {type: integer}
    Batch:
      type: object
      properties:
        counts: {$ref: '#/components/schemas/FileCounts'}
        file_counts:
          type: object
          properties:
            total: {type: integer}
    """)
    batch = _object(result, "Batch")
    assert _field(batch, "counts").type == ir.ModelRef("FileCounts", "file_counts")
    inline_ref = _field(batch, "file_counts").type
    assert isinstance(inline_ref, ir.ModelRef)
    assert inline_ref.module == "batch"
    assert inline_ref.name != "FileCounts"
    assert [m.name for m in _module(result, "Batch").inline] == [inline_ref.name]


# ---- allOf ------------------------------------------------------------------------------------


def test_all_of_merges_base_properties_and_required(tmp_path: Path) -> None:
    result = _norm(tmp_path, """
    Base:
      type: object
      required: [id]
      properties:
        id: {type: string}
        created: {type: integer}
    Child:
      description: A child.
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          required: [name]
          properties:
            name: {type: string}
            tags: {type: array, items: {type: string}}
    """)
    child = _object(result, "Child")
    assert [(f.alias, f.required, f.type) for f in child.fields] == [
        ("id", True, STR),
        ("created", False, INT),
        ("name", True, STR),
        ("tags", False, ir.ArrayOf(STR)),
    ]
    assert child.description == "A child."


def test_all_of_that_merges_its_own_owner_refers_to_itself(tmp_path: Path) -> None:
    """`A.x: allOf [A, {…}]` merges A, whose x is the same allOf: the inline model's x is that model
    (the fuzz test found this as endless recursion)."""
    result = _norm(tmp_path, """
    A:
      type: object
      properties:
        x:
          allOf:
            - $ref: '#/components/schemas/A'
            - type: object
    """)
    x_type = _field(_object(result, "A"), "x").type
    assert isinstance(x_type, ir.ModelRef)
    inline = next(m for m in _module(result, "A").inline if m.name == x_type.name)
    assert isinstance(inline, ir.ObjectModel) and _field(inline, "x").type == x_type


def test_all_of_with_a_non_object_ref_keeps_the_reference(tmp_path: Path) -> None:
    """`A: array of allOf [A, string]`: the member that cannot merge is the type, as the reference
    it is written as (resolving it first went round forever)."""
    result = _norm(tmp_path, """
    A:
      type: array
      items:
        allOf:
          - $ref: '#/components/schemas/A'
          - type: string
    """)
    assert _alias(result, "A").type == ir.ArrayOf(ir.ModelRef("A", _module(result, "A").module))


def test_all_of_single_ref_with_description_stays_a_ref(tmp_path: Path) -> None:
    result = _norm(tmp_path, """
    X:
      type: object
      properties:
        a: {type: string}
    Holder:
      type: object
      properties:
        x:
          description: The X this belongs to.
          allOf:
            - $ref: '#/components/schemas/X'
    Wrapped:
      description: An X, described.
      allOf:
        - $ref: '#/components/schemas/X'
    """)
    field = _field(_object(result, "Holder"), "x")
    assert field.type == ir.ModelRef("X", "x")
    assert field.description == "The X this belongs to."
    assert _module(result, "Holder").inline == ()
    wrapped = _alias(result, "Wrapped")
    assert wrapped.type == ir.ModelRef("X", "x")
    assert wrapped.description == "An X, described."


# ---- unions and discriminators ---------------------------------------------------------------

PETS = """
Cat:
  type: object
  required: [type]
  properties:
    type: {type: string, enum: [cat]}
    meow: {type: boolean}
Dog:
  type: object
  required: [type]
  properties:
    type: {type: string, enum: [dog]}
    bark: {type: boolean}
"""
CAT_DOG = (ir.ModelRef("Cat", "cat"), ir.ModelRef("Dog", "dog"))


def test_one_of_with_declared_discriminator_without_mapping(tmp_path: Path) -> None:
    result = _norm(tmp_path, PETS + """
Pet:
  oneOf:
    - $ref: '#/components/schemas/Cat'
    - $ref: '#/components/schemas/Dog'
  discriminator:
    propertyName: type
""")
    assert _alias(result, "Pet").type == ir.UnionOf(CAT_DOG, "type")
    assert result.diagnostics == ()


def test_one_of_discriminator_inferred_from_distinct_type_constants(tmp_path: Path) -> None:
    result = _norm(tmp_path, PETS + """
Pet:
  oneOf:
    - $ref: '#/components/schemas/Cat'
    - $ref: '#/components/schemas/Dog'
""")
    assert _alias(result, "Pet").type == ir.UnionOf(CAT_DOG, "type")


def test_one_of_discriminator_inferred_for_const_keyword_and_inline_members(tmp_path: Path) -> None:
    result = _norm(tmp_path, """
Event:
  oneOf:
    - type: object
      title: Started
      required: [object]
      properties:
        object: {const: started}
    - type: object
      title: Stopped
      required: [object]
      properties:
        object: {const: stopped}
""")
    union = _alias(result, "Event").type
    assert isinstance(union, ir.UnionOf)
    assert union.discriminator == "object"
    assert union.members == (ir.ModelRef("Started", "event"), ir.ModelRef("Stopped", "event"))


@pytest.mark.parametrize(
    "members",
    [
        # same constant in both members
        """
A: {type: object, required: [type], properties: {type: {type: string, enum: [same]}}}
B: {type: object, required: [type], properties: {type: {type: string, enum: [same]}}}
""",
        # no constant at all
        """
A: {type: object, properties: {type: {type: string}}}
B: {type: object, properties: {type: {type: string}}}
""",
        # one member lacks the property
        """
A: {type: object, required: [type], properties: {type: {type: string, enum: [a]}}}
B: {type: object, properties: {other: {type: string}}}
""",
    ],
)
def test_one_of_without_distinct_constants_has_no_discriminator(tmp_path: Path, members: str) -> None:
    result = _norm(tmp_path, members + """
U:
  oneOf:
    - $ref: '#/components/schemas/A'
    - $ref: '#/components/schemas/B'
""")
    assert _alias(result, "U").type == ir.UnionOf((ir.ModelRef("A", "a"), ir.ModelRef("B", "b")), None)
    assert result.diagnostics == ()


def test_declared_but_unusable_discriminator_warns(tmp_path: Path) -> None:
    result = _norm(tmp_path, """
A: {type: object, properties: {kind: {type: string}}}
B: {type: object, properties: {kind: {type: string}}}
U:
  oneOf:
    - $ref: '#/components/schemas/A'
    - $ref: '#/components/schemas/B'
  discriminator: {propertyName: kind}
""")
    assert _alias(result, "U").type == ir.UnionOf((ir.ModelRef("A", "a"), ir.ModelRef("B", "b")), None)
    assert _codes(result) == ["discriminator-unusable"]
    assert result.diagnostics[0].location.line is not None


def test_union_of_primitives(tmp_path: Path) -> None:
    result = _norm(tmp_path, "U:\n  oneOf: [{type: string}, {type: integer}]\n")
    assert _alias(result, "U").type == ir.UnionOf((STR, INT), None)


# ---- nullable ---------------------------------------------------------------------------------


def _is_nullable_of(t: ir.TypeRef, inner: ir.TypeRef) -> bool:
    return isinstance(t, ir.UnionOf) and ir.NullType() in t.members and inner in t.members and len(t.members) == 2


def test_nullable_openapi_30(tmp_path: Path) -> None:
    result = _norm(tmp_path, """
    M:
      type: object
      properties:
        s: {type: string, nullable: true}
        r:
          nullable: true
          allOf: [{$ref: '#/components/schemas/Other'}]
        plain: {type: string}
    Other:
      type: object
      properties:
        a: {type: string}
    """, version="3.0.3")
    model = _object(result, "M")
    assert _is_nullable_of(_field(model, "s").type, STR)
    assert _is_nullable_of(_field(model, "r").type, ir.ModelRef("Other", "other"))
    assert _field(model, "plain").type == STR


def test_nullable_openapi_31_type_list(tmp_path: Path) -> None:
    result = _norm(tmp_path, """
    M:
      type: object
      properties:
        s: {type: [string, "null"]}
        n: {type: ["null", integer]}
        multi: {type: [string, integer, "null"]}
    """)
    model = _object(result, "M")
    assert _is_nullable_of(_field(model, "s").type, STR)
    assert _is_nullable_of(_field(model, "n").type, INT)
    multi = _field(model, "multi").type
    assert isinstance(multi, ir.UnionOf)
    assert set(multi.members) == {STR, INT, ir.NullType()}


def test_nullable_any_of_with_null_member(tmp_path: Path) -> None:
    result = _norm(tmp_path, """
    Other:
      type: object
      properties:
        a: {type: string}
    M:
      type: object
      properties:
        o:
          anyOf:
            - $ref: '#/components/schemas/Other'
            - type: "null"
        s:
          anyOf: [{type: string}, {type: "null"}]
    Metadata:
      anyOf:
        - type: object
          description: Set of key-value pairs.
          additionalProperties: {type: string}
        - type: "null"
    """)
    model = _object(result, "M")
    assert _is_nullable_of(_field(model, "o").type, ir.ModelRef("Other", "other"))
    assert _is_nullable_of(_field(model, "s").type, STR)
    metadata = _alias(result, "Metadata")
    assert _is_nullable_of(metadata.type, ir.MapOf(STR))
    assert metadata.description == "Set of key-value pairs."


def test_nullable_enum_with_null_value(tmp_path: Path) -> None:
    result = _norm(tmp_path, "M:\n  type: object\n  properties:\n    e: {type: string, enum: [a, b, null]}\n")
    assert _is_nullable_of(_field(_object(result, "M"), "e").type, ir.LiteralOf(("a", "b")))


# ---- recursion and maps -------------------------------------------------------------------------


def test_self_recursive_schema(tmp_path: Path) -> None:
    result = _norm(tmp_path, """
    Category:
      type: object
      properties:
        name: {type: string}
        parent: {$ref: '#/components/schemas/Category'}
        children:
          type: array
          items: {$ref: '#/components/schemas/Category'}
    """)
    model = _object(result, "Category")
    me = ir.ModelRef("Category", "category")
    assert _field(model, "children").type == ir.ArrayOf(me)
    assert _field(model, "parent").type == me
    assert _module(result, "Category").inline == ()


def test_mutually_recursive_schemas(tmp_path: Path) -> None:
    result = _norm(tmp_path, """
    A:
      type: object
      properties:
        b: {$ref: '#/components/schemas/B'}
    B:
      type: object
      properties:
        a: {$ref: '#/components/schemas/A'}
    """)
    assert _field(_object(result, "A"), "b").type == ir.ModelRef("B", "b")
    assert _field(_object(result, "B"), "a").type == ir.ModelRef("A", "a")


def test_additional_properties_map(tmp_path: Path) -> None:
    result = _norm(tmp_path, """
    M:
      type: object
      properties:
        labels:
          type: object
          additionalProperties: {type: string}
        anything:
          type: object
          additionalProperties: true
        counts:
          additionalProperties: {type: integer}
    Labels:
      type: object
      additionalProperties:
        type: array
        items: {type: string}
    """)
    model = _object(result, "M")
    assert _field(model, "labels").type == ir.MapOf(STR)
    assert _field(model, "anything").type == ir.MapOf(ir.AnyType())
    assert _field(model, "counts").type == ir.MapOf(INT)
    assert _alias(result, "Labels").type == ir.MapOf(ir.ArrayOf(STR))


def test_object_with_properties_and_typed_additional_properties(tmp_path: Path) -> None:
    result = _norm(tmp_path, """
    M:
      type: object
      properties:
        a: {type: string}
      additionalProperties: {type: integer}
    """)
    model = _object(result, "M")
    assert [f.alias for f in model.fields] == ["a"]
    assert model.extra == INT


# ---- unresolved $ref ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ref",
    ["#/components/schemas/Missing", "#/components/schemas/M/properties/nope", "other.yaml#/X"],
)
def test_unresolved_ref_raises_with_line(tmp_path: Path, ref: str) -> None:
    if ref.startswith("other.yaml"):
        (tmp_path / "other.yaml").write_text("Y: {type: string}\n", encoding="utf-8")
    path, text = _spec(tmp_path, f"""
    M:
      type: object
      properties:
        a:
          $ref: '{ref}'
    """)
    diag = _error(path)
    assert diag.code == "unresolved-ref"
    rendered = diag.render()
    assert ref in rendered
    assert "\n" not in rendered
    assert "spec.yaml" in rendered
    assert diag.location.line == _line_of(text, "$ref")


BROKEN_REF_PLACES = {
    # Places the converter never reads: only the check of every `$ref` sees them.
    "not": """
    M:
      type: object
      properties:
        a: {type: string}
      not:
        $ref: '#/components/schemas/Missing'
    """,
    "an extension": """
    M:
      type: string
      x-see-also:
        $ref: '#/components/schemas/Missing'
    """,
    "a schema nothing uses, under a property the converter skips": """
    M: {type: string}
    Unused:
      type: object
      properties:
        a: {type: string}
      x-example-of:
        $ref: '#/components/schemas/Missing'
    """,
    "a value that is not a string": """
    M:
      type: object
      not:
        $ref: 5
    """,
}


@pytest.mark.parametrize("place", list(BROKEN_REF_PLACES))
def test_a_ref_that_does_not_resolve_is_an_error_wherever_it_is(tmp_path: Path, place: str) -> None:
    """Whether a schema has an inline model or not (the walk that reserves names is skipped
    where none is named, see names.DeferredNameAllocator)."""
    path, text = _spec(tmp_path, BROKEN_REF_PLACES[place])
    diag = _error(path)
    assert diag.code == ("invalid-ref" if place == "a value that is not a string" else "unresolved-ref")
    assert diag.location.line == _line_of(text, "$ref")


def test_a_ref_that_does_not_resolve_in_a_response_nothing_uses_is_an_error(tmp_path: Path) -> None:
    text = textwrap.dedent("""\
        openapi: 3.0.3
        info: {title: T, version: '1'}
        paths: {}
        components:
          responses:
            Unused:
              description: unused
              content:
                application/json:
                  schema: {$ref: '#/components/schemas/Missing'}
        """)
    (tmp_path / "spec.yaml").write_text(text)
    diag = _error(tmp_path / "spec.yaml")
    assert diag.code == "unresolved-ref"
    assert diag.location.line == _line_of(text, "$ref")


def test_of_several_refs_that_do_not_resolve_the_first_in_the_file_is_said(tmp_path: Path) -> None:
    path, text = _spec(tmp_path, """
    A:
      type: object
      not: {$ref: '#/components/schemas/Gone'}
    B:
      type: object
      properties:
        x: {$ref: '#/components/schemas/Missing'}
      not: {$ref: '#/components/schemas/Gone'}
    """)
    diag = _error(path)
    assert diag.location.pointer == "#/components/schemas/A/not/$ref"
    assert diag.location.line == _line_of(text, "A:") + 2


# A `$ref` in data (an example, a default, an enum, an Example Object's value) is data, and a
# key `$ref` in a map of names is a name: neither is looked up (see generator/refplaces.py).
LITERAL_REFS = """
    Schema:
      type: object
      description: a JSON Schema, as an API that stores them shows one
      properties:
        $ref: {type: string}
        example:
          $ref: '#/components/schemas/Item'
        default: {type: integer}
        definition:
          type: object
          properties:
            name: {type: string}
          example: {$ref: '#/nowhere', type: file}
          default: {$ref: 'missing.yaml#/X'}
      example:
        $ref: '#/components/schemas/Missing'
      examples:
        - {$ref: 'gone.json'}
    Kind:
      enum: [{$ref: '#/a'}, {$ref: '#/b'}]
    Fixed:
      const: {$ref: '#/c'}
    Item: {type: string}
"""


def test_refs_in_examples_and_defaults_are_data_and_a_property_may_be_called_ref(tmp_path: Path) -> None:
    result = _norm(tmp_path, LITERAL_REFS)
    model = _object(result, "Schema")
    assert [f.alias for f in model.fields] == ["$ref", "example", "default", "definition"]
    assert (_field(model, "$ref").name, _field(model, "$ref").type) == ("ref", STR)
    assert _field(model, "example").type == ir.ModelRef("Item", "item")  # a property called `example` is a schema
    module = _module(result, "Schema")
    assert (module.example, module.has_example) == ({"$ref": "#/components/schemas/Missing"}, True)
    definition = _field(model, "definition")
    assert definition.example == {"$ref": "#/nowhere", "type": "file"}
    assert definition.default == {"$ref": "missing.yaml#/X"}


def test_a_ref_that_does_not_resolve_in_a_file_of_its_own_is_an_error_under_any_key(tmp_path: Path) -> None:
    """The top of a file a `$ref` reaches is read as every place was before `refplaces`: a link
    called `default` there is checked, though a `default` is data where the structure is known."""
    (tmp_path / "response.yaml").write_text("description: r\nlinks:\n  default: {$ref: '#/nowhere'}\n", encoding="utf-8")
    text = textwrap.dedent("""\
        openapi: 3.1.0
        info: {title: T, version: '1'}
        paths: {}
        components:
          responses:
            R: {$ref: 'response.yaml'}
        """)
    (tmp_path / "spec.yaml").write_text(text, encoding="utf-8")
    diag = _error(tmp_path / "spec.yaml")
    assert diag.code == "unresolved-ref"
    assert diag.location.pointer == "#/links/default/$ref"


def test_a_merged_property_from_another_file_keeps_its_examples_refs_as_written(tmp_path: Path) -> None:
    """allOf merges a property's two sides; the earlier side's refs are made absolute so they
    resolve from the later side's file, but not the refs in its example, which are data."""
    (tmp_path / "base.yaml").write_text(textwrap.dedent("""\
        Base:
          type: object
          properties:
            p:
              type: object
              properties:
                q: {$ref: 'base.yaml#/Q'}
              example: {$ref: 'schema.json'}
        Q: {type: string}
        """), encoding="utf-8")
    # The load follows every `$ref` in a file of its own, data or not (see refplaces): it must exist.
    (tmp_path / "schema.json").write_text("{}", encoding="utf-8")
    result = _norm(tmp_path, """
    M:
      allOf:
        - $ref: 'base.yaml#/Base'
        - type: object
          properties:
            p: {description: the later side}
    """)
    field = _field(_object(result, "M"), "p")
    assert field.example == {"$ref": "schema.json"}
    assert field.description == "the later side"


def test_examples_given_by_ref_to_an_example_object_are_read(tmp_path: Path) -> None:
    """A parameter's and a response's `examples` entries may be `$ref`s to components/examples:
    the first that gives a value is the example, as an inline Example Object's is."""
    (tmp_path / "spec.yaml").write_text(textwrap.dedent("""\
        openapi: 3.1.0
        info: {title: T, version: '1'}
        paths:
          /items:
            get:
              operationId: listItems
              parameters:
                - name: q
                  in: query
                  schema: {type: string}
                  examples:
                    elsewhere: {$ref: '#/components/examples/External'}
                    word: {$ref: '#/components/examples/Word'}
              responses:
                '200':
                  description: ok
                  content:
                    application/json:
                      schema: {type: object, properties: {id: {type: string}}}
                      examples:
                        one: {$ref: '#/components/examples/Item'}
        components:
          examples:
            External: {externalValue: 'https://example.com/q.txt'}
            Word: {value: shoes}
            Item: {summary: an item, value: {id: it_1, $ref: kept}}
        """), encoding="utf-8")
    (op,) = normalize(load(str(tmp_path / "spec.yaml"))).api.operations
    assert (op.parameters[0].example, op.parameters[0].has_example) == ("shoes", True)
    assert (op.responses[0].example, op.responses[0].has_example) == ({"id": "it_1", "$ref": "kept"}, True)


def test_an_example_whose_ref_leads_back_to_itself_is_skipped_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "spec.yaml").write_text(textwrap.dedent("""\
        openapi: 3.1.0
        info: {title: T, version: '1'}
        paths:
          /items:
            get:
              parameters:
                - name: q
                  in: query
                  schema: {type: string, example: from-the-schema}
                  examples:
                    loop: {$ref: '#/components/examples/Loop'}
              responses: {'204': {description: none}}
        components:
          examples:
            Loop: {$ref: '#/components/examples/Loop'}
        """), encoding="utf-8")
    result = normalize(load(str(tmp_path / "spec.yaml")))
    (op,) = result.api.operations
    assert (op.parameters[0].example, op.parameters[0].has_example) == ("from-the-schema", True)
    (warning,) = [d for d in result.diagnostics if d.code == "example-ref-loop"]
    assert "'loop' leads back to itself" in warning.message
    assert warning.location.pointer == "#/paths/~1items/get/parameters/0/examples/loop"


def test_ref_into_another_file_resolves(tmp_path: Path) -> None:
    (tmp_path / "common.yaml").write_text(
        "components:\n  schemas:\n    Name: {type: string, maxLength: 5}\n", encoding="utf-8"
    )
    result = _norm(tmp_path, """
    M:
      type: object
      properties:
        n: {$ref: 'common.yaml#/components/schemas/Name'}
    """)
    assert _field(_object(result, "M"), "n").type == ir.Primitive("str", None, ir.Constraints((("max_length", 5),)))


# ---- schema names -------------------------------------------------------------------------------


def test_schema_names_colliding_once_cased(tmp_path: Path) -> None:
    result = _norm(tmp_path, """
    Item:
      type: object
      properties:
        a: {type: string}
    item:
      type: object
      properties:
        b: {type: string}
    Item_:
      type: object
      properties:
        c: {type: string}
    Holder:
      type: object
      properties:
        upper: {$ref: '#/components/schemas/Item'}
        lower: {$ref: '#/components/schemas/item'}
    """)
    upper, lower, under = (_module(result, k) for k in ("Item", "item", "Item_"))
    assert (upper.primary.name, lower.primary.name, under.primary.name) == ("Item", "Item2", "Item3")
    assert (upper.module, lower.module, under.module) == ("item", "item2", "item3")
    classes = [m.primary.name.casefold() for m in result.api.schemas]
    modules = [m.module.casefold() for m in result.api.schemas]
    assert len(set(classes)) == len(classes)
    assert len(set(modules)) == len(modules)
    holder = _object(result, "Holder")
    assert _field(holder, "upper").type == ir.ModelRef("Item", "item")
    assert _field(holder, "lower").type == ir.ModelRef("Item2", "item2")


@pytest.mark.parametrize("key", ["class", "Field", "None", "BaseModel", "con", "from", "__init__", "123", "名前"])
def test_schema_named_like_a_reserved_word_gets_a_safe_name(tmp_path: Path, key: str) -> None:
    result = _norm(tmp_path, f"""
    "{key}":
      type: object
      properties:
        a: {{type: string}}
    """)
    module = _module(result, key)
    name = module.primary.name
    assert name.isidentifier() and not keyword.iskeyword(name)
    assert name not in RESERVED_CLASS_NAMES
    assert module.module.isidentifier() and not keyword.iskeyword(module.module)
    assert module.module.lower() not in RESERVED_FILE_STEMS
    assert module.module not in ("__init__", "init")


def test_schema_named_class_and_field_exact_names(tmp_path: Path) -> None:
    result = _norm(tmp_path, """
    class: {type: object, properties: {a: {type: string}}}
    Field: {type: object, properties: {a: {type: string}}}
    """)
    assert (_module(result, "class").primary.name, _module(result, "class").module) == ("Class", "class_")
    assert _module(result, "Field").primary.name == "Field_"


def test_field_names_in_one_model_are_unique_and_keep_their_alias(tmp_path: Path) -> None:
    result = _norm(tmp_path, """
    M:
      type: object
      properties:
        fooBar: {type: string}
        foo_bar: {type: string}
        class: {type: string}
        json: {type: string}
        _private: {type: string}
        "2fa": {type: string}
    """)
    model = _object(result, "M")
    # A JSON name that is already a valid attribute keeps it (models accept attribute names as
    # input too, so `fooBar` must not take the attribute `foo_bar` from the property `foo_bar`).
    assert [(f.name, f.alias) for f in model.fields] == [
        ("foo_bar2", "fooBar"),
        ("foo_bar", "foo_bar"),
        ("class_", "class"),
        ("json_", "json"),
        ("private", "_private"),
        ("field_2_fa", "2fa"),
    ]


def test_api_metadata(tmp_path: Path) -> None:
    result = _norm(tmp_path, "A: {type: string}\n")
    assert result.api.title == "Test API"
    assert result.api.package == "test_api"
    assert result.api.spec_name == "spec.yaml"
    assert [m.component for m in result.api.schemas] == ["A"]
    assert _alias(result, "A").type == STR


def test_unsupported_openapi_version(tmp_path: Path) -> None:
    path, _ = _spec(tmp_path, "A: {type: string}\n", version="4.0.0")
    diag = _error(path)
    assert diag.code == "not-openapi"
    assert diag.location.line == 1
