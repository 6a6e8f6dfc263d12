"""Naming: every name specloom emits comes from these pure functions and one allocator rule.

The pipeline: sanitize (fold to ASCII, drop what cannot be in an identifier) → split words
(camelCase, acronyms, digits, separators) → snake_case or PascalCase → fix reserved words.
Collisions are resolved only in `NameAllocator`, with one rule: the first comer (in spec order)
keeps the name, later ones get the smallest free numeric suffix 2, 3, … A name the user chose
(a rename in specloom.yaml) never gets a suffix: it is taken first, and if it is already taken,
or another member of the scope would get it, that is a clash to report. Names are compared
case-insensitively, so two names never differ only in case (they become file names on
case-insensitive file systems). Attribute names, which never become file names, are
compared case-sensitively.
"""

from __future__ import annotations

import functools
import keyword
import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

# An acronym with a version (`IPv4`) is one word; then acronyms before a capitalized word
# (`HTTPServer`), words with trailing digits (`md5`), acronyms, and bare numbers.
_WORD = re.compile(r"[A-Z]+[a-z][0-9]+(?![a-z])|[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+")

# Names a generated module uses itself: a class or alias must never shadow them.
RESERVED_CLASS_NAMES = frozenset(
    {"BaseModel", "Field", "ConfigDict", "Literal", "Any", "Annotated", "Union", "Optional",
     "TypeAlias", "List", "Dict", "None", "True", "False"}
)
# Names that are attributes of pydantic.BaseModel, or builtins and types that annotations use:
# a field named like these would shadow a method or break annotation evaluation.
RESERVED_FIELD_NAMES = frozenset(
    {"model_config", "model_fields", "model_computed_fields", "model_extra", "model_fields_set",
     "model_construct", "model_copy", "model_dump", "model_dump_json", "model_json_schema",
     "model_parametrized_name", "model_post_init", "model_rebuild", "model_validate",
     "model_validate_json", "model_validate_strings", "dict", "json", "copy", "parse_obj",
     "parse_raw", "parse_file", "from_orm", "construct", "schema", "schema_json", "validate",
     "update_forward_refs", "fields", "str", "int", "float", "bool", "bytes", "list", "self"}
)
# A package named like a module the SDK imports would shadow it (`pydantic/_base.py` importing
# itself), and so would one named like a standard-library module users import beside it.
RESERVED_PACKAGE_NAMES = frozenset(
    {"pydantic", "pydantic_core", "typing", "typing_extensions", "httpx", "anyio", "annotated_types",
     "json", "types", "datetime", "re", "os", "sys", "io", "abc", "enum", "collections", "functools",
     "asyncio", "email", "http", "logging", "string", "time", "uuid", "test", "importlib", "builtins"}
)
# Windows device names cannot be file names, whatever the extension.
RESERVED_FILE_STEMS = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
)


def ascii_fold(text: str) -> str:
    """Unicode to its closest ASCII letters (é → e); characters with no ASCII form are dropped."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def split_words(text: str) -> list[str]:
    """`vectorStoreID-2x` → ["vector", "Store", "ID", "2", "x"]."""
    return _WORD.findall(ascii_fold(text))


@functools.cache  # pure, and called for the same few thousand names again and again
def snake_case(text: str) -> str:
    return "_".join(w.lower() for w in split_words(text))


@functools.cache
def pascal_case(text: str) -> str:
    out = []
    for word in split_words(text):
        # Keep all-caps acronyms readable but regular: `ID` → `Id`, `HTTPServer` → `HttpServer`.
        out.append(word[:1].upper() + word[1:].lower())
    return "".join(out)


def _fix(name: str, *, fallback: str, digit_prefix: str, reserved: frozenset[str]) -> str:
    if not name:
        name = fallback
    if name[0].isdigit():
        name = digit_prefix + name
    if keyword.iskeyword(name) or name in reserved or name.lower() in RESERVED_FILE_STEMS:
        name += "_"
    return name


@functools.cache  # as snake_case: the same names come again and again (7,000 properties)
def class_name(raw: str) -> str:
    """A PascalCase class name: `vector_store.file-batch` → `VectorStoreFileBatch`.

    A name that already is a PascalCase ASCII identifier (`HTTPValidationError`) is kept as the
    spec spells it, so users find the spec's names in the SDK.
    """
    kept = raw.isascii() and raw.isidentifier() and raw[0].isupper() and "_" not in raw
    return _fix(raw if kept else pascal_case(raw), fallback="Model", digit_prefix="Model", reserved=RESERVED_CLASS_NAMES)


@functools.cache
def field_name(raw: str) -> str:
    """A snake_case attribute name; never leading underscores (pydantic makes those private)."""
    return _fix(snake_case(raw), fallback="field", digit_prefix="field_", reserved=RESERVED_FIELD_NAMES)


# A method of a resource class: keywords and the builtins its annotations use are out (but
# `list` is in: resource modules spell the type `List`, as openai-python does).
RESERVED_METHOD_NAMES = frozenset({"str", "int", "float", "bool", "bytes", "dict", "object", "type", "self"})


@functools.cache
def method_name(raw: str) -> str:
    return _fix(snake_case(raw), fallback="call", digit_prefix="call_", reserved=RESERVED_METHOD_NAMES)


@functools.cache
def module_name(raw: str) -> str:
    """A snake_case module name that is importable and a safe file name."""
    return _fix(snake_case(raw), fallback="module", digit_prefix="m_", reserved=frozenset({"init"}))


def package_name(raw: str) -> str:
    """A distribution's import name from a title: `OpenAI Batches` → `openai_batches`."""
    name = "_".join(w.lower() for w in re.findall(r"[A-Za-z0-9]+", ascii_fold(raw)))
    return _fix(name, fallback="api_client", digit_prefix="api_", reserved=RESERVED_PACKAGE_NAMES)


class NameAllocator:
    """Hands out unique names in one scope; see the module docstring for the rule."""

    def __init__(self, reserved: Iterable[str] = (), *, case_sensitive: bool = False) -> None:
        self._key = (lambda name: name) if case_sensitive else str.casefold
        self._taken: set[str] = {self._key(name) for name in reserved}

    def reserve(self, name: str) -> None:
        self._taken.add(self._key(name))

    def taken(self, name: str) -> bool:
        return self._key(name) in self._taken

    def allocate(self, name: str) -> str:
        candidate, n = name, 1
        while self._key(candidate) in self._taken:
            n += 1
            candidate = f"{name}{n}"
        self._taken.add(self._key(candidate))
        return candidate

    def claim(self, wanted: Sequence[tuple[K, str]], chosen: Mapping[K, str]) -> dict[K, K | None]:
        """Take the names chosen for some members of this scope, as they are, before any allocation.

        `wanted` lists every (member, wanted name) of the scope in order. A chosen name that is
        reserved, already taken, chosen twice, or wanted by a member without a chosen name is a
        clash: returned as member → the member it clashes with (None if none does), and not taken.
        """
        others: dict[str, K] = {}
        for member, name in wanted:
            if member not in chosen:
                others.setdefault(self._key(name), member)
        claimed: dict[str, K] = {}
        clashes: dict[K, K | None] = {}
        for member, _ in wanted:
            if member not in chosen:
                continue
            key = self._key(chosen[member])
            if key in self._taken or key in others:
                clashes[member] = claimed.get(key, others.get(key))
            else:
                self._taken.add(key)
                claimed[key] = member
        return clashes

    def allocate_all(self, wanted: Sequence[tuple[K, str]], chosen: Mapping[K, str]) -> tuple[dict[K, str], dict[K, K | None]]:
        """Final names for the (member, wanted name) pairs of this scope, in order: chosen names
        first (see `claim`), then the others first come first served. A member whose chosen name
        clashes allocates as if nothing was chosen, so the caller can report the clash and go on."""
        clashes = self.claim(wanted, chosen)
        names = {member: chosen[member] for member, _ in wanted if member in chosen and member not in clashes}
        for member, name in wanted:
            if member not in names:
                names[member] = self.allocate(name)
        return {member: names[member] for member, _ in wanted}, clashes


class DeferredNameAllocator(NameAllocator):
    """A `NameAllocator` whose reserved names are found when a name is first asked of it.

    A module's scope reserves the names of every component its schema refers to, and finding
    them walks the whole schema; but most scopes never name anything (on the OpenAI spec, 1,228
    of 1,422 schemas and 280 of 288 operations have no inline model), so most walks are saved.
    """

    def __init__(self, reserved: Callable[[], Iterable[str]], *, case_sensitive: bool = False) -> None:
        super().__init__(case_sensitive=case_sensitive)
        self._pending: Callable[[], Iterable[str]] | None = reserved

    def _ready(self) -> None:
        if self._pending is not None:
            reserved, self._pending = self._pending, None
            self._taken.update(self._key(name) for name in reserved())

    def reserve(self, name: str) -> None:
        self._ready()
        super().reserve(name)

    def taken(self, name: str) -> bool:
        self._ready()
        return super().taken(name)

    def allocate(self, name: str) -> str:
        self._ready()
        return super().allocate(name)

    def claim(self, wanted: Sequence[tuple[K, str]], chosen: Mapping[K, str]) -> dict[K, K | None]:
        self._ready()
        return super().claim(wanted, chosen)
