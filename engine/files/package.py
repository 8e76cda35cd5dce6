"""A Murano package, from a folder or a zip alike: members, manifest, classes, resources, form.

:meth:`Package.open` lists a package's members once, leaving out junk (VCS folders, caches,
editor backups) and refusing what cannot belong to a package: symlinks that lead outside
it, broken symlinks and loops, devices, pipes and sockets, zip members that would be
extracted outside it, zips that inflate beyond :data:`MAX_MEMBER_BYTES` per member,
:data:`MAX_TOTAL_BYTES` in all or :data:`MAX_RATIO` times their compressed size. Each
member is read once (a zip's when the package opens, a folder's when first asked for, or
all at once with :meth:`Package.read_all`) and each YAML member parsed once, so the
validator, the zip writer, the forms reader and the engine share one reading.

A folder without ``manifest.yaml`` is a folder of class files: every YAML file in it is a
class file, the package is named after the folder and runs as the newest Format (or the
``default_format`` it was opened with). Which class each document defines is the engine's
business (``muranokit.engine.loader`` fills :attr:`Package.documents`).

Problems raise :class:`~muranokit.engine.files.errors.SourceError`.
"""

from __future__ import annotations

import fnmatch
import os
import posixpath
import re
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import SourceError
from .located_yaml import load_located, single_document

MANIFEST = "manifest.yaml"
NEWEST_FORMAT = (1, 4)
SUPPORTED_FORMATS = frozenset({(1, 0), (1, 1), (1, 2), (1, 3), (1, 4)})

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

_FQN_RE = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")
_FORMAT_RE = re.compile(r"^(?:MuranoPL/)?(\d+)(?:\.(\d+))?(?:\.\d+)?$")
_YAML_SUFFIXES = (".yaml", ".yml")


def is_junk(name: str) -> bool:
    """True for a file or folder name that never belongs in a package."""
    return name in JUNK_NAMES or bool(_JUNK_RE.match(name))


def is_dotted_name(value: Any) -> bool:
    """True for a dotted name such as ``com.example.App`` (at least two parts)."""
    return isinstance(value, str) and bool(_FQN_RE.match(value))


def parse_format(value: Any) -> tuple[int, int] | None:
    """A manifest's ``Format`` as (major, minor): ``1.4``, ``"MuranoPL/1.3"``, ``1``,
    ``"1.3.0"``; None when it is not a MuranoPL format. A missing Format (``None``)
    means 1.0, as in Murano. Whether the version is supported is a separate question
    (:data:`SUPPORTED_FORMATS`)."""
    if value is None:
        return (1, 0)
    if isinstance(value, float):
        value = repr(value)
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return None
    match = _FORMAT_RE.match(str(value).strip())
    return (int(match.group(1)), int(match.group(2) or 0)) if match else None


@dataclass(frozen=True)
class PackageFile:
    """One file of a package: its bytes and whether it is executable."""

    data: bytes
    executable: bool = False


class Package:
    """A package: where it came from, its manifest and its members.

    ``files`` maps POSIX paths relative to the package root to :class:`PackageFile`, in
    path order. ``manifest`` is the parsed ``manifest.yaml`` (None for a folder of class
    files).
    """

    def __init__(self, location: str, is_zip: bool, manifest: Mapping | None,
                 files: Mapping[str, PackageFile], *,
                 default_format: tuple[int, int] | None = None) -> None:
        self.location = location
        self.is_zip = is_zip
        self.manifest = manifest
        self.files = files
        self.default_format = default_format
        self._parsed: dict[str, Any] = {}
        #: class full name -> (class document, file path), filled by the engine's loader
        self.documents: Mapping[str, tuple[Any, str]] | None = None

    @classmethod
    def open(cls, path: str, *, default_format: tuple[int, int] | None = None) -> Package:
        """The package folder or zip at ``path`` (a folder may hold class files only)."""
        if os.path.isdir(path):
            files: Mapping[str, PackageFile] = _FolderFiles(path)
            is_zip = False
        elif os.path.isfile(path):
            files = _read_zip(path)
            is_zip = True
        elif os.path.lexists(path):
            raise SourceError("not a folder or a zip file", path, kind="PackageLoadError")
        else:
            raise SourceError("no such file or folder", path, kind="PackageLoadError")
        package = cls(path, is_zip, None, files, default_format=default_format)
        if MANIFEST in files:
            manifest = package.yaml(MANIFEST)
            if not isinstance(manifest, dict):
                raise SourceError(
                    "the manifest must be a mapping of keys (FullName, Format, ...), not "
                    f"{_kind(manifest)}", package.display_path(MANIFEST),
                    getattr(manifest, "line", 1), kind="PackageLoadError")
            package.manifest = manifest
        elif is_zip:
            raise SourceError(f"missing {MANIFEST}: not a Murano package", path,
                              kind="PackageLoadError")
        return package

    def __repr__(self) -> str:
        return f"<Package {self.name} {self.version} at {self.location}>"

    # --- identity -------------------------------------------------------------------
    def _manifest_value(self, key: str, default: Any = None) -> Any:
        return default if self.manifest is None else self.manifest.get(key, default)

    @property
    def full_name(self) -> str | None:
        """``FullName`` from the manifest, when it is a string."""
        value = self._manifest_value("FullName")
        return value if isinstance(value, str) else None

    @property
    def name(self) -> str:
        """The package's name: FullName, or the folder's name for a folder of classes."""
        if self.manifest is None:
            return os.path.basename(os.path.abspath(self.location))
        return self.full_name or self.location

    @property
    def version(self) -> str:
        """``Version`` from the manifest as text (Murano's default ``0.0.0``)."""
        value = self._manifest_value("Version")
        return "0.0.0" if value is None else str(value)

    @property
    def format(self) -> tuple[int, int] | None:
        """Format as (major, minor); None when the manifest's Format is not understood."""
        if self.manifest is None:
            return self.default_format or NEWEST_FORMAT
        return parse_format(self.manifest.get("Format"))

    @property
    def type(self) -> str:
        """``Type`` (``Application`` or ``Library``), ``Application`` when missing."""
        value = self._manifest_value("Type", "Application")
        return value if isinstance(value, str) else "Application"

    @property
    def classes(self) -> dict[str, str]:
        """The manifest's ``Classes`` as {FQN: file name under Classes/} (string entries)."""
        value = self._manifest_value("Classes")
        if not isinstance(value, dict):
            return {}
        return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, str)}

    @property
    def requires(self) -> dict[str, Any]:
        """``Require`` as {FQN: version spec or None}."""
        value = self._manifest_value("Require")
        return dict(value) if isinstance(value, dict) else {}

    @property
    def label(self) -> str:
        """Short name for messages: FullName, else the location."""
        return self.full_name or self.location

    @property
    def ui_path(self) -> str:
        """The UI form's member path (``UI/`` + manifest ``UI``, default ``UI/ui.yaml``)."""
        ui = self._manifest_value("UI", "ui.yaml")
        return f"UI/{ui if isinstance(ui, str) else 'ui.yaml'}"

    @property
    def logo_path(self) -> str:
        """The logo's member path (manifest ``Logo``, default ``logo.png``)."""
        logo = self._manifest_value("Logo", "logo.png")
        return logo if isinstance(logo, str) else "logo.png"

    # --- members --------------------------------------------------------------------
    def display_path(self, rel: str) -> str:
        """Path of a member as shown in messages (``<folder>/<rel>`` or ``<zip>/<rel>``)."""
        return f"{self.location.rstrip('/')}/{rel}" if rel else self.location

    def exists(self, rel: str) -> bool:
        """True if the package has the file ``rel``."""
        return rel in self.files

    def read(self, rel: str) -> bytes:
        """Bytes of the file ``rel`` (KeyError if absent; SourceError if unreadable)."""
        return self.files[rel].data

    def under(self, folder: str) -> list[str]:
        """Paths of the files below ``folder`` (relative to the package root), sorted."""
        prefix = folder.rstrip("/") + "/"
        return [rel for rel in self.files if rel.startswith(prefix)]

    def read_all(self) -> Package:
        """Read every member now (a member that cannot be read raises here)."""
        for rel in self.files:
            self.files[rel]  # noqa: B018 - reading caches it
        return self

    # --- Resources ------------------------------------------------------------------
    @staticmethod
    def resource_member(name: str) -> str | None:
        """The member path of ``Resources/<name>``; None when ``name`` leads outside the
        package."""
        member = posixpath.normpath("Resources/" + str(name).lstrip("/"))
        return None if member == ".." or member.startswith("../") else member

    def resource_exists(self, name: str) -> bool:
        """True if the package has ``Resources/<name>``."""
        member = self.resource_member(name)
        return member is not None and member in self.files

    def read_resource(self, name: str) -> bytes:
        """Bytes of ``Resources/<name>`` (KeyError if absent)."""
        member = self.resource_member(name)
        if member is None:
            raise KeyError(name)
        return self.read(member)

    def resource_names(self) -> list[str]:
        """Every file under Resources/, relative to it."""
        return [rel[len("Resources/"):] for rel in self.under("Resources")]

    # --- YAML -----------------------------------------------------------------------
    def _located(self, rel: str) -> list[tuple[int, Any]]:
        found = self._parsed.get(rel)
        if found is None:
            try:
                found = load_located(self.read(rel), self.display_path(rel))
            except SourceError as exc:
                found = exc
            self._parsed[rel] = found
        if isinstance(found, SourceError):
            raise found
        return found

    def yaml(self, rel: str, *, allow_empty: bool = True) -> Any:
        """The single YAML document of the member ``rel``, parsed once (located)."""
        return single_document(self._located(rel), self.display_path(rel),
                               allow_empty=allow_empty)

    def yaml_documents(self, rel: str) -> list[Any]:
        """Every YAML document of the member ``rel``, parsed once (located)."""
        return [document for _, document in self._located(rel)]

    def ui(self) -> Any:
        """The UI form's document, or None when the package has no UI file."""
        return self.yaml(self.ui_path) if self.exists(self.ui_path) else None

    def yaml_members(self, folder: str = "") -> list[str]:
        """The YAML files under ``folder`` ("" for all), a folder's own files before its
        subfolders (as a walk of the folder would find them)."""
        prefix = folder.rstrip("/") + "/" if folder else ""
        return sorted((rel for rel in self.files
                       if rel.startswith(prefix) and rel.endswith(_YAML_SUFFIXES)),
                      key=_walk_order)


def _walk_order(rel: str) -> list[tuple[int, str]]:
    """Sort key: a folder's files (by name), then its subfolders (by name), as a walk."""
    parts = rel.split("/")
    return [(1, part) for part in parts[:-1]] + [(0, parts[-1])]


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
class _FolderFiles(Mapping):
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


def _read_file(path: str) -> PackageFile:
    """The bytes and executable bit of the regular file ``path`` (one open, no buffering)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise SourceError(f"cannot read file: {exc.strerror}", path,
                          kind="PackageLoadError") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # replaced since the folder was listed
            raise SourceError("not a regular file (device, pipe or socket)", path,
                              kind="PackageLoadError")
        chunks = [os.read(fd, st.st_size + 1)]
        while chunks[-1]:
            chunks.append(os.read(fd, 1 << 20))
    except OSError as exc:
        raise SourceError(f"cannot read file: {exc.strerror}", path,
                          kind="PackageLoadError") from None
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


__all__ = ["JUNK_NAMES", "JUNK_PATTERNS", "MANIFEST", "MAX_MEMBER_BYTES", "MAX_RATIO",
           "MAX_TOTAL_BYTES", "NEWEST_FORMAT", "SUPPORTED_FORMATS", "Package", "PackageFile",
           "find_package_dirs", "is_dotted_name", "is_junk", "parse_format"]
