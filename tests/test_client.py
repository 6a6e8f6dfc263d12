"""The generated client against Prism, a real mock server that validates requests against the spec.

Every operation of specs/openai-batches.yaml is called through the sync and the async client and
its response parsed into the generated models.
"""

from __future__ import annotations

import asyncio
import glob
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from prism import prism_mock
from test_generated import resource_examples

BATCHES_SDK = REPO / "generated" / "openai-batches" / "python"


@pytest.fixture(scope="module")
def sdk() -> Iterator[Any]:
    sys.path.insert(0, str(BATCHES_SDK))
    import openai_batches

    yield openai_batches
    sys.path.remove(str(BATCHES_SDK))


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("prism") / "batches.log"
    with prism_mock(REPO / "specs" / "openai-batches.yaml", log) as url:
        yield url


def test_every_operation_sync(sdk: Any, base_url: str) -> None:
    from openai_batches.types import Batch, VectorStoreFileBatchObject, VectorStoreFileObject

    with sdk.Client(api_key="sk-test", base_url=base_url, max_retries=0) as client:
        created = client.vector_stores.file_batches.create("vs_abc123", file_ids=["file-1", "file-2"])
        assert isinstance(created, VectorStoreFileBatchObject) and created.object == "vector_store.files_batch"
        assert isinstance(client.vector_stores.file_batches.retrieve("vs_abc123", "vsfb_abc123"), VectorStoreFileBatchObject)
        assert isinstance(client.vector_stores.file_batches.cancel("vs_abc123", "vsfb_abc123"), VectorStoreFileBatchObject)
        page = client.vector_stores.file_batches.list_files("vs_abc123", "vsfb_abc123", limit=2, order="asc")
        assert all(isinstance(item, VectorStoreFileObject) for item in page.data)
        assert [type(item) for item in page] and isinstance(page.has_next_page(), bool)
        batch = client.batches.create(input_file_id="file-abc123", endpoint="/v1/responses", completion_window="24h",
                                      metadata={"team": "search"})
        assert isinstance(batch, Batch) and batch.object == "batch"
        assert all(isinstance(b, Batch) for b in client.batches.list(limit=2).data)
        assert isinstance(client.batches.retrieve("batch_abc123"), Batch)
        assert isinstance(client.batches.cancel("batch_abc123"), Batch)


def test_every_operation_async(sdk: Any, base_url: str) -> None:
    from openai_batches.types import Batch, VectorStoreFileBatchObject, VectorStoreFileObject

    async def run() -> None:
        async with sdk.AsyncClient(api_key="sk-test", base_url=base_url, max_retries=0) as client:
            fb = client.vector_stores.file_batches
            assert isinstance(await fb.create("vs_abc123", file_ids=["file-1"]), VectorStoreFileBatchObject)
            assert isinstance(await fb.retrieve("vs_abc123", "vsfb_abc123"), VectorStoreFileBatchObject)
            assert isinstance(await fb.cancel("vs_abc123", "vsfb_abc123"), VectorStoreFileBatchObject)
            first = await fb.list_files("vs_abc123", "vsfb_abc123", limit=2)
            assert all(isinstance(item, VectorStoreFileObject) for item in first.data)
            assert [item async for item in fb.list_files("vs_abc123", "vsfb_abc123", limit=2)]
            assert isinstance(await client.batches.create(input_file_id="f", endpoint="/v1/embeddings",
                                                          completion_window="24h"), Batch)
            assert all(isinstance(b, Batch) for b in (await client.batches.list()).data)
            assert isinstance(await client.batches.retrieve("batch_abc123"), Batch)
            assert isinstance(await client.batches.cancel("batch_abc123"), Batch)

    asyncio.run(run())


def test_raw_response_and_typed_errors(sdk: Any, base_url: str) -> None:
    with sdk.Client(api_key="sk-test", base_url=base_url, max_retries=0) as client:
        raw = client.batches.with_raw_response.retrieve("batch_abc123")
        assert raw.status_code == 200 and raw.headers["content-type"].startswith("application/json")
        assert raw.parse().id == "batch_abc123"
        assert "sk-test" not in repr(raw) and "sk-test" not in repr(client)
        # Prism checks requests against the spec: an endpoint outside the enum is refused.
        with pytest.raises(sdk.UnprocessableEntityError) as caught:
            client.batches.create(input_file_id="f", endpoint="/v1/nope", completion_window="24h")  # type: ignore[arg-type]
        assert caught.value.status_code == 422 and "sk-test" not in str(caught.value)


def test_credentials_from_environment_or_a_clear_error(sdk: Any, base_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BATCHES_API_KEY", raising=False)
    with pytest.raises(sdk._runtime.MissingCredentialsError, match="OPENAI_BATCHES_API_KEY"):
        sdk.Client(base_url=base_url)
    monkeypatch.setenv("OPENAI_BATCHES_API_KEY", "sk-env")
    with sdk.Client(base_url=base_url) as client:
        assert client.batches.retrieve("batch_abc123").id == "batch_abc123"
    # Prism refuses a request without the bearer token the spec requires.
    with sdk.Client(api_key="sk-env", base_url=base_url, max_retries=0) as client:
        no_auth = client.with_options(auth=())
        with pytest.raises(sdk.AuthenticationError):
            no_auth.batches.retrieve("batch_abc123")


def test_typed_usage_file_runs_against_prism(sdk: Any, base_url: str) -> None:
    """tests/usage_batches.py passes mypy --strict (test_generated) and runs for real here."""
    import asyncio

    import usage_batches

    assert usage_batches.use_sync(base_url)[0] == "batch_abc123"
    assert asyncio.run(usage_batches.use_async(base_url))


def _oldest_python() -> Path | None:
    """The oldest Python the generated SDKs declare (requires-python >=3.10), where installed
    with what makes a venv (Debian splits `venv` and `ensurepip` off)."""
    check = "import sys, venv, ensurepip; assert sys.version_info[:2] == (3, 10)"
    for candidate in ("python3.10", *sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.10*/bin/python3.10")))):
        found = shutil.which(candidate)
        if found and subprocess.run([found, "-c", check], capture_output=True).returncode == 0:
            return Path(found)
    return None


def test_the_sdk_runs_on_the_oldest_python_it_declares(base_url: str, tmp_path: Path) -> None:
    """The generated package, pip-installed with its own dependencies on Python 3.10 (its
    requires-python floor; specloom itself needs 3.11), runs the typed usage file against Prism."""
    python = _oldest_python()
    if python is None:
        pytest.skip("no Python 3.10 here: the generated SDKs' oldest Python is not exercised")
    subprocess.run([str(python), "-m", "venv", str(tmp_path / "venv")], check=True)
    venv_python = tmp_path / "venv" / "bin" / "python"
    installed = subprocess.run([str(venv_python), "-m", "pip", "install", "-q", str(BATCHES_SDK)],
                               capture_output=True, text=True, timeout=600)
    if installed.returncode != 0 and not os.environ.get("CI"):  # offline, or no package index: CI has one
        pytest.skip(f"could not install the SDK's dependencies on Python 3.10: {installed.stderr.strip()[-300:]}")
    assert installed.returncode == 0, installed.stderr[-2000:]
    script = ("import asyncio, sys\nsys.path.insert(0, sys.argv[2])\nimport usage_batches\n"
              "print(usage_batches.use_sync(sys.argv[1])[0], bool(asyncio.run(usage_batches.use_async(sys.argv[1]))))\n")
    ran = subprocess.run([str(venv_python), "-c", script, base_url, str(Path(__file__).parent)],
                         capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert ran.stdout.splitlines()[-1].split() == ["batch_abc123", "True"]


BATCHES_EXAMPLES = [(page, code) for page, code in resource_examples() if "/openai-batches/" in page]


@pytest.mark.parametrize("page,code", BATCHES_EXAMPLES, ids=[p.rsplit("/", 1)[1] for p, _ in BATCHES_EXAMPLES])
def test_docs_example_calls_run_against_prism(sdk: Any, base_url: str, page: str, code: str,
                                              monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Each method's example on the resource pages runs as printed: Prism checks the request
    against the spec (a 4XX would raise) and the response parses into the generated models."""
    monkeypatch.setenv("OPENAI_BATCHES_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BATCHES_BASE_URL", base_url)
    exec(compile(code, page, "exec"), {})
    printed = capsys.readouterr().out
    assert printed.strip() and "object=" in printed, printed
