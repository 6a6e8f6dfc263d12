"""Black itself, for what the port cannot vouch for, with its results kept in a cache by content.

User templates can produce any Python, so their output goes through black. Black costs 5-15 ms
a file; a cache keyed by the text, black's version and the mode makes a rerun on unchanged
output nearly free. Entries are written to a temporary file and renamed into place, so runs
sharing the cache never read half an entry; a cache that cannot be read or written is skipped.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import tempfile
from pathlib import Path

from ..cachedir import cache_root

# The mode render uses, as part of the key: a change of mode must not reuse old results.
MODE_KEY = "target-versions>=py310 line-length=88"


def cache_dir() -> Path:
    """`black/` under specloom's cache root (see cachedir.py)."""
    return Path(cache_root()) / "black"


@functools.lru_cache(maxsize=1)
def _black_version() -> str:
    from importlib.metadata import version  # ~10 ms to import: only when black runs

    return version("black")


@functools.lru_cache(maxsize=1)
def black_mode() -> object:
    from black.mode import Mode, TargetVersion

    # The generated pyproject says requires-python >= 3.10; black infers the same targets from it.
    return Mode(target_versions={v for v in TargetVersion if v.value >= TargetVersion.PY310.value})


def run_black(text: str) -> str:
    """Black's output for `text`: black.parsing.InvalidInput if it is not Python."""
    import black

    return black.format_str(text, mode=black_mode())  # type: ignore[arg-type]


def cached_black(text: str) -> str:
    key = hashlib.sha256(f"{_black_version()}\0{MODE_KEY}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()
    path = cache_dir() / key[:2] / f"{key}.py"
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    formatted = run_black(text)
    _store(path, formatted)
    return formatted


def _store(path: Path, text: str) -> None:
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".py")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
        tmp = None
    except (OSError, UnicodeError):
        pass  # a read-only or full disk: the next run formats again
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
