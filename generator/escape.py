"""One escaping function per output context. Every spec string that reaches output passes one.

A spec is untrusted input: a description may try to close a docstring, a string literal, a
Markdown table or an HTML comment. Each function here makes its input inert in its context.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Callable
from urllib.parse import quote

# A code span as CommonMark reads one: a run of backticks, and the next run of the same length.
# An opener after a backslash is not taken as one (it may be escaped): the text around it is
# then escaped as prose, which is always safe, at worst showing an entity literally.
CODE_SPAN = re.compile(r"(?<![\\`])(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
_SURROGATE = re.compile("[\ud800-\udfff]")
# What json.dumps escapes (quote, backslash, controls), and lone surrogates.
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f\ud800-\udfff]')


def py_str(value: str) -> str:
    """A double-quoted Python string literal that evaluates to exactly `value`."""
    if not _NEEDS_ESCAPE.search(value):  # most are names: quoted as they are
        return f'"{value}"'
    text = json.dumps(value, ensure_ascii=False)
    # Lone surrogates cannot be written as UTF-8: only a \u escape can carry them.
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def py_docstring(value: str) -> str:
    """Text for the inside of a `\"\"\"` docstring, which can neither end it nor hold escapes."""
    # Lone surrogates: a docstring is prose, and one holding them breaks `inspect` and pydantic.
    text = _SURROGATE.sub("\ufffd", value).replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if not text.replace("\n", "").replace("\t", "").isprintable():  # else no character needs a look
        text = "".join(ch if ch.isprintable() or ch in "\n\t" else _escape_char(ch) for ch in text)
    lines = [line.rstrip() for line in text.replace("\t", "    ").splitlines()]
    text = "\n".join(lines).strip()
    # A closing quote right before the docstring's own `"""` would end it early, unless escaped.
    if text.endswith('"') and (len(text) - 1 - len(text[:-1].rstrip("\\"))) % 2 == 0:
        text = text[:-1] + '\\"'
    return text


def _escape_char(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def py_comment(value: str) -> str:
    """One line that can follow `# ` without ending the comment (nor holding what UTF-8 cannot)."""
    return " ".join(md_chars(value).split())


LinkTarget = Callable[[str], "str | None"]
"""Where a link should point, given its destination as a browser would read it (entities and
backslash escapes decoded); None to keep only its text."""

SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_SAFE_SCHEMES = ("http:", "https:", "mailto:")
_AUTOLINK = re.compile(r"<(https?://[^\s<>]+)>")
_DEFINITION = re.compile(r"^([ ]{0,3})\[([^\]\n]+)\]:", re.M)
_BACKSLASH_ESCAPE = re.compile(r"\\(.)")
_LINK_MIDDLE = re.compile(r"\]\(")
_TITLE = re.compile(r"\s*(?:\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\))?\s*\)", re.S)
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]")


def browser_url(dest: str) -> str:
    """A URL as a browser reads it: no spaces or controls (`java\tscript:` is `javascript:`)."""
    return _URL_IGNORED.sub("", dest)


def clean_url(url: str) -> str:
    """Characters that cannot stand in a Markdown link destination, percent-encoded."""
    return quote(url, safe="/:?#[]@!$&'*+,;=%~-._")


def safe_target(dest: str) -> str | None:
    """The default link policy: absolute http(s) and mailto links stay; any other loses its link."""
    url = browser_url(dest)
    return clean_url(url) if url.lower().startswith(_SAFE_SCHEMES) else None


def vet_links(text: str, target: LinkTarget = safe_target) -> str:
    """`text` with every inline link vetted by `target`: rewritten, or unlinked (its text kept),
    or broken up where it cannot be read as CommonMark reads a link, so no link reaches a page
    unchecked. Autolinks to http(s) become links; reference definitions become text."""
    # Each step is skipped when the text lacks what it looks for (most descriptions have no link).
    if "<" in text:
        text = outside_code(text, lambda part: _AUTOLINK.sub(lambda m: f"[{m.group(1)}]({m.group(1)})", part))
    if "]:" in text:
        text = outside_code(text, lambda part: _DEFINITION.sub(r"\1\\[\2]:", part))
    if "](" not in text:
        return text
    spans = [m.span() for m in CODE_SPAN.finditer(text)]
    out, pos = [], 0
    for m in _LINK_MIDDLE.finditer(text):
        if m.start() < pos or any(a <= m.start() < b for a, b in spans):
            continue
        start, parsed = _label_start(text, m.start(), pos), _destination(text, m.end())
        if start is None or parsed is None:
            out.append(text[pos:m.start()] + "]\\(")
            pos = m.end()
            continue
        dest, end = parsed
        bang = start > pos and text[start - 1] == "!"
        url = target(html.unescape(_BACKSLASH_ESCAPE.sub(r"\1", dest)))
        label = text[start + 1:m.start()]
        lead = text[pos:start - 1] if bang and url is None else text[pos:start]
        out.append(lead + (f"[{label}]({url})" if url is not None else label))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _label_start(text: str, end: int, floor: int) -> int | None:
    """The `[` that opens the label closing at `end`, looking no further back than `floor`."""
    depth = 0
    for k in range(end - 1, floor - 1, -1):
        if k > 0 and text[k - 1] == "\\":
            continue
        if text[k] == "]":
            depth += 1
        elif text[k] == "[":
            if depth == 0:
                return k
            depth -= 1
    return None


def _destination(text: str, start: int) -> tuple[str, int] | None:
    """The destination of a link whose `(` ends at `start`, and where the link ends, read as
    CommonMark reads it (`<...>`, or balanced parentheses; then an optional title)."""
    i = start
    while i < len(text) and text[i] in " \t\n":
        i += 1
    if i < len(text) and text[i] == "<":
        close = text.find(">", i)
        if close < 0 or "\n" in text[i:close]:
            return None
        dest, i = text[i + 1:close], close + 1
    else:
        begin, depth = i, 0
        while i < len(text) and text[i] > " ":
            if text[i] == "\\":
                i += 2
                continue
            if text[i] == "(":
                depth += 1
            elif text[i] == ")":
                if depth == 0:
                    break
                depth -= 1
            i += 1
        dest = text[begin:i]
    title = _TITLE.match(text, i)
    return (dest, title.end()) if title else None



def md_text(value: str, target: LinkTarget = safe_target) -> str:
    """Markdown prose: raw HTML is shown, not run (`<script>` becomes text); code spans kept;
    links vetted by `target` (by default only absolute http(s) and mailto links stay links)."""
    return outside_code(vet_links(md_chars(value), target), _escape_html)


_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_UNWRITABLE_OR_CR = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


def md_chars(value: str) -> str:
    """Text a Markdown file can hold: line ends as `\\n`; control characters and lone surrogates
    (which UTF-8 cannot encode) as U+FFFD, as CommonMark itself treats NUL."""
    if not _UNWRITABLE_OR_CR.search(value):
        return value
    return _UNWRITABLE.sub("\ufffd", value.replace("\r\n", "\n").replace("\r", "\n"))


def md_cell(value: str, target: LinkTarget = safe_target) -> str:
    """One Markdown table cell: no line breaks, pipes escaped, raw HTML shown as text; a fenced
    code block becomes a `<code>` element whose lines are kept apart by `<br>`."""
    value = md_chars(value).strip()
    blocks: list[str] = []

    def stash(match: re.Match[str]) -> str:
        blocks.append(_cell_code_block(match.group(2)))
        return f"\n\n\ue000{len(blocks) - 1}\ue001\n\n"

    # The blocks wait behind private-use markers while the rest is escaped (none come from the spec).
    value = value.replace("\ue000", "\ufffd").replace("\ue001", "\ufffd")
    if "```" in value or "~~~" in value:
        value = _FENCED.sub(stash, value)
    text = _md_cell_text(value.strip(), target)
    return _BLOCK_MARKER.sub(lambda m: blocks[int(m.group(1))], text) if blocks else text


_BLOCK_MARKER = re.compile("\ue000(\\d+)\ue001")
# A fenced code block (``` or ~~~, three or more) from its opening line to its closing fence.
_FENCED = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})[^\n]*\n(.*?)(?:\n[ ]{0,3}\1[`~]*[ \t]*$|\Z)", re.S | re.M)
# Characters Markdown would act on inside an inline HTML element, as entities.
_CELL_CODE_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "&#124;", "`": "&#96;", "*": "&#42;",
                       "_": "&#95;", "[": "&#91;", "]": "&#93;", "\\": "&#92;", "~": "&#126;", " ": "&nbsp;"}


def _cell_code_block(code: str) -> str:
    lines = ["".join(_CELL_CODE_ENTITIES.get(ch, ch) for ch in line) for line in code.split("\n")]
    return "<code>" + "<br>".join(lines) + "</code>"


def _md_cell_text(value: str, target: LinkTarget) -> str:
    text = md_text(value, target)
    if "\n" in text:
        text = _PARAGRAPH_BREAK.sub("<br><br>", text)
        text = _LINE_BREAK.sub(" ", text)
    if "|" not in text:
        return text
    # A code span holding a pipe: GFM wants `a\|b`, Python-Markdown then shows the backslash;
    # as a <code> element with an entity it reads right in both (as md_cell_code writes it).
    text = CODE_SPAN.sub(lambda m: md_cell_code(_span_text(m.group(2))) if "|" in m.group(2) else m.group(0), text)
    return _escape_pipes(text)


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_LINE_BREAK = re.compile(r"\s*\n\s*")


def _span_text(inner: str) -> str:
    """What a code span shows: one space stripped from each end when both have one."""
    return inner[1:-1] if len(inner) > 2 and inner[0] == inner[-1] == " " and inner.strip(" ") else inner


@functools.lru_cache(maxsize=8192)
def md_cell_code(value: str) -> str:
    """Inline code inside a table cell, on one line. Code holding a pipe is written as a `<code>`
    element with the pipe as an entity: GFM splits cells on a bare pipe even inside a code span
    (and shows `\\|` there as `|`), while Python-Markdown keeps it and shows the backslash.

    Cached: the docs show the same few names and types (`str`, `int`, `200`) thousands of times."""
    value = " ".join(md_chars(value).split("\n"))
    if "|" not in value:
        return md_code(value)
    return "<code>" + "".join(_CELL_CODE_ENTITIES.get(ch, ch) if ch != " " else ch for ch in value) + "</code>"


_PIPE = re.compile(r"(\\*)\|")


def _escape_pipes(text: str) -> str:
    # A pipe after an odd number of backslashes is already escaped; any other one splits the row.
    return _PIPE.sub(lambda m: m.group(0) if len(m.group(1)) % 2 else m.group(1) + "\\|", text)


_BACKTICKS = re.compile(r"`+")


def md_code(value: str) -> str:
    """Inline code: a backtick fence longer than any run of backticks inside."""
    value = md_chars(value).replace("\n", " ")
    if not value:
        return "<code></code>"  # no run of backticks can hold nothing: "``" would open a longer span
    longest = max(map(len, _BACKTICKS.findall(value)), default=0) if "`" in value else 0
    fence = "`" * (longest + 1)
    # CommonMark strips one space from each end when both ends have one (and it is not all
    # spaces), and a backtick at an end would join the fence: pad exactly in those cases.
    spaced = value.startswith(" ") and value.endswith(" ") and value.strip(" ") != ""
    pad = " " if value.startswith("`") or value.endswith("`") or spaced else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def md_heading(value: str) -> str:
    return md_text(" ".join(value.split())).replace("#", "\\#")


def css_comment(value: str) -> str:
    """Text inside `/* */` that cannot close it."""
    return " ".join(md_chars(value).replace("*/", "* /").split())


def html_comment(value: str) -> str:
    """Text inside `<!-- -->` that cannot close it."""
    return " ".join(md_chars(value).replace("--", "- -").replace(">", "&gt;").split())


def _escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def outside_code(text: str, fn: Callable[[str], str]) -> str:
    """`fn` applied to the parts of Markdown `text` outside code spans."""
    if "`" not in text:  # no code span
        return fn(text)
    out, last = [], 0
    for match in CODE_SPAN.finditer(text):
        out.append(fn(text[last:match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(fn(text[last:]))
    return "".join(out)


def toml_str(value: str) -> str:
    """A TOML basic string (JSON's escapes are a subset of TOML's)."""
    return json.dumps(value, ensure_ascii=True)


def yaml_str(value: str) -> str:
    """A YAML double-quoted scalar that loads as exactly `value` (YAML 1.1 and 1.2 loaders alike).

    JSON's escapes are YAML's too; characters YAML will not accept raw (C1 controls, BOM-like
    non-characters) are escaped, and lone surrogates, which no YAML string can hold, become U+FFFD.
    """
    text = json.dumps(value, ensure_ascii=False)
    return "".join(_yaml_char(ch) for ch in text)


def _yaml_char(ch: str) -> str:
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        return "\\uFFFD"
    if code < 0x20 or 0x7F <= code <= 0x9F or code in (0xFEFF, 0xFFFE, 0xFFFF) or ch in "\u2028\u2029":
        return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
    return ch
