"""Write stage: {path: text} → the output folder, only what changed, and all or nothing.

A manifest in the output folder lists the files specloom owns with their hashes, so a run can
delete what it generated before and the spec no longer needs, and never touches other files.
Every changed file is staged beside its target first; only when all are staged are they renamed
into place, the old ones moved aside until the run commits, so a failure or an interrupt at any
point leaves the previous output as it was (a journal finishes the undo after a hard kill).

A first run, into a folder that does not exist yet, has nothing to undo: the whole tree is
written into a new folder beside it, which is then renamed into place in one step. The command
begins that folder before it builds (`begin_first_write`), so each part of the build puts its
files there as soon as they are rendered, the docs in the process that renders them.

Files are written by a few threads: creating a file is kernel time (0.1–0.5 ms a file on an
ext4 disk, 3,060 files for the OpenAI spec), which threads spend in parallel, without the GIL.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

MANIFEST = ".specloom-manifest.json"
JOURNAL = ".specloom-journal.json"
_STAGED = ".specloom-tmp"
_BACKUP = ".specloom-old"
_NEW_TREE = ".specloom-new-"
"""A first run's tree is written to `.<folder name>.specloom-new-<pid>` beside the output folder."""
_WRITERS = 4


@dataclass(frozen=True, slots=True)
class Changes:
    written: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    manifest: str = ""
    """The digest of the manifest now in the folder (what `intact` checks against)."""


@dataclass(frozen=True, slots=True)
class Staleness:
    stale: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    diffs: dict[str, str] = field(default_factory=dict)
    manifest: str = ""
    """The digest of the manifest the output should have."""

    def __bool__(self) -> bool:
        return bool(self.stale or self.missing or self.extra)


class UnsafePath(ValueError):
    pass


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def manifest_text(files: Mapping[str, str], digests: Mapping[str, str] | None = None) -> str:
    """The manifest of `files`. `digests`: those made already (`digest` of each file's text)."""
    known = digests or {}
    body = {"generator": "specloom", "files": {p: known.get(p) or digest(t) for p, t in sorted(files.items())}}
    return json.dumps(body, indent=2, sort_keys=True) + "\n"


def owned(outdir: str) -> dict[str, str]:
    """The files the previous run wrote here, with their hashes (empty if none)."""
    try:
        with open(os.path.join(outdir, MANIFEST), "rb") as fh:
            return _listed(fh.read())
    except OSError:
        return {}


def _listed(manifest: bytes) -> dict[str, str]:
    try:
        files = json.loads(manifest).get("files", {})
        return {p: h for p, h in files.items() if isinstance(p, str) and _is_safe(p)}
    except (ValueError, AttributeError):
        return {}


def intact(outdir: str, manifest: str) -> int | None:
    """How many files the manifest lists, if it is the one whose digest is `manifest` and every
    file it lists is on disk with the hash it records; else None (and None while a journal says a
    write was interrupted: the next write rolls it back). Every file is hashed, not only those whose
    size or mtime changed: an edit may keep both (`touch -r`, a checkout, a coarse clock), and
    the OpenAI spec's 3,060 files (7 MB) hash in ~35 ms, against ~10 ms to stat them."""
    if os.path.lexists(os.path.join(outdir, JOURNAL)):
        return None
    try:
        with open(os.path.join(outdir, MANIFEST), "rb") as fh:
            raw = fh.read()
    except OSError:
        return None
    if hashlib.sha256(raw).hexdigest() != manifest:
        return None
    files = _listed(raw)
    try:
        target = _Targets(outdir)
        for path in {os.path.dirname(p): p for p in files}.values():
            target(path)  # a folder now linked out of the output folder: `write` refuses it
        for path, expected in files.items():
            with open(os.path.join(outdir, path), "rb", buffering=0) as fh:  # unbuffered: a quarter faster
                if hashlib.sha256(fh.read()).hexdigest() != expected:
                    return None
    except (OSError, UnsafePath):
        return None
    return len(files)


def _is_safe(path: str) -> bool:
    parts = path.split("/")
    return bool(path) and not path.startswith("/") and "\\" not in path and ":" not in path \
        and all(p not in ("", ".", "..") for p in parts)


def _checked(path: str) -> str:
    if not _is_safe(path):
        raise UnsafePath(f"refusing to write outside the output folder: {path!r}")
    return path


class _Targets:
    """Where each path of the output folder is on disk, refusing any that leads out of it. Each
    folder's real path is resolved once, not once a file (the OpenAI spec's 3,060: ~0.1 s)."""

    def __init__(self, outdir: str) -> None:
        self.outdir = outdir
        self.real_out = os.path.realpath(outdir)
        self.inside: set[str] = set()

    def __call__(self, path: str) -> str:
        target = os.path.join(self.outdir, *_checked(path).split("/"))
        folder = os.path.dirname(target)
        if folder not in self.inside:
            if os.path.commonpath([self.real_out, os.path.realpath(folder)]) != self.real_out:
                raise UnsafePath(f"refusing to follow a link out of the output folder: {path!r}")
            self.inside.add(folder)
        return target


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            return fh.read()
    except (OSError, UnicodeDecodeError):
        return None


def write(outdir: str, files: dict[str, str], begun: FirstWrite | None = None,
          digests: Mapping[str, str] | None = None) -> Changes:
    """Make `outdir` hold `files` (plus the manifest): all of it, or, on any failure, none.
    `begun`: the first write begun for `outdir`, which holds every file of `files` already.
    `digests`: the files' digests, where made already."""
    recover(outdir)
    files = {**files, MANIFEST: manifest_text(files, digests)}
    if begun is not None and _BEGUN.get(begun.identity) == begun.tree:
        if not begun.failed and not os.path.lexists(outdir):
            return begun.commit(files)
        begun.discard()  # a put failed, or the folder was made since (by another job of this run): the usual way
    if not os.path.lexists(outdir):
        return _first_write(outdir, files)
    target = _Targets(outdir)
    changed: list[str] = []
    unchanged: list[str] = []
    for path, text in sorted(files.items()):
        (unchanged if _read(target(path)) == text else changed).append(path)
    removed = sorted(p for p in owned(outdir) if p not in files and os.path.isfile(target(p)))
    entries = [_entry(target(p), p, staged=True) for p in changed] + [_entry(target(p), p, staged=False) for p in removed]
    if entries:
        _swap(outdir, entries, files)
    for path in removed:
        _prune(outdir, os.path.dirname(target(path)))
    return Changes(tuple(changed), tuple(removed), tuple(unchanged), digest(files[MANIFEST]))


def _first_write(outdir: str, files: dict[str, str]) -> Changes:
    """Into an output folder that does not exist yet: every file into a new folder beside it,
    renamed into place once all are written. One rename, not one a file, and no journal, since
    there is no previous output to restore. A run killed before the rename leaves only that
    folder, which a later `recover` removes. (An existing folder, even an empty one, takes the
    usual way: its mode, owner and mount stay as they are, and `-o .` works.)"""
    for path in files:
        _checked(path)
    parent, _ = _new_trees(outdir)
    os.makedirs(parent, exist_ok=True)
    first = FirstWrite(outdir)
    try:
        first.put({path: text for path, text in files.items() if path != MANIFEST})
    except BaseException:
        first.discard()
        raise
    return first.commit(files)


class FirstWrite:
    """A first write's new tree, beside the output folder, while it is filled (see `_first_write`).
    `put` may be called from any process of the run; `commit` renames the tree into place."""

    def __init__(self, outdir: str) -> None:
        self.outdir = outdir
        self.owner = os.getpid()
        self.tree = _own_tree(outdir)
        os.mkdir(self.tree)
        identity = _identity(self.tree)
        if identity is None:  # gone already: the usual write instead (begin_first_write), or its error
            raise FileNotFoundError(2, "a new folder vanished", self.tree)
        self.identity = identity
        self.failed = False
        _BEGUN[identity] = self.tree

    def put(self, files: Mapping[str, str]) -> None:
        """Write `files` into the tree. Files with an unsafe path are left for `commit` to refuse,
        once the run has printed its warnings. In a child process, nothing is written once the
        run that began the tree has ended: the next run's `recover` removes the tree."""
        if os.getpid() != self.owner and os.getppid() != self.owner:
            raise RuntimeError(f"the run that began {self.tree} has ended")
        if not all(_is_safe(p) for p in files):
            return
        _make_folders(self.tree, {os.path.dirname(p) for p in files} - {""})
        _put_all([(os.path.join(self.tree, *p.split("/")), t) for p, t in files.items()], exclusive=True)

    def commit(self, files: Mapping[str, str]) -> Changes:
        """Put the manifest, the one file of `files` not here yet, and rename the tree into place."""
        try:
            for path in files:
                _checked(path)
            self.put({MANIFEST: files[MANIFEST]})
            os.rename(self.tree, self.outdir)
        except BaseException:
            self.discard()
            raise
        _BEGUN.pop(self.identity, None)
        return Changes(tuple(sorted(files)), (), (), digest(files[MANIFEST]))

    def give_up(self) -> None:
        """A put failed (a full disk): what was put is removed at once, for the writes of the other
        jobs, and `write` writes the usual way, where an error that persists is said after the
        run's warnings. Till then the empty tree stays begun, so that no other job of this run
        begins one at the same place (its output, otherwise spelled)."""
        self.failed = True
        with contextlib.suppress(OSError), os.scandir(self.tree) as entries:  # a tree gone already: nothing to free
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)

    def discard(self) -> None:
        """Remove the tree (after a failure, or where the output folder turned up meanwhile)."""
        if _BEGUN.pop(self.identity, None) is not None:
            shutil.rmtree(self.tree, ignore_errors=True)


_BEGUN: dict[tuple[int, int], str] = {}
"""The first-write trees this process is filling, by device and inode (a folder reached by two
spellings is one): not abandoned, though they carry its pid."""


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def begin_first_write(outdir: str) -> FirstWrite | None:
    """A first write into `outdir`, begun before its files are rendered: None where `outdir`
    exists (the usual write), or its parent folder does not (made only when a write commits:
    a run that fails makes nothing), or this process is filling a tree there already (two jobs
    with one output, however spelled)."""
    tree = _own_tree(outdir)
    if os.path.lexists(outdir) or not os.path.isdir(os.path.dirname(tree)):
        return None
    if os.path.lexists(tree) and _identity(tree) in _BEGUN:
        return None
    recover(outdir)
    try:
        return FirstWrite(outdir)
    except OSError:
        return None  # the usual write will say what is wrong, or manage


def begun() -> frozenset[tuple[int, int]]:
    """The trees this process is filling now (for `discard_begun`)."""
    return frozenset(_BEGUN)


def discard_begun(before: frozenset[tuple[int, int]] = frozenset()) -> None:
    """Remove every tree this process has begun since `before` and not renamed into place: what
    a failed or interrupted run leaves, whichever job it had reached."""
    for identity, tree in list(_BEGUN.items()):
        if identity not in before:
            del _BEGUN[identity]
            shutil.rmtree(tree, ignore_errors=True)


def _make_folders(root: str, folders: set[str]) -> None:
    """Each folder (a relative path) and the folders above it, under `root`, which must exist:
    `root` is never made, so a tree removed meanwhile (by the next run's `recover`, its run
    having been killed) is not made again by a child process still writing into it."""
    made: set[str] = set()
    for folder in sorted(folders):
        parts = folder.split("/")
        for depth in range(1, len(parts) + 1):
            path = os.path.join(root, *parts[:depth])
            if path not in made:
                made.add(path)
                try:
                    os.mkdir(path)
                except FileExistsError:
                    pass


def _put_all(items: Sequence[tuple[str, str]], *, exclusive: bool = False) -> None:
    """Write each (path, text), the folders being there, on a few threads; the first failure is
    raised once all threads have stopped (each stops at any failure). A folder's files are all
    written by one thread: creating a file holds its folder's lock, and threads sharing a folder
    would only wait for each other (perf: a third of the kernel time spent spinning on it)."""
    failures: list[BaseException] = []

    def run(chunk: Sequence[tuple[str, str]]) -> None:
        try:
            for path, text in chunk:
                if failures:
                    return
                _put(path, text, exclusive)
        except BaseException as exc:  # handed to the calling thread
            failures.append(exc)

    chunks = _by_folder(items, _WRITERS)
    if len(chunks) < 2 or len(items) < 2 * _WRITERS:
        run(items)
    else:
        threads = [threading.Thread(target=run, args=(chunk,), daemon=True) for chunk in chunks]
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                thread.join()
        except BaseException as exc:  # an interrupt: stop the threads before the caller tidies up
            failures.append(exc)
            for thread in threads:
                thread.join()
            raise
    if failures:
        raise failures[0]


def _by_folder(items: Sequence[tuple[str, str]], n: int) -> list[list[tuple[str, str]]]:
    """`items` in at most `n` chunks of about equal numbers of files, no folder in two chunks
    (the largest folders first, each to the chunk with the fewest files so far)."""
    folders: dict[str, list[tuple[str, str]]] = {}
    for item in items:
        folders.setdefault(os.path.dirname(item[0]), []).append(item)
    chunks: list[list[tuple[str, str]]] = [[] for _ in range(min(n, len(folders)))]
    for files in sorted(folders.values(), key=len, reverse=True):
        min(chunks, key=len).extend(files)
    return [chunk for chunk in chunks if chunk]


def _put(path: str, text: str, exclusive: bool = False) -> None:
    """One file, as UTF-8 with the newlines as they are: open, write, close and nothing else
    (a text-mode `open` adds an `ioctl`, an `lseek` and an `fstat` a file)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC) | getattr(os, "O_CLOEXEC", 0) \
        | getattr(os, "O_BINARY", 0)
    data = text.encode("utf-8")
    fd = os.open(path, flags, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _entry(target: str, path: str, *, staged: bool) -> dict[str, object]:
    return {"path": path, "target": target, "temp": target + _STAGED if staged else None,
            "backup": target + _BACKUP, "existed": os.path.exists(target)}


def _swap(outdir: str, entries: list[dict[str, object]], files: dict[str, str]) -> None:
    """Stage every new file, then move old files aside and new ones in; undo it all on failure.

    The journal, written first, lets `recover` finish the undo after a crash or a kill.
    """
    journal = os.path.join(outdir, JOURNAL)
    os.makedirs(outdir, exist_ok=True)
    _write_json(journal, {"committed": False, "entries": entries})
    try:
        staged = [e for e in entries if e["temp"]]
        for folder in sorted({os.path.dirname(str(e["target"])) for e in staged}):
            os.makedirs(folder, exist_ok=True)
        _put_all([(str(e["temp"]), files[str(e["path"])]) for e in staged])
        for e in entries:
            if e["existed"]:
                os.replace(str(e["target"]), str(e["backup"]))
            if e["temp"]:
                os.replace(str(e["temp"]), str(e["target"]))
    except BaseException:
        recover(outdir)
        raise
    _write_json(journal, {"committed": True, "entries": entries})
    recover(outdir)


def recover(outdir: str) -> None:
    """Finish what an interrupted `write` left: undo it if it had not committed, else tidy up;
    and remove a first run's folder left beside `outdir` by a run that is no longer running."""
    _remove_abandoned_trees(outdir)
    journal = os.path.join(outdir, JOURNAL)
    try:
        with open(journal, encoding="utf-8") as fh:
            state = json.load(fh)
    except (OSError, ValueError):
        return
    for e in reversed(state.get("entries", [])):
        target, temp, backup = e["target"], e["temp"], e["backup"]
        if not state.get("committed"):
            if os.path.exists(backup):
                os.replace(backup, target)
            elif not e["existed"] and temp and not os.path.exists(temp):
                _unlink(target)  # it was new and had been moved in
        # Once committed, every staged file was renamed into place and only old files have a backup.
        for leftover in (temp, backup) if not state.get("committed") else (backup if e["existed"] else None,):
            if leftover:
                _unlink(leftover)
        if not state.get("committed") and not e["existed"]:
            _prune(outdir, os.path.dirname(target))  # folders made for it while staging
    _unlink(journal)


def _new_trees(outdir: str) -> tuple[str, str]:
    """The folder that holds first-run trees for `outdir`, and their names' prefix (a pid follows)."""
    parent, name = os.path.split(os.path.abspath(outdir))
    return parent, f".{name}{_NEW_TREE}"


def _own_tree(outdir: str) -> str:
    """This process's first-run tree for `outdir`."""
    parent, prefix = _new_trees(outdir)
    return os.path.join(parent, f"{prefix}{os.getpid()}")


def _remove_abandoned_trees(outdir: str) -> None:
    parent, prefix = _new_trees(outdir)
    try:
        with os.scandir(parent) as entries:
            leftovers = [e.name for e in entries if e.name.startswith(prefix)]
    except OSError:
        return
    for leftover in leftovers:
        pid = leftover[len(prefix):]
        path = os.path.join(parent, leftover)
        if pid.isdigit() and _abandoned(path, int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def _abandoned(path: str, pid: int) -> bool:
    """Is the first-run folder at `path`, written by process `pid`, left by a run that ended?"""
    if pid == os.getpid():
        return _identity(path) not in _BEGUN  # a leftover of a process that had this pid before, unless begun here
    if os.name == "nt":
        # No probe for a process there (signal 0 is CTRL_C_EVENT): an hour untouched is abandoned.
        try:
            return time.time() - os.stat(path).st_mtime > 3600
        except OSError:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # there, but another user's
    return False


def _write_json(path: str, value: object) -> None:
    temp = path + _STAGED
    with open(temp, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(value))  # dumps: json.dump encodes in Python, ~4x slower on a big journal
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(temp, path)


def check(outdir: str, files: dict[str, str], digests: Mapping[str, str] | None = None) -> Staleness:
    """What `write` would change, without changing anything (`digests` as for `write`)."""
    import difflib

    files = {**files, MANIFEST: manifest_text(files, digests)}
    target = _Targets(outdir)
    stale, missing, diffs = [], [], {}
    for path, text in sorted(files.items()):
        current = _read(target(path))
        if current is None:
            missing.append(path)
        elif current != text:
            stale.append(path)
            diffs[path] = "".join(difflib.unified_diff(current.splitlines(True), text.splitlines(True),
                                                       f"{path} (on disk)", f"{path} (from spec)", n=2))
    extra = sorted(p for p in owned(outdir) if p not in files and os.path.isfile(target(p)))
    return Staleness(tuple(stale), tuple(missing), tuple(extra), diffs, digest(files[MANIFEST]))


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _prune(outdir: str, directory: str) -> None:
    """Remove folders left empty by removed files, up to the output folder."""
    top = os.path.abspath(outdir)
    directory = os.path.abspath(directory)
    while directory.startswith(top + os.sep):
        try:
            os.rmdir(directory)
        except OSError:
            return
        directory = os.path.dirname(directory)
