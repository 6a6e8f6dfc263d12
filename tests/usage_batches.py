"""A typed use of the generated openai-batches SDK: type-checked with mypy --strict in the
session's mypy call (tests/conftest.py), so a change that breaks users' code fails the tests."""

from __future__ import annotations

import asyncio

import httpx

import openai_batches
from openai_batches import AsyncClient, Client, NotFoundError
from openai_batches.types import Batch, VectorStoreFileBatchObject, VectorStoreFileObject


def use_sync(base_url: str) -> list[str]:
    with Client(api_key="sk-test", base_url=base_url, timeout=httpx.Timeout(10.0), max_retries=1) as client:
        batch: Batch = client.batches.create(input_file_id="file-1", endpoint="/v1/responses", completion_window="24h")
        files: list[VectorStoreFileObject] = list(client.vector_stores.file_batches.list_files("vs_1", "vsfb_1", limit=2))
        fb: VectorStoreFileBatchObject = client.vector_stores.file_batches.cancel("vs_1", "vsfb_1", timeout=5.0)
        quick = client.with_options(max_retries=0)
        try:
            quick.batches.retrieve("missing", extra_headers={"X-Trace": "1"})
        except NotFoundError as exc:
            print(exc.status_code, exc.request_id)
        except openai_batches.APIError:
            pass
        return [batch.id, fb.id, *(f.id for f in files)]


async def use_async(base_url: str) -> list[str]:
    async with AsyncClient(api_key="sk-test", base_url=base_url) as client:
        ids = [b.id async for b in client.batches.list(limit=1)]
        page = await client.batches.list(limit=1)
        if page.has_next_page():
            ids.extend(b.id for b in (await page.next_page()).data)
        return ids


if __name__ == "__main__":
    print(use_sync("http://127.0.0.1:4010"), asyncio.run(use_async("http://127.0.0.1:4010")))
