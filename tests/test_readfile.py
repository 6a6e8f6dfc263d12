"""generator.readfile and its callers: no file is read past a limit, and none but a regular one
unless the user named it. Cases that would hang or take all memory on a regression run in a
child with an address-space cap and a timeout, so that they fail rather than stop the suite."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import REPO
from generator.readfile import NotRegular, TooLarge, read_limited

POSIX = pytest.mark.skipif(not hasattr(os, "mkfifo") or not os.path.exists("/dev/zero"), reason="needs /dev/zero and FIFOs (POSIX)")


def _capped(code: str, *args: str, cwd: Path = REPO) -> str:
    """`code` run by Python in a child with 1 GiB of address space and 30 s: what it printed."""
    def cap() -> None:
        import resource

        try:
            resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        except (ValueError, OSError):  # not enforced everywhere (macOS): the timeout still holds
            pass

    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=30, cwd=cwd,
                          preexec_fn=cap, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_a_regular_file_is_read_whole_up_to_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_bytes(b"x" * 1000)
    assert read_limited(str(path), 1000) == b"x" * 1000
    with pytest.raises(TooLarge) as info:
        read_limited(str(path), 999)
    assert info.value.size == 1000 and info.value.exact


def test_a_huge_limit_does_not_allocate_it(tmp_path: Path) -> None:
    """`--max-file-bytes 100000000000` reads a small file as any other (no 100 GB buffer)."""
    path = tmp_path / "spec.yaml"
    path.write_bytes(b"openapi: 3.1.0\n")
    assert _capped("import sys; from generator.readfile import read_limited; print(len(read_limited(sys.argv[1], 10**11)))",
                   str(path)) == "15"


def test_a_folder_is_refused_and_no_descriptor_is_left_open(tmp_path: Path) -> None:
    before = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    for _ in range(5):
        with pytest.raises(IsADirectoryError):
            read_limited(str(tmp_path), 100)
    if before is not None:
        assert len(os.listdir("/proc/self/fd")) == before


@POSIX
def test_devices_and_fifos_are_refused_at_once(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")
    code = ("import sys; from generator.readfile import NotRegular, read_limited\n"
            "for path in sys.argv[1:]:\n"
            "    try:\n        read_limited(path, 1 << 20)\n    except NotRegular:\n        print('refused', path)")
    assert _capped(code, "/dev/zero", str(tmp_path / "fifo")).splitlines() == ["refused /dev/zero", f"refused {tmp_path / 'fifo'}"]
    with pytest.raises(NotRegular):
        read_limited("/dev/zero", 10)


@POSIX
def test_a_pipe_the_user_names_is_read_as_far_as_the_limit(tmp_path: Path) -> None:
    """`specloom lint <(command)`: the spec's own file may be a pipe, read to its end, or to the
    limit (`/dev/zero` named as the spec ends in an error, not in all of memory)."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes(b"openapi: 3.1.0\n" * 1000), daemon=True)
    writer.start()
    assert read_limited(str(fifo), 1 << 20, only_regular=False) == b"openapi: 3.1.0\n" * 1000
    writer.join(5)
    code = ("from generator.readfile import TooLarge, read_limited\n"
            "try:\n    read_limited('/dev/zero', 1 << 20, only_regular=False)\nexcept TooLarge as exc:\n    print(exc.size, exc.exact)")
    assert _capped(code) == f"{(1 << 20) + 1} False"


@POSIX
def test_a_device_named_as_the_spec_is_too_large_without_a_size(tmp_path: Path) -> None:
    """Its size is not known: the error does not give as one the bytes read before the limit."""
    code = ("from generator.loader import load, Limits; from generator.diagnostics import SpecError\n"
            "try:\n    load('/dev/zero', Limits(max_file_bytes=1 << 20))\nexcept SpecError as e:\n"
            "    print(e.diagnostic.code, e.diagnostic.message.split(';')[0].split(' (')[0])")
    assert _capped(code) == "file-too-large /dev/zero holds more than the limit of 1048576 bytes"


def test_a_name_holding_a_nul_is_an_os_error_not_a_value_error(tmp_path: Path) -> None:
    """Every caller handles OSError (a one-line error, a hash that cannot be made); a config's
    `spec: "a\\0b.yaml"` gave an internal error."""
    for only_regular in (True, False):
        with pytest.raises(OSError, match="cannot hold a NUL"):
            read_limited(str(tmp_path / "a\0b.yaml"), 100, only_regular=only_regular)
        with pytest.raises(OSError, match="not a file name"):  # a lone surrogate, from a JSON `$ref`'s escape
            read_limited(str(tmp_path / "\ud800.json"), 100, only_regular=only_regular)


@POSIX
@pytest.mark.parametrize("target", ["/dev/zero", "fifo.yaml"])
def test_a_ref_to_a_file_that_is_not_a_regular_file_is_refused(tmp_path: Path, target: str) -> None:
    """A `$ref` to `/dev/zero` read until memory ran out; one to a FIFO waited for ever."""
    os.mkfifo(tmp_path / "fifo.yaml")
    (tmp_path / "root.yaml").write_text("openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n"
                                        f"  schemas:\n    Z: {{$ref: '{target}'}}\n", encoding="utf-8")
    code = ("import sys; from generator.loader import load; from generator.diagnostics import SpecError\n"
            "try:\n    load(sys.argv[1])\nexcept SpecError as e:\n    print(e.diagnostic.code, e.diagnostic.message)")
    shown = tmp_path / target if target == "fifo.yaml" else target
    assert _capped(code, str(tmp_path / "root.yaml")) == f"file-unreadable {shown} is not a regular file"


@POSIX
@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_a_rerun_whose_spec_became_a_device_or_fifo_builds_again_and_says_so(tmp_path: Path, target: str) -> None:
    """The warm-run check hashes the recorded spec files: one replaced by a link to /dev/zero or
    by a FIFO is not read (no hash: a full run, whose load refuses it with one line)."""
    (tmp_path / "spec.yaml").write_text("openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n"
                                        "      responses:\n        '200': {$ref: 'ok.yaml'}\n", encoding="utf-8")
    (tmp_path / "ok.yaml").write_text("description: ok\n", encoding="utf-8")
    env = {**os.environ, "SPECLOOM_CACHE_DIR": str(tmp_path / "cache")}
    generate = [sys.executable, "-m", "generator", "generate", "spec.yaml", "-o", "out", "-q"]
    assert subprocess.run(generate, cwd=tmp_path, env=env, capture_output=True, timeout=120).returncode == 0
    (tmp_path / "ok.yaml").unlink()
    if target == "fifo":
        os.mkfifo(tmp_path / "ok.yaml")
    else:
        os.symlink(target, tmp_path / "ok.yaml")
    code = ("import os, subprocess, sys\n"
            f"done = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=20, env={{**os.environ, 'SPECLOOM_CACHE_DIR': {str(tmp_path / 'cache')!r}}})\n"
            "print(done.returncode, (done.stderr.strip().splitlines() or [''])[-1])")
    assert _capped(code, *generate, cwd=tmp_path) == \
        "2 spec.yaml:7:9: error[file-unreadable]: ok.yaml is not a regular file (at #/paths/~1a/get/responses/200)"


@POSIX
@pytest.mark.parametrize("name", ["specloom.yaml", "pyproject.toml"])
def test_a_config_file_that_is_not_a_regular_file_is_an_error_not_a_hang(tmp_path: Path, name: str) -> None:
    os.symlink("/dev/zero", tmp_path / name)
    code = ("import subprocess, sys\n"
            "done = subprocess.run([sys.executable, '-m', 'generator', 'generate'], capture_output=True, text=True, timeout=20)\n"
            "print(done.returncode, done.stderr.strip().splitlines()[-1])")
    out = _capped(code, cwd=tmp_path)
    if name == "specloom.yaml":
        assert out == "2 specloom.yaml:#: error[config-invalid]: specloom.yaml is not a regular file"
    else:  # a pyproject.toml that cannot be read has no [tool.specloom]: no config at all
        assert out.startswith("2 ") and "config-missing" in out


@POSIX
def test_lint_reads_a_spec_given_as_a_pipe(tmp_path: Path) -> None:
    """`specloom lint <(command)`, as before files were held to be regular: the user named it."""
    fifo = tmp_path / "spec.yaml"
    os.mkfifo(fifo)
    spec = b"openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\n"
    writer = threading.Thread(target=lambda: fifo.write_bytes(spec), daemon=True)
    writer.start()
    done = subprocess.run([sys.executable, "-m", "generator", "lint", str(fifo)], capture_output=True, text=True,
                          timeout=60, cwd=REPO)
    writer.join(5)
    assert done.returncode == 0, done.stderr


@POSIX
def test_generate_reads_a_spec_given_as_a_pipe_once(tmp_path: Path) -> None:
    """`specloom generate <(command)`: a build read the root twice (its check here, its load in a
    child), so one of the two got nothing, or waited for a second writer for ever. A rerun's
    check of the last run's inputs opened the FIFO and closed it unread: its writer wrote into
    that, and the load then waited for another writer for ever."""
    fifo = tmp_path / "spec.yaml"
    os.mkfifo(fifo)
    spec = b"openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Pet: {type: object}\n"
    env = {**os.environ, "SPECLOOM_CACHE_DIR": str(tmp_path / "cache")}
    for run in ("first", "second"):  # the second after a first run's record, which a rerun checks
        writer = threading.Thread(target=lambda: fifo.write_bytes(spec), daemon=True)
        writer.start()
        done = subprocess.run([sys.executable, "-m", "generator", "generate", str(fifo), "-o", str(tmp_path / "out"),
                               "--package-name", "piped", "-q"], capture_output=True, text=True, timeout=60, cwd=REPO, env=env)
        writer.join(5)
        assert done.returncode == 0, (run, done.stderr)
        assert not writer.is_alive(), run
    assert (tmp_path / "out" / "docs" / "models" / "Pet.md").is_file()
