"""YAML loading with YAML 1.2 core-schema scalars on top of PyYAML's C parser.

OpenAPI 3.1 asks for YAML 1.2, and real specs trip over YAML 1.1's implicit types: `on`/`yes`
become booleans, `2024-01-01` a `datetime.date`, `010` an octal 8, and unquoted status codes
(`200:`) int keys. Here only the 1.2 core schema's forms are resolved, and every mapping key
becomes a string, so a spec means the same whichever YAML version its author had in mind.
"""

from __future__ import annotations

import re
from typing import Any

import yaml  # type: ignore[import-untyped]  # no stubs: PyYAML's classes are Any here

from .parse import ParseFailure, key_to_str

try:  # PyYAML built without libyaml still works, only slower.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _BaseLoader

_CORE_RESOLVERS: list[tuple[str, re.Pattern[str], str | list[str]]] = [
    # The empty plain scalar (`default:`) is null too; PyYAML files it under the first character "".
    ("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF"),
    ("tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        re.compile(
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
        "-+0123456789.",
    ),
]


class _Core12:
    """YAML 1.2 core-schema construction, for either parser."""

    duplicate_keys: list[tuple[str, int, int]]

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        text = str(self.construct_scalar(node))  # type: ignore[attr-defined]
        sign = -1 if text.startswith("-") else 1
        digits = text.lstrip("+-")
        if digits.startswith("0o"):
            return sign * int(digits[2:], 8)
        if digits.startswith("0x"):
            return sign * int(digits[2:], 16)
        return sign * int(digits, 10)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[str, Any]:
        # Duplicates among the keys written here, compared as the strings they become (`1` and `01`,
        # `200` and `"200"`); keys merged in by `<<` may be overridden.
        construct = self.construct_object  # type: ignore[attr-defined]
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                key = self._key(key_node, deep)
                if key in seen:
                    mark = key_node.start_mark
                    self.duplicate_keys.append((key, mark.line + 1, mark.column + 1))
                seen.add(key)
        self.flatten_mapping(node)  # type: ignore[attr-defined]  # YAML merge keys (`<<`)
        return {self._key(k, deep): construct(v, deep=deep) for k, v in node.value}

    def _key(self, node: yaml.Node, deep: bool) -> str:
        """A key as a string; a `!!binary` one is refused at its line, as the load refuses a
        `!!binary` value (loader._not_json)."""
        value = self.construct_object(node, deep=deep)  # type: ignore[attr-defined]
        if isinstance(value, bytes):
            mark = node.start_mark
            raise ParseFailure("not-json", "a `!!binary` key is not JSON: mapping keys are strings", mark.line + 1,
                               mark.column + 1)
        return key_to_str(value)


class Loader(_Core12, _BaseLoader):  # type: ignore[misc]
    """CSafeLoader with YAML 1.2 core-schema resolution and string keys."""

    yaml_implicit_resolvers: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self.duplicate_keys = []


class _RedefiningComposer(yaml.composer.Composer):  # type: ignore[misc]
    """YAML lets a later anchor reuse a name (aliases then mean the latest); PyYAML refuses."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if not isinstance(event, yaml.AliasEvent) and event.anchor is not None:
            self.anchors.pop(event.anchor, None)
        return super().compose_node(parent, index)


class PyLoader(_Core12, yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, _RedefiningComposer,  # type: ignore[misc]
               yaml.constructor.SafeConstructor, yaml.resolver.Resolver):  # type: ignore[misc]
    """The pure-Python parser, slower: used only for documents that redefine an anchor
    (OpenAI's 2024 spec does), which libyaml's composer refuses."""

    yaml_implicit_resolvers: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}

    def __init__(self, stream: Any) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _RedefiningComposer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self.duplicate_keys = []


for _loader in (Loader, PyLoader):
    for _tag, _regexp, _first in _CORE_RESOLVERS:
        _loader.add_implicit_resolver(_tag, _regexp, list(_first))
    # Keep `<<` merge keys working: they are resolved implicitly in PyYAML.
    _loader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])
    _loader.add_constructor("tag:yaml.org,2002:int", _Core12.construct_yaml_int)
    # Explicit `!!timestamp` tags are the only way to get one; keep them as their text.
    _loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.constructor.SafeConstructor.construct_yaml_str)


def _redefines_anchor(exc: yaml.YAMLError) -> bool:
    return isinstance(exc, yaml.composer.ComposerError) and "duplicate anchor" in str(exc.context or "")


def load_yaml(text: str) -> tuple[Any, list[tuple[str, int, int]]]:
    """Parse YAML text; return the data and the duplicate keys seen (key, line, column)."""
    try:
        return _run(Loader, text, "get_single_data")
    except yaml.YAMLError as exc:
        if not _redefines_anchor(exc):
            raise
    return _run(PyLoader, text, "get_single_data")


def compose_yaml(text: str) -> yaml.Node | None:
    """The node tree, with marks, for locating a JSON pointer's line."""
    try:
        return _run(Loader, text, "get_single_node")[0]
    except yaml.YAMLError as exc:
        if not _redefines_anchor(exc):
            raise
    return _run(PyLoader, text, "get_single_node")[0]


def _run(cls: Any, text: str, method: str) -> tuple[Any, list[tuple[str, int, int]]]:
    loader = cls(text)
    try:
        return getattr(loader, method)(), loader.duplicate_keys
    finally:
        loader.dispose()


_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def structure_problem(text: str, max_depth: int) -> tuple[str, Any] | None:
    """("too-deep" or "recursive-alias", mark) for the first such spot, else None.

    Reads libyaml's events, which builds no nodes and does not recurse, so it is safe on input
    that would overflow the composer's C stack or make PyYAML build a self-containing list.
    """
    depth = 0
    anchors: list[str | None] = []
    complete: dict[str, bool] = {}  # the latest node of each anchor name: is it closed yet?
    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, _OPEN):
            depth += 1
            if depth > max_depth:
                return "too-deep", event.start_mark
            anchors.append(event.anchor)
            if event.anchor is not None:
                complete[event.anchor] = False
        elif isinstance(event, _CLOSE):
            depth -= 1
            anchor = anchors.pop()
            if anchor is not None:
                complete[anchor] = True
        elif isinstance(event, yaml.ScalarEvent) and event.anchor is not None:
            complete[event.anchor] = True
        elif isinstance(event, yaml.AliasEvent) and complete.get(event.anchor) is False:
            return "recursive-alias", event.start_mark
    return None
