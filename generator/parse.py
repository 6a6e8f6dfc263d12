"""Load stage, parsing: a file's text becomes a tree by the fastest parser that reads it as yaml12 would.

JSON goes to the stdlib `json`. YAML goes to yaml-rs (Rust, about 15× faster than PyYAML's C
loader on the OpenAI spec), then its tree is checked against yaml12's rules: YAML 1.2 core-schema
scalars, string keys, duplicate keys with their line, aliases that cannot bomb or recurse. Where
yaml-rs might read a document differently (a tag, a merge key `<<`, a number spelled with `_` or
`0b`, a control character, a key that is only unique before it becomes a string) or refuses one,
the document goes to PyYAML (yaml12) exactly as before, so the fast path never changes a meaning.
Both paths refuse the same hostile inputs with the same codes: `yaml-aliases`, `nesting-too-deep`.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

# PyYAML (and yaml12 on top of it) is imported where it is used: JSON and the texts yaml-rs reads
# never need it, and importing it is ~15 ms of every run.

# Deeper than any real spec (OpenAI's is 21), and the depth at which yaml-rs stops flow
# collections ("recursion limit exceeded"): past it every path refuses alike, before any
# recursive code (ours, json, libyaml's composer, which overflows the C stack) sees the tree.
MAX_DEPTH = 255

ALIASES = "aliases expand the document past its size limit (an alias bomb, or a recursive alias)"
TOO_DEEP = f"the document nests more than {MAX_DEPTH} levels deep"
Duplicates = list[tuple[str, int | None, int | None]]


class ParseFailure(Exception):
    """An unreadable or refused text: a diagnostic code, a one-line message, and where (1-based)."""

    def __init__(self, code: str, message: str, line: int | None = None, col: int | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.line, self.col = code, message, line, col


def key_to_str(key: Any) -> str:
    """A mapping key as the string yaml12 gives it (`200` → "200", `true` → "true", `~` → "null")."""
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    if isinstance(key, (int, float)):
        return repr(key)
    return str(key)


class _Fallback(Exception):
    """yaml-rs refused the text or might read it differently: PyYAML decides."""


def parse_json(text: str) -> tuple[Any, Duplicates]:
    """A `.json` file: read as JSON always (NaN and Infinity included, as `json` does)."""
    try:
        data, duplicated = _json(text, strict=False)
    except json.JSONDecodeError as exc:
        raise ParseFailure("invalid-json", f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    return data, _json_duplicates(text) if duplicated else []


def parse_yaml(text: str, *, alias_budget: int, unchecked: bool = False) -> tuple[Any, Duplicates]:
    """A YAML file: JSON text by `json`, the rest by yaml-rs where it agrees with yaml12, else PyYAML.
    `unchecked`: yaml-rs reads the text without `may_differ`'s check, which the caller makes
    (elsewhere, meanwhile); where it finds the text may differ, the result must not be used."""
    if text.lstrip()[:1] == "{" and not has_unprintable(text):
        try:
            data, duplicated = _json(text, strict=True)
            if not duplicated:
                return data, []
        except (json.JSONDecodeError, _Fallback):
            pass  # YAML flow syntax, or JSON that YAML reads differently: parse it as YAML
    try:
        return _fast_yaml(text, alias_budget, unchecked=unchecked), []
    except _Fallback:
        return _pyyaml(text)


# ---- JSON ----------------------------------------------------------------------------------------


def _json(text: str, *, strict: bool) -> tuple[Any, bool]:
    """The data and whether some object repeats a key (`json` silently keeps the last)."""
    duplicated = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal duplicated
        obj = dict(items)
        duplicated = duplicated or len(obj) != len(items)
        return obj

    def constant(name: str) -> Any:
        if strict:  # `NaN` is not JSON; in YAML it is the string "NaN"
            raise _Fallback
        return float(name)

    try:
        return json.loads(text, object_pairs_hook=pairs, parse_constant=constant), duplicated
    except RecursionError:
        raise ParseFailure("nesting-too-deep", TOO_DEEP) from None


def _json_duplicates(text: str) -> Duplicates:
    """Each repeated key with its line; PyYAML reads JSON's structure and keeps the marks."""
    import yaml  # type: ignore[import-untyped]

    from . import yaml12

    try:
        return [(key, line, col) for key, line, col in yaml12.load_yaml(text)[1]]
    except yaml.YAMLError:  # JSON that YAML 1.1 cannot read: name the keys without a line
        return [(key, None, None) for key in _repeated_json_keys(text)]


def _repeated_json_keys(text: str) -> list[str]:
    repeated: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        for key, _ in items:
            if key in seen:
                repeated.append(key)
            seen.add(key)
        return dict(items)

    json.loads(text, object_pairs_hook=pairs)
    return repeated


# ---- YAML: yaml-rs, and when it may differ, PyYAML ---------------------------------------------

# Where yaml-rs might read a text differently from yaml12, found by a literal-led search (a
# regex that starts with a character class scans ~20× slower on 3 MB) and checked by hand.
_UNDERSCORE = re.compile(r"_(?:(?=[0-9.eE+-])|(?<=[0-9.]_))")  # `1_000`, `1_.5`: numbers to yaml-rs
_PREFIX = re.compile(r"0[xXoObB]")  # `0b101`, `0X1F`, `-0x1F`: numbers to yaml-rs
_INF_NAN = re.compile(r"\.[iInN][nNaA][fFnN]")  # `.iNf`: any case is a float to yaml-rs
_YAML_RS_NUMBER = re.compile(
    r"[-+]?(?:0[xXoObB][0-9a-fA-F_]+|[0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9_]+)?|\.(?:[iI][nN][fF]|[nN][aA][nN]))"
)
_CORE_NUMBER = re.compile(
    r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)


def has_unprintable(text: str) -> bool:
    """Whether `text` holds a character YAML 1.2 (and PyYAML) do not allow in a stream; yaml-rs
    takes control characters too, and cuts a string at NUL. U+0085/U+2028/U+2029 are line breaks
    to PyYAML (YAML 1.1) and text to yaml-rs."""
    return _not_printable().search(text) is not None


@functools.cache
def _not_printable() -> re.Pattern[str]:
    # Compiled when first used, not on import: its ranges up to U+10FFFF take ~7 ms to compile,
    # and a `.json` spec needs it only to put its warnings on their lines (beside rendering).
    return re.compile("[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


_NODE_START = frozenset(" \t\r\n[{,")
_NOT_ANCHOR_NAME = frozenset(["", " ", "\t", "\r", "\n", "[", "]", "{", "}", ","])
_LOCATION = re.compile(r"at line (\d+), column (\d+)")


def _fast_yaml(text: str, alias_budget: int, *, unchecked: bool = False) -> Any:
    import yaml_rs  # here, not on import: a JSON spec never needs it (~5-15 ms)

    if not unchecked and may_differ(text):
        raise _Fallback
    limits = yaml_rs.AliasLimits(max_total_replayed_events=alias_budget, max_replay_stack_depth=MAX_DEPTH)
    try:
        data = yaml_rs.loads(text, parse_datetime=False, alias_limits=limits,
                             duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.Error)
    except yaml_rs.YAMLDecodeError as exc:
        _refuse_hostile(str(exc))
        raise _Fallback from None  # duplicate keys (PyYAML gives their lines), tags, 1.1 leniencies
    if type(data) is not dict:  # a list, a scalar, several documents: rare, and PyYAML says which
        raise _Fallback
    if _starts_node(text, "&"):
        # yaml-rs reads an alias inside its own anchor's node as null; libyaml's events tell.
        _check_structure(text)
    return _string_keys(data, 1)


def _refuse_hostile(message: str) -> None:
    """yaml-rs stopped at one of our limits: refuse as PyYAML's path would, not fall back."""
    where = _LOCATION.search(message)
    line, col = (int(where[1]), int(where[2])) if where else (None, None)
    if message.startswith("alias replay"):
        raise ParseFailure("yaml-aliases", ALIASES)
    if message.rstrip().endswith("recursion limit exceeded"):
        raise ParseFailure("nesting-too-deep", TOO_DEEP, line, col)


def may_differ(text: str) -> bool:
    """Whether yaml-rs may read `text` otherwise than yaml12 does (PyYAML reads it then): a
    character YAML forbids, a tag, or a number YAML 1.1 and 1.2 spell differently."""
    if has_unprintable(text) or _starts_node(text, "!"):
        return True
    for pattern in (_UNDERSCORE, _PREFIX, _INF_NAN):
        for match in pattern.finditer(text):
            token = _token_at(text, match.start())
            if _YAML_RS_NUMBER.fullmatch(token) and any(c.isdigit() or c in "iInN" for c in token) \
                    and not _CORE_NUMBER.fullmatch(token):
                return True
    return False


def _token_at(text: str, index: int) -> str:
    """The word around `index` (letters, digits, `_.+-`) if it stands alone as a plain scalar
    would (a space or flow indicator before, one of those or `:`/`#` after), else ""."""
    start = end = index
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_.+-"):
        start -= 1
    while end < len(text) and (text[end].isalnum() or text[end] in "_.+-"):
        end += 1
    before, after = text[start - 1:start], text[end:end + 1]
    if before not in _NODE_START and before != "" or after not in _NODE_START and after not in ("", ":", "]", "}", "#"):
        return ""
    return text[start:end]


def _starts_node(text: str, indicator: str) -> bool:
    """Whether `indicator` may begin a node somewhere: after a space or a flow indicator, and for an
    anchor (`&`) followed by its name. Prose rarely matches (`a != b` and `R & D` do not)."""
    at = text.find(indicator)
    while at != -1:
        if at == 0 or text[at - 1] in _NODE_START:
            after = text[at + 1:at + 2]
            if (after != "=") if indicator == "!" else (after not in _NOT_ANCHOR_NAME):
                return True
        at = text.find(indicator, at + 1)
    return False


def _string_keys(node: Any, depth: int) -> Any:
    """yaml-rs's tree with yaml12's string keys (`200` → "200", `true` → "true"). A mapping
    whose keys are all strings, most of them, is kept and only its values are visited: half the
    time of rebuilding every mapping (yaml-rs replays aliases, so no node is shared)."""
    if depth > MAX_DEPTH:
        raise ParseFailure("nesting-too-deep", TOO_DEEP)
    kind = type(node)
    if kind is dict:
        for key in node:
            if type(key) is not str or key == "<<":
                return _rekeyed(node, depth)
        items: Any = node.items()
    elif kind is list:
        items = enumerate(node)
    else:
        return node
    if node and depth == MAX_DEPTH:
        raise ParseFailure("nesting-too-deep", TOO_DEEP)  # its entries are past the limit, scalars too
    for key, value in items:
        if type(value) is dict or type(value) is list:
            done = _string_keys(value, depth + 1)
            if done is not value:
                node[key] = done  # a mapping rekeyed: same key, so iterating goes on
    return node


def _rekeyed(node: dict[Any, Any], depth: int) -> dict[str, Any]:
    out = {}
    for key, value in node.items():
        if type(key) is not str:
            if not isinstance(key, (int, float)) and key is not None:
                raise _Fallback  # a sequence or mapping as a key: yaml12 has its own reading
            key = key_to_str(key)
            if key in node or key in out:
                raise _Fallback  # `200` and `"200"`: one key once keys are strings
        elif key == "<<":
            raise _Fallback  # a YAML 1.1 merge key, which yaml-rs keeps as a plain key
        out[key] = _string_keys(value, depth + 1)
    return out


def _pyyaml(text: str) -> tuple[Any, Duplicates]:
    import yaml

    from . import yaml12

    _check_structure(text)  # before libyaml's recursive composer can overflow the C stack
    try:
        data, duplicates = yaml12.load_yaml(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(str(exc.problem or exc.context or "cannot parse").split())
        raise ParseFailure("invalid-yaml", f"invalid YAML: {problem}", *_one_based(mark)) from None
    except yaml.YAMLError as exc:
        raise ParseFailure("invalid-yaml", f"invalid YAML: {' '.join(str(exc).split())}") from None
    return data, list(duplicates)


def _check_structure(text: str) -> None:
    import yaml

    from . import yaml12

    try:
        problem = yaml12.structure_problem(text, MAX_DEPTH)
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" in str(exc.problem):  # libyaml ≥ 0.2.6 stops its scanner at 1,000 levels
            raise ParseFailure("nesting-too-deep", TOO_DEEP, *_one_based(exc.problem_mark)) from None
        return  # not YAML at all: the parser that runs next says where
    except yaml.YAMLError:
        return
    if problem is not None:
        kind, mark = problem
        code, message = ("yaml-aliases", _RECURSIVE) if kind == "recursive-alias" else ("nesting-too-deep", TOO_DEEP)
        raise ParseFailure(code, message, *_one_based(mark))


def _one_based(mark: Any) -> tuple[int | None, int | None]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (None, None)


_RECURSIVE = "an alias refers to a node that contains it (a recursive alias)"


