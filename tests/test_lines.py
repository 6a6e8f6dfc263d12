"""generator.lines and generator.blocks: a pointer's line and column read off the text, held to
PyYAML's composer (what `Document.locate` answered with before, and still does when they decline).

For every pointer tried, the fast reading gives the composer's (line, column) or declines: on
hand-written texts full of YAML's corners, on random ones (block YAML and JSON), and on every
file of every spec in ../shared. The pointers are every node's (its key's mark for a mapping
entry) and, past some nodes, ones that do not exist: the composer then stops at the deepest node
there is, and so must the fast reading.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import SHARED, corpus_specs, need_shared
from generator.diagnostics import SpecError
from generator.lines import Declined, Position, jsontext, locator
from generator.loader import composed_position, load
from generator.yaml12 import compose_yaml

Pointer = tuple[str, ...]


# ---- the reference: PyYAML's composer, walked as Document.locate walked it --------------------


# composed_position: the fallback the loader uses where the fast reading is unsure.


def node_pointers(root: yaml.Node) -> Iterator[tuple[Pointer, Position, bool]]:
    """Every node's pointer, where the composer puts it, and whether it is inside a flow
    collection (where the fast reading does not go), in document order; a key written twice only
    once (the composer finds the first)."""
    stack: list[tuple[yaml.Node, Pointer, yaml.Mark, bool]] = [(root, (), root.start_mark, False)]
    seen: set[int] = set()
    while stack:
        node, parts, mark, in_flow = stack.pop()
        yield parts, (mark.line + 1, mark.column + 1), in_flow
        if id(node) in seen:  # an alias: its node was walked where its anchor is
            continue
        seen.add(id(node))
        children: list[tuple[yaml.Node, Pointer, yaml.Mark, bool]] = []
        in_flow = in_flow or bool(getattr(node, "flow_style", False))
        if isinstance(node, yaml.MappingNode):
            keys: set[str] = set()
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value not in keys:
                    keys.add(key.value)
                    children.append((value, (*parts, key.value), key.start_mark, in_flow))
        elif isinstance(node, yaml.SequenceNode):
            children = [(item, (*parts, str(i)), item.start_mark, in_flow) for i, item in enumerate(node.value)]
        stack.extend(reversed(children))


def compare(text: str, *, printable: bool = False, limit: int | None = None,
            root: yaml.Node | None = None) -> tuple[int, int, int]:
    """(pointers compared, of which declined, of which declined and naming a node that is not in
    a flow collection); fails on the first pointer the fast reading puts anywhere but where the
    composer does. `root`: the text composed already."""
    root = root or compose_yaml(text)
    assert root is not None
    fast = locator(text, printable=printable)
    nodes = list(node_pointers(root))
    if limit is not None and len(nodes) > limit:
        nodes = nodes[::len(nodes) // limit + 1]  # spread over the whole file, the same every run
    # Past some nodes, pointers that name nothing there (`٣` is a digit to `str.isdigit`).
    probes = [(p + (missing,), composed_position(root, p + (missing,)), False)
              for i, (p, _, _) in enumerate(nodes) if i % 5 == 0 for missing in ("no such key", "7", "0", "01", "٣")]
    declined = declined_nodes = 0
    for parts, want, node_outside_flow in [(p, want, not in_flow) for p, want, in_flow in nodes] + probes:
        got = fast.find(list(parts))
        if got is None:
            declined += 1
            declined_nodes += node_outside_flow
            continue
        assert got == want, f"#/{'/'.join(parts)}: fast reading {got}, composer {want}\n{text[:2000]}"
    return len(nodes) + len(probes), declined, declined_nodes


def answers_all(text: str, *, printable: bool = True) -> None:
    """The fast reading gives the composer's position for every node that is not inside a flow
    collection (it declines none of them)."""
    _, _, declined_nodes = compare(text, printable=printable)
    assert declined_nodes == 0, f"declined {declined_nodes} node pointers of\n{text}"


# ---- block YAML that the fast reading answers in full ---------------------------------------


ANSWERED = {
    "plain": "openapi: 3.1.0\ninfo:\n  title: T\n  version: '1'\n",
    "comments and blank lines": "# head\n\n---\n# more\na:   # c\n\n  # inner\n  b: 1\n\n\nc: 2\n...\n",
    "quoted keys": "\"200\":\n  x: 1\n'it''s':\n  y: 2\n\"a: b\": 3\n'#c': 4\n",
    "odd plain keys": "a:b: 1\na b  : 2\nhttp://x/y: 3\n0x10: 4\n~: 5\ntrue: 6\n<<: 7\na#b: 8\n/p/{id}: 9\n",
    "unicode": "é: 1\n😀k:\n  名前: \"😀\"\n  z: 2\n",
    "crlf": "a:\r\n  b: 1\r\n  c:\r\n    - x\r\n    - y\r\n\r\nd: 2\r\n",
    "no final newline": "a:\n  b: 1\n  c: 2",
    "sequences": "a:\n- x\n- y\nb:\n  - 1\n  -   2\n  - - 3\n    - 4\n  -\n    k: v\n  -\n  - k: 1\n    l: 2\n",
    "empty items": "s:\n  -\n  - # comment\n  -\n\n  - x\nt:\n-\n",
    "empty values": "a:\nb: ~\nc:\n  d:\ne: 1\n",
    "multi-line plain": "a: one\n  two - no\n  three\nb:\n  four\n   five\nc: 1\n",
    "block scalars": ("a: |\n  key: \"x\n  - [y,\n  \"k\": {\n\n     b: |\nb: >-\n  text\n\n  more\nc:\n  - |2\n     x\n"
                      "  - >\n    \"z: [\n  - k: |\n      v\n    l: 1\n"),
    "quoted values": "a: \"x # y\"\nb: 'it''s'\nc: \"a\\\"b\"\nd: \"x\" # c\n",
    "multi-line quoted, indented": "a:\n  b: \"one\n    two\"\n  c: 'three\n\n    four'\n  d: \"x\\\n    y\"\ne: 1\n",
    "empty flow collections, and flow collections passed over": (
        "a: [1, \"2]\", {b: c}]\nb: {}\nc: []\nd:\n  - []\n  - {}\ne: [\n    1,\n    2]\nf:\n  g: 1\n"),
    "sequence of mappings": "- name: a\n  in: query\n- name: b\n  schema:\n    type: string\n",
    "indented root": "  a: 1\n  b:\n    c: 2\n",
    "json-like lines in a plain scalar": "d: some text\n  [link](x) and \"quotes\n  `code` - [x\nn: 1\n",
}


@pytest.mark.parametrize("name", list(ANSWERED))
def test_answers_every_node(name: str) -> None:
    answers_all(ANSWERED[name])


@pytest.mark.parametrize("text", [
    '{"a": {"b": [1, {"c": null}], "d": "x"}, "e": []}',
    '{\n  "a": {\n    "b": [\n      1,\n      {"c": "\\u00e9\\n\\"x\\""}\n    ]\n  },\n  "\\u00e9": 2,\n  "a": 3\n}\n',
    '[\n  {"a": 1},\n  [],\n  {},\n  "x"\n]',
    '{\r\n\t"a":\t[1,2],\r\n\t"b/c~d": {"e": NaN}\r\n}\r\n',
])
def test_answers_every_node_of_json(text: str) -> None:
    if len(text) < 1100 and "\n" not in text.strip():
        text = text.replace("{", "{\n", 1)  # a one-line collection could be a key: see JsonLocator.of
    answers_all(text, printable=False)


# ---- texts where the fast reading must decline, or still agree --------------------------------


AGREES = {
    # libyaml takes a quoted scalar's or a flow collection's lines at any indentation
    "quoted scalar under its key": "a:\n  b: \"x\n  c: 1\"\n  d: 2\ne: 3\n",
    "quoted scalar at column 0": "a:\n  b: 'x\nc: 1'\n  d: 2\n",
    "flow collection at column 0": "a:\n  b: [x,\nc: 1]\n  d: 2\nc: 3\n",
    "flow closing under its key": "a:\n  b: [x,\n    y,\n ]\n  c: 1\n",
    "quoted in a flow at column 0": "a:\n  b: [\"x\nc: 1\"]\n  d: 2\n",
    "anchors and aliases": "a: &x\n  b: 1\nc: *x\nd:\n  - &y v\n  - *y\ne: &z [1]\n",
    "tags": "a: !!str 1\nb: !t\n  c: 2\n!!str d: 3\n",
    "explicit keys": "? a\n: 1\n? |\n  b\n: 2\nc: 3\n",
    "complex keys": "[a, b]: 1\n{c: d}: 2\ne: 3\n",
    "escaped key": "\"a\\\"b\": 1\n\"c\\x41\": 2\nd: 3\n",
    # the walk does not go into a flow collection
    "flow collections": "a: [1, \"2]\", {b: c}]\nd:\n  - [x, y]\n  - {k: v}\ne: [\n    1,\n    2]\nf: 1\n",
    "tabs": "a:\t1\nb: 2\nc:\n  d: \"x\ty\"\n",
    "merge keys": "base: &b\n  x: 1\nd:\n  <<: *b\n  y: 2\n",
    "duplicate keys": "a: 1\nb: 2\na: 3\nc:\n  d: 1\n  d: 2\n",
    "multi-line flow mapping": "a: {b: 1,\n  c: [2,\n 3]}\nd: 4\n",
    "documents": "%YAML 1.1\n---\na: 1\n",
    "scalar root": "just text\n",
    "flow root with comment": "# c\n{a: 1, b: [2]}\n",
    "bare block scalar": "a:\n  |\n    \"x: [\n\n    y\nb: 1\n",
    "nested empty collections": "a:\n  -\n    -\n  - []\n",
    "key over 1,000 characters": "k" * 1001 + "x: 1\nb: 2\n",
}


@pytest.mark.parametrize("name", list(AGREES))
def test_agrees_or_declines(name: str) -> None:
    compare(AGREES[name])


@pytest.mark.parametrize(("text", "printable"), [
    ('{\n"a": "\\ud83d\\ude00"\n}\n', False),  # libyaml refuses surrogate escapes: the composer gives no line
    ("a: 1\rb: 2\n", True),  # a lone CR breaks a line for PyYAML
    ("\ufeffa: 1\n", True),
    ("a: \x85b\n", False),
    ("a: 1\u2028b: 2\n", False),
    ('{\n"' + "k" * 1001 + '": 1\n}\n', False),  # a simple key longer than libyaml takes
    ('{\n"' + "k" * 1001 + '" : 1\n}\n', False),  # the same, one space before its colon
    ('{\n"a"\t: 1\n}\n', False),  # a key spaced more oddly: a tab, two spaces, a space and a tab
    ('{\n"a"  : 1\n}\n', False),
    ('{\n"a" \t: 1\n}\n', False),
    ('{\n"a"\n: 1\n}\n', False),
    ("a: 1\x07\n", False),
])
def test_declines_text_the_composer_reads_otherwise(text: str, printable: bool) -> None:
    assert isinstance(locator(text, printable=printable), Declined)


# ---- random texts ------------------------------------------------------------------------------

HUNT = "SPECLOOM_FUZZ_EXAMPLES" in os.environ
EXAMPLES = int(os.environ.get("SPECLOOM_FUZZ_EXAMPLES", "300"))

WORDS = ["a", "b", "type", "200", "x-y", "a b", "0x10", "~", "true", "a:b", "é", "😀", "$ref", "k#1", "<<", "-k"]
KEYS = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(['"q"', '"a: b"', '"a\\"b"', "'s'", "'it''s'", '"#x"', "'[a]'", "&an k", "!!str t", "? e"]),
)
NASTY = ['key: "x', "- [a,", '"a": {', "b: |", "---", "  - x", "\tt", "c: >", "]", "'q", "x: &y", "}"]


@st.composite
def scalar_lines(draw: st.DrawFn, indent: int) -> list[str]:
    """A value after `key: ` (its first line) and the lines it goes on over."""
    pad = " " * indent
    kind = draw(st.sampled_from(["plain", "dq", "sq", "multi plain", "multi quoted", "block", "flow", "multi flow",
                                 "empty", "alias", "anchored"]))
    under = " " * draw(st.integers(0, indent + 3))  # libyaml takes these at any indentation
    more = pad + " " * draw(st.integers(1, 3))
    word = draw(st.sampled_from(WORDS[:8] + ["x y", "[x]", '"q" t', "`c`", "- d", "- |", "k: |", "- [x", '"y', "{z"]))
    if kind == "plain":
        return [draw(st.sampled_from(WORDS[:6]))]
    if kind in ("dq", "sq"):
        quote = '"' if kind == "dq" else "'"
        return [quote + word.replace(quote, "") + quote + draw(st.sampled_from(["", " # c"]))]
    if kind == "multi plain":
        return ["one", more + "two", "", more + word.replace(": ", " "), more + "end"]
    if kind == "multi quoted":
        quote = draw(st.sampled_from(['"', "'"]))
        inner = [draw(st.sampled_from([more, more, under])) + draw(st.sampled_from([word, "two: 1", ""]))
                 for _ in range(draw(st.integers(1, 3)))]
        return [quote + "one", *[line.replace(quote, "") for line in inner], more + "end" + quote]
    if kind == "block":
        content = pad + " " * draw(st.integers(1, 3))
        body = draw(st.lists(st.sampled_from(NASTY + ["text", ""]), min_size=1, max_size=4))
        return [draw(st.sampled_from(["|", ">", "|-", ">+", "|2"])), content + "first"] + [
            (content + line).rstrip() for line in body]
    if kind == "flow":
        return [draw(st.sampled_from(["[]", "{}", "[a, b]", '["x]", 1]', "{k: v, l: [1]}"]))]
    if kind == "multi flow":
        return ["[a,", draw(st.sampled_from([more, more, under])) + draw(st.sampled_from(["b", '"c\n d"', "{e: f}"])),
                draw(st.sampled_from([more, under])) + "]"]
    if kind == "alias":
        return ["*an"]
    if kind == "anchored":
        return ["&an " + draw(st.sampled_from(WORDS[:4]))]
    return [""]


@st.composite
def block_lines(draw: st.DrawFn, indent: int, depth: int, *, sequence: bool = False) -> list[str]:
    """A block mapping (or sequence) with its entries at column `indent`."""
    pad = " " * indent
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.integers(0, 5)) == 0:
            lines.append(" " * draw(st.integers(0, indent + 2)) + draw(st.sampled_from(["", "# c", "#", "# a: [b", "# k: |"])))
        head = pad + ("- " if sequence else draw(KEYS) + ":" + draw(st.sampled_from([" ", "  "])))
        choice = draw(st.integers(0, 9 if depth < 3 else 5))
        if choice <= 5:
            first, *rest = draw(scalar_lines(indent))
            lines += [(head + first).rstrip(), *rest]
        elif choice == 6 and not sequence:  # an indentless sequence
            lines += [head.rstrip(), *draw(block_lines(indent, depth + 1, sequence=True))]
        elif choice == 7 and sequence:  # a compact mapping: `- key: value`
            inner = draw(block_lines(indent + 2, depth + 1))
            lines += [pad + "- " + inner[0].lstrip(" "), *inner[1:]] if inner[0].startswith(" " * (indent + 2)) else [
                head.rstrip(), *inner]
        else:
            step = draw(st.integers(1, 4))
            lines += [head.rstrip(), *draw(block_lines(indent + step, depth + 1, sequence=draw(st.booleans())))]
    return lines


@st.composite
def block_texts(draw: st.DrawFn) -> str:
    lines = draw(block_lines(draw(st.sampled_from([0, 0, 2])), 0, sequence=draw(st.integers(0, 4)) == 0))
    text = "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))
    if draw(st.booleans()):
        text = draw(st.sampled_from(["---\n", "# c\n", "\n"])) + text
    return text.replace("\n", "\r\n") if draw(st.integers(0, 5)) == 0 else text


@settings(max_examples=EXAMPLES, deadline=None, derandomize=not HUNT,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
@given(block_texts())
def test_random_block_yaml_agrees(text: str) -> None:
    try:
        root = compose_yaml(text)
    except yaml.YAMLError:
        event("not YAML")
        return
    compared, declined, _ = compare(text, root=root)
    event("all answered" if declined == 0 else "some declined")


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=6)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=not HUNT)
@given(JSON_VALUES.filter(lambda v: isinstance(v, (dict, list))), st.sampled_from([None, 1, 2, "\t"]),
       st.booleans())
def test_random_json_agrees(value: object, indent: int | str | None, ascii_only: bool) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    try:
        root = compose_yaml(text)
    except yaml.YAMLError:
        event("not composed")  # e.g. a key over 1,024 characters; the fast reading declines too
        assert isinstance(locator(text), Declined)
        return
    compare(text, root=root)


# ---- every spec in ../shared ----------------------------------------------------------------


def _spec_texts() -> Iterator[tuple[str, str, bool]]:
    """(label, text, printable) of every file of every spec in ../shared."""
    for label, spec in corpus_specs().items():
        try:
            doc = load(str(spec))
        except SpecError:
            text = spec.read_text(encoding="utf-8-sig")
            yield label, text, False
            continue
        for file, text in doc.texts.items():
            yield (label if file == doc.root else f"{label} → {os.path.relpath(file, spec.parent)}",
                   text, file in doc.printable)


def test_every_spec_in_shared_agrees() -> None:
    need_shared(SHARED / "corpus")
    total = declined_total = files = 0
    for label, text, printable in _spec_texts():
        try:
            root = compose_yaml(text)
        except yaml.YAMLError:  # the composer finds no line (twilio: a surrogate escape): nor may we
            assert isinstance(locator(text, printable=printable), Declined), label
            continue
        compared, declined, declined_nodes = compare(text, printable=printable, limit=2000, root=root)
        files += 1
        total += compared
        declined_total += declined
        if label.startswith("openai/openapi-2026"):
            assert declined_nodes == 0, f"{label}: the fast reading should answer every node"
    assert files > 2500 and total > 100_000, (files, total)
    print(f"{files} files, {total} pointers, {declined_total} declined")


# What `jsontext._escaped_quote_key` finds, as the search from every escaped quote it replaces:
# from an escaped quote to the end of its string, then a colon.
ESCAPED_QUOTE_KEY = re.compile(r'\\"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"[ \t\r]*+:')


# Texts made of what decides where an escaped quote's string ends: backslashes, quotes, colons,
# spaces, line breaks, and whole escaped quotes and keys.
QUOTE_TEXTS = st.lists(st.sampled_from(["\\", '"', ":", " ", "a", "\n", "\t", '\\"', '\\\\"', '"k":', '\\":']),
                       max_size=40).map("".join)


@settings(max_examples=max(EXAMPLES, 3000), deadline=None, derandomize=not HUNT)
@given(QUOTE_TEXTS)
def test_escaped_quote_key_scan_is_the_regex_search(text: str) -> None:
    """The string-at-a-time scan finds a key with an escaped quote exactly where the search from
    every escaped quote would (its pattern is kept as the reference)."""
    assert jsontext._escaped_quote_key(text) == (ESCAPED_QUOTE_KEY.search(text) is not None)


@pytest.mark.parametrize("text, found", [
    ('{"a\\"b": 1}', True), ('{"a": "x\\"y"}', False), ('{"a": "x\\\\"}', False), ('["\\\\", "\\"":1]', True),
    ('{"d": "{\\"k\\": 1}"}', False), ('{"d": "\\\\\\":"}', False), ('"x\\\\"":', True),
])
def test_escaped_quote_key_examples(text: str, found: bool) -> None:
    assert jsontext._escaped_quote_key(text) is found
    assert (ESCAPED_QUOTE_KEY.search(text) is not None) is found
