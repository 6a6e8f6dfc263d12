"""The committed Markdown docs: what each model page must say, and links that resolve."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO

DOCS = sorted((REPO / "generated").glob("*/docs"))
LINK = re.compile(r"\]\(([^)\s]+)\)")


def anchors(page: Path) -> set[str]:
    return {re.sub(r"[^\w-]", "", h.strip().lower().replace(" ", "-"))
            for h in re.findall(r"^#+ (.+)$", page.read_text(), re.M)}


def test_file_batch_page_states_the_true_value() -> None:
    page = (REPO / "generated/openai-batches/docs/models/VectorStoreFileBatchObject.md").read_text()
    assert "vector_store.files_batch" in page
    assert "vector_store.file_batch`" not in page and "vector_store.file_batch " not in page
    for field in ("id", "object", "created_at", "vector_store_id", "status", "file_counts"):
        assert f"| `{field}` |" in page
    for status in ("in_progress", "completed", "cancelled", "failed"):
        assert f"`{status}`" in page
    assert "[FileCounts](#filecounts)" in page and "## FileCounts" in page


def test_batch_page_has_every_seed_field_and_links() -> None:
    page = (REPO / "generated/openai-batches/docs/models/Batch.md").read_text()
    seed_fields = ["id", "object", "endpoint", "errors", "input_file_id", "completion_window", "status",
                   "output_file_id", "error_file_id", "created_at", "in_progress_at", "expires_at", "finalizing_at",
                   "completed_at", "failed_at", "expired_at", "cancelling_at", "cancelled_at", "request_counts", "metadata"]
    for field in seed_fields:
        assert f"| `{field}` |" in page, field
    assert "[BatchRequestCounts](BatchRequestCounts.md)" in page
    assert "[Metadata](Metadata.md)" in page
    metadata = (REPO / "generated/openai-batches/docs/models/Metadata.md").read_text()
    assert "`max_length=16`" in metadata and "`max_length=64`" in metadata and "`max_length=512`" in metadata


def test_index_lists_every_model() -> None:
    for docs in DOCS:
        index = (docs / "index.md").read_text()
        for page in (docs / "models").glob("*.md"):
            assert f"](models/{page.name})" in index


@pytest.mark.parametrize("docs", DOCS, ids=lambda d: d.parent.name)
def test_no_broken_relative_links(docs: Path) -> None:
    broken = []
    for page in docs.rglob("*.md"):
        for target in LINK.findall(page.read_text()):
            if target.startswith(("http://", "https://", "/", "mailto:")):
                continue
            path, _, anchor = target.partition("#")
            dest = (page.parent / path).resolve() if path else page
            if not dest.is_file() or (anchor and anchor not in anchors(dest)):
                broken.append(f"{page.relative_to(docs)} → {target}")
    assert not broken, "\n".join(broken)
