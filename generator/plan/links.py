"""Links in spec descriptions, made to work in the docs site: relative links go to the docs base URL
(or to our own page, for a `#/components/schemas/…` reference), unsafe schemes lose their link.

Descriptions are Markdown written for the API vendor's own site: the OpenAI spec links to
`/docs/api-reference/files`, which points nowhere in ours. Every description passes `Prose`
before it is escaped, so no page carries a link that points nowhere or runs script.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import quote, urljoin

from ..escape import CODE_SPAN, md_cell, md_text, outside_code

# `[text](dest "title")` and `![alt](dest)`: the destination has no spaces and balanced-free parens.
_LINK = re.compile(r"(!?)\[([^\]]*)\]\(\s*<?([^()\s<>]*)>?(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)")
_AUTOLINK = re.compile(r"<(https?://[^\s<>]+)>")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_SAFE_SCHEMES = ("http:", "https:", "mailto:")
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
        return md_text(self.links(raw))

    def cell(self, raw: str) -> str:
        return md_cell(self.links(raw))

    def links(self, raw: str) -> str:
        text = outside_code(raw, lambda part: _AUTOLINK.sub(lambda m: f"[{m.group(1)}]({m.group(1)})", part))
        # A link's label may hold code (`[`POST /v1/calls`](/docs/...)`), but a link inside code is text.
        spans = [m.span() for m in CODE_SPAN.finditer(text)]
        return _LINK.sub(lambda m: m.group(0) if any(a <= m.start() < b for a, b in spans) else self._link(m), text)

    def _link(self, match: re.Match[str]) -> str:
        bang, label, dest = match.group(1), match.group(2), match.group(3)
        target = self.target(dest)
        if target is None:
            return label  # the text stays; a link that would point nowhere, or run script, goes
        return f"{bang}[{label}]({target})"

    def target(self, dest: str) -> str | None:
        """Where a link in a description should point in our site, or None to drop the link."""
        if dest.startswith(_SCHEMA_REF):
            page = self.pages.get(dest[len(_SCHEMA_REF):])
            return self.relative(page) if page else None
        if _SCHEME.match(dest):
            return _clean(dest) if dest.lower().startswith(_SAFE_SCHEMES) else None
        if not dest or dest.startswith("#") or self.base_url is None:
            return None  # an anchor on the vendor's page, or a relative link with no site to go to
        return _clean(urljoin(self.base_url.rstrip("/") + "/", dest.lstrip("/")))

    def relative(self, page: str) -> str:
        """A link from this page to another page of the docs folder."""
        return posixpath.relpath(page, posixpath.dirname(self.here) or ".")


def _clean(url: str) -> str:
    """Characters that cannot stand in a Markdown link destination, percent-encoded."""
    return quote(url, safe="/:?#[]@!$&'*+,;=%~-._")
