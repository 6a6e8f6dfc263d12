"""generator.names: every emitted name is a safe, readable identifier, and collisions get suffixes."""

from __future__ import annotations

import keyword

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.names import (
    DeferredNameAllocator,
    RESERVED_CLASS_NAMES,
    RESERVED_FIELD_NAMES,
    RESERVED_FILE_STEMS,
    NameAllocator,
    class_name,
    field_name,
    module_name,
    package_name,
    pascal_case,
    snake_case,
    split_words,
)

NASTY = [
    "class", "from", "None", "True", "async", "json", "schema", "model_config", "model_dump", "str",
    "self", "dict", "BaseModel", "Field", "Literal", "123abc", "2fa", "", " ", "_", "__", "é", "名前",
    "Ñandú", "a.b/c", "foo-bar", "x-stainless-const", "HTTPServer", "vectorStoreID", "IPv4Address",
    "Item", "item", "Item_", "con", "nul", "CON", "Com1", "lpt9", "aux", "__init__", "init", "-1",
    "💥", "a b", "\x00", "\n", "model", "Model",
]


def _valid(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name)


# ---- table tests ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("class", "Class"),
        ("from", "From"),
        ("None", "None_"),  # a keyword as spelled: must not be emitted as is
        ("True", "True_"),
        ("json", "Json"),
        ("schema", "Schema"),
        ("model_config", "ModelConfig"),
        ("str", "Str"),
        ("Field", "Field_"),  # the generated module imports pydantic.Field
        ("BaseModel", "BaseModel_"),
        ("Literal", "Literal_"),
        ("123abc", "Model123Abc"),
        ("2fa", "Model2Fa"),
        ("", "Model"),
        ("é", "E"),
        ("Ñandú", "Nandu"),
        ("名前", "Model"),  # nothing ASCII survives: the fallback
        ("a.b/c", "ABC"),
        ("foo-bar", "FooBar"),
        ("vector_store.file-batch", "VectorStoreFileBatch"),
        ("HTTPServer", "HTTPServer"),  # already PascalCase: kept as the spec spells it
        ("HTTPValidationError", "HTTPValidationError"),
        ("vectorStoreID", "VectorStoreId"),
        ("IPv4Address", "IPv4Address"),
        ("con", "Con_"),
        ("nul", "Nul_"),
        ("CON", "CON_"),
        ("Item_", "Item"),
    ],
)
def test_class_name(raw: str, expected: str) -> None:
    got = class_name(raw)
    assert got == expected
    assert _valid(got)
    assert got not in RESERVED_CLASS_NAMES


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("class", "class_"),
        ("from", "from_"),
        ("None", "none"),
        ("async", "async_"),
        ("json", "json_"),  # BaseModel.json
        ("schema", "schema_"),  # BaseModel.schema
        ("model_config", "model_config_"),
        ("model_dump", "model_dump_"),
        ("validate", "validate_"),
        ("str", "str_"),  # would shadow the builtin inside annotations
        ("self", "self_"),
        ("dict", "dict_"),
        ("123abc", "field_123_abc"),
        ("", "field"),
        ("_", "field"),
        ("_private", "private"),  # pydantic treats leading underscores as private
        ("__dunder__", "dunder"),
        ("é", "e"),
        ("名前", "field"),
        ("café_au_lait", "cafe_au_lait"),
        ("a.b/c", "a_b_c"),
        ("foo-bar", "foo_bar"),
        ("x-stainless-const", "x_stainless_const"),
        ("HTTPServer", "http_server"),
        ("vectorStoreID", "vector_store_id"),
        ("fooBar", "foo_bar"),
        ("con", "con_"),
        ("nul", "nul_"),
    ],
)
def test_field_name(raw: str, expected: str) -> None:
    got = field_name(raw)
    assert got == expected
    assert _valid(got)
    assert not got.startswith("_")
    assert got not in RESERVED_FIELD_NAMES


@pytest.mark.parametrize("fn", [field_name, module_name, snake_case])
def test_snake_keeps_acronym_before_lowercase_together(fn: object) -> None:
    assert callable(fn)
    assert fn("IPv4Address") in {"ipv4_address", "ip_v4_address"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("class", "class_"),
        ("from", "from_"),
        ("None", "none"),
        ("", "module"),
        ("名前", "module"),
        ("123abc", "m_123_abc"),
        ("a.b/c", "a_b_c"),
        ("foo-bar", "foo_bar"),
        ("VectorStoreFileBatchObject", "vector_store_file_batch_object"),
        ("HTTPServer", "http_server"),
        ("init", "init_"),
        ("__init__", "init_"),
        # Windows device names, whatever the case
        ("con", "con_"),
        ("CON", "con_"),
        ("Nul", "nul_"),
        ("aux", "aux_"),
        ("prn", "prn_"),
        ("COM1", "com1_"),
        ("lpt9", "lpt9_"),
        ("con.txt", "con_txt"),  # not a device name once the dot is gone
    ],
)
def test_module_name(raw: str, expected: str) -> None:
    got = module_name(raw)
    assert got == expected
    assert _valid(got)
    assert got.lower() not in RESERVED_FILE_STEMS
    assert got == got.lower()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("OpenAI Batches", "openai_batches"),
        ("Swagger Petstore - OpenAPI 3.0", "swagger_petstore_openapi_3_0"),
        ("", "api_client"),
        ("名前", "api_client"),
        ("3D Models", "api_3d_models"),
        ("class", "class_"),
        ("from", "from_"),
        ("Café API", "cafe_api"),
        ("con", "con_"),
        ("a.b/c", "a_b_c"),
    ],
)
def test_package_name(raw: str, expected: str) -> None:
    got = package_name(raw)
    assert got == expected
    assert _valid(got)


@pytest.mark.parametrize(
    ("raw", "snake", "pascal"),
    [
        ("", "", ""),
        ("class", "class", "Class"),  # the case functions do not fix keywords; the *_name ones do
        ("HTTPServer", "http_server", "HttpServer"),
        ("vectorStoreID", "vector_store_id", "VectorStoreId"),
        ("vectorStoreID-2x", "vector_store_id_2_x", "VectorStoreId2X"),
        ("a.b/c", "a_b_c", "ABC"),
        ("foo-bar_baz qux", "foo_bar_baz_qux", "FooBarBazQux"),
        ("é", "e", "E"),
        ("名前", "", ""),
        ("already_snake", "already_snake", "AlreadySnake"),
        ("HTTP", "http", "Http"),
        ("v2", "v2", "V2"),
    ],
)
def test_snake_and_pascal_case(raw: str, snake: str, pascal: str) -> None:
    assert snake_case(raw) == snake
    assert pascal_case(raw) == pascal


def test_split_words_docstring_example() -> None:
    assert split_words("vectorStoreID-2x") == ["vector", "Store", "ID", "2", "x"]


@pytest.mark.parametrize("raw", NASTY)
def test_every_name_function_yields_a_valid_identifier(raw: str) -> None:
    for fn in (class_name, field_name, module_name, package_name):
        got = fn(raw)
        assert _valid(got), (fn.__name__, raw, got)
        assert got.isascii()


# ---- the allocator ---------------------------------------------------------------------------


def test_class_names_colliding_once_cased_get_numeric_suffixes() -> None:
    alloc = NameAllocator()
    assert [alloc.allocate(class_name(n)) for n in ["Item", "item", "Item_"]] == ["Item", "Item2", "Item3"]


def test_field_names_colliding_once_cased_get_numeric_suffixes() -> None:
    alloc = NameAllocator()
    got = [alloc.allocate(field_name(n)) for n in ["fooBar", "foo_bar", "foo-bar", "FOO_BAR"]]
    assert got == ["foo_bar", "foo_bar2", "foo_bar3", "foo_bar4"]


def test_allocator_compares_case_insensitively() -> None:
    alloc = NameAllocator()
    assert alloc.allocate("ABC") == "ABC"
    assert alloc.allocate("Abc") == "Abc2"
    assert alloc.taken("abc") and alloc.taken("ABC2")
    assert not alloc.taken("abc3")


def test_allocator_skips_reserved_and_taken_suffixes() -> None:
    alloc = NameAllocator(reserved=["Item", "item2"])
    assert alloc.allocate("Item") == "Item3"
    alloc.reserve("Thing")
    assert alloc.allocate("thing") == "thing2"
    assert alloc.allocate("Item") == "Item4"


def test_allocator_first_comer_keeps_name() -> None:
    alloc = NameAllocator()
    assert alloc.allocate("Item2") == "Item2"
    assert alloc.allocate("Item") == "Item"
    # `Item2` is already taken by a real name: the next `Item` gets the next free suffix.
    assert alloc.allocate("Item") == "Item3"


ALLOCATE_ALL_CASES = {
    # wanted (member, name) in order, chosen names, reserved → final names, clashes
    "a chosen name is taken first; the member that wanted it gets the suffix": (
        [("a", "Item"), ("b", "Thing")], {"b": "Item2"}, [], {"a": "Item", "b": "Item2"}, {}),
    "a chosen name another member wants is a clash, not a suffix": (
        [("a", "Item"), ("b", "Thing")], {"b": "item"}, [], {"a": "Item", "b": "Thing"}, {"b": "a"}),
    "two members may swap names": (
        [("a", "A"), ("b", "B")], {"a": "B", "b": "A"}, [], {"a": "B", "b": "A"}, {}),
    "the same name chosen twice: the second clashes with the first": (
        [("a", "A"), ("b", "B"), ("c", "C")], {"a": "X", "c": "x"}, [], {"a": "X", "b": "B", "c": "C"}, {"c": "a"}),
    "a reserved name clashes with nobody": (
        [("a", "A")], {"a": "Client"}, ["Client"], {"a": "A"}, {"a": None}),
    "choosing one's own wanted name is fine": (
        [("a", "A"), ("b", "B")], {"a": "A"}, [], {"a": "A", "b": "B"}, {}),
    "... unless another member wants it too: that one would get a suffix": (
        [("a", "A"), ("b", "A")], {"a": "A"}, [], {"a": "A", "b": "A2"}, {"a": "b"}),
}


@pytest.mark.parametrize("case", sorted(ALLOCATE_ALL_CASES))
def test_allocate_all_with_chosen_names(case: str) -> None:
    wanted, chosen, reserved, names, clashes = ALLOCATE_ALL_CASES[case]
    assert NameAllocator(reserved).allocate_all(wanted, chosen) == (names, clashes)


# ---- properties ------------------------------------------------------------------------------

_names = st.lists(
    st.one_of(st.text(max_size=12), st.sampled_from(NASTY), st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True)),
    max_size=25,
)


def _check_allocation(names: list[str], fn: object) -> dict[str, str]:
    assert callable(fn)
    alloc = NameAllocator()
    mapping: dict[str, str] = {}
    allocated: list[str] = []
    for original in names:
        name = alloc.allocate(fn(original))
        mapping[original] = name
        allocated.append(name)
    assert all(original in mapping for original in names)
    assert len(mapping) == len(set(names))
    folded = [n.casefold() for n in allocated]
    assert len(set(folded)) == len(folded), allocated
    for name in allocated:
        assert name.isidentifier(), name
        assert not keyword.iskeyword(name), name
        assert name.isascii(), name
    return mapping


@settings(max_examples=300, deadline=None)
@given(_names)
def test_class_name_allocation_is_unique_and_valid(names: list[str]) -> None:
    mapping = _check_allocation(names, class_name)
    for name in mapping.values():
        assert name[0].isupper(), name
        assert name not in RESERVED_CLASS_NAMES


@settings(max_examples=300, deadline=None)
@given(_names)
def test_field_name_allocation_is_unique_and_valid(names: list[str]) -> None:
    mapping = _check_allocation(names, field_name)
    for name in mapping.values():
        assert not name.startswith("_"), name
        assert name not in RESERVED_FIELD_NAMES


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20))
def test_module_name_is_a_safe_file_stem(raw: str) -> None:
    name = module_name(raw)
    assert _valid(name)
    assert name == name.lower()
    assert name not in RESERVED_FILE_STEMS
    assert name != "__init__"


def test_deferred_allocator_finds_its_reserved_names_once_and_only_when_asked():
    calls: list[int] = []

    def reserved() -> list[str]:
        calls.append(1)
        return ["Foo"]

    names = DeferredNameAllocator(reserved)
    assert calls == []  # a scope that names nothing never walks its schema
    assert names.allocate("Foo") == "Foo2"
    assert names.taken("FOO") and names.allocate("Bar") == "Bar"
    assert calls == [1]
    assert DeferredNameAllocator(lambda: ["x"]).claim([("a", "X")], {"a": "X"}) == {"a": None}
