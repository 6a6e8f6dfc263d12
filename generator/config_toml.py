"""The config from pyproject.toml's [tool.specloom] table: read with tomllib, pointed at by key path.

tomllib keeps no line marks, so an error names its key path (`tool.specloom.jobs[0].renames`)
and the line a scan of the text finds for it: the job's `[[tool.specloom.jobs]]` header, then each
key of the path in turn below it. The scan is a best effort (an unusual layout gets the nearest
line it can find); the key path is always exact.
"""

from __future__ import annotations

import json
import os
import re

from .config import PYPROJECT, Source, config_text
from .diagnostics import Location, SpecError, error
from .loader import split_pointer

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")
_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?")
_DECODE_AT = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")


def has_tool_table(path: str) -> bool:
    """Whether the file mentions [tool.specloom] (a broken file is read, to report its error)."""
    try:
        return "tool.specloom" in config_text(path)
    except SpecError:
        return False


def read_toml(path: str) -> Source:
    import tomllib

    text = config_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error("config-invalid", f"invalid TOML: {_DECODE_AT.sub('', str(exc))}", _decode_location(path, text, exc)) from None
    table = data.get("tool", {}).get("specloom") if isinstance(data.get("tool"), dict) else None
    if table is None:
        raise error("config-missing", f"{path} has no [tool.specloom] table", Location(path))
    lines = text.splitlines()
    return Source(path, table, os.path.dirname(os.path.abspath(path)),
                  lambda pointer: Location(path, key_path(pointer), _line(lines, split_pointer(pointer))))


def _decode_location(path: str, text: str, exc: Exception) -> Location:
    at = _DECODE_AT.search(str(exc))
    if at is None:
        return Location(path)
    if at.group(1) is None:  # "at end of document": an unclosed string or table
        return Location(path, "", max(1, len(text.splitlines())))
    return Location(path, "", int(at.group(1)), int(at.group(2)))


def key_path(pointer: str) -> str:
    """`#/jobs/0/renames/fields/Batch.id` → `tool.specloom.jobs[0].renames.fields."Batch.id"`."""
    out = "tool.specloom"
    parts = split_pointer(pointer)
    for i, part in enumerate(parts):
        if part.isdigit() and i > 0 and parts[i - 1] == "jobs":
            out += f"[{part}]"
        else:
            out += "." + (part if _BARE.match(part) else json.dumps(part))
    return out


def _line(lines: list[str], parts: list[str]) -> int | None:
    """The 1-based line that defines the key at `parts` (under [tool.specloom]), or the nearest one found."""
    jobs = [n for n, text in enumerate(lines) if _header(text) == "tool.specloom.jobs" and text.lstrip().startswith("[[")]
    if len(parts) >= 2 and parts[0] == "jobs" and parts[1].isdigit() and int(parts[1]) < len(jobs):
        start, keys, scope = jobs[int(parts[1])], parts[2:], "tool.specloom.jobs."
    else:
        tops = [n for n, text in enumerate(lines) if _header(text) == "tool.specloom"]
        start = tops[0] if tops else next((n for n, text in enumerate(lines) if "tool.specloom" in text), -1)
        keys, scope = parts, "tool.specloom"
    if start < 0:
        return None
    end = next((n for n in range(start + 1, len(lines)) if (h := _header(lines[n])) is not None
                and not (h.startswith(scope) and not lines[n].lstrip().startswith("[["))), len(lines))
    found = start
    for key in keys:
        hit = next((n for n in range(found, end) if _defines(lines[n], key)), None)
        if hit is None:
            break
        found = hit
    return found + 1


def _header(text: str) -> str | None:
    match = _HEADER.match(text)
    return re.sub(r"\s+", "", match.group(1)) if match else None


def _defines(text: str, key: str) -> bool:
    """Whether a line defines `key`: as a key (`key =`, `"key" =`), part of a dotted key, or a table header."""
    if text.lstrip().startswith("#"):
        return False
    spelled = [re.escape(json.dumps(key)), re.escape(f"'{key}'")] + ([re.escape(key)] if _BARE.match(key) else [])
    return re.search(rf"(?:^|[\s{{,.\[])(?:{'|'.join(spelled)})\s*(?:=|\.|\])", text) is not None
