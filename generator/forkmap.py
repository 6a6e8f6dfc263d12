"""Independent work on more than one core: `fork_map` runs a function over a few items at once,
`begun` runs one in a child while this process goes on, and `Tickets` lets processes share
pieces of work, each taking the next when it is free.

It is how a build loads the spec while it imports its stages, and renders its targets (the SDK,
the docs) side by side. A forked child starts with a copy of this process's memory, the IR
included, so nothing is sent to it; it sends its result back, pickled, through a pipe. Where
fork is missing (Windows) or unsafe (macOS, whose system libraries are not fork-safe; a process
running other threads, whose locks the child would inherit held), or where there is one core,
the work is done here, one item after the other. The results, the exceptions and the warnings
are the same either way.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
import threading
import traceback
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


def fork_map(fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """`[fn(item) for item in items]`, the first item in this process and each other in a child
    (or here, after the first, where a fork fails: too many processes, too little memory)."""
    if len(items) < 2 or not can_fork():
        return [fn(item) for item in items]
    children: list[_Child | _Here] = []
    # Ctrl-C is held back while the children start: one that came between a fork and the code
    # that owns its child would leave the child running the parent's code, or unreaped.
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        try:
            for item in items[1:]:
                children.append(_spawn(fn, item))
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        first = fn(items[0])
        return [first, *(child.result() for child in children)]
    finally:
        for child in children:
            child.stop()


@contextmanager
def begun(fn: Callable[[T], R], item: T) -> Iterator[Pending[R]]:
    """`fn(item)` begun in a child, its result to be taken with `result()` (here, then, where there
    is no child to run it), so this process can do other work meanwhile. On leaving, a child
    whose result was not taken is ended and reaped, as `fork_map` ends its children."""
    pending: _Child | _Here = _Here(fn, item)
    try:
        if can_fork():
            mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # as in fork_map
            try:
                pending = _spawn(fn, item)
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # a Ctrl-C held back is raised here: the child is stopped
        yield pending
    finally:
        pending.stop()


class Pending(Protocol[R_co]):
    elsewhere: bool
    """Whether the work runs in a child (else here, when its result is taken)."""

    def result(self) -> R_co: ...


class Tickets:
    """The numbers in `order`, each handed to the first process that asks: work shared by this
    process and the children it forks next, each taking the next piece once it is free. Where
    there is no fork, the one process takes them all. The numbers are in a pipe, written whole
    before any is taken; every process reads from it until it is empty (no writer is left, so
    an empty pipe reads as its end). Linux hands each read of a pipe its own bytes."""

    LIMIT = 2048
    """Tickets of 2 bytes each in 4 KiB: a write that small goes into an empty pipe whole (POSIX's
    PIPE_BUF), whatever the pipe's size."""

    def __init__(self, order: Sequence[int]) -> None:
        if len(order) > self.LIMIT or any(not 0 <= n < 1 << 16 for n in order):
            raise ValueError(f"at most {self.LIMIT} tickets, numbered below 65536")
        data = b"".join(n.to_bytes(2, "big") for n in order)
        read, write = os.pipe()
        try:
            if os.write(write, data) != len(data):
                raise OSError(f"a pipe took part of {len(data)} bytes")
        except BaseException:
            os.close(read)
            raise
        finally:
            os.close(write)
        self._read = read

    def take(self) -> int | None:
        """The next number, or None when all are taken."""
        data = os.read(self._read, 2)
        return int.from_bytes(data, "big") if data else None

    def close(self) -> None:
        if self._read >= 0:
            os.close(self._read)
            self._read = -1


def can_fork() -> bool:
    if sys.platform != "linux" or not hasattr(os, "fork") or threading.active_count() > 1:
        return False
    return len(os.sched_getaffinity(0)) > 1


def _spawn(fn: Callable[[Any], Any], item: Any) -> _Child | _Here:
    try:
        return _Child(fn, item)
    except OSError:
        return _Here(fn, item)


class _Here:
    """An item that could not have a process of its own: run here when its result is asked for."""

    elsewhere = False

    def __init__(self, fn: Callable[[Any], Any], item: Any) -> None:
        self.fn, self.item = fn, item

    def result(self) -> Any:
        return self.fn(self.item)

    def stop(self) -> None:
        pass


class _Child:
    elsewhere = True

    def __init__(self, fn: Callable[[Any], Any], item: Any) -> None:
        read, write = os.pipe()
        try:
            # A result is megabytes (files, a parsed spec): through the default 64 KiB pipe it
            # takes a hundred turns of writer and reader, ~10 ms. Linux lets a pipe hold 1 MiB.
            import fcntl  # not on Windows, where there is no fork either

            fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, 1 << 20)
        except OSError:  # a lower system limit (fs.pipe-max-size): the default size
            pass
        try:
            self.pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            raise
        if self.pid == 0:  # the child: it never returns from here, whatever happens
            try:
                os.close(read)
                _run(fn, item, write)
            finally:
                os._exit(1)
        os.close(write)
        self.read = read

    def result(self) -> Any:
        with os.fdopen(self.read, "rb") as pipe:
            self.read = -1
            data = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if not data or status != 0:  # it writes its whole result, then exits with 0
            raise RuntimeError(f"a worker process ended without a result (wait status {status})")
        ok, value, caught = pickle.loads(data)
        replay(caught)
        if not ok:
            raise value
        return value

    def stop(self) -> None:
        """After a failure here (or an interrupt): end the child and reap it."""
        if self.read >= 0:
            os.close(self.read)
            self.read = -1
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            self.pid = 0


def recorded(caught: Sequence[warnings.WarningMessage]) -> list[tuple[Any, ...]]:
    """Warnings caught with `warnings.catch_warnings(record=True)`, as `replay` takes them (and
    pickle sends them): the message, its category, and the file and line that gave it."""
    return [(w.message, w.category, w.filename, w.lineno) for w in caught]


def replay(caught: Sequence[tuple[Any, ...]]) -> None:
    """Give here the warnings `recorded` elsewhere, each as from the module that gave it (found
    by its file), so that a filter naming that module (`-W ignore:::generator.render`) applies
    as it would have there."""
    if not caught:
        return
    modules = {getattr(m, "__file__", None): name for name, m in list(sys.modules.items())}
    for message, category, filename, lineno in caught:
        warnings.warn_explicit(message, category, filename, lineno, module=modules.get(filename))


def _run(fn: Callable[[Any], Any], item: Any, out: int) -> None:
    """In the child: `fn(item)`, or what it raised, and the warnings it gave, written to `out`."""
    status = 1
    try:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # held back by fork_map or begun
        gc.disable()  # a collection would touch, and so copy, every page shared with the parent
        with warnings.catch_warnings(record=True) as caught:
            try:
                ok, value = True, fn(item)
            except BaseException as exc:  # handed to the parent, which raises it
                ok, value = False, _portable(exc)
        try:
            data = pickle.dumps((ok, value, recorded(caught)), pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            data = pickle.dumps((False, RuntimeError(f"a worker's result could not be sent: {exc}"), []))
        with os.fdopen(out, "wb") as pipe:
            pipe.write(data)
        status = 0
    finally:
        os._exit(status)  # no atexit handlers, no flushing of buffers the parent also holds


def _portable(exc: BaseException) -> BaseException:
    """`exc`, with its traceback as a note (for --debug); or, if it cannot be pickled, a RuntimeError saying what it was."""
    exc.add_note("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).rstrip())
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
