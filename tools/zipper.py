"""Reproducible zips of packages, written with zipstream-ng.

Entries are sorted, every entry carries the same timestamp (1980-01-01 00:00, the
earliest a zip can hold) and a normalised mode (0644, or 0755 for executables), so
the same sources give the same bytes whatever their mtimes, owners or umask.
Output goes through :func:`muranokit.engine.files.atomic_write`: a failed write never
leaves half a zip or removes the previous one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections.abc import Iterable, Iterator

import zipstream
import zipstream.ng

from muranokit.engine.files import Package, atomic_write
from muranokit.tools.exceptions import OperationFailed

FIXED_DATE_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644
EXECUTABLE_MODE = 0o100755
COMPRESS_LEVEL = 6

# zipstream-ng (1.9) gives entries added from memory the current local time and mode
# 0600, with no parameter to choose either, and creates the entry's ZipStreamInfo
# through its module global. While a zip is generated we point that global at a
# subclass that pins both; the lock keeps concurrent writers from interleaving.
_PATCH_LOCK = threading.Lock()


def _info_class(modes: dict[str, int]) -> type:
    base = zipstream.ng.ZipStreamInfo

    class PinnedInfo(base):  # type: ignore[misc, valid-type]
        def __init__(self, filename, date_time=None):
            super().__init__(filename, FIXED_DATE_TIME)

        @property
        def external_attr(self) -> int:
            return modes.get(self.filename, FILE_MODE) << 16

        @external_attr.setter
        def external_attr(self, value: int) -> None:  # zipstream's 0600 is ignored
            pass

    return PinnedInfo


@contextlib.contextmanager
def _pinned_entries(modes: dict[str, int]) -> Iterator[None]:
    with _PATCH_LOCK:
        original = zipstream.ng.ZipStreamInfo
        zipstream.ng.ZipStreamInfo = _info_class(modes)
        try:
            yield
        finally:
            zipstream.ng.ZipStreamInfo = original


def zip_chunks(package: Package) -> Iterator[bytes]:
    """The bytes of the package's reproducible zip, in chunks."""
    stream = zipstream.ZipStream(compress_type=zipstream.ZIP_DEFLATED,
                                 compress_level=COMPRESS_LEVEL)
    modes = {}
    for rel in sorted(package.files):
        entry = package.files[rel]
        modes[rel] = EXECUTABLE_MODE if entry.executable else FILE_MODE
        stream.add(entry.data, rel)
    with _pinned_entries(modes):
        yield from stream


def zip_bytes(package: Package) -> bytes:
    """The whole reproducible zip of ``package`` as bytes."""
    return b"".join(zip_chunks(package))


def write_output(dest: str, chunks: Iterable[bytes]) -> str:
    """Write ``chunks`` to ``dest`` at once (:func:`atomic_write`); return the sha256.

    Zips and bundles are made again by the next build, so they are not synced file by
    file. Raises OperationFailed (naming the folder) when the folder cannot be written.
    """
    digest = hashlib.sha256()
    try:
        with atomic_write(dest, mode=0o644, sync=False) as handle:
            for chunk in chunks:
                digest.update(chunk)
                handle.write(chunk)
    except OSError as exc:
        folder = os.path.dirname(os.path.abspath(dest))
        if exc.filename == folder:
            raise OperationFailed(f"cannot write to output folder: {exc.strerror}",
                                  folder) from None
        raise OperationFailed(f"cannot write file: {exc.strerror}", dest) from None
    return digest.hexdigest()


def write_zip(package: Package, dest: str) -> str:
    """Write the reproducible zip of ``package`` to ``dest``; return its sha256."""
    return write_output(dest, zip_chunks(package))
