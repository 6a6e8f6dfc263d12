"""Links in spec descriptions, made to work in the docs site: relative links go to the docs base URL
(or to our own page, for a `#/components/schemas/…` reference), unsafe schemes lose their link.

Descriptions are Markdown written for the API vendor's own site: the OpenAI spec links to
`/docs/api-reference/files`, which points nowhere in ours. Every description passes `Prose`
before it is escaped, so no page carries a link that points nowhere or runs script.
"""

from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass
from urllib.parse import urljoin

from ..escape import SCHEME, browser_url, clean_url, md_cell, md_text, safe_target, vet_links

_SCHEMA_REF = "#/components/schemas/"


@dataclass(frozen=True, slots=True)
class Prose:
    """Escapes description text for one page, with its links rewritten."""

    base_url: str | None
    pages: dict[str, str]
    """Component schema key → its model page, relative to the docs folder."""
    here: str
    """This page, relative to the docs folder (`models/Batch.md`)."""

    def text(self, raw: str) -> str:
        return md_text(raw, self.target) if may_link(raw) else _linkless_text(raw)

    def cell(self, raw: str) -> str:
        return md_cell(raw, self.target) if may_link(raw) else _linkless_cell(raw)

    def links(self, raw: str) -> str:
        return vet_links(raw, self.target)

    def target(self, dest: str) -> str | None:
        """Where a link in a description should point in our site, or None to drop the link."""
        if dest.startswith(_SCHEMA_REF):
            page = self.pages.get(dest[len(_SCHEMA_REF):])
            return self.relative(page) if page else None
        dest = browser_url(dest)
        if SCHEME.match(dest):
            return safe_target(dest)
        if not dest or dest.startswith("#") or self.base_url is None:
            return None  # an anchor on the vendor's page, or a relative link with no site to go to
        return clean_url(urljoin(self.base_url.rstrip("/") + "/", dest.lstrip("/")))

    def relative(self, page: str) -> str:
        """A link from this page to another page of the docs folder."""
        return relative_path(page, posixpath.dirname(self.here) or ".")


def relative_path(page: str, folder: str) -> str:
    """`posixpath.relpath(page, folder)` for a page and a folder of the docs folder, both written
    plainly (no `.`, `..` or empty parts): the same path, without relpath's `abspath` of both,
    which asks the OS for the working directory (10,000 links a run on the OpenAI spec)."""
    to, here = page.split("/"), [] if folder == "." else folder.split("/")
    common = 0
    while common < len(to) and common < len(here) and to[common] == here[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + to[common:]) or "."


def may_link(raw: str) -> bool:
    """Whether escaping `raw` can meet a link and so ask a page's `target`: escape.vet_links asks
    only for an inline link (`](`) or an autolink (`<`), which it makes one. Other text escapes
    alike on every page, so it is escaped once a run: the OpenAI spec's 23,000 descriptions
    shown in the docs are 8,000 distinct texts."""
    return "<" in raw or "](" in raw


@functools.lru_cache(maxsize=16384)
def _linkless_text(raw: str) -> str:
    return md_text(raw)


@functools.lru_cache(maxsize=16384)
def _linkless_cell(raw: str) -> str:
    return md_cell(raw)
