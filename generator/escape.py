"""One escaping function per output context. Every spec string that reaches output passes one.

A spec is untrusted input: a description may try to close a docstring, a string literal, a
Markdown table or an HTML comment. Each function here makes its input inert in its context.
"""

from __future__ import annotations

import json
import re

# A code span as CommonMark reads one: a run of backticks, and the next run of the same length.
# An opener after a backslash is not taken as one (it may be escaped): the text around it is
# then escaped as prose, which is always safe, at worst showing an entity literally.
CODE_SPAN = re.compile(r"(?<![\\`])(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)


def py_str(value: str) -> str:
    """A double-quoted Python string literal that evaluates to exactly `value`."""
    text = json.dumps(value, ensure_ascii=False)
    # Lone surrogates cannot be written as UTF-8: only a \u escape can carry them.
    return "".join(f"\\u{ord(ch):04x}" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in text)


def py_docstring(value: str) -> str:
    """Text for the inside of a `\"\"\"` docstring, which can neither end it nor hold escapes."""
    text = value.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
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
    """One line that can follow `# ` without ending the comment."""
    return " ".join(value.split())


def md_text(value: str) -> str:
    """Markdown prose: raw HTML is shown, not run (`<script>` becomes text); code spans kept."""
    return outside_code(value, _escape_html)


def md_cell(value: str) -> str:
    """One Markdown table cell: no line breaks, pipes escaped, raw HTML shown as text; a fenced
    code block becomes a `<code>` element whose lines are kept apart by `<br>`."""
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    blocks: list[str] = []

    def stash(match: re.Match[str]) -> str:
        blocks.append(_cell_code_block(match.group(2)))
        return f"\n\n\x00{len(blocks) - 1}\x00\n\n"

    value = _FENCED.sub(stash, value.replace("\x00", "\ufffd"))
    text = _md_cell_text(value.strip())
    return re.sub("\x00(\\d+)\x00", lambda m: blocks[int(m.group(1))], text)


# A fenced code block (``` or ~~~, three or more) from its opening line to its closing fence.
_FENCED = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})[^\n]*\n(.*?)(?:\n[ ]{0,3}\1[`~]*[ \t]*$|\Z)", re.S | re.M)
# Characters Markdown would act on inside an inline HTML element, as entities.
_CELL_CODE_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "&#124;", "`": "&#96;", "*": "&#42;",
                       "_": "&#95;", "[": "&#91;", "]": "&#93;", "\\": "&#92;", "~": "&#126;", " ": "&nbsp;"}


def _cell_code_block(code: str) -> str:
    lines = ["".join(_CELL_CODE_ENTITIES.get(ch, ch) for ch in line) for line in code.split("\n")]
    return "<code>" + "<br>".join(lines) + "</code>"


def _md_cell_text(value: str) -> str:
    text = md_text(value)
    text = re.sub(r"\n\s*\n", "<br><br>", text)
    text = re.sub(r"\s*\n\s*", " ", text)
    return _escape_pipes(text)


def md_cell_code(value: str) -> str:
    """Inline code inside a table cell: one line, pipes escaped (GFM unescapes them in spans)."""
    return _escape_pipes(md_code(" ".join(value.replace("\r", "\n").split("\n"))))


def _escape_pipes(text: str) -> str:
    # A pipe after an odd number of backslashes is already escaped; any other one splits the row.
    return re.sub(r"(\\*)\|", lambda m: m.group(0) if len(m.group(1)) % 2 else m.group(1) + "\\|", text)


def md_code(value: str) -> str:
    """Inline code: a backtick fence longer than any run of backticks inside."""
    longest = max((len(m) for m in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    # CommonMark strips one space from each end when both ends have one (and it is not all
    # spaces), and a backtick at an end would join the fence: pad exactly in those cases.
    spaced = value.startswith(" ") and value.endswith(" ") and value.strip(" ") != ""
    pad = " " if value.startswith("`") or value.endswith("`") or spaced else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def md_heading(value: str) -> str:
    return md_text(" ".join(value.split())).replace("#", "\\#")


def html_comment(value: str) -> str:
    """Text inside `<!-- -->` that cannot close it."""
    return " ".join(value.replace("--", "- -").replace(">", "&gt;").split())


def _escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def outside_code(text: str, fn: object) -> str:
    """`fn` applied to the parts of Markdown `text` outside code spans."""
    assert callable(fn)
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
