"""Where specloom keeps its caches (warm-run records, black's results): one root for all of them."""

from __future__ import annotations

import os


def cache_root() -> str:
    """`$SPECLOOM_CACHE_DIR`, else `$XDG_CACHE_HOME/specloom`, else `~/.cache/specloom`."""
    root = os.environ.get("SPECLOOM_CACHE_DIR")
    if root:
        return root
    xdg = os.environ.get("XDG_CACHE_HOME")
    return os.path.join(xdg or os.path.join(os.path.expanduser("~"), ".cache"), "specloom")
