"""Where a `$ref` key is a reference: how a walk over a spec's tree reads each collection in it.

A `$ref` is a reference only where the document's structure puts an object: a schema, a
parameter, a response, a path item. Two kinds of place hold something else:
- literal values: a schema's `example`, `default`, `enum` and `const`, its list of `examples`,
  an Example Object's `value` (and Swagger 2.0's `examples`). They are data, copied as written,
  whatever keys they have: an API that serves JSON Schemas shows `{"$ref": ...}` in its examples.
  (swagger-ui and Redocly stopped resolving there; Spectral has it as an open bug.)
- maps of names: `properties`, `paths`, `responses`, `content`, the sections of `components`…
  Their keys are names: a property called `$ref` is a property, a response called `default` is
  a response, not a keyword.
That is read from the root file's structure. The top of another file is read as the walks read
every place before: each `$ref` in it counts, data or not, since a file does not say what it
holds (a schema, whose `properties` may hold one called `value`, or a map of components, one of
which may be called `properties`). So is all an extension (`x-…`) holds: tools resolve there.
"""

from __future__ import annotations

from typing import Any

OBJECT, NAMES, LITERAL, UNKNOWN = 0, 1, 2, 3
"""How a collection is read. OBJECT: its keys are keywords, its `$ref` a reference. NAMES: its
keys are names, each value an OBJECT. LITERAL: data, all the way down. UNKNOWN: the top of a
file that a `$ref` reaches, or an extension's value, and all below it: every `$ref` counts."""

_LITERAL_KEYS = frozenset({"example", "default", "enum", "const", "value", "dataValue", "serializedValue"})
_NAMES_KEYS = frozenset({
    # JSON Schema
    "properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies",
    # OpenAPI (3.x, and Swagger 2.0's own sections)
    "paths", "webhooks", "callbacks", "responses", "content", "encoding", "headers", "links", "variables",
    "schemas", "parameters", "requestBodies", "securitySchemes", "securityDefinitions", "pathItems",
    "mediaTypes", "mapping", "scopes",
})

SPECIAL_KEYS = _LITERAL_KEYS | _NAMES_KEYS | {"examples"}
"""With the keys of extensions (`x-…`), the keys at which the value of an OBJECT is not read as an
OBJECT itself (see `inner`). In a map of names only extensions' keys matter; a value of any other
kind of collection (and every value of a list) is read as `SAME` says."""


def inner(kind: int, key: Any, value: dict[str, Any] | list[Any], swagger2: bool = False) -> int:
    """How to read `value`, a mapping or a list found at `key` (an index, in a list) in a
    collection read as `kind`. `swagger2`: a Swagger 2.0 document, whose `examples` (a
    response's, by media type) are data."""
    if (kind == OBJECT or kind == NAMES) and isinstance(key, str) and key.startswith("x-"):
        return UNKNOWN  # an extension (in Paths, Responses or a Callback, perhaps a name: either way, kept)
    if kind != OBJECT:
        return SAME[kind]
    if key in _LITERAL_KEYS:
        return LITERAL
    if key == "examples":  # a schema's list of values, or 3.x's map of Example Objects by name
        return LITERAL if swagger2 or isinstance(value, list) else NAMES
    if key in _NAMES_KEYS and isinstance(value, dict):
        return NAMES
    return OBJECT


SAME = (OBJECT, OBJECT, LITERAL, UNKNOWN)
"""`SAME[kind]`: how the values of a collection read as `kind` are read where their keys do not
matter (every value of a list, or of anything but an OBJECT, and most values of an OBJECT)."""


def is_reference(kind: int) -> bool:
    """Whether a `$ref` key of a mapping read as `kind` is a reference."""
    return kind == OBJECT or kind == UNKNOWN
