"""The write stage: incremental, owned files only, and all-or-nothing even when killed mid-way."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from conftest import REPO, full_disk_writes, needs_proc
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


def _failing_writes(monkeypatch: pytest.MonkeyPatch, fail_at: int, suffix: str) -> list[str]:
    """Make the `fail_at`-th write into a file whose name ends with `suffix` fail as a full disk
    does. Returns the files written into so far."""
    written: list[str] = []
    lock = threading.Lock()

    def fails(path: str) -> bool:
        if not path.endswith(suffix):
            return False
        with lock:
            written.append(path)
            return len(written) == fail_at

    full_disk_writes(monkeypatch, fails)
    return written


@needs_proc
@pytest.mark.parametrize("fail_at", [1, 3, 5])
def test_failure_while_staging_leaves_old_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int) -> None:
    """The disk fills up while a staged file is written (after it was created, in new folders)."""
    writer.write(str(tmp_path), OLD)
    before = tree(tmp_path)
    staged = _failing_writes(monkeypatch, fail_at, ".specloom-tmp")
    with pytest.raises(OSError):
        writer.write(str(tmp_path), {**NEW, "deep/er/d.md": "d\n"})
    assert len(staged) == fail_at
    assert tree(tmp_path) == before


MANY = {f"python/m{i}.py": f"m = {i}\n" for i in range(40)} | {f"docs/{i}/p.md": f"# {i}\n" for i in range(40)}


@needs_proc
@pytest.mark.parametrize("fail_at", [1, 30, 79])
def test_failure_while_staging_many_files_leaves_old_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          fail_at: int) -> None:
    """As above, with enough files that several threads write them."""
    writer.write(str(tmp_path), OLD)
    before = tree(tmp_path)
    staged = _failing_writes(monkeypatch, fail_at, ".specloom-tmp")
    with pytest.raises(OSError):
        writer.write(str(tmp_path), MANY)
    assert len(staged) >= fail_at
    assert tree(tmp_path) == before


def test_first_write_is_one_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Into a folder that is not there: the tree is written beside it and renamed in."""
    out = tmp_path / "out"
    renames: list[tuple[str, str]] = []
    real_rename = os.rename
    monkeypatch.setattr(writer.os, "rename", lambda a, b: (renames.append((a, b)), real_rename(a, b))[1])
    changes = writer.write(str(out), MANY)
    assert renames == [(str(tmp_path / f".out.specloom-new-{os.getpid()}"), str(out))]
    assert set(changes.written) == {*MANY, writer.MANIFEST}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert not writer.check(str(out), MANY)
    assert writer.intact(str(out), changes.manifest) == len(MANY)


def test_an_existing_empty_folder_is_written_into_and_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not replaced: its mode (and owner, mount) stay, and `-o .` works."""
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o750)
    inode = out.stat().st_ino
    monkeypatch.chdir(out)
    writer.write(".", MANY)
    assert (out.stat().st_ino, out.stat().st_mode & 0o777) == (inode, 0o750)
    assert not writer.check(str(out), MANY)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_an_interrupt_stops_the_writer_threads_before_the_undo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while the threads write: they stop before `recover` undoes the run, so no file
    they were still writing turns up afterwards."""
    import time

    writer.write(str(tmp_path), OLD)
    before = tree(tmp_path)
    real_put, real_join = writer._put, threading.Thread.join
    interrupted: list[bool] = []

    def slow_put(*args: object) -> None:
        time.sleep(0.005)
        real_put(*args)  # type: ignore[arg-type]

    def interrupting_join(self: threading.Thread, timeout: float | None = None) -> None:
        if not interrupted:
            interrupted.append(True)
            raise KeyboardInterrupt
        real_join(self, timeout)

    monkeypatch.setattr(writer, "_put", slow_put)
    monkeypatch.setattr(threading.Thread, "join", interrupting_join)
    with pytest.raises(KeyboardInterrupt):
        writer.write(str(tmp_path), MANY)
    monkeypatch.undo()
    time.sleep(0.3)  # time enough for a thread left running to write more
    assert tree(tmp_path) == before


@needs_proc
@pytest.mark.parametrize("fail_at", [1, 40, 81])
def test_failure_in_a_first_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int) -> None:
    out = tmp_path / "out"
    written = _failing_writes(monkeypatch, fail_at, "")
    with pytest.raises(OSError):
        writer.write(str(out), MANY)
    assert len(written) >= fail_at
    assert list(tmp_path.iterdir()) == []


def test_first_write_killed_leaves_a_folder_the_next_run_removes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    script = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(REPO)!r})
        from generator import write as writer
        real, calls = writer._put, []
        def dying(*args):
            calls.append(args[0])
            if len(calls) == 30:
                os._exit(9)  # no cleanup at all, as with SIGKILL or a power cut
            real(*args)
        writer._put = dying
        writer.write({str(out)!r}, {MANY!r})
    """)
    assert subprocess.run([sys.executable, "-c", script]).returncode == 9
    [left] = tmp_path.iterdir()
    assert left.name.startswith(".out.specloom-new-") and not out.exists()
    writer.write(str(out), NEW)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert not writer.check(str(out), NEW)


def test_a_folder_with_files_of_the_users_is_not_a_first_write(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("not specloom's")
    writer.write(str(tmp_path), NEW)
    assert (tmp_path / "mine.txt").read_text() == "not specloom's"
    assert not writer.check(str(tmp_path), NEW)


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


def test_each_folder_is_written_by_one_thread() -> None:
    """Threads sharing a folder wait on its lock: the chunks split by folder, and keep every file."""
    items = [(f"out/{folder}/{i}.py", "") for folder, n in (("types", 50), ("docs", 30), ("a", 3), ("b", 2)) for i in range(n)]
    chunks = writer._by_folder(items, 4)
    assert sorted(item for chunk in chunks for item in chunk) == sorted(items)
    folders = [{os.path.dirname(p) for p, _ in chunk} for chunk in chunks]
    assert all(not (a & b) for i, a in enumerate(folders) for b in folders[i + 1:])
    assert [len(chunk) for chunk in chunks] == [50, 30, 3, 2]
    assert len(writer._by_folder(items, 2)) == 2 and len(writer._by_folder(items[:5], 4)) == 1


def test_a_first_write_begun_early_is_one_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files put into a begun first write, in parts, then `write`: the manifest is added and the
    tree renamed into place, as a first write does in one go."""
    out = tmp_path / "out"
    first = writer.begin_first_write(str(out))
    assert first is not None and writer.begin_first_write(str(out)) is None  # one tree a folder
    python, docs = dict(list(MANY.items())[:40]), dict(list(MANY.items())[40:])
    first.put(python)
    first.put(docs)
    writer.recover(str(out))  # another write's recover (a job of this run) leaves it alone
    renames: list[tuple[str, str]] = []
    real_rename = os.rename
    monkeypatch.setattr(writer.os, "rename", lambda a, b: (renames.append((a, b)), real_rename(a, b))[1])
    changes = writer.write(str(out), MANY, first)
    assert renames == [(first.tree, str(out))]
    assert set(changes.written) == {*MANY, writer.MANIFEST}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert writer.intact(str(out), changes.manifest) == len(MANY)
    first.discard()  # after the rename: nothing to remove
    assert not writer.check(str(out), MANY)


def test_a_first_write_whose_folder_turned_up_meanwhile_takes_the_usual_way(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = writer.begin_first_write(str(out))
    assert first is not None
    first.put(NEW)
    out.mkdir()  # by the user, or another job of the run whose output holds this one
    (out / "mine.txt").write_text("not specloom's")
    changes = writer.write(str(out), NEW, first)
    assert set(changes.written) == {*NEW, writer.MANIFEST}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert (out / "mine.txt").read_text() == "not specloom's"
    assert not writer.check(str(out), NEW)


def test_a_first_write_is_begun_only_into_a_missing_folder_of_an_existing_one(tmp_path: Path) -> None:
    assert writer.begin_first_write(str(tmp_path)) is None  # exists: the usual write
    assert writer.begin_first_write(str(tmp_path / "no" / "out")) is None  # made only by a write that commits
    assert list(tmp_path.iterdir()) == []


def test_a_leftover_with_this_processs_pid_is_removed_unless_begun_here(tmp_path: Path) -> None:
    """A pid is reused: a tree left by a dead process with this process's pid is abandoned."""
    leftover = tmp_path / f".out.specloom-new-{os.getpid()}"
    (leftover / "python").mkdir(parents=True)
    (leftover / "python" / "a.py").write_text("a = 0\n")
    first = writer.begin_first_write(str(tmp_path / "out"))
    assert first is not None and first.tree == str(leftover)
    assert list(leftover.iterdir()) == []  # the old one was removed, this one begun empty
    first.discard()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("given_up", [False, True])
def test_one_output_under_two_spellings_gets_one_tree(tmp_path: Path, given_up: bool) -> None:
    """`out` and `alias/out` (alias → .) are one folder: the second job takes the usual way, and
    its `recover` leaves the first job's tree alone. So too when the first job's build gave its
    tree up (a put failed): emptied at once, for the disk may be full, it stays begun until its
    write, or a tree begun for the second job would be in that write's way."""
    (tmp_path / "alias").symlink_to(tmp_path)
    first = writer.begin_first_write(str(tmp_path / "out"))
    assert first is not None
    first.put(NEW)
    if given_up:
        first.give_up()
        assert os.listdir(first.tree) == []
    assert writer.begin_first_write(str(tmp_path / "alias" / "out")) is None
    writer.recover(str(tmp_path / "alias" / "out"))
    writer.write(str(tmp_path / "out"), NEW, first)
    writer.write(str(tmp_path / "alias" / "out"), NEW)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alias", "out"]
    assert not writer.check(str(tmp_path / "out"), NEW)


def test_an_unsafe_path_is_refused_at_the_commit_and_the_tree_removed(tmp_path: Path) -> None:
    """Put writes nothing for a batch with an unsafe path (the run prints its warnings first);
    the commit refuses it and removes what the other batches put."""
    first = writer.begin_first_write(str(tmp_path / "out"))
    assert first is not None
    first.put(NEW)
    first.put({"../escape.py": "x = 1\n"})
    with pytest.raises(writer.UnsafePath):
        writer.write(str(tmp_path / "out"), {**NEW, "../escape.py": "x = 1\n"}, first)
    assert list(tmp_path.iterdir()) == []


def test_a_child_of_a_run_that_ended_writes_nothing(tmp_path: Path) -> None:
    """A forked child whose parent (the run that began the tree) was killed must not write into a
    tree the next run's recover is free to remove."""
    first = writer.begin_first_write(str(tmp_path / "out"))
    assert first is not None
    first.owner = -1  # as seen from a child whose parent has gone: neither it nor its parent began the tree
    with pytest.raises(RuntimeError, match="has ended"):
        first.put(NEW)
    assert list(Path(first.tree).iterdir()) == []
    writer.discard_begun()
    assert list(tmp_path.iterdir()) == []


def test_discard_begun_removes_every_tree_not_renamed_into_place(tmp_path: Path) -> None:
    done, left = (writer.begin_first_write(str(tmp_path / name)) for name in ("done", "left"))
    assert done is not None and left is not None
    done.put(NEW)
    left.put(NEW)
    writer.write(str(tmp_path / "done"), NEW, done)
    writer.discard_begun()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["done"]
    assert not writer.check(str(tmp_path / "done"), NEW)


def test_a_tree_removed_meanwhile_is_not_made_again_by_put(tmp_path: Path) -> None:
    """The next run's recover may remove a killed run's tree while its child still writes: the
    child's put fails rather than leave a stray tree behind."""
    first = writer.begin_first_write(str(tmp_path / "out"))
    assert first is not None
    shutil.rmtree(first.tree)
    with pytest.raises(FileNotFoundError):
        first.put(NEW)
    assert list(tmp_path.iterdir()) == []
    writer.discard_begun()


def test_a_run_discards_only_the_trees_it_began(tmp_path: Path) -> None:
    """Another caller's tree in this process (a library, a test) is not the run's to remove."""
    theirs = writer.begin_first_write(str(tmp_path / "theirs"))
    assert theirs is not None
    before = writer.begun()
    ours = writer.begin_first_write(str(tmp_path / "ours"))
    assert ours is not None
    writer.discard_begun(before)
    assert [p.name for p in tmp_path.iterdir()] == [Path(theirs.tree).name]
    writer.discard_begun()
    assert list(tmp_path.iterdir()) == []
