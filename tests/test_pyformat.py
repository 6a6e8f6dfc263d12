"""generator/pyformat, the port of black's layout, held to black itself: every Python file specloom
generates for specs/, the case specs and the whole corpus is left unchanged by black; random specs
and tricky statements come out as black makes them; black runs, cached, where the port cannot."""

from __future__ import annotations

import json
import keyword
import os
import textwrap
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import REPO, Generated
from generator import render as render_module
from generator.pipeline import build
from generator.pyformat import Unsupported, format_module
from generator.pyformat import blackcache
from generator.pyformat.statement import _flat_dict_call
from generator.render import FormatFallback, format_python


def _python_files(root: Path) -> list[Path]:
    # The runtime is copied verbatim; tests/test_runtime.py holds it to black.
    return [p for p in sorted(root.rglob("*.py")) if p.name != "_runtime.py"]


def _changed_by_black(path: Path) -> bool:
    text = path.read_text()
    return format_python(text) != text


def _black_changes(files: list[Path]) -> list[str]:
    with ProcessPoolExecutor(max_workers=2) as pool:  # CI has two cores
        changed = pool.map(_changed_by_black, files, chunksize=64)
        return [str(p) for p, was in zip(files, changed) if was]


def test_black_leaves_every_corpus_file_unchanged(corpus_out: dict[str, Generated]) -> None:
    """The oracle: every Python file of every spec of ../shared (the corpus and the three OpenAI
    versions), laid out by the port, is what black makes of it; none needed black."""
    generated = [g for g in corpus_out.values() if g.returncode == 0]
    files = [p for g in generated for p in _python_files(g.out / "python")]
    assert len(generated) >= 60 and len(files) > 6000
    assert _black_changes(files) == []
    assert [g.spec.name for g in generated if FormatFallback.__name__ in g.stderr] == []


def test_black_leaves_the_golden_and_case_files_unchanged(cases_out: dict[str, Path]) -> None:
    roots = [REPO / "generated", *cases_out.values()]
    files = [p for root in roots for p in _python_files(root)]
    assert len(files) > 100
    assert _black_changes(files) == []


# ---- random specs: long names, long enums, unions, constraints, odd strings ------------------------

LONG_NAMES = st.from_regex(r"[A-Z][a-z]{2,12}(?:[A-Z][a-z]{2,12}){0,5}", fullmatch=True)
PROPERTY_NAMES = st.from_regex(r"[a-z]{1,12}(?:_[a-z]{1,12}){0,4}", fullmatch=True)
# Enum values: plain, long, with quotes and backslashes, wide (CJK counts two columns in black).
VALUES = st.one_of(st.from_regex(r"[a-z0-9_.\-]{1,30}", fullmatch=True),
                   st.sampled_from(['say "hi"', "it's", "back\\slash", "名前の値", "x" * 80, 'a"b\'c', ""]))
DESCRIPTIONS = st.one_of(
    st.none(),
    st.lists(st.one_of(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40),
                       st.sampled_from(["  - indented item", "    code", '"quoted"', "ends with \\", "w" * 90])),
             min_size=1, max_size=5).map("\n".join),
)


def _type(refs: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    primitives = st.one_of(
        st.builds(lambda vs: {"type": "string", "enum": vs}, st.lists(VALUES, min_size=1, max_size=12, unique=True)),
        st.builds(lambda lo, hi: {"type": "integer", "minimum": lo, "maximum": hi}, st.integers(-10**12, 0), st.integers(1, 10**19)),
        st.builds(lambda n: {"type": "string", "maxLength": n, "pattern": "^[a-z]+$"}, st.integers(1, 10**6)),
        st.just({"type": "number"}), st.just({"type": "string", "format": "date-time"}),
    )
    leaves = primitives | st.sampled_from(refs).map(lambda r: {"$ref": f"#/components/schemas/{r}"})
    return st.recursive(leaves, lambda inner: st.one_of(
        st.builds(lambda i, n: {"type": "array", "items": i, "minItems": n}, inner, st.integers(0, 3)),
        st.builds(lambda v: {"type": "object", "additionalProperties": v}, inner),
        st.builds(lambda ms: {"oneOf": ms}, st.lists(inner, min_size=2, max_size=5)),
        st.builds(lambda i: {"anyOf": [i, {"type": "null"}]}, inner),
    ), max_leaves=6)


@st.composite
def long_specs(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(LONG_NAMES, min_size=2, max_size=4, unique=True))
    schemas = {}
    for name in names:
        props = draw(st.dictionaries(PROPERTY_NAMES, _type(names), min_size=1, max_size=5))
        schemas[name] = {"type": "object", "description": draw(DESCRIPTIONS), "required": draw(st.sampled_from([[], list(props)])),
                         "properties": {k: {**v, "description": draw(DESCRIPTIONS)} for k, v in props.items()}}
    params = [{"name": p, "in": where, "required": where == "path", "schema": draw(_type(names)), "description": draw(DESCRIPTIONS)}
              for p, where in zip(draw(st.lists(PROPERTY_NAMES, min_size=1, max_size=4, unique=True)), ["path", "query", "query", "header"])]
    path = "/" + "/".join(f"{{{p['name']}}}" if p["in"] == "path" else "items" for p in params[:1]) + "/" + draw(PROPERTY_NAMES)
    body = {"$ref": f"#/components/schemas/{names[0]}"}
    operation = {"operationId": draw(PROPERTY_NAMES), "summary": draw(DESCRIPTIONS), "parameters": params,
                 "requestBody": {"content": {"application/json": {"schema": body}}},
                 "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": draw(_type(names))}}}}}
    return {"openapi": "3.1.0", "info": {"title": draw(LONG_NAMES), "version": "1"}, "paths": {path: {"post": operation}},
            "components": {"schemas": schemas}}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(spec=long_specs())
def test_random_specs_come_out_as_black_makes_them(spec: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    with warnings.catch_warnings():
        warnings.simplefilter("error", FormatFallback)
        files = build(str(path), targets=("python",)).files
    for name, text in files.items():
        if name.endswith(".py") and not name.endswith("_runtime.py"):
            assert format_python(text) == text, name


# ---- statements and docstrings, each against black -----------------------------------------------

TRICKY = {
    "escaped quotes go single": 'X: TypeAlias = Literal["say \\"hi\\"", "plain"]\n',
    "escapes and quotes stay double": 'X: TypeAlias = Literal["it\'s \\"so\\""]\n',
    "wide characters count twice": 'X: TypeAlias = Literal["' + "名前" * 20 + '", "b"]\n',
    "long import": "from .a_module_with_a_rather_long_name import AVeryLongClassNameIndeed as AVeryLongClassNameIndeed\n",
    "long string alone": 'DEFAULT_BASE_URL = "https://example.com/' + "p" * 80 + '"\n',
    "ternary": "class C:\n    def f(self) -> None:\n        api_key_name = api_key_name if api_key_name is not None else _rt.env_credential(\"SOME_VERY_LONG_ENV_NAME\")\n",
    "implicit concatenation": 'def f() -> None:\n    raise _rt.MissingCredentialsError("Client needs credentials: pass api_key or password, " "or set X_API_KEY or X_PASSWORD")\n',
    "or chain in a call": "def f() -> None:\n    super().__init__(\n        base_url=base_url or _rt.env_credential(\"A_VERY_LONG_ENVIRONMENT_VARIABLE_NAME\") or DEFAULT_BASE_URL,\n    )\n",
    "module docstring first": '"""  Module doc.\n\n      indented\n  """\n\nx = 1\n',
    "docstring dedent": 'class C(BaseModel):\n    """Summary.\n\n      - one\n      - two\n    """\n\n    x: int\n',
    "docstring last line too long": 'def f() -> None:\n    """Summary.\n\n    ' + "w " * 42 + 'end"""\n',
    "docstring ending in a quote": 'class C:\n    """He said \\"hi\\""""\n',
    "docstring backslash newline": 'class C:\n    """a \\\\\n      b"""\n',
    "attribute docstring stays": 'class C(BaseModel):\n    x: int\n    """  not a docstring  \n      indented"""\n',
    "escapes in lower case": 'X: TypeAlias = Literal["\\xAB", "\\\\xAB"]\n"""attribute \\u00E9"""\n',
    "magic trailing comma": 'X: TypeAlias = Literal["a",]\n',
    "subscript union parenthesized": "class C(BaseModel):\n    field_with_a_long_name: Annotated[str, Field(min_length=1, max_length=1000000)] | None = None\n",
    "defaults of a long signature": "class C:\n    def method(\n        self,\n        *,\n        value: Annotated[list[Annotated[AlphaModel | BetaModel | GammaModel, Field(discriminator=\"type\")]], Field(min_length=1)] | NotGiven = NOT_GIVEN,\n    ) -> None: ...\n",
}


@pytest.mark.parametrize("source", TRICKY.values(), ids=TRICKY.keys())
def test_tricky_statements_come_out_as_black_makes_them(source: str) -> None:
    assert format_module(source) == format_python(source)


_KEY = st.text(alphabet=st.one_of(st.sampled_from("abz_-. ,:{}()'#"), st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"), exclude_characters='"\\')),
                max_size=30)
_NAME = st.from_regex(r"[a-z_][a-z0-9_]{0,25}", fullmatch=True).filter(lambda name: not keyword.iskeyword(name))


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.integers(2, 9), _NAME, st.lists(st.tuples(_KEY, _NAME), min_size=1, max_size=7))
@example(2, "query", [("k" * 70, "v")])  # one entry too long for the dict's own line: no trailing comma
@example(2, "query", [("k" * 70, "v"), ("k", "w")])
@example(9, "headers", [("x-request-id", "x_request_id")])
def test_a_call_of_a_flat_dict_comes_out_as_black_makes_it(depth: int, keyword: str, entries: list[tuple[str, str]]) -> None:
    """`query=_rt.strip_not_given({...}),` in an exploded call: laid out without the parser
    (statement._flat_dict_call), and as black lays it out, at every depth and length."""
    item = f"{keyword}=_rt.strip_not_given({{{', '.join(f'{json.dumps(k, ensure_ascii=False)}: {v}' for k, v in entries)}}}),"
    assert _flat_dict_call(item, depth) is not None
    source = "".join(f"{'    ' * d}def f{d}() -> None:\n" for d in range(depth - 1)) + "    " * (depth - 1) + f"g(\n{'    ' * depth}{item}\n{'    ' * (depth - 1)})\n"
    assert format_module(source) == format_python(source)


REFUSED = {
    "comprehension": "x = [item_with_a_long_name for item_with_a_long_name in some_iterable_with_a_much_longer_name]\n",
    "lambda": "x = lambda argument_with_a_long_name: argument_with_a_long_name(another_long_name_to_fill)\n",
    "arithmetic": "x = first_long_operand_name + second_long_operand_name + third_long_operand_name_here_too\n",
    "comment": "x = 1  # " + "c" * 90 + "\n",
    "with": "with open(a_file_name_that_is_long_enough, encoding=an_encoding_name_that_is_long_too) as f:\n    pass\n",
}


@pytest.mark.parametrize("source", REFUSED.values(), ids=REFUSED.keys())
def test_what_the_port_does_not_handle_is_refused_not_guessed(source: str) -> None:
    assert len(source.splitlines()[0]) > 88  # lines that fit pass through untouched, as black leaves them
    with pytest.raises(Unsupported):
        format_module(source)


# ---- black where the port cannot vouch: fallback, cache ------------------------------------------

def test_output_the_port_refuses_is_formatted_by_black_with_a_warning(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def refuse(text: str) -> str:
        raise Unsupported("test")

    monkeypatch.setenv("SPECLOOM_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(render_module, "format_module", refuse)
    with pytest.warns(FormatFallback, match="laid out by black"):
        files = build(str(REPO / "specs" / "petstore.yaml"), targets=("python",)).files
    for name, text in files.items():
        if name.endswith(".py"):
            assert format_python(text) == text, name


def test_a_filter_on_the_render_module_hides_its_fallback_warnings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Warnings recorded while files render (in either process) are given again once the build
    ends, as from the module that gave them: `-W ignore:::generator.render` hides them."""
    def refuse(text: str) -> str:
        raise Unsupported("test")

    monkeypatch.setenv("SPECLOOM_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(render_module, "format_module", refuse)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", module=r"generator\.render$")
        build(str(REPO / "specs" / "petstore.yaml"), targets=("python",))
    assert [str(w.message) for w in seen if w.category is FormatFallback] == []
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", module=r"generator\.plan$")
        build(str(REPO / "specs" / "petstore.yaml"), targets=("python",))
    fallbacks = [w for w in seen if w.category is FormatFallback]
    assert fallbacks and {Path(w.filename).name for w in fallbacks} == {"render.py"}


def test_black_results_are_cached_by_content(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SPECLOOM_CACHE_DIR", str(tmp_path / "cache"))
    source = "x  =  {'a':1}\n"
    assert blackcache.cached_black(source) == 'x = {"a": 1}\n'
    [entry] = (tmp_path / "cache" / "black").rglob("*.py")
    assert entry.read_text() == 'x = {"a": 1}\n'
    assert not [p for p in entry.parent.iterdir() if p.name.startswith(".tmp-")]

    def no_black(text: str) -> str:
        raise AssertionError("black ran on a cached text")

    monkeypatch.setattr(blackcache, "run_black", no_black)
    assert blackcache.cached_black(source) == 'x = {"a": 1}\n'
    with pytest.raises(AssertionError):
        blackcache.cached_black("y = 1\n")


def test_cache_location_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SPECLOOM_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert blackcache.cache_dir() == tmp_path / "xdg" / "specloom" / "black"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert blackcache.cache_dir() == tmp_path / "home" / ".cache" / "specloom" / "black"
    monkeypatch.setenv("SPECLOOM_CACHE_DIR", str(tmp_path / "mine"))
    assert blackcache.cache_dir() == tmp_path / "mine" / "black"


def test_an_unwritable_cache_only_costs_time(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("SPECLOOM_CACHE_DIR", str(tmp_path / "file"))
    assert blackcache.cached_black("x  = 1\n") == "x = 1\n"


def test_user_python_templates_go_through_black_and_macro_overrides_make_all_untrusted(tmp_path: Path) -> None:
    (tmp_path / "a" / "python").mkdir(parents=True)
    (tmp_path / "a" / "python" / "model.py.j2").write_text("")
    (tmp_path / "b" / "python").mkdir(parents=True)
    (tmp_path / "b" / "python" / "_macros.j2").write_text("")
    assert render_module._user_python((str(tmp_path / "a"),)) == {"python/model.py.j2"}
    assert render_module._user_python((str(tmp_path / "b"),)) is None
    assert render_module._user_python(()) == frozenset()


def test_generation_reads_no_black_cache_and_imports_no_black(tmp_path: Path) -> None:
    """Built-in templates never need black: a run does not even import it."""
    script = textwrap.dedent(f"""
        import sys
        from generator.pipeline import build
        build({str(REPO / "specs" / "openai-batches.yaml")!r}, targets=("python",))
        print("black" in sys.modules)
    """)
    import subprocess
    import sys

    env = {**os.environ, "SPECLOOM_CACHE_DIR": str(tmp_path / "cache")}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, env=env, timeout=120)
    assert result.stdout.strip() == "False", result.stderr
    import jinja2

    # The cache root holds the compiled templates only: no black folder was made or read.
    [only] = (tmp_path / "cache").iterdir()
    assert only.name.startswith(f"jinja-{jinja2.__version__}-")
