"""benchmarks/run.py still runs: one quick pass on the small batches spec (numbers are not checked)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import REPO


def test_benchmark_quick_run(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--quick", "--spec", str(REPO / "specs" / "openai-batches.yaml"),
         "--json", str(out)],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:] + result.stdout[-2000:]
    report = json.loads(out.read_text())
    assert {"yaml cold", "yaml warm", "json cold", "json warm", "2x cold", "4x cold", "import + Client()",
            "yardstick: a 3M-step Python loop"} <= set(report["cases"])
    assert all(case["errors"] == [] and len(case["seconds"]) == 1 for case in report["cases"].values())
    assert set(report["scaling"]) == {"2x/1x time", "2x/1x memory", "4x/2x time", "4x/2x memory"}
    assert "| yaml cold | 1 |" in result.stdout
