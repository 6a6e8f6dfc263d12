"""Prism, the mock server from the npm registry: installed once into .cache/, started per spec."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from conftest import REPO

PRISM = "@stoplight/prism-cli@5"
CACHE = REPO / ".cache" / "prism"


def prism_executable() -> Path:
    """Prism's command, installed with npm on first use (CI starts from a clean clone)."""
    exe = CACHE / "node_modules" / ".bin" / "prism"
    if not exe.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("npm is needed to install Prism, the mock server the client tests run against")
        subprocess.run([npm, "install", "--prefix", str(CACHE), "--no-audit", "--no-fund", "--silent", PRISM],
                       check=True, timeout=900)
    return exe


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def prism_mock(spec: Path, log: Path, *, ready_within: float = 120.0) -> Iterator[str]:
    """A running `prism mock SPEC` on a free local port; yields its base URL, stops it after."""
    port = _free_port()
    with open(log, "w") as out:
        proc = subprocess.Popen([str(prism_executable()), "mock", str(spec), "-p", str(port), "-h", "127.0.0.1"],
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + ready_within
        while "Prism is listening" not in log.read_text():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Prism did not start on {spec.name}:\n{log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
