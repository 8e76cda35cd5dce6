"""Standard output and error that outlive their reader (and print any file name).

When the reader of a pipe goes away (``muranokit validate | head``) writing raises
BrokenPipeError; when the shell closed the descriptor (``muranokit validate >&-``) there is
no stream at all. Neither must change what a command does: it finishes its work (saving
state included) and returns its own exit code. :func:`tolerant_output` puts a wrapper on
``sys.stdout`` and ``sys.stderr`` that drops what can no longer be delivered, and gives
closed descriptors 0-2 ``/dev/null`` so that no file opened later takes their number. A
file name that is not UTF-8 is printed with its bytes escaped, where a strict stream would
raise. A ``shown`` function given to :func:`tolerant_output` rewrites every text before it is
written (the command's secret masker, :mod:`.masking`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any, TextIO


def _gone(exc: BaseException) -> bool:
    """True for the errors of a stream whose reader or descriptor is gone."""
    if isinstance(exc, BrokenPipeError):
        return True
    if isinstance(exc, OSError):
        return exc.errno in (errno.EPIPE, errno.EBADF)
    return isinstance(exc, ValueError) and "closed file" in str(exc)


class TolerantStream:
    """Delegates to ``stream``; once a write finds the reader gone, drops all output."""

    def __init__(self, stream: TextIO, shown: Callable[[str], str] | None = None) -> None:
        self._stream = stream
        self._shown = shown
        self.broken = False

    def _silence(self) -> None:
        """Point the descriptor at /dev/null: what is still buffered (and Python's own
        flush at exit) then goes nowhere instead of raising again."""
        self.broken = True
        with contextlib.suppress(OSError, ValueError, AttributeError):
            fd = self._stream.fileno()
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, fd)
            finally:
                os.close(devnull)

    def write(self, text: str) -> int:
        if self.broken:
            return len(text)
        if self._shown is not None:
            text = self._shown(text)
        try:
            try:
                return self._stream.write(text)
            except UnicodeEncodeError:  # a file name that is not UTF-8, on a strict stream
                encoding = getattr(self._stream, "encoding", None) or "utf-8"
                return self._stream.write(text.encode(encoding, "backslashreplace")
                                          .decode(encoding))
        except (OSError, ValueError) as exc:
            if not _gone(exc):
                raise
            self._silence()
            return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        if self.broken:
            return
        try:
            self._stream.flush()
        except (OSError, ValueError) as exc:
            if not _gone(exc):
                raise
            self._silence()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _reopen_closed_descriptors() -> None:
    """Give each closed descriptor among 0, 1 and 2 /dev/null."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            devnull = os.open(os.devnull, os.O_RDWR)
            if devnull != fd:
                os.dup2(devnull, fd)
                os.close(devnull)


def _stream(current: TextIO | None, fd: int) -> TextIO:
    if current is not None:
        return current
    return open(fd, "w", encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115


@contextlib.contextmanager
def tolerant_output(shown: Callable[[str], str] | None = None) -> Iterator[None]:
    """Inside the block, ``sys.stdout``/``sys.stderr`` never raise for a reader that is gone
    (and write what ``shown`` makes of each text); on leaving it, what is buffered is
    flushed (quietly) and the streams are put back."""
    _reopen_closed_descriptors()
    saved = sys.stdout, sys.stderr
    out = TolerantStream(_stream(sys.stdout, 1), shown)
    err = TolerantStream(_stream(sys.stderr, 2), shown)
    sys.stdout, sys.stderr = out, err
    try:
        yield
    finally:
        out.flush()
        err.flush()
        sys.stdout, sys.stderr = saved


__all__ = ["TolerantStream", "tolerant_output"]
