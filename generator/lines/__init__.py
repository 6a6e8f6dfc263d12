"""Load stage, locating: the line and column of a JSON pointer, read off a spec's text.

A diagnostic names the line of the node it is about. PyYAML's composer knows every node's line but
costs a second parse of the whole file (about 0.9 s on the OpenAI spec); here a pointer is followed
through the text itself, in milliseconds: block YAML by its indentation (`block`), JSON entry by
entry (`jsontext`). The answer is the composer's, or none: where the text holds something this
reading could get wrong, `find` declines and the caller composes the file as before.
"""

from __future__ import annotations

import re

from ..parse import has_unprintable
from .block import BlockLocator
from .jsontext import JsonLocator
from .text import Declined, Locator, Position

__all__ = ["Declined", "Locator", "Position", "locator"]

# Texts where PyYAML counts lines differently (a lone CR; NEL, LS and PS are not printable), or
# shifts columns (a byte order mark), or that it does not compose at all (an escaped UTF-16
# surrogate, which json and yaml-rs read and libyaml refuses): the composer answers for them.
_LONE_CR = re.compile(r"\r(?!\n)")
_SURROGATE = re.compile(r"\\u[dD][89abAB]")


def locator(text: str, *, printable: bool = False) -> Locator:
    """The fast reading that fits `text`. `printable`: the text is known to hold no character that
    YAML forbids (`parse.parse_yaml` refuses those), so that check can be skipped."""
    if "\ufeff" in text or ("\r" in text and _LONE_CR.search(text)) or ("\\u" in text and _SURROGATE.search(text)):
        return Declined()
    if not printable and has_unprintable(text):
        return Declined()  # libyaml refuses the text: the composer finds no line at all
    start = len(text) - len(text.lstrip(" \t\r\n"))
    if text[start:start + 1] in ("{", "["):
        return JsonLocator.of(text, start)
    return BlockLocator.of(text)
