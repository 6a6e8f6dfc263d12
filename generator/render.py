"""Render stage: planned files → {path: text}. Jinja fills templates; Python gets black's layout.

The built-in templates' Python is laid out by `pyformat`, a port of black's line splitting that
is held to black's own output in the tests and costs a fraction of running black. User templates
can produce any Python, so their output goes through black itself (cached by content).
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
import traceback
import warnings
from collections.abc import Sequence
from typing import Any

import jinja2

from .cachedir import cache_root
from .diagnostics import Location, SpecError, error
from .plan import OutputFile
from .pyformat import Unsupported, format_module
from .pyformat.blackcache import cached_black, run_black

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


# How templates are read: compiled code depends on it, so it is part of the compiled cache's key.
_OPTIONS: dict[str, Any] = {"undefined": jinja2.StrictUndefined, "trim_blocks": True, "lstrip_blocks": True,
                            "keep_trailing_newline": True, "autoescape": False}


@functools.lru_cache(maxsize=8)
def environment(overrides: tuple[str, ...] = ()) -> jinja2.Environment:
    """User template folders shadow the built-ins by name."""
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(d) for d in overrides]
    loaders.append(jinja2.FileSystemLoader(template_dir()))
    return jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), bytecode_cache=_CompiledTemplates.in_cache_root(),
                              **_OPTIONS)


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Templates compiled to Python once, not once a run, as Python keeps .pyc files: compiling
    every template costs ~70 ms a run. Entries are keyed by the template's path and checked
    against its source, so an edited template (a user's or a built-in) is compiled again; a
    cache that cannot be read or written is skipped."""

    @classmethod
    def in_cache_root(cls) -> _CompiledTemplates | None:
        """The cache for this Jinja, Python and set of options (a change of any makes a new one)."""
        key = hashlib.sha256(f"{jinja2.__version__}\0{sys.version}\0{sorted(_OPTIONS.items())!r}".encode()).hexdigest()
        folder = os.path.join(cache_root(), f"jinja-{jinja2.__version__}-{key[:12]}")
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError:
            return None
        return cls(folder)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # unreadable, or damaged past its header (pickle and marshal errors)
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def format_python(text: str) -> str:
    """Black's output for `text` (black itself, uncached)."""
    return run_black(text)


class FormatFallback(UserWarning):
    """A built-in template rendered Python the black port does not handle: black formatted it."""


@functools.lru_cache(maxsize=8)
def _user_python(overrides: tuple[str, ...]) -> frozenset[str] | None:
    """The Python templates the user's folders replace; None when they replace a shared macro
    file, whose output may then be in any Python file."""
    names = frozenset(n for d in overrides for n in template_names(d) if n.startswith("python/"))
    return None if any(n.rsplit("/", 1)[-1].startswith("_") for n in names) else names


def render(files: Sequence[OutputFile], overrides: tuple[str, ...] = ()) -> dict[str, str]:
    """Every planned file's text. A user template (`overrides`) that fails to render, or renders
    Python black cannot parse, is bad input: a one-line error at the template's file and line."""
    env = environment(overrides)
    templates: dict[str, jinja2.Template] = {}  # looked up once a call, not once a file (each lookup stats the file)
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
            template = templates.get(f.template)
            if template is None:
                template = templates[f.template] = env.get_template(f.template)
            text = template.render(**f.context)
        except jinja2.TemplateError as exc:
            raise _template_error(env, f.template, exc) from None
        if f.language == "python":
            text = _formatted(env, f, text, overrides)
        elif f.language == "markdown":
            text = _tidy_markdown(text)
        out[f.path] = text
    return out


def _formatted(env: jinja2.Environment, f: OutputFile, text: str, overrides: tuple[str, ...]) -> str:
    user = _user_python(overrides)
    if user is not None and f.template not in user:
        try:
            return format_module(text)
        except Unsupported as exc:
            warnings.warn(f"{f.path}: laid out by black, not by specloom's own formatter ({exc}); "
                          "please report it", FormatFallback, stacklevel=2)
    from black.parsing import InvalidInput

    try:
        return cached_black(text)
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
    fenced = blank = False  # inside a code fence; the last line kept is blank
    for line in text.rstrip("\n").split("\n"):
        if line.startswith("```"):
            fenced = not fenced
        if fenced:
            blank = not line.strip()
        else:
            line = line.rstrip()
            if not line and blank:
                continue
            blank = not line
        lines.append(line)
    return "\n".join(lines) + "\n"
