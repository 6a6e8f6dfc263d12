"""Render stage: planned files → {path: text}. Jinja fills templates; Python goes through black."""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence

import jinja2

from .plan import OutputFile

_SOURCE_TEMPLATES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "templates")
_PACKAGED_TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")


def template_dir() -> str:
    """The built-in templates: shipped inside the wheel, or beside the package in a checkout."""
    return _PACKAGED_TEMPLATES if os.path.isdir(_PACKAGED_TEMPLATES) else _SOURCE_TEMPLATES


@functools.lru_cache(maxsize=8)
def environment(overrides: tuple[str, ...] = ()) -> jinja2.Environment:
    """User template folders shadow the built-ins by name."""
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(d) for d in overrides]
    loaders.append(jinja2.FileSystemLoader(template_dir()))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    return env


@functools.lru_cache(maxsize=1)
def _black_mode() -> object:
    import black

    # The generated pyproject says requires-python >= 3.10; black infers the same targets from it.
    versions = {v for v in black.TargetVersion if v.value >= black.TargetVersion.PY310.value}
    return black.Mode(target_versions=versions)


def format_python(text: str) -> str:
    import black

    return black.format_str(text, mode=_black_mode())  # type: ignore[arg-type]


def render(files: Sequence[OutputFile], overrides: tuple[str, ...] = ()) -> dict[str, str]:
    env = environment(overrides)
    out: dict[str, str] = {}
    for f in files:
        if "verbatim_header" in f.context:
            # A hand-written file copied as it is (the SDK runtime): only the header is added.
            # It is kept in black's layout (tests/test_runtime.py checks), so it skips black:
            # formatting 1,300 lines on every run of every job is time for nothing.
            source, _, _ = env.loader.get_source(env, f.template)  # type: ignore[union-attr]
            out[f.path] = f"{f.context['verbatim_header']}\n{source}"
            continue
        text = env.get_template(f.template).render(**f.context)
        if f.language == "python":
            text = format_python(text)
        elif f.language == "markdown":
            text = _tidy_markdown(text)
        out[f.path] = text
    return out


def _tidy_markdown(text: str) -> str:
    """One blank line between blocks, one newline at the end (templates stay readable)."""
    lines: list[str] = []
    fenced = False
    for line in text.rstrip("\n").split("\n"):
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and not line.strip() and lines and not lines[-1].strip():
            continue
        lines.append(line.rstrip() if not fenced else line)
    return "\n".join(lines) + "\n"
