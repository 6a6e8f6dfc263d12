"""Reads built MkDocs sites as a browser would, with the stdlib only: links, anchors, scripts, PNGs.

Used by tests/test_site.py. Everything here is a pure function of files on disk (plus `mkdocs build`
and `chromium`, run as child processes), so each check can be fed a hand-made site to prove it fails.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import time
import zlib
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

URL_ATTRS = frozenset({"href", "src", "action", "formaction", "poster", "cite", "data", "xlink:href", "background"})
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})

# What the readthedocs theme of MkDocs 1.6 (mkdocs/themes/readthedocs/base.html, `libs` and `scripts`
# blocks) and the search plugin put on a page, with highlightjs on and no analytics or extra_javascript.
THEME_SCRIPT_FILES = frozenset({"js/html5shiv.min.js", "js/jquery-3.6.0.min.js", "js/theme_extra.js", "js/theme.js",
                                "search/main.js"})
THEME_SCRIPT_URLS = frozenset({"https://cdnjs.cloudflare.com/ajax/libs/highlight.js/11.8.0/highlight.min.js"})
_JSON_STR = r'"(?:[^"\\<]|\\.)*"'  # `tojson` output: `<` is always escaped as \u003c
THEME_INLINE_SCRIPTS = (
    re.compile(rf"// Current page data var mkdocs_page_name = ({_JSON_STR}); "
               rf"var mkdocs_page_input_path = ({_JSON_STR}); var mkdocs_page_url = (null|{_JSON_STR});"),
    re.compile(r"hljs\.highlightAll\(\);"),
    re.compile(rf"var base_url = ({_JSON_STR});"),
    re.compile(r"jQuery\(function \(\) \{ SphinxRtdTheme\.Navigation\.enable\((true|false)\); \}\);"),
)


@dataclass
class Page:
    """What one HTML page holds that a link checker or a script audit needs."""
    ids: set[str] = field(default_factory=set)
    urls: list[tuple[str, str, str]] = field(default_factory=list)   # (tag, attribute, value)
    scripts: list[tuple[str | None, str]] = field(default_factory=list)  # (src, inline text)
    handlers: list[tuple[str, str]] = field(default_factory=list)    # (tag, on* attribute)
    text: list[str] = field(default_factory=list)                    # body text (no script, style, title)


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._script: tuple[str | None, list[str]] | None = None
        self._skip = 0  # inside <style>/<title>: text that is not body content

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.page.handlers.append((tag, name))
            if name == "id" or (name == "name" and tag == "a"):
                self.page.ids.add(value or "")
            if name in URL_ATTRS and value is not None:
                self.page.urls.append((tag, name, value))
        if tag == "script":
            self._script = (dict(attrs).get("src"), [])
        elif tag in ("style", "title", "textarea"):
            self._skip += 1
        if tag in ("title", "textarea"):
            # Browsers read these as text up to their end tag (RCDATA): a <script> inside is no
            # element. Python before 3.14 parses tags there; make it read raw text as browsers do.
            self.set_cdata_mode(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.page.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None
        elif tag in ("style", "title", "textarea") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script[1].append(data)
        elif not self._skip:
            self.page.text.append(data)


def parse_page(html: str) -> Page:
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    if parser._script is not None:  # an unclosed <script> swallows the rest of the page
        parser.page.scripts.append((parser._script[0], "".join(parser._script[1])))
    return parser.page


def parse_site(root: Path) -> dict[str, Page]:
    """Every HTML page of a built site, by its path relative to the site root (POSIX)."""
    return {p.relative_to(root).as_posix(): parse_page(p.read_text(encoding="utf-8")) for p in sorted(root.rglob("*.html"))}


def scheme(url: str) -> str:
    """The scheme a browser sees: it drops tabs and newlines anywhere and C0 controls and spaces around."""
    cleaned = re.sub(r"[\t\n\r]", "", url).strip("".join(map(chr, range(0x21))))
    return urlsplit(cleaned).scheme.lower() if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", cleaned) else ""


class _Files:
    """The files and folders of a site, by path relative to its root, read once."""

    def __init__(self, root: Path) -> None:
        self.files: set[str] = set()
        self.dirs: set[str] = {""}
        for folder, dirs, files in os.walk(root):
            rel = Path(folder).relative_to(root).as_posix()
            rel = "" if rel == "." else rel + "/"
            self.dirs.update(rel + d for d in dirs)
            self.files.update(rel + f for f in files)

    def target(self, page: str, path: str) -> str | None:
        """The site file a relative or root-absolute URL path names, or None if it leaves the site."""
        parts: list[str] = []
        start = [] if path.startswith("/") else page.split("/")[:-1]
        for part in [*start, *path.split("/")]:
            if part == "..":
                if not parts:
                    return None
                parts.pop()
            elif part not in (".", ""):
                parts.append(part)
        target = "/".join(parts)
        return f"{target}/index.html".lstrip("/") if target in self.dirs else target


def broken_links(root: Path, pages: dict[str, Page] | None = None) -> list[str]:
    """Every internal href/src that names no file of the site, every #fragment with no matching id in
    its target page, and every URL with a scheme other than http(s) or mailto, one line each."""
    pages = parse_site(root) if pages is None else pages
    files = _Files(root)
    problems = []
    for name, page in pages.items():
        for tag, attr, url in page.urls:
            where = f"{name}: <{tag} {attr}={url!r}>"
            found = scheme(url)
            if found:
                if found not in SAFE_SCHEMES:
                    problems.append(f"{where}: scheme {found!r} is not http(s) or mailto")
                continue
            if url.startswith("//"):
                problems.append(f"{where}: a scheme-relative URL leaves the site")
                continue
            parts = urlsplit(url)
            target = files.target(name, unquote(parts.path)) if parts.path else name
            if target is None or target not in files.files:
                problems.append(f"{where}: no such file in the site")
            elif parts.fragment and target.endswith(".html") and unquote(parts.fragment) not in pages[target].ids:
                problems.append(f"{where}: no id {unquote(parts.fragment)!r} in {target}")
    return problems


def _theme_inline(text: str) -> bool:
    flat = " ".join(text.split())
    for pattern in THEME_INLINE_SCRIPTS:
        match = pattern.fullmatch(flat)
        if match:
            try:  # the JSON strings must be whole JSON strings, not a way out of one
                [json.loads(g) for g in match.groups() if g and g.startswith('"')]
            except ValueError:
                return False
            return True
    return False


def live_script(root: Path, pages: dict[str, Page] | None = None) -> list[str]:
    """Every <script> that is not the theme's own, every on* handler and every javascript: URL."""
    pages = parse_site(root) if pages is None else pages
    files = _Files(root)
    problems = []
    for name, page in pages.items():
        for src, text in page.scripts:
            if src is None:
                if not _theme_inline(text):
                    problems.append(f"{name}: inline <script> that is not the theme's: {text.strip()[:120]!r}")
                continue
            if src in THEME_SCRIPT_URLS and not text.strip():
                continue
            target = None if scheme(src) or src.startswith("//") else files.target(name, unquote(urlsplit(src).path))
            if target not in THEME_SCRIPT_FILES or text.strip():
                problems.append(f"{name}: <script src={src!r}> is not one of the theme's scripts")
        problems += [f"{name}: <{tag} {attr}=...> event handler" for tag, attr in page.handlers]
        problems += [f"{name}: <{tag} {attr}={url!r}> runs script" for tag, attr, url in page.urls
                     if scheme(url) in ("javascript", "vbscript", "data") and not (tag == "img" and scheme(url) == "data")]
    return problems


def mkdocs_build(config: Path, site: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    """`mkdocs build --strict` in a child process, as a user runs it; the result and its seconds."""
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config), "-d", str(site)],
                            capture_output=True, text=True, timeout=600)
    return result, time.monotonic() - started


# --- headless Chromium ------------------------------------------------------------------------

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  # The pages must render from the site alone: no host resolves, so the theme's
                  # highlight.js from cdnjs (the one remote resource) fails fast instead of waiting.
                  "--host-resolver-rules=MAP * ~NOTFOUND")


def find_chromium() -> str | None:
    return shutil.which("chromium") or (os.path.exists("/usr/bin/chromium") and "/usr/bin/chromium") or None


def chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """One headless Chromium run with a fresh profile folder (no state shared between runs)."""
    profile.mkdir(parents=True, exist_ok=False)
    return subprocess.run([binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120)


# --- a minimal PNG reader ---------------------------------------------------------------------

@dataclass(frozen=True)
class Png:
    width: int
    height: int
    channels: int
    rows: tuple[bytes, ...]  # unfiltered scanlines, `channels` bytes a pixel


_CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # PNG colour type → samples a pixel (8-bit only; no palette)


def read_png(path: Path) -> Png:
    """Decode an 8-bit, non-interlaced greyscale/RGB(A) PNG, such as Chromium's screenshots."""
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG (signature {data[:8]!r})")
    pos, chunks, idat = 8, dict[bytes, bytes](), list[bytes]()
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if zlib.crc32(kind + body) != struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]:
            raise ValueError(f"{path}: bad CRC in {kind!r} chunk")
        chunks.setdefault(kind, body)
        if kind == b"IDAT":
            idat.append(body)
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    if depth != 8 or colour not in _CHANNELS or interlace or b"IEND" not in chunks:
        raise ValueError(f"{path}: unsupported PNG (depth {depth}, colour type {colour}, interlace {interlace})")
    channels = _CHANNELS[colour]
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    if len(raw) != height * (stride + 1):
        raise ValueError(f"{path}: {len(raw)} bytes of image data for {width}x{height}x{channels}")
    rows, previous = [], bytes(stride)
    for y in range(height):
        line = raw[y * (stride + 1):(y + 1) * (stride + 1)]
        previous = _unfilter(line[0], line[1:], previous, channels)
        rows.append(previous)
    return Png(width, height, channels, tuple(rows))


@functools.cache
def _masks(n: int) -> tuple[int, int]:
    return int.from_bytes(b"\x7f" * n, "big"), int.from_bytes(b"\x80" * n, "big")


def _unfilter(kind: int, line: bytes, up: bytes, bpp: int) -> bytes:
    if kind == 0:
        return line
    if kind == 2:  # Up: bytewise (line + up) mod 256, on whole rows as big integers (no per-byte loop)
        n = len(line)
        low, high = _masks(n)
        a, b = int.from_bytes(line, "big"), int.from_bytes(up, "big")
        return (((a & low) + (b & low)) ^ ((a ^ b) & high)).to_bytes(n, "big")
    out = bytearray(line)
    for i in range(len(out)):
        left = out[i - bpp] if i >= bpp else 0
        if kind == 1:
            out[i] = (out[i] + left) & 0xFF
        elif kind == 3:
            out[i] = (out[i] + ((left + up[i]) >> 1)) & 0xFF
        elif kind == 4:
            upper_left = up[i - bpp] if i >= bpp else 0
            p = left + up[i] - upper_left
            pa, pb, pc = abs(p - left), abs(p - up[i]), abs(p - upper_left)
            out[i] = (out[i] + (left if pa <= pb and pa <= pc else up[i] if pb <= pc else upper_left)) & 0xFF
        else:
            raise ValueError(f"unknown PNG filter type {kind}")
    return bytes(out)


def luminance_stats(png: Png, step: int = 2) -> tuple[float, int]:
    """Variance of the luminance over every `step`-th pixel of every `step`-th row, and the number of
    distinct colours seen: a blank (one-colour) image has variance 0 and one colour."""
    values, colours = [], set()
    c = png.channels
    for row in png.rows[::step]:
        for x in range(0, png.width, step):
            px = row[x * c:(x + 1) * c]
            colours.add(px)
            values.append(px[0] if c < 3 else (299 * px[0] + 587 * px[1] + 114 * px[2]) // 1000)
    mean = sum(values) / len(values)
    return sum((v - mean) ** 2 for v in values) / len(values), len(colours)


# --- tables in a page ---------------------------------------------------------------------------

Table = list[list[tuple[bool, str]]]
"""A table's rows, each a list of (is header cell, the cell's text with whitespace collapsed)."""


class _TableParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self._open: list[Table] = []
        self._cell: tuple[bool, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._open.append([])
            self.tables.append(self._open[-1])
        elif tag == "tr" and self._open:
            self._open[-1].append([])
        elif tag in ("th", "td") and self._open and self._open[-1]:
            self._cell = (tag == "th", [])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None:
            self._open[-1][-1].append((self._cell[0], " ".join("".join(self._cell[1]).split())))
            self._cell = None
        elif tag == "table" and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell[1].append(data)


def tables(html: str) -> list[Table]:
    """Every <table> of a page, in document order (a nested table is listed after its parent)."""
    parser = _TableParser()
    parser.feed(html)
    parser.close()
    return parser.tables


def headers(table: Table) -> list[str]:
    """The texts of a table's header row (its first row made of <th> cells)."""
    return next(([text for _, text in row] for row in table if row and all(th for th, _ in row)), [])


# A script added to a copy of a page (never to the site under test): once the theme has laid the
# page out, it writes every content table's visible box and its cells' boxes into the DOM as JSON,
# where `--dump-dom` can read them.
LAYOUT_PROBE = """<script>
window.addEventListener("load", function () { setTimeout(function () {
  var out = [];
  document.querySelectorAll("div.rst-content table").forEach(function (t) {
    var box = t.getBoundingClientRect(), wrap = t.closest(".wy-table-responsive");
    var right = wrap ? Math.min(box.right, wrap.getBoundingClientRect().right) : box.right;
    var cells = Array.from(t.querySelectorAll("th, td")).map(function (c) {
      var r = c.getBoundingClientRect();
      return [c.tagName, c.textContent.trim().slice(0, 40), r.left, r.right];
    });
    out.push({left: box.left, right: right, cells: cells});
  });
  var pre = document.createElement("pre");
  pre.id = "layout-probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
}, 200); });
</script>"""


def cut_off_cells(dom: str) -> list[str]:
    """From a probed page's DOM: every table cell that reaches past its table's visible right edge
    (hidden until the reader scrolls the table sideways)."""
    found = re.search(r'<pre id="layout-probe">(.*?)</pre>', dom, re.S)
    if found is None:
        raise AssertionError("the layout probe did not run: no <pre id=layout-probe> in the DOM")
    problems = []
    for i, table in enumerate(json.loads(unescape(found.group(1)))):
        for tag, text, left, right in table["cells"]:
            if right > table["right"] + 1:
                problems.append(f"table {i + 1}: <{tag.lower()}> {text!r} spans x={left:.0f}..{right:.0f}, "
                                f"the table shows x={table['left']:.0f}..{table['right']:.0f}")
    return problems
