"""Writing files and folders all at once: a reader sees the old content or the new, never
half of it, and a failed or interrupted write leaves nothing behind.

:func:`atomic_write` is the one way the project writes a file (zips, bundles, reports,
object models, state files, caches, images); :func:`atomic_folder` writes a whole folder
(a scaffolded package) the same way.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


def _umask() -> int:
    """The process's umask, read without changing it where the system tells it (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # elsewhere: set and put back at once
    os.umask(mask)
    return mask


def _is_special(path: str) -> bool:
    """True when ``path`` exists and is neither a regular file nor a folder."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, *, mode: int | None = None,
                 sync: bool = True) -> Iterator[BinaryIO]:
    """Write ``path`` through a binary file open on a temporary file in the same folder.

    When the block ends normally the file is flushed, synced to disk (unless ``sync`` is
    false: outputs that can be made again, where a sync per file would cost more than the
    rest of the work), given ``mode`` (default: what creating the file would give under the
    umask) and renamed over ``path``. On any exception, KeyboardInterrupt and SystemExit
    included, the temporary file is removed and ``path`` keeps its previous content. An
    OSError creating the temporary file names the folder (``filename``).

    A ``path`` that is a device or a pipe (``/dev/null``, ``/dev/stdout``, a FIFO) is
    written directly: renaming over it would replace the device node with a file.
    """
    path = os.fspath(path)
    if _is_special(path):
        with open(path, "wb") as stream:
            yield stream
        return
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp",
                                   dir=folder)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, folder) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fchmod(handle.fileno(), 0o666 & ~_umask() if mode is None else mode)
            if sync:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_file(path: str | os.PathLike, data: bytes | str, *, mode: int | None = None,
               sync: bool = True) -> None:
    """Write ``data`` (str as UTF-8) to ``path`` with :func:`atomic_write`."""
    with atomic_write(path, mode=mode, sync=sync) as handle:
        handle.write(data.encode("utf-8") if isinstance(data, str) else data)


def move_into_place(source: str | os.PathLike, dest: str | os.PathLike) -> None:
    """Move the finished file ``source`` to ``dest`` in one step: a rename on the same
    file system, else (another file system, or ``dest`` a device or pipe) a copy through
    :func:`atomic_write` (mode kept) and a removal."""
    if not _is_special(os.fspath(dest)):
        try:
            os.replace(source, dest)
            return
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
    mode = stat.S_IMODE(os.stat(source).st_mode)
    with open(source, "rb") as reader, atomic_write(dest, mode=mode) as writer:
        shutil.copyfileobj(reader, writer, 1 << 20)
    os.unlink(source)


@contextlib.contextmanager
def atomic_folder(path: str | os.PathLike, *, replace: bool = False,
                  mode: int | None = None) -> Iterator[Path]:
    """Write the folder ``path`` through a temporary folder beside it.

    The block fills the folder it is given; when it ends normally that folder gets
    ``mode`` (default: what creating it would give under the umask) and is renamed to
    ``path``. An existing ``path`` (only with ``replace``; FileExistsError otherwise) is
    moved aside first and deleted once the new folder is in place, or put back if the
    rename fails. On any exception the temporary folder is removed and ``path`` is left
    as it was. An OSError creating the temporary folder names the parent folder.
    """
    target = Path(path)
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=parent))
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(parent)) from None
    try:
        yield staging
        os.chmod(staging, 0o777 & ~_umask() if mode is None else mode)
        if not (target.exists() or target.is_symlink()):
            os.rename(staging, target)
            return
        if not replace:
            raise FileExistsError(errno.EEXIST, "folder already exists", str(target))
        _swap_folders(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap_folders(new: Path, target: Path) -> None:
    """Put ``new`` where ``target`` is; ``target`` is deleted once ``new`` is in place."""
    aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    old = aside / "old"
    try:
        os.rename(target, old)
        try:
            os.rename(new, target)
        except BaseException:
            os.rename(old, target)
            raise
    except BaseException:
        if not os.path.lexists(old):  # else putting it back failed: keep it, never lose it
            shutil.rmtree(aside, ignore_errors=True)
        raise
    shutil.rmtree(aside, ignore_errors=True)


__all__ = ["atomic_folder", "atomic_write", "move_into_place", "write_file"]
