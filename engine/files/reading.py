"""Reading a file someone named: only a regular file is opened, and only so much of it.

:func:`read_file` is the one way the project reads a file a user gave (object models,
rules, state files, package members, pins files, zips to upload, ...): a named pipe, a
device, a socket or a folder given where a file is expected is refused at once, from its
``stat``, before it is opened (reading a pipe would wait for a writer forever, a device
could be endless). :func:`check_regular_file` says the same of a path handed on to code
that opens it itself (``zipfile``).
"""

from __future__ import annotations

import os
import stat

from .errors import SourceError

_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _refuse(path: str, mode: int, what: str, kind: str) -> SourceError:
    return SourceError(f"{what} is {_kind(mode)}, not a regular file: refused, not read",
                       path, kind=kind)


def check_regular_file(path: str | os.PathLike, *, what: str = "this file",
                       kind: str = "PackageLoadError") -> None:
    """Refuse (SourceError) a path that is missing or not a regular file, without opening
    it."""
    path = os.fspath(path)
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise SourceError(f"cannot read {what}: {exc.strerror}", path, kind=kind) from None
    if not stat.S_ISREG(mode):
        raise _refuse(path, mode, what, kind)


def read_file(path: str | os.PathLike, *, limit: int | None = None, what: str = "this file",
              kind: str = "PackageLoadError") -> tuple[bytes, int]:
    """(bytes, mode) of the regular file ``path``.

    Refused with :class:`SourceError` (``what`` names the file in the message, ``kind`` is
    the error's kind): a missing or unreadable file, anything but a regular file (checked
    before opening and again on the open file), a file larger than ``limit`` bytes.
    """
    path = os.fspath(path)
    check_regular_file(path, what=what, kind=kind)
    try:
        fd = os.open(path, _OPEN_FLAGS)  # non-blocking: a pipe swapped in cannot hang us
    except OSError as exc:
        raise SourceError(f"cannot read {what}: {exc.strerror}", path, kind=kind) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # replaced since it was looked at
            raise _refuse(path, st.st_mode, what, kind)
        if limit is not None and st.st_size > limit:
            raise SourceError(f"{what} is larger than {limit} bytes ({st.st_size})", path,
                              kind=kind)
        chunks = [os.read(fd, st.st_size + 1)]
        size = len(chunks[0])
        while chunks[-1]:
            if limit is not None and size > limit:
                raise SourceError(f"{what} is larger than {limit} bytes", path, kind=kind)
            chunks.append(os.read(fd, 1 << 20))
            size += len(chunks[-1])
    except OSError as exc:
        raise SourceError(f"cannot read {what}: {exc.strerror}", path, kind=kind) from None
    finally:
        os.close(fd)
    return (chunks[0] if len(chunks) == 2 else b"".join(chunks)), st.st_mode


def read_text(path: str | os.PathLike, *, limit: int | None = None, what: str = "this file",
              kind: str = "PackageLoadError") -> str:
    """The UTF-8 text of the regular file ``path`` (see :func:`read_file`); text that is
    not UTF-8 is refused naming the line."""
    data, _mode = read_file(path, limit=limit, what=what, kind=kind)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise SourceError(f"not UTF-8 text: {exc.reason}", os.fspath(path), line,
                          kind=kind) from None


__all__ = ["check_regular_file", "read_file", "read_text"]
