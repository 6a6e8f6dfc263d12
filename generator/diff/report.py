"""Diff stage output: a `Changelog` as Markdown release notes, or as JSON for tools.

The JSON shape (`"format": "specloom-diff/1"`; fields are only ever added under this name):

    {"format": "specloom-diff/1",
     "old": {"spec": "openapi-a.yaml", "title": "…", "version": "…"}, "new": {…},
     "bump": "major" | "minor" | "patch" | "none",
     "counts": {"breaking": 1, "addition": 2, "other": 0, "total": 3},
     "changes": [{"kind": "field-removed", "breaking": true, "section": "breaking",
                  "area": "model", "subject": "ProjectCreateRequest", "sdk": "ProjectCreateRequest",
                  "place": "field", "member": "geography", "old": "str | None", "new": null,
                  "note": "", "detail": "field `geography` removed", "why": "…",
                  "file": "openapi-a.yaml", "pointer": "#/components/schemas/…"}, …]}

`changes` is in the changelog's order (breaking first, then by area, subject and member).
"""

from __future__ import annotations

import json
from typing import Any

from ..escape import md_code, md_heading, md_text
from .changes import ADDITION, OTHER, Change, Changelog, Side

FORMAT = "specloom-diff/1"
SECTIONS = (("breaking", "Breaking changes"), (ADDITION, "Additions"), (OTHER, "Other changes"))
AREA_TITLES = (("operation", "Operations", "operations"), ("model", "Models", "models"))
LONGEST_UNION = 12
"""Members of a union shown in Markdown before `… (N more)`; JSON always has them all."""
COLLAPSE = 5
"""The same change on this many subjects or more is one entry listing them (`429` added to 160 operations)."""


def render(changelog: Changelog, fmt: str) -> str:
    return render_json(changelog) if fmt == "json" else render_markdown(changelog)


def render_json(changelog: Changelog) -> str:
    doc = {
        "format": FORMAT,
        "old": _side(changelog.old),
        "new": _side(changelog.new),
        "bump": changelog.bump,
        "counts": {**{name: len(changelog.section(name)) for name, _ in SECTIONS}, "total": len(changelog.changes)},
        "changes": [_row(c) for c in changelog.changes],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _side(side: Side) -> dict[str, str]:
    return {"spec": side.spec_name, "title": side.title, "version": side.version}


def _row(c: Change) -> dict[str, Any]:
    return {"kind": c.kind, "breaking": c.breaking, "section": c.section, "area": c.area, "subject": c.subject,
            "sdk": c.sdk, "place": c.place, "member": c.member, "old": c.old, "new": c.new, "note": c.note,
            "detail": c.detail(), "why": c.why, "file": c.location.file, "pointer": c.location.pointer}


def render_markdown(changelog: Changelog) -> str:
    old, new = changelog.old, changelog.new
    counts = ", ".join(f"{len(changelog.section(name))} {title.lower()}" for name, title in SECTIONS)
    lines = [f"# API changes: {md_heading(old.title)} {md_heading(old.version)} → {md_heading(new.version)}", "",
             f"From {md_code(old.spec_name)} to {md_code(new.spec_name)}.", "",
             f"**Suggested version bump: {changelog.bump}** ({counts}).", ""]
    for name, title in SECTIONS:
        lines += [f"## {title}", ""]
        changes = changelog.section(name)
        if not changes:
            lines += ["None.", ""]
        for area, heading, plural in AREA_TITLES:
            items = [c for c in changes if c.area == area]
            if items:
                lines += [f"### {heading}", "", *_entries(items, plural, why=name != ADDITION), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _entries(changes: list[Change], plural: str, *, why: bool) -> list[str]:
    groups: dict[tuple[object, ...], list[Change]] = {}
    for c in changes:
        groups.setdefault(_alike(c), []).append(c)
    big = {key for key, group in groups.items() if len({c.subject for c in group}) >= COLLAPSE}
    lines: list[str] = []
    for c in changes:  # each collapsed entry stands where its first change would
        key = _alike(c)
        if key not in big:
            lines.append(f"- {_subject(c)}: {c.detail(_code, md_text)}{_why(c, why)}")
        elif groups[key][0] is c:
            group = groups[key]
            lines.append(f"- {_capital(c.detail(_code, md_text))} on {len(group)} {plural}{_why(c, why)}:")
            lines += [f"  - {_subject(g)}" for g in group]
    return lines


def _code(value: str) -> str:
    """Inline code for a name or a type; a union of many members is cut short."""
    members, depth, start = [], 0, 0
    for i, ch in enumerate(value):
        depth += (ch == "[") - (ch == "]")
        if depth == 0 and value.startswith(" | ", i):
            members.append(value[start:i])
            start = i + 3
    members.append(value[start:])
    if len(members) > LONGEST_UNION:
        value = " | ".join(members[:LONGEST_UNION - 2]) + f" | … ({len(members) - LONGEST_UNION + 2} more)"
    return md_code(value)


def _alike(c: Change) -> tuple[object, ...]:
    return (c.kind, c.breaking, c.place, c.member, c.old, c.new, c.note, c.why)


def _subject(c: Change) -> str:
    sdk = f" ({md_code(c.sdk)})" if c.sdk != c.subject else ""
    return f"{md_code(c.subject)}{sdk}"


def _why(c: Change, shown: bool) -> str:
    return f" — {md_text(c.why)}" if shown and c.why else ""


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
