"""generator.refplaces: the few keys that change how a walk reads a value, and nothing else."""

from __future__ import annotations

import pytest

from generator.refplaces import LITERAL, NAMES, OBJECT, SPECIAL_KEYS, UNKNOWN, inner

ORDINARY = ["type", "items", "allOf", "schema", "requestBody", "get", "components", "info", "servers", "additionalProperties",
            "not", "prefixItems", "then", "", "xy", "x", "X-Upper", "-x"]


@pytest.mark.parametrize("key", ORDINARY)
def test_an_ordinary_key_of_an_object_holds_an_object(key: str) -> None:
    """What SPECIAL_KEYS says: elsewhere in an OBJECT (extensions aside), a value is an OBJECT.
    (tests/test_loader.py checks that the load's walk, which asks only there, agrees.)"""
    assert key not in SPECIAL_KEYS
    assert inner(OBJECT, key, {}) == inner(OBJECT, key, []) == OBJECT


def test_the_special_keys_do_change_how_an_objects_value_is_read() -> None:
    changed = {key: inner(OBJECT, key, {}) for key in SPECIAL_KEYS}
    assert all(kind != OBJECT for kind in changed.values()), changed
    assert inner(OBJECT, "x-anything", {}) == inner(NAMES, "x-anything", []) == UNKNOWN  # Paths, Responses: extensions too
    assert inner(NAMES, "default", {}) == inner(NAMES, "example", {}) == OBJECT  # names, not keywords
    assert inner(UNKNOWN, "example", {}) == inner(UNKNOWN, "properties", {}) == UNKNOWN  # as before refplaces: all
    assert (inner(OBJECT, "examples", []), inner(OBJECT, "examples", {}), inner(OBJECT, "examples", {}, swagger2=True)) \
        == (LITERAL, NAMES, LITERAL)
