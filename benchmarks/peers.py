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


_YAML_PARSER = """
from ruamel.yaml import YAML, __version__
fast = "_ruamel_yaml" in YAML(typ="safe").Parser.__module__
print(f"ruamel.yaml {__version__}, {'in C (ruamel.yaml.clib)' if fast else 'in Python: YAML() found no ruamel.yaml.clib'}")
"""


def yaml_parser(bin_dir: Path) -> str:
    """What reads a YAML spec for the peer (`YAML(typ="safe")` of ruamel.yaml): in C where
    ruamel.yaml.clib is installed, else in Python, ~5× slower (on the OpenAI spec, 7.2 s against
    1.3 s here). Releases differ: 0.28.0 pulls in ruamel.yaml 0.18, which requires
    ruamel.yaml.clib on CPython before 3.15; 0.29.1 allows ruamel.yaml 0.19, which pip picks
    and where ruamel.yaml.clib is an optional extra (`oldlibyaml`; the `libyaml` extra's
    ruamel.yaml.clibz is not what `YAML()` uses). The ratio on the YAML file swings with them."""
    result = subprocess.run([str(bin_dir / "python"), "-c", _YAML_PARSER], capture_output=True, text=True)
    return result.stdout.strip() or f"unknown ({(result.stderr.strip().splitlines() or ['?'])[-1]})"


def compare(specs: dict[str, Path], work: Path, runs: int, measure: Callable[..., Any],
            ours: Callable[[Path, Path], list[str]]) -> dict[str, Any]:
    """Cold runs of both tools on the spec as given (YAML) and on its JSON form, alternating
    (ours, peer, ours, peer, …) so load on the machine hits both. Both forms: the YAML file is the
    spec the targets name, and the JSON form spares the peer its YAML parser (`yaml_parser`),
    which is most of the difference between its two times."""
    bin_dir = install(work)
    # Its default post-hooks call `ruff` from PATH: the venv's bin must come first.
    env = {"PATH": f"{bin_dir}:{_path()}"}

    def peer(spec: Path, out: Path) -> Any:
        cmd = [str(bin_dir / PEER), "generate", "--path", str(spec), "--output-path", str(out), "--overwrite"]
        return measure(cmd, env=env, cwd=work)

    # Each run into a new folder, nothing deleted between runs (see run.generate_cases).
    samples: dict[str, dict[str, list[Any]]] = {form: {"specloom": [], PEER: []} for form in ("yaml", "json")}
    for run in range(runs):
        for form, tools in samples.items():
            tools["specloom"].append(measure(ours(specs[form], work / f"peer-ours-{form}-{run}")))
            tools[PEER].append(peer(specs[form], work / f"peer-out-{form}-{run}"))
    return {"peer": f"{PEER} {version(bin_dir)}", "peer_yaml_parser": yaml_parser(bin_dir), "command": f"{PEER} generate --path SPEC --output-path OUT --overwrite",
            "forms": {form: _summary(tools) for form, tools in samples.items()}}


def _summary(samples: dict[str, list[Any]]) -> dict[str, Any]:
    report: dict[str, Any] = {"tools": {}}
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
    # A run that failed did not do the job: no ratio (the batches spec's YAML, which the peer reads
    # as YAML 1.1, stops it with exit 1; on the OpenAI spec it skips schemas and exits 0).
    done = not any(ours["exit_codes"]) and not any(peer["exit_codes"])
    report["time_ratio_peer_over_specloom"] = round(peer["median_s"] / ours["median_s"], 2) if done else None
    report["memory_ratio_peer_over_specloom"] = round(peer["median_rss_mb"] / ours["median_rss_mb"], 2) if done else None
    return report


def table(report: dict[str, Any]) -> str:
    rows = [f"peer: {report['peer']} ({report['command']}); its YAML parser: {report['peer_yaml_parser']}",
            "| spec | tool | runs | median s | median peak RSS MB | exit codes | schemas it could not process |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    for form, summary in report["forms"].items():
        for tool, data in summary["tools"].items():
            rows.append(f"| {form} | {tool} | {len(data['seconds'])} | {data['median_s']:.2f} | {data['median_rss_mb']:.0f} | "
                        f"{sorted(set(data['exit_codes']))} | {data['skipped_schemas']} |")
    for form, summary in report["forms"].items():
        if summary["time_ratio_peer_over_specloom"] is None:
            rows.append(f"{form}: no ratio, a run failed (exit codes above)")
        else:
            rows.append(f"{form}: time ratio (peer / specloom) {summary['time_ratio_peer_over_specloom']}; "
                        f"memory ratio {summary['memory_ratio_peer_over_specloom']}")
    return "\n".join(rows)


def _path() -> str:
    import os

    return os.environ.get("PATH", "") or str(Path(sys.executable).parent)
