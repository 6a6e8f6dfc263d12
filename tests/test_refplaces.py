"""generator.refplaces: the few keys that change how a walk reads a value, and nothing else."""

from __future__ import annotations

import pytest

from generator import refplaces
from generator.refplaces import LITERAL, NAMES, OBJECT, SAME, SPECIAL_KEYS, UNKNOWN, inner

ORDINARY = ["type", "items", "allOf", "schema", "requestBody", "get", "components", "info", "servers", "additionalProperties",
            "not", "prefixItems", "then", "", "xy", "x", "X-Upper", "-x"]


@pytest.mark.parametrize("key", ORDINARY)
def test_an_ordinary_key_of_an_object_holds_an_object(key: str) -> None:
    """The load's walk calls `inner` only for SPECIAL_KEYS and extensions: elsewhere in an
    OBJECT it takes OBJECT without asking, which must be what `inner` says."""
    assert key not in SPECIAL_KEYS
    assert inner(OBJECT, key, {}) == inner(OBJECT, key, []) == OBJECT


@pytest.mark.parametrize("kind", [OBJECT, NAMES, LITERAL, UNKNOWN])
@pytest.mark.parametrize("key", [*sorted(SPECIAL_KEYS), *ORDINARY, "x-codeSamples", 0, 3])
def test_what_a_value_is_read_as_where_its_key_does_not_matter(kind: int, key: str | int) -> None:
    """Only an OBJECT's keys matter; a list's values (keyed by number) and any other kind's are
    read as SAME says."""
    if kind == OBJECT and isinstance(key, str):
        return
    for value in ({}, []):
        assert inner(kind, key, value) == SAME[kind] == refplaces.same(kind)


def test_the_special_keys_do_change_how_an_objects_value_is_read() -> None:
    changed = {key: inner(OBJECT, key, {}) for key in SPECIAL_KEYS}
    assert all(kind != OBJECT for kind in changed.values()), changed
    assert inner(OBJECT, "x-anything", {}) == UNKNOWN
    assert (inner(OBJECT, "examples", []), inner(OBJECT, "examples", {}), inner(OBJECT, "examples", {}, swagger2=True)) \
        == (LITERAL, NAMES, LITERAL)
