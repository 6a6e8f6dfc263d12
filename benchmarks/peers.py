"""Peer comparison for the benchmark: openapi-python-client on the same spec, alternating runs with specloom."""

from __future__ import annotations

import statistics
import subprocess
import sys
import venv
from collections.abc import Callable
from pathlib import Path
from typing import Any

PEER = "openapi-python-client"


def install(work: Path) -> Path:
    """A throwaway venv with the peer (and ruff, which its post-generation hooks run)."""
    env_dir = work / "peer-venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", PEER], check=True)
    return env_dir / "bin"


def version(bin_dir: Path) -> str:
    result = subprocess.run([str(bin_dir / "python"), "-m", "pip", "show", PEER], capture_output=True, text=True)
    return next((line.split(":", 1)[1].strip() for line in result.stdout.splitlines() if line.startswith("Version:")), "?")


def compare(specs: dict[str, Path], work: Path, runs: int, measure: Callable[..., Any],
            ours: Callable[[Path, Path], list[str]]) -> dict[str, Any]:
    """Cold runs of both tools on the JSON form, alternating (ours, peer, ours, peer, …) so load on
    the machine hits both; plus one peer run on the YAML file, to record what it says there."""
    bin_dir = install(work)
    # Its default post-hooks call `ruff` from PATH: the venv's bin must come first.
    env = {"PATH": f"{bin_dir}:{_path()}"}

    def peer(spec: Path, out: Path) -> Any:
        cmd = [str(bin_dir / PEER), "generate", "--path", str(spec), "--output-path", str(out), "--overwrite"]
        return measure(cmd, env=env, cwd=work)

    # Each run into a new folder, nothing deleted between runs (see run.generate_cases).
    samples: dict[str, list[Any]] = {"specloom": [], PEER: []}
    for run in range(runs):
        samples["specloom"].append(measure(ours(specs["json"], work / f"peer-ours-{run}")))
        samples[PEER].append(peer(specs["json"], work / f"peer-out-{run}"))
    report = _summary(samples, version(bin_dir), f"{PEER} generate --path SPEC.json --output-path OUT --overwrite")
    on_yaml = peer(specs["yaml"], work / "peer-out-yaml")
    # It reads YAML as 1.1, so unquoted status codes (`200:`) become ints that its models refuse.
    report["on_yaml"] = {"exit_code": on_yaml.returncode, "seconds": on_yaml.seconds,
                         "output_tail": (on_yaml.stderr + on_yaml.stdout).strip()[-1500:]}
    return report


def _summary(samples: dict[str, list[Any]], peer_version: str, command: str) -> dict[str, Any]:
    report: dict[str, Any] = {"peer": f"{PEER} {peer_version}", "command": command, "tools": {}}
    for tool, runs in samples.items():
        report["tools"][tool] = {
            "seconds": [s.seconds for s in runs],
            "rss_mb": [s.rss_mb for s in runs],
            "cpu_user_s": [s.cpu_user_s for s in runs],
            "cpu_sys_s": [s.cpu_sys_s for s in runs],
            "exit_codes": [s.returncode for s in runs],
            "median_s": statistics.median(s.seconds for s in runs),
            "median_rss_mb": statistics.median(s.rss_mb for s in runs),
            # The peer exits 0 with warnings for schemas it skips, or non-zero: keep what it says.
            "skipped_schemas": (runs[-1].stderr + runs[-1].stdout).count("Unable to process schema"),
            "output_tail": (runs[-1].stderr + runs[-1].stdout).strip()[-3000:],
        }
    ours, peer = report["tools"]["specloom"], report["tools"][PEER]
    report["time_ratio_peer_over_specloom"] = round(peer["median_s"] / ours["median_s"], 2)
    report["memory_ratio_peer_over_specloom"] = round(peer["median_rss_mb"] / ours["median_rss_mb"], 2)
    return report


def table(report: dict[str, Any]) -> str:
    rows = [f"peer: {report['peer']} ({report['command']})",
            "| tool | runs | median s | median peak RSS MB | exit codes | schemas it could not process |",
            "| --- | --- | --- | --- | --- | --- |"]
    for tool, data in report["tools"].items():
        rows.append(f"| {tool} | {len(data['seconds'])} | {data['median_s']:.2f} | {data['median_rss_mb']:.0f} | "
                    f"{sorted(set(data['exit_codes']))} | {data['skipped_schemas']} |")
    rows.append(f"time ratio (peer / specloom): {report['time_ratio_peer_over_specloom']}; "
                f"memory ratio: {report['memory_ratio_peer_over_specloom']}")
    rows.append(f"{PEER} on the YAML file: exit {report['on_yaml']['exit_code']}")
    return "\n".join(rows)


def _path() -> str:
    import os

    return os.environ.get("PATH", "") or str(Path(sys.executable).parent)
