"""Write stage's shortcut: a rerun whose inputs have not changed skips the pipeline.

A job's output is a function of its inputs: the bytes of every spec file the load read, the
job's settings, the user's template files, and specloom itself (its code and built-in templates,
Python, the installed packages). After a run writes its output, a record of those inputs, the
manifest it wrote and the warnings it printed is kept in the user's cache. The next run of the
job recomputes the inputs (~5 ms on the OpenAI spec); if they are the recorded ones and every file the manifest
lists is on disk with its recorded hash, building again would write the same bytes, so the run
re-prints the warnings and stops.

The record is a cache, not output: it lives outside the output folder, since the manifest is
committed with generated code, must not depend on the machine, and is compared byte for byte by
`--check` and the golden tests. A record that is missing, unreadable or stale means a full run.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .cachedir import cache_root
from .loader import MAX_SPEC_BYTES
from .readfile import TooLarge, read_limited
from .write import intact

if TYPE_CHECKING:
    from .config import Job

RECORD_VERSION = 1
_PACKAGE = os.path.dirname(os.path.abspath(__file__))
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class Recalled:
    """The last run of a job whose inputs have not changed: its output is on disk as it wrote it."""

    diagnostics: tuple[str, ...]
    """The diagnostics it printed, as printed (sorted, one line each)."""
    files: int
    """The files it wrote, the manifest not counted."""


def recall(job: Job) -> Recalled | None:
    """The record of the job's last run, if it still holds: same inputs, output untouched."""
    record = _read_record(job.output)
    if not _well_formed(record):
        return None
    spec = {path: spec_hash(path, job.limits.max_file_bytes) for path in record["inputs"]["spec"]}
    if record["inputs"] != inputs(job, spec):
        return None
    files = intact(job.output, record["manifest"])
    return None if files is None else Recalled(tuple(record["diagnostics"]), files)


def _well_formed(record: Any) -> bool:
    """A record this version of specloom wrote (not a truncated or foreign file)."""
    return (isinstance(record, dict) and record.get("version") == RECORD_VERSION
            and isinstance(record.get("inputs"), dict) and isinstance(record["inputs"].get("spec"), dict)
            and isinstance(record.get("manifest"), str)
            and isinstance(record.get("diagnostics"), list) and all(isinstance(d, str) for d in record["diagnostics"]))


def remember(job: Job, spec_texts: dict[str, str], diagnostics: Iterable[str], manifest: str) -> None:
    """Keep what this run read, printed and wrote (`manifest`: the written manifest's digest)."""
    spec = {path: hashlib.sha256(text.encode("utf-8")).hexdigest() for path, text in spec_texts.items()}
    record = {"version": RECORD_VERSION, "output": os.path.realpath(job.output), "inputs": inputs(job, spec),
              "manifest": manifest, "diagnostics": list(diagnostics)}
    path = _record_path(job.output)
    _store(path, json.dumps(record, indent=1, sort_keys=True))
    _forget_old(os.path.dirname(path))


_SWEPT = ".swept"
"""The end of the name of a file beside the records' folder (`runs.swept`), whose time says
when `_forget_old` last looked through it."""


def _forget_old(folder: str, days: int = 30) -> None:
    """Drop records not written for `days`: every output folder ever generated (each test run's
    temporary ones too) gets one, and a stale record only costs its job one full run. Once a
    day at most: a folder of thousands of records takes milliseconds to look through."""
    now = time.time()
    stamp = os.path.normpath(folder) + _SWEPT
    try:
        if 0 <= now - os.stat(stamp).st_mtime < 86400:
            return
    except OSError:
        pass  # never swept (or unreadable): sweep
    try:
        with open(stamp, "w"):
            pass
    except OSError:
        pass  # the sweep is only done again next run
    cutoff = now - days * 86400
    try:
        with os.scandir(folder) as entries:
            old = [e.path for e in entries if e.name.endswith(".json") and e.stat().st_mtime < cutoff]
        for path in old:
            os.unlink(path)
    except OSError:
        pass


def inputs(job: Job, spec: Mapping[str, str | None]) -> dict[str, Any]:
    """Everything the job's output depends on. `spec`: each spec file's hash (as `spec_hash`)."""
    return {
        "specloom": code_hash(),
        # The spec path as given and the folder it is relative to: warnings name files by them.
        "settings": repr((os.getcwd(), replace(job, name=""))),
        "templates": _tree_hash(job.templates),
        "spec": dict(spec),
    }


def spec_hash(path: str, limit: int) -> str | None:
    """The hash of a spec file's text as the loader reads it (without a UTF-8 byte order mark);
    None where it is not a regular file of at most `limit` bytes (a full run says why)."""
    try:
        raw = read_limited(path, limit)
    except (OSError, TooLarge):
        return None
    return hashlib.sha256(raw[3:] if raw.startswith(_BOM) else raw).hexdigest()


@functools.lru_cache(maxsize=1)
def code_hash() -> str:
    """specloom as it runs: its package, its built-in templates, the Python and the installed
    distributions (Jinja, black and the YAML parsers shape the output). Once per process."""
    # Where render.template_dir() finds the built-ins: inside the package (a wheel), else beside it.
    templates = () if os.path.isdir(os.path.join(_PACKAGE, "templates")) else (os.path.join(os.path.dirname(_PACKAGE), "templates"),)
    h = hashlib.sha256(f"{sys.version}\0{sorted(_distributions())}\0{_tree_hash((_PACKAGE, *templates))}".encode())
    return h.hexdigest()


def _distributions() -> Iterator[str]:
    """Installed distributions with their versions (`jinja2-3.1.6.dist-info`): listing the folders
    on sys.path costs well under a millisecond; importing importlib.metadata costs ten."""
    for folder in dict.fromkeys(sys.path):
        try:
            with os.scandir(folder or ".") as entries:
                yield from (e.name for e in entries if e.name.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue


def _tree_hash(folders: Iterable[str]) -> str:
    """One hash over every file in the folders (names and bytes), compiled bytecode aside."""
    h = hashlib.sha256()
    for folder in folders:
        seen: set[str] = set()
        h.update(f"\0folder\0{folder}\0".encode())
        for here, dirs, files in os.walk(folder, followlinks=True):
            real = os.path.realpath(here)
            if real in seen:  # a link back up the tree: Jinja would not find anything new there
                dirs[:] = []
                continue
            seen.add(real)
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                path = os.path.join(here, name)
                try:
                    # (Not past a spec's limit: a link to `/dev/zero` in a template folder.)
                    body = hashlib.sha256(read_limited(path, MAX_SPEC_BYTES)).hexdigest()
                except (OSError, TooLarge):
                    body = "unreadable"
                h.update(f"{os.path.relpath(path, folder)}\0{body}\0".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def _record_path(outdir: str) -> str:
    key = hashlib.sha256(os.path.realpath(outdir).encode("utf-8", "surrogateescape")).hexdigest()
    return os.path.join(cache_root(), "runs", f"{key[:32]}.json")


def _read_record(outdir: str) -> Any:
    try:
        with open(_record_path(outdir), encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def _store(path: str, text: str) -> None:
    """Written whole or not at all; a cache that cannot be written only costs the next run time."""
    temp = f"{path}.{os.getpid()}.tmp"  # not tempfile: importing it costs more than the rest of this module
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(temp, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(temp, path)
    except OSError:
        try:
            os.unlink(temp)
        except OSError:
            pass
