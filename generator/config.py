"""The config: the jobs a bare `specloom generate` runs, from specloom.yaml or pyproject.toml.

Every key is checked here, before any spec is read, and every error names the file and the key
(its line in YAML; in TOML its key path, and the line where a scan of the text finds it).
docs/configuration.md documents this schema; keep the two in step.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .diagnostics import Location, SpecError, error
from .loader import DEFAULT_LIMITS, Limits, join_pointer
from .names import class_name, field_name, method_name, package_name
from .readfile import NotRegular, TooLarge, read_limited
from .renames import NO_RENAMES, Rename, Renames
from .targets import TARGETS

CONFIG_FILE = "specloom.yaml"
PYPROJECT = "pyproject.toml"
JOB_KEYS = ("spec", "output", "name", "package", "targets", "docs_base_url", "templates", "pagination", "renames", "limits")
LIMIT_KEYS = tuple(Limits.__dataclass_fields__)
PAGINATION_KEYS = ("style", "items", "has_more", "cursor_param", "cursor_field", "limit_param", "offset_param", "next_field")
_STYLES = ("cursor", "offset", "next_link")
# What each kind of rename names, and the function its new name must already be the output of.
RENAME_KINDS: dict[str, tuple[Callable[[str], str], str]] = {
    "models": (class_name, "a class name"), "fields": (field_name, "an attribute name"), "methods": (method_name, "a method name"),
}


@dataclass(frozen=True, slots=True)
class Job:
    spec: str
    output: str
    package: str | None
    targets: tuple[str, ...]
    pagination: dict[str, Any] = field(default_factory=dict)
    """operationId → `false`, or how its list pages (the runtime `Pagination`'s fields)."""
    docs_base_url: str | None = None
    """The site the spec's relative links point into (`https://platform.openai.com`)."""
    templates: tuple[str, ...] = ()
    """Folders of user templates that shadow the built-ins by name."""
    renames: Renames = NO_RENAMES
    name: str = ""
    """What `--job` selects it by: the `name` key, else the output folder's name."""
    limits: Limits = DEFAULT_LIMITS
    """How large the spec file and its strings may be."""
    pagination_at: dict[str, Location] = field(default_factory=dict)
    """operationId → where the config sets its pagination, for errors."""


@dataclass(frozen=True, slots=True)
class Source:
    """A parsed config file: its data, the folder its paths are relative to, and how to point into it."""

    file: str
    data: Any
    base: str
    locate: Callable[[str], Location]

    def fail(self, code: str, message: str, pointer: str) -> SpecError:
        return error(code, message, self.locate(pointer))


def find_config(directory: str = ".") -> str:
    """specloom.yaml if there is one, else pyproject.toml if it has a [tool.specloom] table."""
    yaml_path = os.path.join(directory, CONFIG_FILE)
    toml_path = os.path.join(directory, PYPROJECT)
    if os.path.exists(yaml_path):
        return os.path.normpath(yaml_path)
    if os.path.exists(toml_path):
        from .config_toml import has_tool_table

        if has_tool_table(toml_path):
            return os.path.normpath(toml_path)
    raise error("config-missing", f"no {CONFIG_FILE} here, and no [tool.specloom] in a {PYPROJECT}: name a spec "
                "(specloom generate SPEC -o OUT) or write one (see docs/configuration.md)", Location(os.path.normpath(yaml_path)))


def load_config(path: str) -> list[Job]:
    if path.endswith(".toml"):
        from .config_toml import read_toml

        source = read_toml(path)
    else:
        source = _read_yaml(path)
    return jobs_of(source)


def config_text(path: str) -> str:
    """A config file's text: a regular file of at most the spec limit's size (see `readfile`),
    in UTF-8; else a one-line error."""
    try:
        raw = read_limited(path, DEFAULT_LIMITS.max_file_bytes)
    except TooLarge as exc:
        raise error("config-invalid", exc.message(path, DEFAULT_LIMITS.max_file_bytes), Location(path)) from None
    except FileNotFoundError:
        raise error("config-missing", f"no {path} here: name a spec (specloom generate SPEC -o OUT)", Location(path)) from None
    except IsADirectoryError:
        raise error("config-invalid", f"{path} is a directory, not a config file", Location(path)) from None
    except NotRegular:
        raise error("config-invalid", f"{path} is not a regular file", Location(path)) from None
    except OSError as exc:
        raise error("config-invalid", f"cannot read {path}: {exc.strerror or exc}", Location(path)) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error("config-invalid", f"{path} is not UTF-8 (byte {exc.start})", Location(path)) from None


def _read_yaml(path: str) -> Source:
    from .loader import Document
    from .parse import ParseFailure, parse_yaml

    text = config_text(path)
    try:
        data, duplicates = parse_yaml(text, alias_budget=10_000 + 4 * len(text))
    except ParseFailure as exc:
        raise error("config-invalid", exc.message, Location(path, "", exc.line, exc.col)) from None
    if duplicates:  # the last one would win: a setting the user wrote would silently not count
        key, line, col = duplicates[0]
        raise error("config-invalid", f"duplicate key {key!r}", Location(path, "", line, col))
    doc = Document(path, {path: data}, {path: text}, {path: path})
    return Source(path, data, os.path.dirname(os.path.abspath(path)), lambda pointer: doc.locate(path, pointer))


def jobs_of(src: Source) -> list[Job]:
    data = src.data
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
        raise src.fail("config-invalid", "expected a mapping with a `jobs` list", "#")
    _known(src, "#", data, ("jobs",))
    jobs = [_job(src, i, raw) for i, raw in enumerate(data["jobs"])]
    for kind in ("output", "name"):
        seen: dict[str, int] = {}
        for i, job in enumerate(jobs):
            value = os.path.abspath(job.output) if kind == "output" else job.name
            # Default names (output folder names) may coincide; `--job` then takes the output folder.
            if value in seen and (kind == "output" or "name" in data["jobs"][i] or "name" in data["jobs"][seen[value]]):
                raise src.fail("config-invalid", f"job {i + 1} has the same {kind} as job {seen[value] + 1}; each job needs "
                               f"its own", join_pointer("#/jobs", i, kind))
            seen.setdefault(value, i)
    return jobs


def select_jobs(jobs: Sequence[Job], wanted: Sequence[str], config: str) -> list[Job]:
    """The jobs `--job` names, by `name` or by output folder, in config order."""
    chosen: list[Job] = []
    for want in wanted:
        matches = [j for j in jobs if want == j.name or os.path.abspath(want) == os.path.abspath(j.output)]
        if len(matches) != 1:
            problem = "matches no job" if not matches else f"matches {len(matches)} jobs; name one by its output folder"
            listed = ", ".join(f"{j.name} ({j.output})" for j in jobs)
            raise error("usage", f"--job {want!r} {problem} (jobs: {listed})", Location(config))
        chosen += [j for j in matches if j not in chosen]
    return [j for j in jobs if j in chosen]


def _known(src: Source, where: str, raw: dict[str, Any], known: Sequence[str]) -> None:
    for key in raw:
        if key not in known:
            raise src.fail("config-unknown-key", f"unknown key {key!r} (known: {', '.join(known)})", join_pointer(where, key))


def _job(src: Source, i: int, raw: Any) -> Job:
    where = join_pointer("#/jobs", i)
    if not isinstance(raw, dict):
        raise src.fail("config-invalid", "a job is a mapping with `spec` and `output` paths", where)
    _known(src, where, raw, JOB_KEYS)
    for key in ("spec", "output"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise src.fail("config-invalid", f"a job needs `{key}`: a path (relative to {os.path.basename(src.file)})",
                           join_pointer(where, key) if key in raw else where)
    name = raw.get("name", os.path.basename(os.path.normpath(raw["output"])))
    if not isinstance(name, str) or not name:
        raise src.fail("config-invalid", "`name` must be a non-empty string", join_pointer(where, "name"))
    return Job(_rel(src.base, raw["spec"]), _rel(src.base, raw["output"]), _package(src, where, raw.get("package")),
               _targets(src, where, raw.get("targets", list(TARGETS))), _pagination(src, where, raw.get("pagination", {})),
               _base_url(src, where, raw.get("docs_base_url")), _templates(src, where, raw.get("templates")),
               _renames(src, where, raw.get("renames", {})), name, _limits(src, where, raw.get("limits", {})),
               {op: src.locate(join_pointer(where, "pagination", op)) for op in raw.get("pagination", {})})


def _limits(src: Source, where: str, raw: Any) -> Limits:
    here = join_pointer(where, "limits")
    if not isinstance(raw, dict):
        raise src.fail("config-invalid", f"`limits` must be a mapping of {', '.join(LIMIT_KEYS)}", here)
    _known(src, here, raw, LIMIT_KEYS)
    for key, value in raw.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise src.fail("config-invalid", f"`{key}` must be a positive whole number", join_pointer(here, key))
    return Limits(**raw)


def _package(src: Source, where: str, package: Any) -> str | None:
    if package is not None and (not isinstance(package, str) or package_name(package) != package):
        raise src.fail("config-invalid", f"`package` must be a valid module name, like {package_name(str(package))!r}",
                       join_pointer(where, "package"))
    return package


def _targets(src: Source, where: str, targets: Any) -> tuple[str, ...]:
    if not isinstance(targets, list) or not targets or not all(isinstance(t, str) and t in TARGETS for t in targets):
        raise src.fail("config-invalid", f"`targets` must be a non-empty list of {', '.join(TARGETS)}", join_pointer(where, "targets"))
    return tuple(dict.fromkeys(targets))


def _base_url(src: Source, where: str, base_url: Any) -> str | None:
    if base_url is not None and (not isinstance(base_url, str) or not base_url.startswith(("https://", "http://"))):
        raise src.fail("config-invalid", "`docs_base_url` must be an http(s) URL, like https://example.com",
                       join_pointer(where, "docs_base_url"))
    return base_url


def _templates(src: Source, where: str, raw: Any) -> tuple[str, ...]:
    """The user's template folder, checked: every file in it must shadow a built-in template, or
    be a helper they include (named `_…`), so a misspelt name cannot silently do nothing."""
    if raw is None:
        return ()
    here = join_pointer(where, "templates")
    if not isinstance(raw, str) or not os.path.isdir(os.path.join(src.base, raw)):
        raise src.fail("config-invalid", f"`templates` must name a folder (relative to {os.path.basename(src.file)}); "
                       f"{raw!r} is not one", here)
    from .render import template_names

    # Absolute: the render stage caches a Jinja environment per folder list.
    folder = os.path.abspath(os.path.join(src.base, raw))
    builtin = template_names()
    for name in template_names(folder):
        if name not in builtin and not os.path.basename(name).startswith("_"):
            raise src.fail("config-invalid", f"template {name!r} in {raw!r} shadows no built-in template, so it would "
                           f"never be used (built-ins: {', '.join(sorted(n for n in builtin if not n.endswith('.py')))})", here)
    return (folder,)


def _pagination(src: Source, where: str, raw: Any) -> dict[str, Any]:
    where = join_pointer(where, "pagination")
    if not isinstance(raw, dict):
        raise src.fail("config-invalid", "`pagination` maps operationIds to `false` or a pagination", where)
    for op, value in raw.items():
        here = join_pointer(where, op)
        if value is False:
            continue
        if not isinstance(value, dict) or value.get("style") not in _STYLES:
            raise src.fail("config-invalid", f"pagination for {op!r} needs `style`: one of {', '.join(_STYLES)} (or `false`)", here)
        _known(src, here, value, PAGINATION_KEYS)
    return dict(raw)


def _renames(src: Source, where: str, raw: Any) -> Renames:
    where = join_pointer(where, "renames")
    if not isinstance(raw, dict):
        raise src.fail("config-invalid", "`renames` maps `models`, `fields` and `methods` to {old: new} mappings", where)
    _known(src, where, raw, tuple(RENAME_KINDS))
    out: dict[str, tuple[Rename, ...]] = {}
    for kind, mapping in raw.items():
        here = join_pointer(where, kind)
        if not isinstance(mapping, dict):
            raise src.fail("config-invalid", f"`renames.{kind}` maps names in the spec to new names", here)
        out[kind] = tuple(_rename(src, kind, join_pointer(here, target), target, new) for target, new in mapping.items())
    return Renames(**out)


def _rename(src: Source, kind: str, pointer: str, target: str, new: Any) -> Rename:
    fix, what = RENAME_KINDS[kind]
    if kind == "fields" and "." not in target.strip("."):
        raise src.fail("config-invalid", f"name a field as SchemaKey.json_property, not {target!r}", pointer)
    if not isinstance(new, str) or not new.isidentifier() or fix(new) != new:
        suggestion = fix(new) if isinstance(new, str) else None
        raise src.fail("config-invalid", f"cannot rename {target!r} to {new!r}: not {what} specloom can use"
                       + (f" (like {suggestion!r})" if suggestion else ""), pointer)
    return Rename(target, new, src.locate(pointer))


def _rel(base: str, path: str) -> str:
    return os.path.relpath(os.path.join(base, path))
