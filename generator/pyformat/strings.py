"""String literals and docstrings as black writes them: quotes, escapes, docstring indentation.

Ports of black 26's `normalize_string_quotes`, `normalize_unicode_escape_sequences` and the
docstring handling of `LineGenerator.visit_STRING` (default mode).
"""

from __future__ import annotations

import re
import sys

from .tree import Unsupported

LINE_LENGTH = 88
_UNICODE_ESCAPE = re.compile(
    r"(?P<backslashes>\\+)(?P<body>(u(?P<u>[a-fA-F0-9]{4}))|(U(?P<U>[a-fA-F0-9]{8}))|(x(?P<x>[a-fA-F0-9]{2}))"
    r"|(N\{(?P<N>[a-zA-Z0-9 \-]{2,})\}))?")
_LINE_BREAK = re.compile(r"\r\n|[\r\n]")


def normalize_string(value: str) -> str:
    """A string token as black writes it (its prefix may only be `f`: the templates use no other)."""
    if value[0] == '"' and "\\" not in value:
        return value  # double quotes and nothing escaped: black has nothing to change
    prefix = value[: len(value) - len(value.lstrip("fturbFTURB"))]
    if prefix not in ("", "f"):
        raise Unsupported(f"string prefix {prefix!r}")
    return normalize_string_quotes(normalize_escapes(value))


def normalize_escapes(value: str) -> str:
    """Hex digits of escapes in lower case, names of `\\N{...}` in upper case, as black writes them."""
    return _UNICODE_ESCAPE.sub(_lower_escape, value) if "\\" in value else value


def _lower_escape(m: re.Match[str]) -> str:
    groups = m.groupdict()
    slashes = groups["backslashes"]
    if groups["body"] is None or len(slashes) % 2 == 0:
        return m.group(0)
    if groups["u"]:
        return slashes + "u" + groups["u"].lower()
    if groups["U"]:
        return slashes + "U" + groups["U"].lower()
    if groups["x"]:
        return slashes + "x" + groups["x"].lower()
    return slashes + "N{" + groups["N"].upper() + "}"


def normalize_string_quotes(s: str) -> str:
    """Prefer double quotes, unless they would need more escapes than single quotes."""
    value = s.lstrip("fturbFTURB")
    if value[:3] in ('"""', "'''"):
        if value[:3] == "'''":
            raise Unsupported("''' string")
        return s
    orig_quote, new_quote = ('"', "'") if value[0] == '"' else ("'", '"')
    first_quote_pos = s.find(orig_quote)
    prefix = s[:first_quote_pos]
    unescaped_new_quote = re.compile(rf"(([^\\]|^)(\\\\)*){new_quote}")
    escaped_new_quote = re.compile(rf"([^\\]|^)\\((?:\\\\)*){new_quote}")
    escaped_orig_quote = re.compile(rf"([^\\]|^)\\((?:\\\\)*){orig_quote}")
    body = s[first_quote_pos + len(orig_quote): -len(orig_quote)]
    new_body = _sub_twice(escaped_new_quote, rf"\1\2{new_quote}", body)
    if body != new_body:
        body = new_body  # the string without unnecessary escapes stands for the original
        s = f"{prefix}{orig_quote}{body}{orig_quote}"
    new_body = _sub_twice(escaped_orig_quote, rf"\1\2{orig_quote}", new_body)
    new_body = _sub_twice(unescaped_new_quote, rf"\1\\{new_quote}", new_body)
    if "f" in prefix.casefold():
        matches = re.findall(r"(?:(?<!\{)|^)\{([^{].*?)\}(?:(?!\})|$)", new_body)
        if any("\\" in str(m) for m in matches):
            return s  # no backslashes inside an f-string's expressions
    if new_body.count("\\") > body.count("\\"):
        return s
    if new_body.count("\\") == body.count("\\") and orig_quote == '"':
        return s
    return f"{prefix}{new_quote}{new_body}{new_quote}"


def _sub_twice(regex: re.Pattern[str], replacement: str, original: str) -> str:
    """Overlapping matches need a second pass (black's `sub_twice`)."""
    return regex.sub(replacement, regex.sub(replacement, original))


def docstring(value: str, depth: int) -> str:
    """A docstring (a `\"\"\"` string first in a module, class or function body) as black lays it out."""
    if not value.startswith('"""') or not value.endswith('"""') or len(value) < 6:
        raise Unsupported("docstring quotes")
    value = normalize_escapes(value)
    if re.search(r"\\\s*\n", value):
        return value  # black leaves docstrings with backslash-newlines alone
    text = value[3:-3]
    started_empty = not text
    indent = " " * 4 * depth
    text = _fix_multiline(text, indent) if "\n" in value else text.strip()
    trailing_backslash = False
    if text:
        if text[0] == '"':
            text = " " + text
        if text[-1] == '"':
            text += " "
        if text[-1] == "\\" and (len(text) - len(text.rstrip("\\"))) % 2:
            text += " "
            trailing_backslash = True
    elif not started_empty:
        text = " "
    lines = text.splitlines()
    last_length = len(lines[-1]) if text and not text.endswith("\n") else 0
    if (len(lines) > 1 and last_length + 3 > LINE_LENGTH and len(indent) + 3 <= LINE_LENGTH
            and not trailing_backslash and value[-4] != "\n"):
        return f'"""{text}\n{indent}"""'
    return f'"""{text}"""'


def _fix_multiline(text: str, prefix: str) -> str:
    lines = []
    for line in _LINE_BREAK.split(text):
        stripped = line.lstrip()
        lines.append(line if not stripped or stripped == line
                     else line[: len(line) - len(stripped)].expandtabs(4) + stripped)
    indent = min((len(line) - len(line.lstrip()) for line in lines[1:] if line.lstrip()), default=sys.maxsize)
    trimmed = [lines[0].strip()]
    if indent < sys.maxsize:
        last = len(lines) - 2
        for i, line in enumerate(lines[1:]):
            stripped = line[indent:].rstrip()
            trimmed.append(prefix + stripped if stripped or i == last else "")
    return "\n".join(trimmed)
