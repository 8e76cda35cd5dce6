"""The members of a package folder or zip: listed once, junk left out, refused when unsafe.

A folder's files are listed when it is opened (symlinks leading outside it, broken
symlinks, loops and special files refused) and each read on first use; a zip's members are
read when it is opened, inflated in steps and refused past :data:`MAX_MEMBER_BYTES` each,
:data:`MAX_TOTAL_BYTES` in all or :data:`MAX_RATIO` times their compressed size (zip
bombs), or when their names would leave the package (zip-slip) or repeat.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import SourceError
from .reading import check_regular_file, read_file

#: Largest zip member accepted once inflated.
MAX_MEMBER_BYTES = 64 * 1024 * 1024
#: Largest sum of a zip's inflated members.
MAX_TOTAL_BYTES = 256 * 1024 * 1024
#: Highest inflated/compressed ratio of a member larger than RATIO_FLOOR_BYTES (text
#: deflates about 3-10 times; a zip bomb a thousand times).
MAX_RATIO = 200
RATIO_FLOOR_BYTES = 1024 * 1024

#: Folder and file names never packaged.
JUNK_NAMES = frozenset({
    ".git", ".hg", ".svn", ".bzr", "CVS", "__pycache__", ".pytest_cache", ".tox",
    ".mypy_cache", ".ruff_cache", ".idea", ".vscode", ".DS_Store", "Thumbs.db",
    "desktop.ini", ".gitignore", ".gitattributes", ".gitkeep",
})
#: Glob patterns of file names never packaged (compiled Python, editor backups).
JUNK_PATTERNS = ("*.pyc", "*.pyo", "*~", ".*.swp", ".*.swo", ".*.swx", "*.bak",
                 "*.orig", "*.rej", ".#*", "#*#", "._*")
_JUNK_RE = re.compile("|".join(fnmatch.translate(p) for p in JUNK_PATTERNS))

def is_junk(name: str) -> bool:
    """True for a file or folder name that never belongs in a package."""
    return name in JUNK_NAMES or bool(_JUNK_RE.match(name))


@dataclass(frozen=True)
class PackageFile:
    """One file of a package: its bytes and whether it is executable."""

    data: bytes
    executable: bool = False


class FolderFiles(Mapping):
    """The members of a package folder: listed when created, each read on first use."""

    def __init__(self, root: str) -> None:
        real_root = os.path.realpath(root)
        paths: dict[str, str] = {}
        _walk_folder(root, "", real_root, real_root, paths, {real_root})
        self._paths = dict(sorted(paths.items()))
        self._read: dict[str, PackageFile] = {}

    def __getitem__(self, rel: str) -> PackageFile:
        found = self._read.get(rel)
        if found is None:
            found = self._read[rel] = _read_file(self._paths[rel])
        return found

    def __contains__(self, rel: object) -> bool:
        return rel in self._paths

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


def _walk_folder(folder: str, rel: str, real_folder: str, real_root: str,
                 paths: dict[str, str], active: set[str]) -> None:
    """List the files below ``folder`` (whose resolved path is ``real_folder``)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        raise SourceError(f"cannot list folder: {exc.strerror}", folder,
                          kind="PackageLoadError") from None
    for entry in entries:
        if is_junk(entry.name):
            continue
        member = f"{rel}{entry.name}"
        full = entry.path
        if not entry.name.isascii() and not _is_utf8(entry.name):  # zip names are UTF-8
            raise SourceError("file name is not valid UTF-8; rename it",
                              os.fsencode(full).decode("utf-8", "backslashreplace"),
                              kind="PackageLoadError")
        try:
            if entry.is_symlink():
                real = os.path.realpath(full)
                if os.path.commonpath([real, real_root]) != real_root:
                    raise SourceError(f"symlink points outside the package (to {real})",
                                      full, kind="PackageLoadError")
                if not os.path.exists(real):
                    raise SourceError("broken symlink", full, kind="PackageLoadError")
            else:  # no need to resolve it again: it is where its folder is
                real = f"{real_folder}/{entry.name}"
            is_dir = entry.is_dir()
            is_file = not is_dir and entry.is_file()
        except OSError as exc:
            raise SourceError(f"cannot read: {exc.strerror}", full,
                              kind="PackageLoadError") from None
        if is_dir:
            if real in active:
                raise SourceError("symlink loop", full, kind="PackageLoadError")
            _walk_folder(full, member + "/", real, real_root, paths, active | {real})
        elif is_file:
            paths[member] = full
        else:
            raise SourceError("not a regular file (device, pipe or socket)", full,
                              kind="PackageLoadError")


def _is_utf8(name: str) -> bool:
    """False for a name that came from bytes that are not UTF-8 (surrogate escapes)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _read_file(path: str) -> PackageFile:
    """The bytes and executable bit of the regular file ``path``."""
    data, mode = read_file(path, what="this package file")
    return PackageFile(data, bool(mode & 0o111))


def read_zip(path: str) -> dict[str, PackageFile]:
    import zipfile  # only zips need it

    check_regular_file(path, what="this zip")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise SourceError("not a zip file (and not a folder)", path,
                          kind="PackageLoadError") from None
    except OSError as exc:
        raise SourceError(f"cannot read file: {exc.strerror}", path,
                          kind="PackageLoadError") from None
    files: dict[str, PackageFile] = {}
    budget = [MAX_TOTAL_BYTES]
    with archive:
        for info in archive.infolist():
            name = info.filename
            _check_member_name(name, path)
            if info.is_dir() or any(is_junk(part) for part in name.split("/")):
                continue
            if name in files:
                raise SourceError(f"zip has two members named {name}", path,
                                  kind="PackageLoadError")
            mode = info.external_attr >> 16
            files[name] = PackageFile(_read_member(archive, info, path, budget),
                                      bool(mode & 0o111))
    return dict(sorted(files.items()))


def _read_member(archive: Any, info: Any, path: str, budget: list[int]) -> bytes:
    """A member's bytes, inflated in steps and refused as soon as a cap is passed."""
    import zipfile
    import zlib

    name = info.filename

    def refuse(why: str) -> SourceError:
        return SourceError(f"zip member {name} {why}; refused as a possible zip bomb", path,
                           kind="PackageLoadError")

    limit = min(MAX_MEMBER_BYTES, budget[0])
    if info.file_size > limit:
        raise refuse(f"inflates to {info.file_size} bytes (limit {limit})")
    chunks = []
    size = 0
    try:
        with archive.open(info) as handle:
            while True:
                chunk = handle.read(1 << 20)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise refuse(f"inflates to more than {limit} bytes")
                if size > RATIO_FLOOR_BYTES and size > MAX_RATIO * max(info.compress_size, 1):
                    raise refuse(f"inflates more than {MAX_RATIO} times its compressed size")
                chunks.append(chunk)
    except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError, EOFError,
            zlib.error) as exc:
        raise SourceError(f"cannot read zip member {name}: {exc}", path,
                          kind="PackageLoadError") from None
    budget[0] -= size
    return b"".join(chunks)


def _check_member_name(name: str, path: str) -> None:
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
        raise SourceError(f"zip member {name!r} would be extracted outside the package "
                          "(zip-slip)", path, kind="PackageLoadError")


__all__ = ["JUNK_NAMES", "JUNK_PATTERNS", "MAX_MEMBER_BYTES", "MAX_RATIO", "MAX_TOTAL_BYTES",
           "FolderFiles", "PackageFile", "is_junk", "read_zip"]
