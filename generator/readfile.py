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
    """More bytes than the limit: `size` (the file's size, or as much as was read past the limit)."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def read_limited(path: str, limit: int, *, only_regular: bool = True) -> bytes:
    """The file's bytes. `only_regular=False`: a FIFO or a device is read too, as far as the
    limit (a spec given as `<(command)`); without it, one is refused before a byte is read, and
    it is opened without waiting for a writer. Raises OSError (FileNotFoundError,
    IsADirectoryError, NotRegular, …) or TooLarge."""
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | (getattr(os, "O_NONBLOCK", 0) if only_regular else 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
        regular = stat.S_ISREG(st.st_mode)
        if not regular and only_regular:
            raise NotRegular(errno.EINVAL, "not a regular file", path)
        if regular and st.st_size > limit:
            raise TooLarge(st.st_size)
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
