"""generator.escape: hostile spec strings stay inert in Python literals, docstrings and Markdown."""

from __future__ import annotations

import ast
import re

import pytest
from hypothesis import example, given, settings
from markdown_it import MarkdownIt
from hypothesis import strategies as st

from generator.escape import md_cell, md_cell_code, md_code, md_text, py_docstring, py_str

NASTY = [
    "",
    "plain",
    '"',
    "'",
    '"""',
    "'''",
    'say """hi""" please',
    "\\",
    "ends with backslash\\",
    '\\"',
    "\\n is not a newline",
    "line1\nline2",
    "\r\n",
    "\t",
    "\x00",
    "\x7f\x85",
    "\u2028\u2029",
    "é 名前 😀",
    "\ufeff",
    "\ud800",
    "a\udfffb",
    "\\N{BULLET}",
    "\\x41\\u0041",
    "{braces} %s",
]

# ---- py_str ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", NASTY)
def test_py_str_round_trips(value: str) -> None:
    literal = py_str(value)
    assert literal.startswith('"') and literal.endswith('"')
    assert "\n" not in literal and "\r" not in literal
    assert ast.literal_eval(literal) == value
    # It also works as source code in a module (written as UTF-8).
    source = f"x = {literal}\n"
    source.encode("utf-8")
    namespace: dict[str, object] = {}
    exec(compile(source, "<generated>", "exec"), namespace)
    assert namespace["x"] == value


@pytest.mark.parametrize("value", ["\ud800\U0001f600", "\U00010000 \udfff"])
def test_py_str_lone_surrogate_with_astral_character(value: str) -> None:
    assert ast.literal_eval(py_str(value)) == value


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
def test_py_str_round_trips_property(value: str) -> None:
    literal = py_str(value)
    literal.encode("utf-8")  # must be writable to a UTF-8 source file
    assert ast.literal_eval(literal) == value


# ---- py_docstring ------------------------------------------------------------------------------


def _docstring_of(inner: str) -> str:
    """Compile `inner` as a function's docstring; the function must have nothing else in it."""
    source = f'def f():\n    """{inner}"""\n'
    tree = ast.parse(source)
    func = tree.body[0]
    assert isinstance(func, ast.FunctionDef)
    assert len(tree.body) == 1 and len(func.body) == 1, "the docstring was terminated early"
    compile(source, "<generated>", "exec")
    doc = ast.get_docstring(func, clean=False)
    assert doc is not None
    return doc


def _normalized(value: str) -> str:
    """What py_docstring promises to keep: the text, with tabs as spaces, outer whitespace trimmed,
    and lone surrogates (which break `inspect` and pydantic at import) as U+FFFD."""
    value = re.sub("[\ud800-\udfff]", "\ufffd", value)
    lines = [line.rstrip(" ") for line in value.replace("\t", "    ").split("\n")]
    return "\n".join(lines).strip(" \n")


DOC_CASES = [
    '"',
    'trailing quote"',
    '""',
    '""""',
    '"""""',
    "'''",
    'say """hi""" please',
    '"""leading',
    "trailing backslash\\",
    "\\",
    '\\"',
    "\\N{BULLET} \\x41 \\u0041 \\n",
    "\x00",
    "nul \x00 inside",
    "bell\x07 esc\x1b del\x7f",
    "\ud800",
    "\u2028 separators \u2029",
    "\r",
    "é 名前 😀",
    "  indented\n\n    block  \n",
    "tab\there",
    "line1\nline2",
]


@pytest.mark.parametrize("value", DOC_CASES)
def test_py_docstring_compiles_and_evaluates_back(value: str) -> None:
    inner = py_docstring(value)
    assert _docstring_of(inner) == _normalized(value)


@pytest.mark.parametrize("value", ['"""', 'Example: """', '""""""', '\\"""'])
def test_py_docstring_ending_in_triple_quote(value: str) -> None:
    inner = py_docstring(value)
    assert _docstring_of(inner) == _normalized(value)


@pytest.mark.parametrize("value", ["\U000f0000", "tag \U000e0001 char", "\U0010fffd"])
def test_py_docstring_astral_unprintable(value: str) -> None:
    assert _docstring_of(py_docstring(value)) == value


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.one_of(st.sampled_from('"\\\n\t \'x\x00\r'), st.characters(codec=None))))
def test_py_docstring_property(value: str) -> None:
    inner = py_docstring(value)
    assert _docstring_of(inner) == _normalized(value)


# ---- Markdown ----------------------------------------------------------------------------------


def _unescaped_pipes(text: str) -> list[int]:
    """Positions of `|` a GFM table would split on (a backslash escapes the next character)."""
    found, i = [], 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == "|":
            found.append(i)
        i += 1
    return found


CELL_CASES = [
    "a | b",
    "a || b",
    "|",
    "line1\nline2",
    "para1\n\npara2",
    "  padded  \n",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "`a | b` code",
    "`<script>` in code",
    "ends with backslash \\",
    "& &amp; <b>",
]


_SAFE_TAGS = re.compile(r"</?(?:table|thead|tbody|tr|th|td|code|br|p|em|strong|a)\b")


def _render_cell(cell: str) -> str:
    """The HTML a CommonMark + GFM-tables renderer makes of a one-cell table holding `cell`."""
    return MarkdownIt("commonmark").enable("table").render(f"| h |\n| --- |\n| {cell} |\n")


def assert_inert_cell(cell: str) -> None:
    html = _render_cell(cell)
    assert html.count("<tr>") == 2 and html.count("<td") == 1, html
    assert all(_SAFE_TAGS.match(html, m.start()) for m in re.finditer("<", html)), html


@pytest.mark.parametrize("value", CELL_CASES + ["``<img src=x onerror=alert(1)>`", "\\`<b>x</b>`", "a\n| b | c |"])
def test_md_cell_is_one_inert_cell(value: str) -> None:
    cell = md_cell(value)
    assert "\n" not in cell
    assert "\r" not in cell
    assert _unescaped_pipes(cell) == [], cell
    assert_inert_cell(cell)


CODE_BLOCK_CASES = [  # (description, the code its block holds)
    ("Use it like this:\n\n```python\nclient.files.create(\n    file=open('a|b.txt', 'rb'),  # *not* _this_\n)\n```\n\n"
     "Then <b>wait</b>.", "client.files.create(\n    file=open('a|b.txt', 'rb'),  # *not* _this_\n)"),
    ("~~~\n<script>alert(1)</script>\n| a | b |\n~~~", "<script>alert(1)</script>\n| a | b |"),
    ("```json\n{\"a\": \"`x` [y](javascript:z)\"}\n```", '{"a": "`x` [y](javascript:z)"}'),
    ("```\nunclosed fence | with a pipe", "unclosed fence | with a pipe"),
]


@pytest.mark.parametrize("value,code", CODE_BLOCK_CASES)
def test_md_cell_renders_a_code_block_inside_one_cell(value: str, code: str) -> None:
    """A fenced block in a description keeps its lines and shows its text as written, in GFM
    (markdown-it) and in Python-Markdown (what MkDocs uses), without splitting the row."""
    import html as html_lib

    import markdown

    cell = md_cell(value)
    assert "\n" not in cell and _unescaped_pipes(cell) == []
    assert_inert_cell(cell)
    for rendered in (_render_cell(cell), markdown.markdown(f"| h |\n| --- |\n| {cell} |\n", extensions=["tables"])):
        assert rendered.count("<td") == 1 and "<script" not in rendered and "href" not in rendered, rendered
        inner = re.search(r"<code>(.*?)</code>", rendered, re.S)
        assert inner, rendered
        shown = html_lib.unescape(re.sub(r"<br ?/?>", "\n", inner.group(1))).replace("\xa0", " ")
        assert shown == code


def test_md_cell_escapes_script() -> None:
    cell = md_cell("<script>alert(1)</script>")
    assert "<script" not in cell
    assert cell == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_md_cell_keeps_paragraph_breaks_as_br() -> None:
    assert md_cell("one\ntwo\n\nthree") == "one two<br><br>three"


@pytest.mark.parametrize("value", ["a \\| b", "regex `a\\|b`", "\\|"])
def test_md_cell_backslash_before_pipe(value: str) -> None:
    assert _unescaped_pipes(md_cell(value)) == []


@pytest.mark.parametrize("value", ["a\rb", "old mac\rline endings\r"])
def test_md_cell_lone_carriage_return(value: str) -> None:
    assert "\r" not in md_cell(value)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.one_of(st.sampled_from("|\n<>`&\\ x"), st.characters(codec=None))))
def test_md_cell_property(value: str) -> None:
    cell = md_cell(value)
    assert "\n" not in cell
    assert _unescaped_pipes(cell) == []
    assert_inert_cell(cell)


def test_md_text_escapes_html_outside_code_only() -> None:
    assert md_text("<b>x</b> and `<b>`") == "&lt;b&gt;x&lt;/b&gt; and `<b>`"


# ---- md_code: one CommonMark code span ----------------------------------------------------------


def _code_span_content(text: str) -> str:
    """Parse `text` as exactly one CommonMark code span and return its content (or fail)."""
    opening = re.match(r"`+", text)
    assert opening, text
    n = len(opening.group(0))
    # The closing fence is the first backtick run of exactly n after the opening.
    runs = [m for m in re.finditer(r"`+", text) if m.start() >= n and len(m.group(0)) == n]
    assert runs, f"no closing fence in {text!r}"
    closing = runs[0]
    assert closing.end() == len(text), f"{text!r} closes early at {closing.start()}"
    content = text[n:closing.start()].replace("\n", " ")
    if len(content) >= 2 and content[0] == " " and content[-1] == " " and content.strip(" "):
        content = content[1:-1]
    return content


CODE_CASES = [
    "plain",
    "a`b",
    "a``b`c",
    "`",
    "``",
    "```",
    "`start",
    "end`",
    "``x``",
    " `",
    "` ",
    "x ` y ```` z",
    "a|b",
]


@pytest.mark.parametrize("value", CODE_CASES)
def test_md_code_is_one_code_span(value: str) -> None:
    assert _code_span_content(md_code(value)) == value


@pytest.mark.parametrize("value", [" a ", " `x` ", " ", "   "])
def test_md_code_keeps_surrounding_spaces(value: str) -> None:
    assert _code_span_content(md_code(value)) == value


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("`ab| "), min_size=1))
def test_md_code_property(value: str) -> None:
    assert _code_span_content(md_code(value)) == value


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.one_of(st.sampled_from("|\n\r<>`&\\ x"), st.characters(codec="utf-8", exclude_categories=("Cc",)))))
@example("0\r\n")  # CRLF is one line ending: CI once saw the test read it as two
def test_md_cell_code_is_one_cell_showing_the_value(value: str) -> None:
    cell = md_cell_code(value)
    assert_inert_cell(cell)
    html = _render_cell(cell)
    shown = " ".join(re.split(r"\r\n|\r|\n", value))  # one line ending each, as CommonMark reads them
    if shown.strip(" ") and "<code>" in html:
        import html as html_lib

        code = html_lib.unescape(re.search(r"<code>(.*?)</code>", html, re.S).group(1))
        assert code == shown or code == shown.strip(" ")
