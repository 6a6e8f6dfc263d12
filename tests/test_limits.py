"""Limits on untrusted specs: an alias bomb, 10,000-deep nesting, a huge string and a huge enum
end in one clear line (exit 2, with the place) or a warning, never a hang or a memory blow-up.

Each case runs in its own process, which reports its own CPU time and peak memory: the issue's
bound is 2 s and 200 MB. CPU time, not wall time, so a loaded CI machine does not make it flaky.
Peak memory is the process's VmHWM, not `ru_maxrss`: Linux carries `ru_maxrss` across fork and
exec, so a child of a large pytest process would report pytest's size (CI saw every case "fail").
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, run_specloom

_MEASURED = (
    "import json, re, resource, sys\n"
    "from generator.cli import main\n"
    "rc = main(sys.argv[1:])\n"
    "r = resource.getrusage(resource.RUSAGE_SELF)\n"
    "hwm = re.search(r'VmHWM:\\s+(\\d+) kB', open('/proc/self/status').read())\n"
    "print(json.dumps({'rc': rc, 'cpu': r.ru_utime + r.ru_stime, 'rss_mb': int(hwm.group(1)) / 1024}))\n"
)
HEAD = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n"
DEPTH = 10_000


def _bomb() -> str:
    lines = [HEAD + "x:", '  a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"  {chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _deep_block_yaml() -> str:
    return HEAD + "x:\n" + "".join(" " * (i + 1) + "- \n" for i in range(DEPTH))


def _deep_schema_json() -> str:
    schema: dict[str, object] = {"type": "string"}
    for _ in range(DEPTH):
        schema = {"type": "object", "properties": {"a": schema}}
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 4 * DEPTH))
    return json.dumps({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {},
                       "components": {"schemas": {"D": schema}}})


CASES = {
    "alias-bomb.yaml": (_bomb, "yaml-aliases"),
    "deep-flow.yaml": (lambda: HEAD + "x: " + "[" * DEPTH + "]" * DEPTH + "\n", "nesting-too-deep"),
    "deep-block.yaml": (_deep_block_yaml, "nesting-too-deep"),
    "deep-schema.json": (_deep_schema_json, "nesting-too-deep"),
    "long-string.json": (lambda: json.dumps({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {},
                                             "components": {"schemas": {"S": {"description": "x" * 20_000_000}}}}),
                         "string-too-long"),
}


def run_measured(*args: str) -> tuple[dict[str, float], str]:
    done = subprocess.run([sys.executable, "-c", _MEASURED, *args], cwd=REPO, capture_output=True, text=True, timeout=120)
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_size_ends_in_one_clear_line_within_2s_and_200mb(name: str, tmp_path: Path) -> None:
    make, code = CASES[name]
    spec = tmp_path / name
    spec.write_text(make())
    figures, stderr = run_measured("generate", str(spec), "-o", str(tmp_path / "out"))
    assert figures["rc"] == 2
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and f"error[{code}]" in lines[0] and lines[0].startswith(str(spec)), stderr
    assert not (tmp_path / "out").exists()
    assert figures["cpu"] < 2.0 and figures["rss_mb"] < 200, figures


def test_a_huge_enum_is_typed_by_its_base_type_with_a_warning(tmp_path: Path) -> None:
    spec = tmp_path / "enum.json"
    spec.write_text(json.dumps({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {},
                                "components": {"schemas": {"Huge": {"type": "string", "enum": [f"v{i}" for i in range(200_000)]}}}}))
    figures, stderr = run_measured("generate", str(spec), "-o", str(tmp_path / "out"), "--target", "python")
    assert figures["rc"] == 0 and "warning[enum-too-large]" in stderr and "#/components/schemas/Huge/enum" in stderr
    assert "Huge: TypeAlias = str" in (tmp_path / "out/python/t/types/huge.py").read_text()


def _with_long_description(tmp_path: Path, chars: int) -> Path:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"openapi": "3.1.0", "info": {"title": "t", "version": "1", "description": "d" * chars},
                                "paths": {}}))
    return spec


def test_limits_are_set_per_job_and_on_the_command_line(tmp_path: Path) -> None:
    """The size limits are configurable: a job's `limits` lowers or raises them, and the flags
    override the job's; each refusal says which key or flag raises it."""
    spec = _with_long_description(tmp_path, 5_000)
    config = tmp_path / "specloom.yaml"
    config.write_text("jobs:\n  - spec: spec.json\n    output: out\n    limits: {max_string_chars: 4000}\n")
    refused = run_specloom("generate", cwd=tmp_path)
    assert refused.returncode == 2 and "error[string-too-long]" in refused.stderr and "max_string_chars" in refused.stderr
    assert "#/info/description" in refused.stderr and not (tmp_path / "out").exists()
    assert run_specloom("generate", "--max-string-chars", "6000", cwd=tmp_path).returncode == 0
    assert (tmp_path / "out" / "python").is_dir()

    small = run_specloom("generate", str(spec), "-o", str(tmp_path / "o2"), "--max-file-bytes", "1000")
    assert small.returncode == 2 and "error[file-too-large]" in small.stderr and "--max-file-bytes" in small.stderr
    assert len(small.stderr.strip().splitlines()) == 1 and not (tmp_path / "o2").exists()
    assert run_specloom("lint", str(spec), "--max-string-chars", "10").returncode == 2


def test_the_default_string_limit_is_raised_by_config(tmp_path: Path) -> None:
    spec = _with_long_description(tmp_path, 1_200_000)
    assert "error[string-too-long]" in run_specloom("generate", str(spec), "-o", str(tmp_path / "a")).stderr
    (tmp_path / "specloom.yaml").write_text("jobs:\n  - spec: spec.json\n    output: b\n    targets: [python]\n"
                                            "    limits: {max_string_chars: 2000000}\n")
    done = run_specloom("generate", cwd=tmp_path)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(("limits", "message"), [
    ("{max_string_chars: 0}", "`max_string_chars` must be a positive whole number"),
    ("{max_bytes: 10}", "unknown key 'max_bytes'"),
    ("[1]", "`limits` must be a mapping"),
])
def test_bad_limits_are_config_errors_with_their_line(tmp_path: Path, limits: str, message: str) -> None:
    (tmp_path / "specloom.yaml").write_text(f"jobs:\n  - spec: spec.json\n    output: out\n    limits: {limits}\n")
    result = run_specloom("generate", cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr and "specloom.yaml:4:" in result.stderr, result.stderr
