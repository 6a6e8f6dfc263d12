"""Diff stage: two normalized IRs (old and new spec) → a sorted `Changelog` of what SDK users notice. Pure.

It compares `ir.Api`s, not YAML, so every name is the one the SDK shows (`client.projects.create`,
`ProjectCreateRequest.geography`), and each change is classified breaking or not by `rules`.
Model changes are reported once, under the model; operations report their parameters, inline
bodies and responses. `report` renders a changelog as Markdown or JSON.
"""

from __future__ import annotations

from .. import ir
from .changes import Change, Changelog, Side
from .models import model_changes
from .operations import operation_changes
from .report import render, render_json, render_markdown
from .usage import Usage, alias_types


def compare(old: ir.Api, new: ir.Api) -> Changelog:
    usage = Usage(old, new)
    aliases = (alias_types(old), alias_types(new))
    changes = [*operation_changes(old, new, usage, aliases), *model_changes(old, new, usage, aliases)]
    return Changelog(_side(old), _side(new), tuple(sorted(dict.fromkeys(changes), key=Change.sort_key)))


def _side(api: ir.Api) -> Side:
    return Side(api.spec_name, api.title, api.version)


__all__ = ["compare", "Change", "Changelog", "Side", "render", "render_json", "render_markdown"]
