"""Every operation of the real OpenAI spec called through the generated client against Prism.

Arguments are minimal valid values built from the IR; each call either returns a parsed value
(served and passed), or Prism refuses or cannot serve it (an APIStatusError: counted, not a
failure of ours). A response that Prism serves but the generated models reject is a failure.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pydantic
import pytest

from conftest import OPENAI_SPEC, REPO, need_shared
from irtypes import Runtime, Sampler, Unsynthesizable, model_index
from prism import prism_mock

from generator import ir
from generator.loader import load
from generator.normalize import normalize
from generator.lint.examples import ExampleChecker, SpecExample


@pytest.fixture(scope="module")
def served(openai_out: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, list[str]]]:
    doc = load(str(need_shared(OPENAI_SPEC)))
    api = normalize(doc, package="openai_full").api
    checker = ExampleChecker(doc)
    ops = {op.name: op for op in api.operations}
    sys.path.insert(0, str(openai_out / "python"))
    import openai_full

    runtime, sampler = Runtime("openai_full"), Sampler(model_index(api))
    outcomes: dict[str, list[str]] = {"passed": [], "refused": [], "unsynthesizable": [], "failed": []}
    log = tmp_path_factory.mktemp("prism") / "openai.log"
    with prism_mock(OPENAI_SPEC, log) as base_url, openai_full.Client(api_key="sk-test", base_url=base_url,
                                                                          max_retries=0, timeout=30) as client:
        def record(outcomes: dict[str, list[str]], kind: str, label: str, method: ir.Method, outcome: Any) -> None:
            if isinstance(outcome, tuple):  # the models refused a served body: is the body valid?
                body, message = outcome
                valid = not _violates_spec(checker, doc.root, ops[method.operation], body)
                outcome = f"failed:{message}" if valid else "spec-invalid"
            outcomes.setdefault(kind + outcome, []).append(label)

        calls = []
        for chain, method in _methods(api):
            label = f"{'.'.join(chain)}.{method.name}"
            try:
                args, kwargs = _arguments(method, runtime, sampler)
            except (Unsynthesizable, pydantic.ValidationError) as exc:
                outcomes["unsynthesizable"].append(f"{label}: {str(exc).splitlines()[0]}")
                continue
            target = client
            for attr in chain:
                target = getattr(target, attr)
            calls.append((label, chain, method, args, kwargs))
            record(outcomes, "", label, method, _call(getattr(target, method.name), args, kwargs, openai_full))

        async def run_async() -> None:
            async with openai_full.AsyncClient(api_key="sk-test", base_url=base_url, max_retries=0, timeout=30) as aclient:
                for label, chain, method, args, kwargs in calls:
                    target = aclient
                    for attr in chain:
                        target = getattr(target, attr)
                    record(outcomes, "async ", label, method, await _acall(getattr(target, method.name), args, kwargs, openai_full))

        asyncio.run(run_async())
    sys.path.remove(str(openai_out / "python"))
    artifacts = REPO / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "openai-prism.md").write_text("\n".join(f"## {k} ({len(v)})\n" + "\n".join(f"- {x}" for x in v)
                                                          for k, v in outcomes.items()) + "\n")
    yield outcomes


def _methods(api: ir.Api) -> Iterator[tuple[tuple[str, ...], ir.Method]]:
    def walk(resources: tuple[ir.Resource, ...], chain: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], ir.Method]]:
        for r in resources:
            for m in r.methods:
                yield (*chain, r.attr), m
            yield from walk(r.children, (*chain, r.attr))

    yield from walk(api.resources, ())
    for m in api.client_methods:
        yield (), m


def _arguments(method: ir.Method, runtime: Runtime, sampler: Sampler) -> tuple[list[Any], dict[str, Any]]:
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for a in method.arguments:
        if a.where == "path":
            args.append("id_123")
        elif a.required:
            if a.where == "file":
                kwargs[a.name] = ("upload.bin", b"data", "application/octet-stream")
            else:
                value = sampler.value(a.type)
                kwargs[a.name] = pydantic.TypeAdapter(runtime.type(a.type)).validate_python(value)
    return args, kwargs


def _violates_spec(checker: ExampleChecker, file: str, op: ir.Operation, body: Any) -> bool:
    """Whether a body breaks the spec's own schema (Prism serves the spec's examples, and some
    are invalid: `specloom lint` reports them), so the generated model rightly refuses it."""
    ok = min((r for r in op.responses if r.status.startswith("2")), key=lambda r: r.status)
    pointer = f"{ok.location.pointer}/content/{(ok.media_type or '').replace('/', '~1')}/schema"
    example = SpecExample("served", file, pointer, body, (file, pointer), ("served",))
    return checker.first_error(example) is not None


def _call(fn: Any, args: list[Any], kwargs: dict[str, Any], sdk: Any) -> str | tuple[Any, str]:
    try:
        result = fn(*args, **kwargs)
        if hasattr(result, "close") and not hasattr(result, "data"):
            result.close()  # streams and binary responses
    except sdk.APIResponseValidationError as exc:
        return exc.body, str(exc)
    except sdk.APIStatusError:
        return "refused"
    except sdk.APIConnectionError:
        return "unserved"  # Prism could not produce this response (e.g. a binary stream)
    return "passed"


async def _acall(fn: Any, args: list[Any], kwargs: dict[str, Any], sdk: Any) -> str | tuple[Any, str]:
    try:
        result = fn(*args, **kwargs)
        result = await result  # a coroutine, or an AsyncPaginator (awaiting gives the first page)
        if hasattr(result, "close") and not hasattr(result, "data"):
            closed = result.close()
            if hasattr(closed, "__await__"):
                await closed
    except sdk.APIResponseValidationError as exc:
        return exc.body, str(exc)
    except sdk.APIStatusError:
        return "refused"
    except sdk.APIConnectionError:
        return "unserved"
    return "passed"


def test_every_served_response_parses(served: dict[str, list[str]]) -> None:
    failed = [k for k in served if k.startswith(("failed:", "async failed:"))]
    print({k: len(v) for k, v in served.items()})
    assert not failed, "\n".join(f"{k[7:300]}: {', '.join(served[k][:3])}" for k in failed[:20])
    assert len(served["passed"]) >= 250, {k: len(v) for k, v in served.items()}
    assert served["async passed"] == served["passed"], "the async client must parse what the sync one does"
