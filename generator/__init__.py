"""specloom: OpenAPI → typed Python SDK and Markdown reference docs.

The stages, each pure but the first and last: load → normalize → plan → render → write.
"""

from __future__ import annotations

from .pipeline import Build, build

__all__ = ["Build", "build"]
