"""fork_map: a job's targets rendered in forked processes give what one process gives, errors and warnings included."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import pytest

from conftest import REPO, full_disk_writes, needs_proc
from generator import forkmap
from generator import write as writer
from generator.diagnostics import Location, SpecError, error
from generator.loader import load
from generator.normalize import normalize
from generator.pipeline import build
from generator.plan.python import plan_python

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork (the serial path is what runs without it)")


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork even where this test session runs other threads (a server a fixture started)."""
    monkeypatch.setattr(forkmap, "can_fork", lambda: True)


def pid_and_square(n: int) -> tuple[int, int]:
    return os.getpid(), n * n


def test_items_after_the_first_run_in_children(forking: None) -> None:
    results = forkmap.fork_map(pid_and_square, [1, 2, 3, 4])
    assert [square for _, square in results] == [1, 4, 9, 16]
    assert results[0][0] == os.getpid()
    assert len({pid for pid, _ in results}) == 4


def fail_in_child(n: int) -> int:
    if n == 2:
        raise error("template-error", "docs/model.md.j2: 'x' is undefined", Location("templates/docs/model.md.j2", "", 7))
    return n


def test_a_childs_spec_error_is_raised_here_with_its_diagnostic(forking: None) -> None:
    with pytest.raises(SpecError) as caught:
        forkmap.fork_map(fail_in_child, [1, 2])
    assert caught.value.diagnostic.location == Location("templates/docs/model.md.j2", "", 7)
    assert caught.value.diagnostic.render() == str(caught.value)
    assert any("fail_in_child" in note for note in caught.value.__notes__)  # the child's traceback, for --debug


class Unpicklable(Exception):
    def __init__(self, a: int, b: int) -> None:  # pickle calls Unpicklable(*args): one argument
        super().__init__(f"{a}+{b}")


def fail_unpicklably(n: int) -> int:
    if n:
        raise Unpicklable(1, 2)
    return n


def test_an_exception_that_cannot_be_pickled_still_says_what_it_was(forking: None) -> None:
    with pytest.raises(RuntimeError, match=r"^Unpicklable: 1\+2$"):
        forkmap.fork_map(fail_unpicklably, [0, 1])


def warn_in_child(n: int) -> int:
    if n:
        warnings.warn(f"item {n} laid out by black", UserWarning, stacklevel=1)
    return n


def test_a_childs_warnings_are_given_here(forking: None) -> None:
    with pytest.warns(UserWarning, match="item 1 laid out by black"):
        assert forkmap.fork_map(warn_in_child, [0, 1]) == [0, 1]


def die(n: int) -> int:
    if n:
        os._exit(3)
    return n


def test_a_child_that_dies_is_an_error_not_a_hang(forking: None) -> None:
    with pytest.raises(RuntimeError, match="ended without a result"):
        forkmap.fork_map(die, [0, 1])


PID_FILE = Path(os.environ.get("TMPDIR", "/tmp")) / f"specloom-forkmap-{os.getpid()}.pid"


def sleep_or_fail(n: int) -> int:
    if n:
        written = PID_FILE.with_suffix(".tmp")
        written.write_text(str(os.getpid()))
        written.rename(PID_FILE)  # whole: never an empty file to read
        time.sleep(60)
        return n
    while not PID_FILE.exists():  # the child is running: now fail here
        time.sleep(0.01)
    raise ValueError("the parent's own item failed")


def test_a_failure_here_ends_the_children(forking: None) -> None:
    PID_FILE.unlink(missing_ok=True)
    started = time.monotonic()
    with pytest.raises(ValueError):
        forkmap.fork_map(sleep_or_fail, [0, 1])
    assert time.monotonic() - started < 10
    child = int(PID_FILE.read_text())
    PID_FILE.unlink()
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)  # killed and reaped: not even a zombie is left


def test_where_fork_fails_the_items_run_here(forking: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """A process limit or too little memory: the work is done in this process, no pipe left open."""
    def no_fork() -> int:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(forkmap.os, "fork", no_fork)
    open_before = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0
    assert forkmap.fork_map(pid_and_square, [1, 2, 3]) == [(os.getpid(), 1), (os.getpid(), 4), (os.getpid(), 9)]
    if open_before:
        assert len(os.listdir("/proc/self/fd")) == open_before


def test_without_fork_nothing_linux_only_is_imported(tmp_path: Path) -> None:
    """Windows has neither fork nor fcntl: a build there runs in one process, importing neither."""
    code = ("import sys\n"
            "sys.modules['fcntl'] = None\n"
            "from generator import forkmap\n"
            "forkmap.can_fork = lambda: False\n"
            "from generator.pipeline import build\n"
            f"print(len(build({str(REPO / 'specs' / 'petstore.yaml')!r}).files))\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 10


def test_no_fork_while_another_thread_runs() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not forkmap.can_fork()
        assert forkmap.fork_map(pid_and_square, [1, 2]) == [(os.getpid(), 1), (os.getpid(), 4)]
    finally:
        stop.set()
        thread.join()


def test_begun_work_runs_in_a_child_while_this_process_goes_on(forking: None) -> None:
    with forkmap.begun(pid_and_square, 7) as pending:
        pid, square = pending.result()
    assert square == 49 and pid != os.getpid()


def test_begun_work_that_fails_raises_here(forking: None) -> None:
    with pytest.raises(SpecError) as caught, forkmap.begun(fail_in_child, 2) as pending:
        pending.result()
    assert caught.value.diagnostic.location == Location("templates/docs/model.md.j2", "", 7)


def _child_ended(pid: int) -> None:
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # killed and reaped: not even a zombie is left


def test_begun_work_whose_result_is_not_taken_is_ended_on_leaving(forking: None) -> None:
    PID_FILE.unlink(missing_ok=True)
    with forkmap.begun(sleep_or_fail, 1):
        while not PID_FILE.exists():
            time.sleep(0.01)
        started = time.monotonic()
    assert time.monotonic() - started < 10
    child = int(PID_FILE.read_text())
    PID_FILE.unlink()
    _child_ended(child)


def test_a_ctrl_c_while_work_is_begun_ends_the_child(forking: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Ctrl-C held back while the child is forked is raised as the mask is lifted, before the
    caller holds the child: `begun` ends it all the same."""
    spawn, children = forkmap._spawn, []

    def interrupted(fn: object, item: object) -> object:
        child = spawn(fn, item)  # type: ignore[arg-type]
        children.append(child.pid)  # type: ignore[union-attr]
        signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)  # held back till the mask is lifted
        return child

    monkeypatch.setattr(forkmap, "_spawn", interrupted)
    with pytest.raises(KeyboardInterrupt), forkmap.begun(sleep_or_fail, 1):
        raise AssertionError("the interrupt comes first")
    [child] = children
    _child_ended(child)


def test_begun_work_runs_here_where_there_is_no_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forkmap, "can_fork", lambda: False)
    with forkmap.begun(pid_and_square, 3) as pending:
        assert pending.result() == (os.getpid(), 9)


def take_all(tickets: forkmap.Tickets) -> list[tuple[int, int]]:
    taken = []
    while (n := tickets.take()) is not None:
        taken.append((os.getpid(), n))
        time.sleep(0.002)  # each process gets some
    return taken


def test_each_ticket_is_taken_once_by_whichever_process_asks(forking: None) -> None:
    tickets = forkmap.Tickets(range(99, -1, -1))
    try:
        here, there = forkmap.fork_map(lambda _: take_all(tickets), [0, 1])
    finally:
        tickets.close()
    assert sorted(n for _, n in here + there) == list(range(100))
    assert [n for _, n in here] == sorted((n for _, n in here), reverse=True)  # in the order given
    assert {pid for pid, _ in here} == {os.getpid()} and len({pid for pid, _ in there}) == 1 and there[0][0] != os.getpid()
    assert here and there


def test_tickets_without_a_fork_are_all_taken_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forkmap, "can_fork", lambda: False)
    tickets = forkmap.Tickets([2, 0, 1])
    try:
        assert forkmap.fork_map(lambda _: take_all(tickets), [0, 1]) == [[(os.getpid(), 2), (os.getpid(), 0), (os.getpid(), 1)], []]
    finally:
        tickets.close()
    with pytest.raises(ValueError):
        forkmap.Tickets(range(forkmap.Tickets.LIMIT + 1))


@pytest.mark.parametrize("targets", [("python", "docs"), ("docs", "python"), ("python",), ("docs",)])
def test_the_sdk_shared_by_two_processes_is_the_sdk_of_one(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                           targets: tuple[str, ...]) -> None:
    """The SDK's groups of files are taken by whichever process is free (pipeline._Sdk): here
    each group takes long, so both processes take some. The files, their order and the
    diagnostics are those of one process, for any choice and order of targets."""
    from generator import pipeline

    path = str(REPO / "specs" / "openai-batches.yaml")
    monkeypatch.setattr(forkmap, "can_fork", lambda: False)
    serial = build(path, targets=targets)
    monkeypatch.setattr(forkmap, "can_fork", lambda: True)
    monkeypatch.setattr(pipeline, "_SDK_GROUPS", 8)
    take, log = forkmap.Tickets.take, tmp_path / "taken"

    def slowly(tickets: forkmap.Tickets) -> int | None:
        n = take(tickets)
        if n is not None:
            with open(log, "a") as fh:
                fh.write(f"{os.getpid()}\n")
            time.sleep(0.1)  # a group that takes long: the other process takes the next ones
        return n

    monkeypatch.setattr(forkmap.Tickets, "take", slowly)
    forked = build(path, targets=targets)
    assert list(forked.files.items()) == list(serial.files.items())
    assert forked.diagnostics == serial.diagnostics
    takers = set(log.read_text().split()) if log.exists() else set()
    assert len(takers) == (2 if "python" in targets else 0), "both processes took groups of the SDK"


@pytest.mark.parametrize("fork", [True, False])
def test_an_sdk_error_is_the_first_in_plan_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fork: bool) -> None:
    """Groups are taken last first, and by either process: a user's template that fails for
    every module is still reported at the first module of the plan, as one process in plan
    order would report it."""
    (tmp_path / "python").mkdir()
    (tmp_path / "python" / "model.py.j2").write_text("def broken(:\n")
    monkeypatch.setattr(forkmap, "can_fork", lambda: fork)
    with pytest.raises(SpecError) as caught:
        build(str(REPO / "specs" / "openai-batches.yaml"), templates=(str(tmp_path),))
    assert caught.value.diagnostic.code == "template-invalid-python"
    first = next(f.path for f in plan_python(normalize(load(str(REPO / "specs" / "openai-batches.yaml"))).api)
                 if f.template == "python/model.py.j2")
    assert f" rendered {first} as Python" in caught.value.diagnostic.message


SWAGGER_MAIN = """\
swagger: "2.0"
info: {title: Pets, version: "1"}
host: pets.example.com
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters: [{name: id, in: path, required: true, type: string}]
      responses:
        "200": {description: A pet, schema: {$ref: "defs.yaml#/Pet"}}
definitions:
  Tag: &tag {type: object, properties: {name: {type: string}}}
  Label: *tag
"""
SWAGGER_DEFS = """\
Pet:
  type: object
  required: [id]
  properties:
    id: {type: string}
    id: {type: string, description: The pet's id.}
    kind: {type: string, enum: [cat], description: Always `dog`.}
"""


def test_a_spec_loaded_in_a_child_is_the_spec_loaded_here(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The load runs in a child while the stages import (pipeline._load): what it sends back is
    what a load here gives. Two files, a Swagger 2.0 root (moved pointers), an alias, and a
    duplicate key (a diagnostic of the load)."""
    (tmp_path / "main.yaml").write_text(SWAGGER_MAIN)
    (tmp_path / "defs.yaml").write_text(SWAGGER_DEFS)
    path = str(tmp_path / "main.yaml")
    monkeypatch.setattr(forkmap, "can_fork", lambda: False)
    serial = build(path)
    monkeypatch.setattr(forkmap, "can_fork", lambda: True)
    from generator import loader

    load, loaded_by = loader.load, tmp_path / "loaded-by"
    monkeypatch.setattr(loader, "load",
                        lambda *args, **kwargs: loaded_by.write_text(str(os.getpid())) and load(*args, **kwargs))
    forked = build(path)
    assert int(loaded_by.read_text()) != os.getpid()
    for name in ("root", "trees", "texts", "display", "diagnostics", "moved", "printable"):
        assert getattr(forked.document, name) == getattr(serial.document, name), name
    assert forked.document.moved
    assert list(forked.files.items()) == list(serial.files.items())
    assert forked.diagnostics == serial.diagnostics
    codes = {d.code: d.location for d in forked.diagnostics}
    assert codes["duplicate-key"].file.endswith("defs.yaml") and codes["duplicate-key"].line == 6


@pytest.mark.parametrize("fork", [True, False])
@pytest.mark.parametrize("targets,code", [(("python", "docs"), "template-invalid-python"),
                                          (("docs", "python"), "template-error")])
def test_errors_come_in_the_order_of_the_targets(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fork: bool,
                                                 targets: tuple[str, ...], code: str) -> None:
    """Both targets' templates broken: the first target's error is the one said, wherever each
    target was rendered."""
    for name, text in (("python/model.py.j2", "def broken(:\n"), ("docs/model.md.j2", "{{ nothing.here }}\n")):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.setattr(forkmap, "can_fork", lambda: fork)
    with pytest.raises(SpecError) as caught:
        build(str(REPO / "specs" / "openai-batches.yaml"), targets=targets, templates=(str(tmp_path),))
    assert caught.value.diagnostic.code == code


def test_an_error_of_an_unchecked_load_is_the_usual_loads(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The child reads a YAML root unchecked; where that fails, the spec is read again here, and
    the error is the one a load that checks gives (not yaml-rs's, which may read a text the check
    would have refused). Here the check passes on a text saved in between."""
    from generator import loader

    (tmp_path / "spec.yaml").write_text('openapi: 3.1.0\ninfo: {title: A, version: "1"}\npaths: {}\n'
                                        'components: {schemas: {A: {$ref: "nofile\x07.yaml"}}}\n')
    monkeypatch.setattr(forkmap, "can_fork", lambda: False)
    with pytest.raises(SpecError) as serial:
        build(str(tmp_path / "spec.yaml"))
    monkeypatch.setattr(forkmap, "can_fork", lambda: True)
    monkeypatch.setattr(loader.RootCheck, "of", classmethod(lambda cls, *args: cls("saved meanwhile", True)))
    with pytest.raises(SpecError) as forked:
        build(str(tmp_path / "spec.yaml"))
    assert forked.value.diagnostic == serial.value.diagnostic
    assert serial.value.diagnostic.code != "file-not-found"  # what yaml-rs, unchecked, leads to


ODD_NUMBERS = """\
openapi: 3.1.0
info: {title: Counts, version: "1"}
paths: {}
components:
  schemas:
    Count:
      type: object
      properties:
        n: {type: string, default: 1_000, description: YAML 1.2 reads 1_000 as text}
"""


@pytest.mark.parametrize("changed", [False, True])
def test_a_yaml_root_loaded_unchecked_is_read_again_where_the_check_fails(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, changed: bool) -> None:
    """The child reads a YAML root with yaml-rs, unchecked; the check made here meanwhile
    (loader.RootCheck) finds that yaml-rs reads `1_000` otherwise than yaml12 (a number, not
    text), or that the file changed between the two reads: the spec is read again here."""
    from generator import loader

    path = tmp_path / "spec.yaml"
    path.write_text(ODD_NUMBERS)
    monkeypatch.setattr(forkmap, "can_fork", lambda: False)
    serial = build(str(path))
    monkeypatch.setattr(forkmap, "can_fork", lambda: True)
    if changed:  # the text checked here, which passes, is not the one the child read
        saved = ODD_NUMBERS.replace("1_000", "'1_000'")
        monkeypatch.setattr(loader.RootCheck, "of", classmethod(lambda cls, *args: cls(saved, True)))
    forked = build(str(path))
    assert forked.document.trees == serial.document.trees
    assert forked.document.trees[str(path)]["components"]["schemas"]["Count"]["properties"]["n"]["default"] == "1_000"
    assert list(forked.files.items()) == list(serial.files.items())


@pytest.mark.parametrize("spec", ["openai-batches.yaml", "petstore.yaml"])
def test_build_forked_is_build_in_one_process(monkeypatch: pytest.MonkeyPatch, spec: str) -> None:
    path = str(REPO / "specs" / spec)
    monkeypatch.setattr(forkmap, "can_fork", lambda: False)
    serial = build(path)
    monkeypatch.setattr(forkmap, "can_fork", lambda: True)
    forked = build(path)
    assert list(forked.files.items()) == list(serial.files.items())
    assert forked.diagnostics == serial.diagnostics
    assert all(type(d.location) is Location for d in forked.diagnostics)  # every one placed on its line
    if spec == "openai-batches.yaml":  # the seeds' contradiction, read off its line in a child process
        [mismatch] = forked.diagnostics
        assert (mismatch.code, mismatch.location.line) == ("const-description-mismatch", 573)
    assert any(p.startswith("docs/") for p in forked.files) and any(p.startswith("python/") for p in forked.files)


@pytest.mark.parametrize("fork", [True, False])
def test_a_first_write_gets_each_targets_files_from_the_process_that_rendered_them(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fork: bool) -> None:
    """A build into a first write puts the SDK's files (from both processes) and the docs' (a
    child) into the new tree; `write` adds the manifest and renames it into place: the same tree
    a plain write makes."""
    path = str(REPO / "specs" / "openai-batches.yaml")
    monkeypatch.setattr(forkmap, "can_fork", lambda: fork)
    first = writer.begin_first_write(str(tmp_path / "out"))
    assert first is not None
    built = build(path, first_write=first)
    changes = writer.write(str(tmp_path / "out"), built.files, first)
    writer.write(str(tmp_path / "plain"), built.files)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "plain"]
    assert snapshot(tmp_path / "out") == snapshot(tmp_path / "plain")
    assert set(changes.written) == {*built.files, writer.MANIFEST}
    assert writer.intact(str(tmp_path / "out"), changes.manifest) == len(built.files)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _disk_full_in_new_trees(monkeypatch: pytest.MonkeyPatch, target: str, flag: Path | None) -> None:
    """Writes into a first write's new tree (`.out.specloom-new-PID/`), under `target`, fail as a
    full disk does: once in all (`flag`: a file made by the failing process, seen by the others),
    or every time (no flag)."""
    def fails(path: str) -> bool:
        if f"/.out{writer._NEW_TREE}" not in path or f"/{target}" not in path:
            return False
        try:
            if flag is not None:
                os.close(os.open(flag, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return False
        return True

    full_disk_writes(monkeypatch, fails)


@needs_proc
@pytest.mark.parametrize("fork", [True, False])
@pytest.mark.parametrize("target", ["python", "docs"])
def test_a_first_write_whose_put_fails_is_written_the_usual_way(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fork: bool, target: str) -> None:
    """A put into the new tree that fails (the disk full for a moment, in this process or the
    child) does not fail the build: the tree is given up, and `write` writes every file anew."""
    monkeypatch.setattr(forkmap, "can_fork", lambda: fork)
    (tmp_path / "flag").mkdir()
    _disk_full_in_new_trees(monkeypatch, target, tmp_path / "flag" / "failed")
    first = writer.begin_first_write(str(tmp_path / "out"))
    assert first is not None
    built = build(str(REPO / "specs" / "openai-batches.yaml"), first_write=first)
    assert (tmp_path / "flag" / "failed").exists(), "a put failed"
    assert first.failed
    writer.write(str(tmp_path / "out"), built.files, first)
    writer.write(str(tmp_path / "plain"), built.files)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["flag", "out", "plain"]
    assert snapshot(tmp_path / "out") == snapshot(tmp_path / "plain")


@needs_proc
@pytest.mark.parametrize("target", ["python", "docs"])
def test_a_full_disk_in_a_first_write_is_said_after_the_runs_warnings(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str) -> None:
    from generator.cli import EXIT_BAD_INPUT, main

    monkeypatch.setattr(forkmap, "can_fork", lambda: True)
    _disk_full_in_new_trees(monkeypatch, target, None)
    status = main(["generate", str(REPO / "specs" / "openai-batches.yaml"), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err.splitlines()
    assert status == EXIT_BAD_INPUT
    assert "warning[const-description-mismatch]" in err[0]
    assert "error[io]: No space left on device; the previous output is unchanged" in err[-1]
    assert list(tmp_path.iterdir()) == []
