"""generator.escape's fast paths (a step skipped when its text lacks what the step looks for) change
no output: every escaping function against its earlier version, tests/escape_reference.py."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import escape_reference as reference
from generator import escape
from generator.plan.links import Prose

# Pieces that make each skipped step do something: code spans, fences, links, autolinks,
# reference definitions, HTML, pipes, line ends, controls, surrogates and the cell's markers.
PIECES = ["`", "``", "```", "~~~", "[", "]", "(", ")", "](", "]:", "<", ">", "&", "|", "\\", "\\|", "!",
          "\n", "\r", "\r\n", "\n\n", "\t", " ", "   ", "\x00", "\x0b", "\x7f", "\x85", "\ud800", "\udfff",
          "\ue000", "\ue001", "\ue0000\ue001", '"', '"""', "'", "*/", "--", "#", "x", "é", "😀",
          "<https://example.com/a>", "[a](/b)", "[a](https://x.y/z)", "![i](/p.png)", "[a](<#/components/schemas/A>)",
          "[a](javascript:x)", "`a|b`", "` a `", "```\ncode | x\n```", "[r]: /u", "\n [r]:u", "<b>", "&amp;"]
TEXT = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=12).map("".join),
    st.text(alphabet=st.one_of(st.sampled_from("`~[]()<>&|\\!\n\r\t :x\x00\ud800\ue000\ue001"), st.characters(codec=None))),
)

TARGETS: dict[str, Callable[[str], str | None]] = {
    "safe": escape.safe_target,
    "site": Prose("https://example.com/docs", {"A": "models/A.md"}, "resources/r.md").target,
}
PLAIN = ["py_str", "py_docstring", "py_comment", "md_chars", "md_cell_code", "md_code", "md_heading",
         "css_comment", "html_comment", "browser_url", "toml_str", "yaml_str"]
LINKED = ["md_text", "md_cell", "vet_links"]


def test_every_function_is_compared() -> None:
    public = {name for name, value in vars(escape).items()
              if callable(value) and not name.startswith("_") and getattr(value, "__module__", "") == escape.__name__}
    assert public - {"clean_url", "safe_target", "outside_code"} == set(PLAIN) | set(LINKED)


@pytest.mark.parametrize("name", PLAIN)
@settings(max_examples=300, deadline=None)
@given(value=TEXT)
def test_same_output_as_before(name: str, value: str) -> None:
    assert getattr(escape, name)(value) == getattr(reference, name)(value)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("name", LINKED)
@settings(max_examples=300, deadline=None)
@given(value=TEXT)
def test_same_output_as_before_with_links(name: str, target: str, value: str) -> None:
    assert getattr(escape, name)(value, TARGETS[target]) == getattr(reference, name)(value, TARGETS[target])


@settings(max_examples=300, deadline=None)
@given(value=TEXT)
def test_outside_code_same_as_before(value: str) -> None:
    def mark(part: str) -> str:
        return f"<{part}>"
    assert escape.outside_code(value, mark) == reference.outside_code(value, mark)
