"""One escaping function per output context. Every spec string that reaches output passes one.

A spec is untrusted input: a description may try to close a docstring, a string literal, a
Markdown table or an HTML comment. Each function here makes its input inert in its context.
"""

from __future__ import annotations

import json
import re

_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)


def py_str(value: str) -> str:
    """A double-quoted Python string literal that evaluates to exactly `value`."""
    text = json.dumps(value, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: only \u escapes can carry them
        text = json.dumps(value, ensure_ascii=True)
    return text


def py_docstring(value: str) -> str:
    """Text for the inside of a `\"\"\"` docstring, which can neither end it nor hold escapes."""
    text = value.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}" for ch in text)
    lines = [line.rstrip() for line in text.replace("\t", "    ").splitlines()]
    text = "\n".join(lines).strip()
    if text.endswith('"'):
        text = text[:-1] + '\\"'
    return text


def py_comment(value: str) -> str:
    """One line that can follow `# ` without ending the comment."""
    return " ".join(value.split())


def md_text(value: str) -> str:
    """Markdown prose: raw HTML is shown, not run (`<script>` becomes text); code spans kept."""
    return _outside_code(value, _escape_html)


def md_cell(value: str) -> str:
    """One Markdown table cell: no line breaks, pipes escaped, raw HTML shown as text."""
    text = md_text(value.strip())
    text = re.sub(r"\n\s*\n", "<br><br>", text)
    text = re.sub(r"\s*\n\s*", " ", text)
    return text.replace("|", "\\|")


def md_code(value: str) -> str:
    """Inline code: a backtick fence longer than any run of backticks inside."""
    longest = max((len(m) for m in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") or not value.strip() else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def md_heading(value: str) -> str:
    return md_text(" ".join(value.split())).replace("#", "\\#")


def html_comment(value: str) -> str:
    """Text inside `<!-- -->` that cannot close it."""
    return " ".join(value.replace("--", "- -").replace(">", "&gt;").split())


def _escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _outside_code(text: str, fn: object) -> str:
    assert callable(fn)
    out, last = [], 0
    for match in _CODE_SPAN.finditer(text):
        out.append(fn(text[last:match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(fn(text[last:]))
    return "".join(out)


def toml_str(value: str) -> str:
    """A TOML basic string (JSON's escapes are a subset of TOML's)."""
    return json.dumps(value, ensure_ascii=True)
