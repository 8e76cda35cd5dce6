"""A Murano package (a folder or a zip) and its manifest.

:func:`load_package` reads every file of the package into memory once (packages are
small), leaving out junk (VCS folders, caches, editor backups), refusing symlinks that
leave the package, unreadable or special files and zip members that would escape the
extraction folder. Everything later steps need (validation, zipping) reads from here.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from dataclasses import dataclass, field
from typing import Any

from muranokit.tools.exceptions import InputError
from muranokit.tools.yamlload import YamlMap, load_yaml

MANIFEST = "manifest.yaml"

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

_FQN_RE = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")
_FORMAT_RE = re.compile(r"^(?:MuranoPL/)?(\d+)\.(\d+)(?:\.0)?$")


def is_junk(name: str) -> bool:
    """True for a file or folder name that never belongs in a package."""
    return name in JUNK_NAMES or bool(_JUNK_RE.match(name))


def is_dotted_name(value: Any) -> bool:
    """True for a dotted name such as ``com.example.App`` (at least two parts)."""
    return isinstance(value, str) and bool(_FQN_RE.match(value))


def parse_format(value: Any) -> tuple[int, int] | None:
    """``Format`` of a manifest as (major, minor): ``1.4``, ``"MuranoPL/1.3"``; None if bad.

    A missing Format (``None``) means 1.0, as in Murano.
    """
    if value is None:
        return (1, 0)
    if isinstance(value, float):
        value = repr(value)
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return None
    match = _FORMAT_RE.match(str(value).strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


@dataclass(frozen=True)
class PackageFile:
    """One file of a package: its bytes and whether it is executable."""

    data: bytes
    executable: bool = False


@dataclass
class Package:
    """A loaded package: where it came from, its manifest and its files.

    ``files`` maps POSIX paths relative to the package root to :class:`PackageFile`
    and is sorted by path.
    """

    location: str
    is_zip: bool
    manifest: YamlMap
    files: dict[str, PackageFile] = field(repr=False)

    # --- identity -------------------------------------------------------------------
    @property
    def full_name(self) -> str | None:
        """``FullName`` from the manifest, when it is a string."""
        value = self.manifest.get("FullName")
        return value if isinstance(value, str) else None

    @property
    def version(self) -> str:
        """``Version`` from the manifest as text (Murano's default ``0.0.0``)."""
        value = self.manifest.get("Version")
        return "0.0.0" if value is None else str(value)

    @property
    def format(self) -> tuple[int, int] | None:
        """Format as (major, minor); None when the manifest's Format is not understood."""
        return parse_format(self.manifest.get("Format"))

    @property
    def type(self) -> str:
        """``Type`` (``Application`` or ``Library``), ``Application`` when missing."""
        value = self.manifest.get("Type", "Application")
        return value if isinstance(value, str) else "Application"

    @property
    def classes(self) -> dict[str, str]:
        """``Classes`` as {FQN: file name under Classes/} (string entries only)."""
        value = self.manifest.get("Classes")
        if not isinstance(value, dict):
            return {}
        return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, str)}

    @property
    def requires(self) -> dict[str, Any]:
        """``Require`` as {FQN: version spec or None}."""
        value = self.manifest.get("Require")
        return dict(value) if isinstance(value, dict) else {}

    @property
    def label(self) -> str:
        """Short name for messages: FullName, else the location."""
        return self.full_name or self.location

    # --- files ----------------------------------------------------------------------
    def display_path(self, rel: str) -> str:
        """Path of a member as shown in findings (``<folder>/<rel>`` or ``<zip>/<rel>``)."""
        return f"{self.location.rstrip('/')}/{rel}" if rel else self.location

    def exists(self, rel: str) -> bool:
        """True if the package has the file ``rel``."""
        return rel in self.files

    def read(self, rel: str) -> bytes:
        """Bytes of the file ``rel`` (KeyError if absent)."""
        return self.files[rel].data

    def under(self, folder: str) -> list[str]:
        """Paths of the files below ``folder`` (relative to the package root), sorted."""
        prefix = folder.rstrip("/") + "/"
        return [rel for rel in self.files if rel.startswith(prefix)]


def load_package(path: str) -> Package:
    """Load a package folder or zip. Raises InputError when it cannot be used at all."""
    if os.path.isdir(path):
        files = _read_folder(path)
        is_zip = False
    elif os.path.isfile(path):
        files = _read_zip(path)
        is_zip = True
    elif os.path.lexists(path):
        raise InputError("not a folder or a zip file", path)
    else:
        raise InputError("no such file or folder", path)
    manifest_path = f"{path.rstrip('/')}/{MANIFEST}"
    if MANIFEST not in files:
        raise InputError(f"missing {MANIFEST}: not a Murano package", path)
    manifest = load_yaml(files[MANIFEST].data, manifest_path, allow_empty=True)
    if not isinstance(manifest, dict):
        raise InputError(f"the manifest must be a mapping of keys (FullName, Format, ...), "
                         f"not {_kind(manifest)}", manifest_path, getattr(manifest, "line", 1))
    return Package(location=path, is_zip=is_zip, manifest=manifest,
                   files=dict(sorted(files.items())))


def _kind(value: Any) -> str:
    if value is None:
        return "an empty document"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    return f"a {type(value).__name__}"


def find_package_dirs(root: str) -> list[str]:
    """Every package folder (one holding manifest.yaml) under ``root``, sorted.

    A package folder's own subfolders are not searched further.
    """
    found = []
    for current, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not is_junk(d))
        if MANIFEST in names:
            found.append(current)
            dirs[:] = []
    return sorted(found)


# --- folders ------------------------------------------------------------------------
def _read_folder(root: str) -> dict[str, PackageFile]:
    real_root = os.path.realpath(root)
    files: dict[str, PackageFile] = {}
    _walk_folder(root, "", real_root, real_root, files, {real_root})
    return files


def _walk_folder(folder: str, rel: str, real_folder: str, real_root: str,
                 files: dict[str, PackageFile], active: set[str]) -> None:
    """Read the files below ``folder`` (whose resolved path is ``real_folder``)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        raise InputError(f"cannot list folder: {exc.strerror}", folder) from None
    for entry in entries:
        if is_junk(entry.name):
            continue
        member = f"{rel}{entry.name}"
        full = entry.path
        if not _is_utf8(entry.name):  # a zip member name is UTF-8 (Murano reads it so)
            raise InputError("file name is not valid UTF-8; rename it",
                             os.fsencode(full).decode("utf-8", "backslashreplace"))
        try:
            if entry.is_symlink():
                real = os.path.realpath(full)
                if os.path.commonpath([real, real_root]) != real_root:
                    raise InputError(
                        f"symlink points outside the package (to {real})", full)
                if not os.path.exists(real):
                    raise InputError("broken symlink", full)
            else:  # no need to resolve it again: it is where its folder is
                real = f"{real_folder}/{entry.name}"
            is_dir = entry.is_dir()
            is_file = not is_dir and entry.is_file()
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", full) from None
        if is_dir:
            if real in active:
                raise InputError("symlink loop", full)
            _walk_folder(full, member + "/", real, real_root, files, active | {real})
        elif is_file:
            files[member] = _read_file(full)
        else:
            raise InputError("not a regular file (device, pipe or socket)", full)


def _is_utf8(name: str) -> bool:
    """False for a name that came from bytes that are not UTF-8 (surrogate escapes)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _read_file(path: str) -> PackageFile:
    """The bytes and executable bit of the regular file ``path`` (one open, no buffering)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # replaced since the folder was listed
            raise InputError("not a regular file (device, pipe or socket)", path)
        chunks = [os.read(fd, st.st_size + 1)]
        while chunks[-1]:
            chunks.append(os.read(fd, 1 << 20))
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path) from None
    finally:
        os.close(fd)
    data = chunks[0] if len(chunks) == 2 else b"".join(chunks)
    return PackageFile(data, bool(st.st_mode & 0o111))


# --- zips ---------------------------------------------------------------------------
def _read_zip(path: str) -> dict[str, PackageFile]:
    import zipfile  # only zips need it

    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InputError("not a zip file (and not a folder)", path) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path) from None
    files: dict[str, PackageFile] = {}
    with archive:
        for info in archive.infolist():
            name = info.filename
            _check_member_name(name, path)
            if info.is_dir():
                continue
            parts = name.split("/")
            if any(is_junk(part) for part in parts):
                continue
            try:
                data = archive.read(info)
            except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError) as exc:
                raise InputError(f"cannot read zip member {name}: {exc}", path) from None
            mode = info.external_attr >> 16
            files[name] = PackageFile(data, bool(mode & 0o111))
    return files


def _check_member_name(name: str, path: str) -> None:
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
        raise InputError(f"zip member {name!r} would be extracted outside the package "
                         "(zip-slip)", path)


def select_package_paths(paths: list[str] | None, root: str = "packages") -> list[str]:
    """The paths given, or every package folder under ``root`` when none are.

    Raises InputError when nothing is given and ``root`` holds no package.
    """
    if paths:
        return list(paths)
    found = find_package_dirs(root) if os.path.isdir(root) else []
    if not found:
        raise InputError(f"no package folders (with {MANIFEST}) found under {root}/; "
                         "name the packages to use", root)
    return found
