"""Links and anchors in the docs: description links rewritten for our site, and heading ids
computed exactly as MkDocs' Markdown (the `toc` extension) computes them."""

from __future__ import annotations

import posixpath
import re

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.escape import md_cell, md_text
from generator.plan.links import Prose, may_link, relative_path
from generator.plan.site import Anchors

PAGES = {"Batch": "models/Batch.md", "Error Object": "models/ErrorObject.md"}


def prose(base: str | None = "https://platform.openai.com", here: str = "resources/batches.md") -> Prose:
    return Prose(base, PAGES, here)


@pytest.mark.parametrize("raw,expected", [
    ("See [files](/docs/api-reference/files).", "See [files](https://platform.openai.com/docs/api-reference/files)."),
    ("See [guide](guides/x).", "See [guide](https://platform.openai.com/guides/x)."),
    ("[a\nb](/docs/x)", "[a\nb](https://platform.openai.com/docs/x)"),
    ("[`POST /v1/x`](/docs/x)", "[`POST /v1/x`](https://platform.openai.com/docs/x)"),
    ("[the batch](#/components/schemas/Batch)", "[the batch](../models/Batch.md)"),
    ("[err](#/components/schemas/Error Object)", "[err]\\(#/components/schemas/Error Object)"),  # not a link: kept inert
    ("[err](<#/components/schemas/Error Object>)", "[err](../models/ErrorObject.md)"),
    ("[gone](#/components/schemas/Nope)", "gone"),
    ("[top](#section)", "top"),
    ("[x](javascript:alert(1))", "x"),
    ("[x](java&#9;script:alert(1))", "x"),
    ("[x](java\\script:alert(1))", "x"),
    ("[a [b](/c)](javascript:d)", "[a [b](https://platform.openai.com/c)]\\(javascript:d)"),
    ("[![i](/img.png)](javascript:d)", "[![i](https://platform.openai.com/img.png)]\\(javascript:d)"),
    ("[ref]: javascript:alert(1)\n\n[x][ref]", "\\[ref]: javascript:alert(1)\n\n[x][ref]"),
    ("[x](/a_(b)_c)", "[x](https://platform.openai.com/a_%28b%29_c)"),
    ("[x](javascript:alert%281%29)", "x"),
    ("[x](JavaScript:alert)", "x"),
    ("[x](data:text/html,hi)", "x"),
    ("![img](vbscript:x)", "img"),
    ("[ok](https://example.com/a?b=1&c=2)", "[ok](https://example.com/a?b=1&c=2)"),
    ("[mail](mailto:a@example.com)", "[mail](mailto:a@example.com)"),
    ("<https://example.com/x>", "[https://example.com/x](https://example.com/x)"),
    ("`[not](/a/link)` stays code", "`[not](/a/link)` stays code"),
    ('[t](/x "title")', "[t](https://platform.openai.com/x)"),
])
def test_links_are_rewritten_for_our_site(raw: str, expected: str) -> None:
    assert prose().links(raw) == expected


def test_without_a_base_url_relative_links_lose_their_link_but_keep_their_text() -> None:
    assert prose(None).links("The [File](/docs/api-reference/files) and [Batch](#/components/schemas/Batch).") == \
        "The File and [Batch](../models/Batch.md)."


def test_links_from_a_model_page_are_relative_to_it() -> None:
    assert prose(here="models/Other.md").links("[b](#/components/schemas/Batch)") == "[b](Batch.md)"


@pytest.mark.parametrize("raw", ["[x](javascript:alert(1))", "[x](javascript:alert%281%29)", "<javascript:alert(1)>",
                                 "[x]( javascript:alert(1) )", "[x](<javascript:alert(1)>)", "[x](java\tscript:y)"])
def test_no_description_link_becomes_a_script_url(raw: str) -> None:
    """Whatever the Markdown renderer makes of the rewritten text, no href runs script."""
    html = markdown.markdown(prose().text(raw))
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert not [h for h in hrefs if not h.startswith(("https://", "http://", "mailto:", "../"))], html


_PART = st.sampled_from(["models", "resources", "a", "b", "Batch.md", "index.md", "x.y.md"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PART, min_size=1, max_size=4), st.lists(_PART, max_size=4))
def test_relative_path_is_relpath(page: list[str], folder: list[str]) -> None:
    assert relative_path("/".join(page), "/".join(folder) or ".") == posixpath.relpath("/".join(page), "/".join(folder) or ".")


def _toc_ids(headings: list[str]) -> list[str]:
    html = markdown.markdown("\n\n".join(f"## {h}" for h in headings), extensions=["toc"])
    return re.findall(r'<h2 id="([^"]*)"', html)


@pytest.mark.parametrize("headings", [
    ["Methods", "create", "Models", "Create", "methods"],
    ["Batch", "Example Usage", "Fields", "Fields", "Fields_1", "Used by", "FileCounts"],
    ["client.vector_stores.file_batches", "list_files", "Émoji ✓ name"],
])
def test_anchors_match_mkdocs_heading_ids(headings: list[str]) -> None:
    anchors = Anchors()
    assert [anchors.add(h) for h in headings] == _toc_ids(headings)


# Headings that get anchors are class and method names, which never start with `_` (test_names
# holds them to that): a leading `_` would open emphasis, `_0_` rendering as an italic "0".
@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,12}", fullmatch=True), min_size=1, max_size=8))
def test_anchors_match_mkdocs_heading_ids_property(headings: list[str]) -> None:
    anchors = Anchors()
    assert [anchors.add(h) for h in headings] == _toc_ids(headings)


# Markdown's link syntax in pieces (an autolink, a link's middle, a definition), and what sits
# around it: brackets, parentheses, angle brackets, colons, backticks, line ends, escapes, entities.
_MARKDOWNISH = st.lists(st.one_of(
    st.sampled_from(["<https://a.example/x>", "<mailto:a@b.c>", "[x](/docs/y)", "[x](", "](/docs/y)", "[r]: /z", "]", "`", "```\n"]),
    st.text(alphabet=st.one_of(st.sampled_from("[]()<>:!`~\\&#;|\n\r\t /.-_*x"), st.characters(codec=None)), max_size=8),
), max_size=6).map("".join)


@settings(max_examples=500, deadline=None)
@given(_MARKDOWNISH)
def test_text_without_link_syntax_escapes_alike_on_every_page(raw: str) -> None:
    """`Prose` escapes a text without link syntax once for all pages (links.may_link): it must
    be text whose escaping never asks a page where a link goes."""
    def no_target(dest: str) -> str | None:
        raise AssertionError(f"asked for the target of {dest!r}")

    if may_link(raw):
        return
    elsewhere = Prose(None, {}, "models/Other.md")
    for page in (prose(), elsewhere):
        assert page.text(raw) == md_text(raw, no_target)
        assert page.cell(raw) == md_cell(raw, no_target)
