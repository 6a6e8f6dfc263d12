"""Render stage: planned files → {path: text}. Jinja fills templates; Python goes through black."""

from __future__ import annotations

import functools
import os
import traceback
from collections.abc import Sequence

import jinja2

from .diagnostics import Location, SpecError, error
from .plan import OutputFile

_SOURCE_TEMPLATES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "templates")
_PACKAGED_TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")


def template_dir() -> str:
    """The built-in templates: shipped inside the wheel, or beside the package in a checkout."""
    return _PACKAGED_TEMPLATES if os.path.isdir(_PACKAGED_TEMPLATES) else _SOURCE_TEMPLATES


def template_names(folder: str | None = None) -> frozenset[str]:
    """The templates in a folder (the built-ins by default), as Jinja names them: `docs/model.md.j2`."""
    root = folder or template_dir()
    names: set[str] = set()
    for here, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith((".", "__"))]
        rel = os.path.relpath(here, root)
        names.update(f if rel == "." else f"{rel.replace(os.sep, '/')}/{f}" for f in files if not f.startswith("."))
    return frozenset(names)


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
    """Every planned file's text. A user template (`overrides`) that fails to render, or renders
    Python black cannot parse, is bad input: a one-line error at the template's file and line."""
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
        try:
            text = env.get_template(f.template).render(**f.context)
        except jinja2.TemplateError as exc:
            raise _template_error(env, f.template, exc) from None
        if f.language == "python":
            text = _formatted(env, f, text)
        elif f.language == "markdown":
            text = _tidy_markdown(text)
        out[f.path] = text
    return out


def _formatted(env: jinja2.Environment, f: OutputFile, text: str) -> str:
    from black.parsing import InvalidInput

    try:
        return format_python(text)
    except InvalidInput as exc:
        where = Location(_shown(env.get_template(f.template).filename or f.template))
        raise error("template-invalid-python", f"{f.template} rendered {f.path} as Python black cannot parse: {str(exc).splitlines()[0]}", where) from None


def _template_error(env: jinja2.Environment, name: str, exc: jinja2.TemplateError) -> SpecError:
    """Where a template failed: a syntax error knows its line; a render error's line is in the
    traceback, whose frames Jinja maps back to template files."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return error("template-error", f"{name}: {exc.message}", Location(_shown(exc.filename or name), "", exc.lineno))
    frames = [fr for fr in traceback.extract_tb(exc.__traceback__) if fr.filename.endswith(".j2")]
    where = Location(_shown(frames[-1].filename), "", frames[-1].lineno) if frames else Location(name)
    return error("template-error", f"{name}: {type(exc).__name__}: {exc}", where)


def _shown(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


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
