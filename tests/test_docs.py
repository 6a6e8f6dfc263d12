"""The committed Markdown docs: what each model page must say, and links that resolve."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, run_specloom

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


BATCHES_DOCS = REPO / "generated/openai-batches/docs"
FILE_BATCHES = BATCHES_DOCS / "resources/vector_stores_file_batches.md"


def table_rows(text: str, header: str) -> dict[str, list[str]]:
    """The rows of the Markdown table whose header line starts with `header`, by first cell."""
    rows: dict[str, list[str]] = {}
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(header):
            for body in lines[i + 2:]:
                if not body.startswith("|"):
                    break
                cells = [c.strip() for c in re.split(r"(?<!\\)\|", body)[1:-1]]
                rows[cells[0]] = cells
    return rows


def section(text: str, heading: str) -> str:
    """The text under `heading` up to the next heading of the same or a higher level."""
    level = heading.split(" ")[0]
    start = text.index(f"\n{heading}\n")
    ends = [m.start() for m in re.finditer(rf"^#{{1,{len(level)}}} ", text[start + 1:], re.M)]
    return text[start: start + 1 + ends[1]] if len(ends) > 1 else text[start:]


def test_no_generated_page_repeats_the_file_batch_contradiction() -> None:
    for page in BATCHES_DOCS.rglob("*.md"):
        assert not re.search(r"vector_store\.file_batch\b", page.read_text()), page


def test_file_batch_model_page_covers_every_seed() -> None:
    """Seeds 000 (Speakeasy), 001 (StackQL), 002 (OpenAI's reference), 003 (Yandex Cloud)."""
    page = (BATCHES_DOCS / "models/VectorStoreFileBatchObject.md").read_text()
    fields = table_rows(section(page, "## Fields"), "| Field |")
    for name in ("id", "object", "created_at", "vector_store_id", "status", "file_counts"):
        assert f"`{name}`" in fields, name
        assert fields[f"`{name}`"][2] == "Yes", name  # seed 000: every field required
    assert fields["`id`"][1] == "`str`" and fields["`created_at`"][1] == "`int`"  # seeds 001, 003: data types
    assert "**Value:** `vector_store.files_batch`" in fields["`object`"][3]  # seed 003: Const
    assert "always `vector_store.files_batch`" in fields["`object`"][3]
    for status in ("in_progress", "completed", "cancelled", "failed"):  # seeds 002, 003: the enum
        assert f"`{status}`" in fields["`status`"][3].split("**Allowed values:**")[1]
    assert fields["`file_counts`"][1] == "[FileCounts](#filecounts)"  # linked, not 'object' (seed 001)
    counts = table_rows(section(page, "## FileCounts"), "| Field |")  # seeds 002, 003: file_counts expanded
    assert set(counts) == {"`in_progress`", "`completed`", "`failed`", "`cancelled`", "`total`"}
    assert "[vector store](https://platform.openai.com/docs/api-reference/vector-stores/object)" in fields["`vector_store_id`"][3]
    example = section(page, "## Example Usage")  # seed 000: example usage, with the spec's own values
    assert 'object="vector_store.files_batch"' in example and 'id="vsfb_abc123"' in example
    used_by = table_rows(section(page, "## Used by"), "| Method |")
    for method in ("create", "retrieve", "cancel"):
        assert f"[`client.vector_stores.file_batches.{method}`](../resources/vector_stores_file_batches.md#{method})" in used_by


def test_batch_model_page_links_every_referenced_type() -> None:
    page = (BATCHES_DOCS / "models/Batch.md").read_text()
    fields = table_rows(section(page, "## Fields"), "| Field |")
    assert fields["`errors`"][1] == "[Errors](#errors)" and fields["`errors`"][2] == "No"
    assert fields["`request_counts`"][1] == "[BatchRequestCounts](BatchRequestCounts.md)"
    assert fields["`metadata`"][1].startswith("[Metadata](Metadata.md)")
    assert "**Value:** `batch`" in fields["`object`"][3]
    for name, row in fields.items():  # every model a Type cell names is a link
        for word in re.findall(r"\b[A-Z][A-Za-z0-9]+\b", re.sub(r"\[[^\]]*\]\([^)]*\)", "", row[1])):
            raise AssertionError(f"{name}: unlinked type {word}")


def test_file_batches_resource_page_covers_every_seed() -> None:
    page = FILE_BATCHES.read_text()
    methods = table_rows(section(page, "## Methods"), "| Method |")
    expected = {  # seed 001 (StackQL) required params; seed 002 (OpenAI) method names and HTTP lines
        "create": ("POST /vector_stores/{vector_store_id}/file_batches", "`vector_store_id`, `file_ids` or `files`"),
        "retrieve": ("GET /vector_stores/{vector_store_id}/file_batches/{batch_id}", "`vector_store_id`, `batch_id`"),
        "cancel": ("POST /vector_stores/{vector_store_id}/file_batches/{batch_id}/cancel", "`vector_store_id`, `batch_id`"),
        "list_files": ("GET /vector_stores/{vector_store_id}/file_batches/{batch_id}/files", "`vector_store_id`, `batch_id`"),
    }
    assert set(methods) == {f"[`{m}`](#{m})" for m in expected}
    for name, (http, required) in expected.items():
        row = methods[f"[`{name}`](#{name})"]
        assert row[1] == f"`{http}`" and row[2] == required, row
        body = section(page, f"## {name}")
        signature = re.search(r"```python\n(client\..*?)```", body, re.S)
        assert signature and signature.group(1).startswith(f"client.vector_stores.file_batches.{name}(\n    vector_store_id: str,")
        assert f"**HTTP:** `{http}` (`{http.split()[0]} https://api.openai.com/v1{http.split()[1]}`)" in body  # seed 003
        assert "\n**Example**\n\n```python\nfrom openai_batches import Client\n" in body
    create = section(page, "## create")
    for param in ("file_ids", "files", "chunking_strategy", "attributes"):  # seed 002: the body params
        assert f"    {param}: " in create and f"| `{param}` |" in create
    assert "-> VectorStoreFileBatchObject\n" in create
    assert "**Returns:** [VectorStoreFileBatchObject](../models/VectorStoreFileBatchObject.md)" in create
    listing = section(page, "## list_files")
    assert "-> SyncPage[VectorStoreFileObject]\n" in listing
    for param in ("after", "before", "filter", "limit", "order"):  # seed 002: list params
        assert f"| `{param}` |" in section(listing, "## list_files").split("**Query parameters**")[1]
    retrieve = section(page, "## retrieve")  # seed 003: path parameters with descriptions, 200 OK, a JSON body
    params = table_rows(retrieve.split("**Path parameters**")[1], "| Name |")
    assert params["`batch_id`"][1] == "`str`" and "The ID of the file batch being retrieved." in params["`batch_id`"][4]
    assert "The ID of the vector store that the file batch belongs to." in params["`vector_store_id`"][4]
    assert "| `200` OK |" in retrieve and '"object": "vector_store.files_batch"' in retrieve
    assert '"file_counts": {' in retrieve and "| `default` | `APIStatusError` | [ErrorResponse](../models/ErrorResponse.md) |" in retrieve
    models = section(page, "## Models")  # seed 001's fields, seed 002's expanded models
    assert "### VectorStoreFileBatchObject" in models and "| `file_counts` | [FileCounts](../models/VectorStoreFileBatchObject.md#filecounts) |" in models


def test_index_links_every_resource_page() -> None:
    for docs in DOCS:
        index = (docs / "index.md").read_text()
        for page in (docs / "resources").glob("*.md"):
            assert f"](resources/{page.name})" in index
        mkdocs = (docs.parent / "mkdocs.yml").read_text()
        for page in docs.rglob("*.md"):
            if not page.parent.name == "models" or len(list((docs / "models").glob("*.md"))) <= 60:
                assert f'"{page.relative_to(docs).as_posix()}"' in mkdocs, page


def test_docs_target_alone_builds_a_site_with_links_to_the_base_url(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = run_specloom("generate", "specs/openai-batches.yaml", "-o", str(out), "--target", "docs",
                        "--docs-base-url", "https://docs.example.com/ref/")
    assert done.returncode == 0, done.stderr
    assert not (out / "python").exists() and (out / "mkdocs.yml").is_file()
    page = (out / "docs/models/VectorStoreFileBatchObject.md").read_text()
    assert "[vector store](https://docs.example.com/ref/docs/api-reference/vector-stores/object)" in page
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(out / "mkdocs.yml"),
                            "-d", str(tmp_path / "site")], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "site/resources/vector_stores_file_batches.html").is_file()


def test_without_a_base_url_spec_links_keep_their_text_only(tmp_path: Path) -> None:
    done = run_specloom("generate", "specs/openai-batches.yaml", "-o", str(tmp_path), "--target", "docs")
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "docs/models/VectorStoreFileBatchObject.md").read_text()
    assert "The ID of the vector store that the File is attached to." in page and "/docs/api-reference" not in page
