"""The write stage: incremental, owned files only, and all-or-nothing even when killed mid-way."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import REPO
from generator import write as writer

OLD = {"python/a.py": "a = 1\n", "python/b.py": "b = 1\n", "docs/gone.md": "# gone\n"}
NEW = {"python/a.py": "a = 2\n", "python/b.py": "b = 1\n", "python/new/c.py": "c = 1\n", "docs/x.md": "# x\n"}


def snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_incremental_write(tmp_path: Path) -> None:
    writer.write(str(tmp_path), OLD)
    (tmp_path / "mine.txt").write_text("not specloom's")
    b_mtime = (tmp_path / "python" / "b.py").stat().st_mtime_ns
    changes = writer.write(str(tmp_path), NEW)
    assert set(changes.written) == {"python/a.py", "python/new/c.py", "docs/x.md", writer.MANIFEST}
    assert changes.removed == ("docs/gone.md",)
    assert (tmp_path / "python" / "b.py").stat().st_mtime_ns == b_mtime
    assert (tmp_path / "mine.txt").read_text() == "not specloom's"
    assert not (tmp_path / "docs" / "gone.md").exists()
    assert not writer.check(str(tmp_path), NEW)


@pytest.mark.parametrize("fail_at", [1, 2, 4, 6])
def test_failure_mid_swap_leaves_old_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int) -> None:
    writer.write(str(tmp_path), OLD)
    before = snapshot(tmp_path)
    real_replace, calls = os.replace, []

    def flaky(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) == fail_at + 1:  # the first call writes the journal
            raise OSError(28, "No space left on device", dst)
        real_replace(src, dst)

    monkeypatch.setattr(writer.os, "replace", flaky)
    with pytest.raises(OSError):
        writer.write(str(tmp_path), NEW)
    monkeypatch.setattr(writer.os, "replace", real_replace)
    assert snapshot(tmp_path) == before


def tree(root: Path) -> dict[str, str | None]:
    """Every file's hash and every folder (None): a run must not leave even an empty folder."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else None
            for p in sorted(root.rglob("*"))}


@pytest.mark.parametrize("fail_at", [1, 3, 5])
def test_failure_while_staging_leaves_old_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int) -> None:
    """The disk fills up while a staged file is written (after it was created, in new folders)."""
    writer.write(str(tmp_path), OLD)
    before = tree(tmp_path)
    staged = []

    def flaky(path: str, *args: object, **kwargs: object) -> object:
        handle = open(path, *args, **kwargs)  # type: ignore[call-overload]
        if path.endswith(".specloom-tmp") and writer.JOURNAL not in path:
            staged.append(path)
            if len(staged) == fail_at:
                handle.close()
                raise OSError(28, "No space left on device", path)
        return handle

    monkeypatch.setattr(writer, "open", flaky, raising=False)
    with pytest.raises(OSError):
        writer.write(str(tmp_path), {**NEW, "deep/er/d.md": "d\n"})
    assert len(staged) == fail_at
    assert tree(tmp_path) == before


@pytest.mark.parametrize("die_at", [2, 3, 5, 7])
def test_killed_mid_swap_is_rolled_back_by_the_next_run(tmp_path: Path, die_at: int) -> None:
    writer.write(str(tmp_path), OLD)
    before = snapshot(tmp_path)
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(REPO)!r})
        from generator import write as writer
        real, calls = os.replace, []
        def dying(src, dst):
            calls.append(dst)
            if len(calls) == {die_at}:
                os._exit(9)  # no cleanup at all, as with SIGKILL or a power cut
            real(src, dst)
        writer.os.replace = dying
        writer.write({str(tmp_path)!r}, {NEW!r})
    """)
    assert subprocess.run([sys.executable, "-c", script]).returncode == 9
    assert (tmp_path / writer.JOURNAL).exists()
    writer.recover(str(tmp_path))
    assert snapshot(tmp_path) == before


def test_refuses_paths_outside_the_folder(tmp_path: Path) -> None:
    for bad in ("../x.py", "/etc/x", "a/../../x", "a\\b", "c:x"):
        with pytest.raises(writer.UnsafePath):
            writer.write(str(tmp_path / "out"), {bad: "x"})
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "link").symlink_to(outside)
    with pytest.raises(writer.UnsafePath):
        writer.write(str(tmp_path / "out"), {"link/x.py": "x"})
    assert list(outside.iterdir()) == []
