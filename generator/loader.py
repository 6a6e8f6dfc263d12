"""Load stage: a spec path becomes raw document trees, every file reachable through `$ref` included.

Nothing here interprets OpenAPI; it reads files, parses them (`parse` picks json, yaml-rs or
PyYAML), and can later say on which line a JSON pointer sits: `lines` reads it off the text in
milliseconds, and where it is not sure PyYAML composes the file's marks, a second, slow parse
(~0.9 s on the OpenAI spec) done only then.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import unquote

from . import lines, parse, refplaces, swagger2
from .diagnostics import Diagnostic, Location, Severity, SpecError, error
from .readfile import NotRegular, TooLarge, read_limited

MAX_SPEC_BYTES = 64 * 1024 * 1024
MAX_STRING_CHARS = 1_000_000
"""No description or name is this long; one that is would be copied into every page and docstring."""


@dataclass(frozen=True, slots=True)
class Limits:
    """How large a spec file, and a string in it, may be: a job's `limits` (or `--max-file-bytes`
    and `--max-string-chars`) raise them for a spec that really is that large."""

    max_file_bytes: int = MAX_SPEC_BYTES
    max_string_chars: int = MAX_STRING_CHARS


DEFAULT_LIMITS = Limits()
_RAISE_IT = "; raise the limit with the job's `limits: {{{key}: …}}` or --{flag}"
# Without aliases a document has fewer nodes than bytes; aliases may reuse a node a few times.
MAX_NODES_PER_BYTE = 4


def split_pointer(pointer: str) -> list[str]:
    """`#/a/b~1c` → ["a", "b/c"] (RFC 6901). The inverse of `join_pointer`.

    Pointers inside specloom are plain; a `$ref`'s URI fragment is percent-decoded before it
    gets here (see `fragment_pointer`).
    """
    body = pointer[1:] if pointer.startswith("#") else pointer
    if not body:
        return []
    if not body.startswith("/"):
        raise ValueError(f"not a JSON pointer: {pointer!r}")
    return [p.replace("~1", "/").replace("~0", "~") for p in body[1:].split("/")]


def fragment_pointer(fragment: str) -> str:
    """A `$ref`'s URI fragment (percent-encoded) as a plain JSON pointer."""
    return "#" + unquote(fragment.lstrip("#"))


def join_pointer(base: str, *parts: str | int) -> str:
    pointer = base or "#"
    for part in parts:
        part = str(part)
        if "~" in part or "/" in part:  # rare: most keys need no escaping, and a check is cheaper than two replaces
            part = part.replace("~", "~0").replace("/", "~1")
        pointer += "/" + part
    return pointer


def composed_position(root: Any, parts: Sequence[str]) -> lines.Position:
    """Where PyYAML's composed tree puts a pointer (1-based): a mapping entry at its key; where the
    pointer leaves the tree, the deepest node it reached."""
    import yaml  # type: ignore[import-untyped]  # only where the fast locator declines (see lines/)

    node, mark = root, root.start_mark
    for part in parts:
        if isinstance(node, yaml.MappingNode):
            entry = next((kv for kv in node.value if kv[0].value == part), None)
            if entry is None:
                break
            mark, node = entry[0].start_mark, entry[1]
        elif isinstance(node, yaml.SequenceNode) and part.isdigit() and int(part) < len(node.value):
            node = node.value[int(part)]
            mark = node.start_mark
        else:
            break
    return mark.line + 1, mark.column + 1


@dataclass(frozen=True, slots=True)
class Unplaced(Location):
    """A location from `Document.mark`: no line yet. `source`: the file's absolute path."""

    source: str = ""


@dataclass
class Document:
    """Every file of a spec, parsed, keyed by absolute path; `root` is the file the user named."""

    root: str
    trees: dict[str, Any]
    texts: dict[str, str]
    display: dict[str, str]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    moved: tuple[tuple[str, str], ...] = ()
    """(new prefix, old prefix) of root-file pointers that a conversion moved (Swagger 2.0)."""
    printable: set[str] = field(default_factory=set, repr=False)
    """Files whose text is known to hold no character YAML forbids (`parse.parse_yaml` read them)."""
    refs: dict[str, dict[Any, Any]] = field(default_factory=dict, repr=False)
    """Each file's `$ref` values, each with the place of a mapping that holds it (a path
    chain, see `chain_pointer`): the load's walk meets them all, so normalize need not walk the
    trees again to check that every one resolves."""
    _locators: dict[str, lines.Locator] = field(default_factory=dict, repr=False)
    _nodes: dict[str, Any] = field(default_factory=dict, repr=False)

    def sendable(self) -> tuple[bytes, Document]:
        """This document as a process sends it to another (`received` makes it whole): its trees
        and texts marshalled, at half pickle's cost to write and read (they hold JSON's types
        only: the load refuses any other), the rest to be pickled without the caches of lines,
        whose regex scanners cannot be pickled (they are made again where they are needed)."""
        import marshal

        return (marshal.dumps((self.trees, self.texts, self.refs)),
                replace(self, trees={}, texts={}, refs={}, _locators={}, _nodes={}))

    @staticmethod
    def received(sent: tuple[bytes, Document]) -> Document:
        import marshal

        packed, shell = sent
        trees, texts, refs = marshal.loads(packed)
        return replace(shell, trees=trees, texts=texts, refs=refs)

    def mark(self, file: str, pointer: str) -> Location:
        """A pointer's place, its line to be read off the text later (`placed`): reading lines is
        the one part of a warning that costs (~80 ms for the OpenAI spec's in minified JSON), so a
        build does it beside rendering rather than before it."""
        return Unplaced(self.display.get(file, file), pointer, source=file)

    def placed(self, diagnostics: Sequence[Diagnostic]) -> tuple[Diagnostic, ...]:
        """`diagnostics` with every location from `mark` given its line, as `locate` gives it."""
        return tuple(replace(d, location=self.locate(d.location.source, d.location.pointer))
                     if isinstance(d.location, Unplaced) else d for d in diagnostics)

    def locate(self, file: str, pointer: str) -> Location:
        """The file and line of a pointer; the line of a mapping entry is its key's line."""
        shown = self.display.get(file, file)
        source_pointer = pointer
        for new, old in self.moved if file == self.root else ():
            if pointer.startswith(new):
                source_pointer = old + pointer[len(new):]
                break
        parts = split_pointer(source_pointer)
        found = self._locator(file).find(parts)
        if found is None:
            found = self._composed(file, parts)
        return Location(shown, pointer) if found is None else Location(shown, pointer, *found)

    def _locator(self, file: str) -> lines.Locator:
        if file not in self._locators:
            text = self.texts.get(file)
            self._locators[file] = (lines.Declined() if text is None
                                    else lines.locator(text, printable=file in self.printable))
        return self._locators[file]

    def _composed(self, file: str, parts: list[str]) -> lines.Position | None:
        """Where PyYAML's composer puts the pointer: the answer `lines` gives when it is sure."""
        node = self._node_tree(file)
        return None if node is None else composed_position(node, parts)

    def _node_tree(self, file: str) -> Any:
        import yaml

        from .yaml12 import compose_yaml

        if file not in self._nodes:
            try:
                self._nodes[file] = compose_yaml(self.texts[file])
            except (yaml.YAMLError, KeyError):
                self._nodes[file] = None
        return self._nodes[file]


def _display_name(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def _is_json(path: str) -> bool:
    return path.endswith(".json")


def _parse(path: str, text: str, shown: str, *, unchecked: bool = False) -> tuple[Any, list[Diagnostic]]:
    try:
        if _is_json(path):
            data, duplicates = parse.parse_json(text)
        else:
            data, duplicates = parse.parse_yaml(text, alias_budget=_node_budget(text), unchecked=unchecked)
    except parse.ParseFailure as exc:
        raise error(exc.code, exc.message, Location(shown, "", exc.line, exc.col)) from None
    diags = [
        Diagnostic(Severity.WARNING, "duplicate-key", f"duplicate key {key!r}: the last one wins", Location(shown, "", line, col))
        for key, line, col in duplicates
    ]
    return data, diags


def _node_budget(text: str) -> int:
    return MAX_NODES_PER_BYTE * len(text) + 10_000


def _read(path: str, shown: str, referrer: Location | None, limits: Limits = DEFAULT_LIMITS, *, root: bool = False) -> str:
    """A spec file's text, no more than the limit (see `readfile`). The spec's own file may be a
    pipe (`<(command)`): the user named it. A file a `$ref` reaches must be a regular file."""
    where = referrer or Location(shown)
    try:
        raw = read_limited(path, limits.max_file_bytes, only_regular=not root)
    except TooLarge as exc:
        raise error("file-too-large", exc.message(shown, limits.max_file_bytes)
                    + _RAISE_IT.format(key="max_file_bytes", flag="max-file-bytes"), where) from None
    except FileNotFoundError:
        raise error("file-not-found", f"no such file: {shown}", where) from None
    except IsADirectoryError:
        raise error("file-not-found", f"{shown} is a directory, not a spec file", where) from None
    except NotRegular:
        raise error("file-unreadable", f"{shown} is not a regular file", where) from None
    except OSError as exc:
        raise error("file-unreadable", f"cannot read {shown}: {exc.strerror}", where) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error("invalid-encoding", f"{shown} is not UTF-8 (byte {exc.start})", where) from None


class _Refused(parse.ParseFailure):
    """A document past a limit, refused at a known place."""

    def __init__(self, code: str, message: str, pointer: str) -> None:
        super().__init__(code, message)
        self.pointer = pointer


class _NotJson(_Refused):
    """A value no JSON document holds, which YAML's tags make (`!!binary`, `!!set`, `!!omap`).
    Its text is of an ordinary size and depth, so the error can say its line."""


_JSON_SCALARS = (str, int, float, type(None))  # bool is an int
_YAML_ONLY: dict[type, str] = {bytes: "a `!!binary` value", set: "a `!!set`", frozenset: "a `!!set`", tuple: "an `!!omap` or `!!pairs` entry"}


def _not_json(value: Any, path: Any) -> _NotJson:
    kind = _YAML_ONLY.get(type(value), f"a value of type {type(value).__name__}")
    return _NotJson("not-json", f"{kind} is not JSON: an OpenAPI document holds only objects, arrays, strings, numbers, "
                    "booleans and null", chain_pointer(path))


def _walk(tree: Any, budget: int, max_string_chars: int = MAX_STRING_CHARS,
          every: dict[Any, Any] | None = None, *, top: int = refplaces.OBJECT,
          swagger2: bool = False) -> list[tuple[str, str]]:
    """The load's one walk over a file's tree, which checks its limits and finds its `$ref`s:
    (ref value, pointer of the $ref) for every `$ref` that names another file, returned; and
    into `every`, if given, each `$ref` value met (any type) with the path of a mapping that
    holds it, as a chain (see `chain_pointer`): what normalize checks resolves (`Document.refs`).

    YAML aliases make one node appear in many places, or inside itself: the walk counts every
    place it visits, and a tree that expands past `budget` nodes (an alias bomb, or a recursive
    alias) or past `parse.MAX_DEPTH` levels is refused before any later stage walks it, and so is
    a value JSON has not (`_not_json`). A node's path is kept as a chain of (parent, key) and
    joined into a pointer only for a `$ref`.

    A `$ref` counts only where it is a reference (see `refplaces`): not inside an example or a
    default, nor as the name of a property. `top`: how the tree's top is read (a file that a
    `$ref` reaches: `refplaces.UNKNOWN`); `swagger2`: the tree is part of a Swagger 2.0 spec.
    """
    found: list[tuple[str, str]] = []
    budget -= 1  # the root; every other node is counted with its parent's size
    if isinstance(tree, str) and len(tree) > max_string_chars:
        raise _long_string(tree, None, max_string_chars)
    if not isinstance(tree, (dict, list, *_JSON_SCALARS)):
        raise _not_json(tree, None)
    stack: list[tuple[Any, Any, int, int]] = [(tree, None, 1, top)] if isinstance(tree, (dict, list)) else []
    # Only collections go on the stack: scalars, most of a spec, are checked where they are met.
    inner, same, special, obj, names = refplaces.inner, refplaces.SAME, refplaces.SPECIAL_KEYS, refplaces.OBJECT, refplaces.NAMES
    while stack:
        node, path, depth, kind = stack.pop()
        budget -= len(node)
        if budget < 0:
            raise parse.ParseFailure("yaml-aliases", parse.ALIASES)
        if depth > parse.MAX_DEPTH:
            raise _Refused("nesting-too-deep", parse.TOO_DEEP, chain_pointer(path))
        if isinstance(node, dict):
            if "$ref" in node and refplaces.is_reference(kind):
                ref = node["$ref"]
                if isinstance(ref, str) and not ref.startswith("#"):
                    found.append((ref, chain_pointer(path)))
                if every is not None:  # the last place met is the first in the text: the walk goes last key first
                    every[ref if isinstance(ref, (str, int, float, bool)) or ref is None else _UNHASHABLE] = path
            children: Any = node.items()
            keyed = kind == obj or kind == names  # only these keys say how values are read (a list's are numbers)
        else:
            children = enumerate(node)
            keyed = False
        usual = same[kind]
        for key, value in children:
            if isinstance(value, (dict, list)):
                # Most keys are none of refplaces' few: no call for them.
                value_kind = (inner(kind, key, value, swagger2)
                              if keyed and (key in special or (key and key[0] == "x" and key[:2] == "x-")) else usual)
                stack.append((value, (path, key), depth + 1, value_kind))
            elif isinstance(value, str):
                if len(value) > max_string_chars:
                    raise _long_string(value, (path, key), max_string_chars)
            elif not isinstance(value, _JSON_SCALARS):
                raise _not_json(value, (path, key))
    return found


_UNHASHABLE = ("not a string",)
"""What `Document.refs` holds for a `$ref` whose value is a mapping or a list."""


def _long_string(value: str, path: Any, max_string_chars: int) -> _Refused:
    return _Refused("string-too-long", f"a string of {len(value)} characters, over the limit of {max_string_chars}"
                    + _RAISE_IT.format(key="max_string_chars", flag="max-string-chars"), chain_pointer(path))


def chain_pointer(path: Any) -> str:
    """The pointer of a path kept as a chain of (parent path, key) pairs, as walks over a whole
    tree keep it (building a pointer for every node costs more than the walk): the chain ends in
    None (the document's root) or in the pointer the walk started from."""
    parts = []
    while path is not None and not isinstance(path, str):
        path, key = path
        parts.append(key)
    return join_pointer(path or "#", *reversed(parts))


def ref_file(ref: str, base_file: str) -> str:
    """The absolute path a `$ref` points into (the base file itself for local refs)."""
    target = ref.split("#", 1)[0]
    if not target:
        return base_file
    return os.path.normpath(os.path.join(os.path.dirname(base_file), unquote(target)))


@dataclass(frozen=True, slots=True)
class RootCheck:
    """The check a load with `unchecked_root` skips, made by the caller meanwhile (a load that
    runs in another process, see pipeline.py): whether yaml-rs reads the root file as yaml12
    does (`parse.may_differ`, ~25 ms on the OpenAI spec), and the text it was made on."""

    text: str | None
    """The root file's text, None if it cannot be read (`load` says why)."""
    fast: bool
    """Whether yaml-rs reads that text as yaml12 does: if not, the unchecked load is not used."""

    @classmethod
    def of(cls, path: str, limits: Limits = DEFAULT_LIMITS) -> RootCheck | None:
        """The check for the spec at `path`; None for a JSON root, which needs none."""
        root = os.path.abspath(path)
        if _is_json(root):
            return None
        try:
            text = _read(root, path, None, limits, root=True)
        except SpecError:
            return cls(None, False)
        return cls(text, not parse.may_differ(text))

    def holds(self, document: Document) -> bool:
        """Whether `document`, loaded with `unchecked_root`, is what `load` gives: its root text
        is the one checked (not changed in between) and yaml-rs reads it as yaml12 does."""
        return self.fast and document.texts.get(document.root) == self.text


def load(path: str, limits: Limits = DEFAULT_LIMITS, *, unchecked_root: bool = False) -> Document:
    """Read the spec at `path` and every file its `$ref`s reach. `unchecked_root`: the root file,
    if YAML, is read by yaml-rs without `RootCheck`'s check, which the caller makes."""
    root = os.path.abspath(path)
    doc = Document(root=root, trees={}, texts={}, display={})
    queue: list[tuple[str, Location | None]] = [(root, None)]
    while queue:
        file, referrer = queue.pop(0)
        if file in doc.trees:
            continue
        shown = _display_name(file) if file != root else path
        doc.display[file] = shown
        text = _read(file, shown, referrer, limits, root=file == root)
        doc.texts[file] = text
        tree, diags = _parse(file, text, shown, unchecked=unchecked_root and file == root)
        doc.trees[file] = tree
        if not _is_json(file):
            doc.printable.add(file)
        doc.diagnostics.extend(diags)
        try:
            every = doc.refs[file] = {}
            refs = _walk(tree, budget=_node_budget(text), max_string_chars=limits.max_string_chars, every=every,
                         top=refplaces.OBJECT if file == root else refplaces.UNKNOWN,
                         swagger2=swagger2.is_swagger2(doc.trees[root]))
        except _NotJson as exc:
            raise error(exc.code, exc.message, doc.locate(file, exc.pointer)) from None
        except _Refused as exc:
            # No line: finding one means composing the whole (huge or deep) text again.
            raise error(exc.code, exc.message, Location(shown, exc.pointer)) from None
        except parse.ParseFailure as exc:
            raise error(exc.code, exc.message, Location(shown)) from None
        for ref, where in refs:
            if "://" in ref.split("#", 1)[0]:
                raise error("remote-ref", f"remote $ref {ref!r} is not supported", doc.locate(file, where))
            queue.append((ref_file(ref, file), doc.locate(file, where)))
    if not isinstance(doc.trees[root], dict):
        raise error("not-openapi", f"{path} is not an OpenAPI document (top level is not a mapping)", Location(path))
    if swagger2.is_swagger2(doc.trees[root]):
        doc.trees[root] = swagger2.convert(doc.trees[root])
        doc.moved = swagger2.MOVED
        doc.refs[root] = {}  # its refs as converted, found again
        # (As its first walk read it: what 2.0's conversion keeps of an `examples` is data.)
        _walk(doc.trees[root], budget=_node_budget(doc.texts[root]), every=doc.refs[root], swagger2=True)
    return doc
