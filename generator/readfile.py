"""Reading the files a run is given or finds (specs, the files their `$ref`s reach, config, the
warm-run check's hashes): no more than a limit, and, unless the user named the file themselves,
only a regular file. A `$ref` or a symlink to `/dev/zero` would otherwise be read until memory
ran out, and one to a FIFO waited on for ever."""

from __future__ import annotations

import errno
import os
import stat


class NotRegular(OSError):
    """A device, a FIFO or a socket, where a regular file was asked for."""


class TooLarge(Exception):
    """More bytes than the limit: `size`, the file's size where `exact`, else as much as was
    read before the limit was passed (a pipe, a device, a file that grew while it was read)."""

    def __init__(self, size: int, *, exact: bool = False) -> None:
        super().__init__(size)
        self.size = size
        self.exact = exact

    def message(self, shown: str, limit: int) -> str:
        """The error's text for the file shown as `shown`: its size only where it is known."""
        if self.exact:
            return f"{shown} is {self.size} bytes, over the limit of {limit}"
        return f"{shown} holds more than the limit of {limit} bytes"


def read_limited(path: str, limit: int, *, only_regular: bool = True) -> bytes:
    """The file's bytes. `only_regular=False`: a FIFO or a device is read too, as far as the
    limit (a spec given as `<(command)`); without it, one is refused before a byte is read, and
    it is opened without waiting for a writer. Raises OSError (FileNotFoundError,
    IsADirectoryError, NotRegular, …; an OSError too for a path holding a NUL) or TooLarge."""
    try:
        if only_regular:
            # Not even opened: opening a FIFO, and closing it unread, lets its writer go on
            # into a pipe nobody reads, and a later reader then waits for a writer for ever.
            _refuse_irregular(os.stat(path), path)
        flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | (getattr(os, "O_NONBLOCK", 0) if only_regular else 0)
        fd = os.open(path, flags)
    except ValueError as exc:  # a NUL in the name; a lone surrogate (UnicodeEncodeError)
        why = "a file name cannot hold a NUL character" if "\0" in path else f"not a file name ({exc})"
        raise OSError(errno.EINVAL, why, path) from None
    try:
        st = os.fstat(fd)  # what was opened: the path may name another file since its stat
        regular = stat.S_ISREG(st.st_mode)
        if only_regular or stat.S_ISDIR(st.st_mode):
            _refuse_irregular(st, path)
        if regular and st.st_size > limit:
            raise TooLarge(st.st_size, exact=True)
        # A regular file in one read (and one more to see its end): it may have changed since.
        chunks, total = [], 0
        want = st.st_size + 1 if regular else 1 << 16
        while chunk := os.read(fd, min(want, limit + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise TooLarge(total)
            want = 1 << 16
        return b"".join(chunks)
    finally:
        os.close(fd)


def may_be_regular(path: str) -> bool:
    """Whether `path` is a regular file, or names nothing that can be read (missing, a bad
    name): a read of it then says why, as for any file."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return True


def _refuse_irregular(st: os.stat_result, path: str) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
    if not stat.S_ISREG(st.st_mode):
        raise NotRegular(errno.EINVAL, "not a regular file", path)
