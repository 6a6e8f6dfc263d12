"""Functional tests: each embedded spec of tests/cases.py is generated, imported and exercised."""

from __future__ import annotations

import importlib
import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pydantic
import pytest
from markdown_it import MarkdownIt

from cases import CASES
from conftest import run_specloom


@pytest.fixture
def sdk(cases_out: dict[str, Path], request: pytest.FixtureRequest) -> Iterator[ModuleType]:
    """The generated `<package>.types` of the case named by the test's `case` mark."""
    name = request.node.get_closest_marker("case").args[0]
    root = cases_out[name] / "python"
    package = next(p.name for p in root.iterdir() if p.is_dir())
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(f"{package}.types")
    finally:
        sys.path.remove(str(root))
        for mod in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[mod]


@pytest.mark.parametrize("case", sorted(CASES))
def test_case_type_checks(mypy_report: dict[str, list[str]], case: str) -> None:
    assert mypy_report[f"case:{case}"] == [], "\n".join(mypy_report[f"case:{case}"][:20])


@pytest.mark.case("cycle")
def test_cycle_shares_a_module_with_distinct_inline_names(sdk: ModuleType) -> None:
    a = sdk.A.model_validate({"details": {"a_only": "x"}, "b": {"details": {"b_only": 1}, "a": {}}})
    assert type(a.details).__name__ != type(a.b.details).__name__
    assert a.b.details.b_only == 1 and a.details.a_only == "x"
    from importlib import import_module

    assert import_module(f"{sdk.__name__}.b").B is sdk.B


@pytest.mark.case("recursive_alias")
def test_recursive_aliases_validate(sdk: ModuleType) -> None:
    value = {"a": [1, "two", None, {"b": []}]}
    assert pydantic.TypeAdapter(sdk.JsonValue).validate_python(value) == value
    holder = sdk.Holder.model_validate({"value": [1, [2]], "tree": [[], [[]]]})
    assert holder.tree == [[], [[]]]
    with pytest.raises(pydantic.ValidationError):
        pydantic.TypeAdapter(sdk.Tree).validate_python([1])


@pytest.mark.case("weak_tags")
def test_discriminator_only_when_every_member_must_carry_it(sdk: ModuleType) -> None:
    # The spec allows `{}` for the first member of Loose: it must parse (as that member).
    assert type(pydantic.TypeAdapter(sdk.Loose).validate_python({})).__name__ == "LooseVariant1"
    assert pydantic.TypeAdapter(sdk.Nullable).validate_python({"kind": None}) is not None
    strong = pydantic.TypeAdapter(sdk.Strong)
    assert strong.validate_python({"kind": "b"}).kind == "b"
    with pytest.raises(pydantic.ValidationError, match="union_tag_invalid|does not match any of the expected tags"):
        strong.validate_python({"kind": "c"})


@pytest.mark.case("shapes")
def test_shapes(sdk: ModuleType) -> None:
    assert sdk.Owner.model_validate({"pet": None}).pet is None
    shape = pydantic.TypeAdapter(sdk.Shape).validate_python({"side": 2})
    assert type(shape).__name__ == "Square"
    row = sdk.Row.model_validate({"foo_bar": "hello", "fooBar": 3})
    assert row.model_dump(by_alias=True) == {"fooBar": 3, "foo_bar": "hello"}
    assert sdk.Sized.model_validate({"code": "abcde"}).code == "abcde"
    with pytest.raises(pydantic.ValidationError):
        sdk.Sized.model_validate({"code": "abcdef"})
    assert sdk.Sized.model_validate({"flags": 1}).flags == 1
    assert sdk.Importlib.model_validate({"x": 1}).x == 1 and sdk.Fields is not None


@pytest.mark.case("shadow")
def test_package_never_shadows_a_dependency(sdk: ModuleType) -> None:
    assert sdk.__name__.split(".")[0] != "pydantic"
    assert sdk.Thing.model_validate({"n": 1}).n == 1


@pytest.mark.case("multifile")
def test_allof_across_files_keeps_relative_refs(sdk: ModuleType) -> None:
    pet = sdk.Pet.model_validate({"tags": [{"label": "x"}]})
    assert pet.tags[0].label == "x"
    with pytest.raises(pydantic.ValidationError):
        sdk.Pet.model_validate({"tags": [{}]})


def test_markdown_stays_inert_and_tables_keep_their_shape(cases_out: dict[str, Path]) -> None:
    page = (cases_out["markdown"] / "docs" / "models" / "Unit.md").read_text()
    html = MarkdownIt("commonmark").enable("table").render(page)
    assert "<script" not in html and "<img" not in html
    table = html[html.index("<table>"):html.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    assert len(rows) == 4, "header and one row for each of the three fields"
    assert all(row.count("<td>") == 4 for row in rows[1:])
    assert "^(kg|lb)$" in table


def test_alias_bombs_and_recursive_aliases_are_refused_quickly(tmp_path: Path) -> None:
    bomb = ["openapi: 3.1.0", "info: {title: x, version: '1'}", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    bomb += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    cases = {"bomb.yaml": "\n".join(bomb) + "\npaths: {}\n", "loop.yaml": "openapi: 3.1.0\nx: &a [*a]\n"}
    for name, text in cases.items():
        (tmp_path / name).write_text(text)
        started = time.monotonic()
        result = run_specloom("generate", str(tmp_path / name), "-o", str(tmp_path / "out"))
        assert result.returncode == 2, result.stderr
        assert "alias" in result.stderr and len(result.stderr.strip().splitlines()) == 1
        assert time.monotonic() - started < 10
        assert not (tmp_path / "out").exists()


@pytest.fixture
def fault_server() -> Iterator[Any]:
    from faultserver import FaultServer

    server = FaultServer().start()
    yield server
    server.stop()


@pytest.mark.case("client")
def test_generated_client_streams_retries_and_uploads(sdk: ModuleType, fault_server: Any) -> None:
    """The generated methods (not the runtime alone) against a local server that misbehaves."""
    from faultserver import Reply

    package = importlib.import_module(sdk.__name__.split(".")[0])
    events = [b'data: {"type": "delta", "delta": "Hel"}\n\n', b'data: {"type": "delta", "delta": "lo"}\n\n', b"data: [DONE]\n\n"]
    fault_server.script("/chats", Reply(429, {"error": "slow down"}, {"Retry-After": "0"}), Reply(200, {"id": "c1", "text": "Hi"}),
                        Reply(200, headers={"Content-Type": "text/event-stream"}, chunks=events))
    fault_server.script("/files", Reply(echo=True))
    with package.Client(api_key="k-secret", base_url=fault_server.url, max_retries=2) as client:
        chat = client.chats.create(prompt="hi")
        assert chat.text == "Hi" and len(fault_server.hits("/chats")) == 2  # the 429 was retried
        assert fault_server.hits("/chats")[0].headers["x-key"] == "k-secret"
        with client.chats.create(prompt="hi", stream=True) as stream:
            assert "".join(event.delta for event in stream) == "Hello"
        echoed = client.files.with_raw_response.create(file=("a.txt", b"abc", "text/plain"), purpose="test")
        assert echoed.status_code == 200
    with pytest.raises(package._runtime.MissingCredentialsError, match="CASE_CLIENT_API_KEY"):
        package.Client(base_url=fault_server.url)


@pytest.mark.case("hostile_auth")
def test_spec_strings_stay_inside_their_string_literals(sdk: ModuleType) -> None:
    package = importlib.import_module(sdk.__name__.split(".")[0])
    client = package.Client(api_key="k")
    assert client._auth[0].name == 'X-Key", where="header")); import os; os.environ["SPECLOOM_PWNED"] = ("1'
    assert "SPECLOOM_PWNED" not in os.environ
