"""A Murano package, from a folder or a zip alike: members, manifest, classes, resources, form.

:meth:`Package.open` lists a package's members once (:mod:`.members`: junk left out,
unsafe members refused, zip bombs stopped). Each member is read once (a zip's when the
package opens, a folder's when first asked for, or all at once with
:meth:`Package.read_all`), so the validator, the zip writer, the forms reader and the
engine share one reading; YAML members are parsed by the one located loader when asked for
(the caller keeps what it needs: holding every parsed tree of every package would cost a
build more than parsing a file twice).

A folder without ``manifest.yaml`` is a folder of class files: every YAML file in it is a
class file, the package is named after the folder and runs as the newest Format (or the
``default_format`` it was opened with). Which class each document defines is the engine's
business (``muranokit.engine.loader`` fills :attr:`Package.documents`).

Problems raise :class:`~muranokit.engine.files.errors.SourceError`.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Mapping
from typing import Any

from .errors import SourceError
from .located_yaml import load_located, single_document
from .members import FolderFiles, PackageFile, is_junk, read_zip
from .reading import check_regular_file

MANIFEST = "manifest.yaml"
NEWEST_FORMAT = (1, 4)
SUPPORTED_FORMATS = frozenset({(1, 0), (1, 1), (1, 2), (1, 3), (1, 4)})

_FQN_RE = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$")
_FORMAT_RE = re.compile(r"^(?:MuranoPL/)?(\d+)(?:\.(\d+))?(?:\.\d+)?$")
_YAML_SUFFIXES = (".yaml", ".yml")
_DRIVE_RE = re.compile(r"^[A-Za-z]:")
RESOURCES = "Resources"


def contained_path(folder: str, name: Any) -> str | None:
    """``folder/name`` normalised, or None when ``name`` may not be read from there: not
    a string, empty, an absolute path (``/x``, ``\\x``, ``C:x``) or one whose ``..`` lead
    outside ``folder``. The one check of the file names that plans, templates and
    Resources calls give (a package reads only its own files)."""
    if not isinstance(name, str) or not name.strip():
        return None
    text = name.replace("\\", "/")
    if text.startswith("/") or _DRIVE_RE.match(text):
        return None
    base = folder.strip("/")
    member = posixpath.normpath(f"{base}/{text}")
    return member if member.startswith(base + "/") else None


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
        #: class full name -> (class document, file path), filled by the engine's loader
        self.documents: Mapping[str, tuple[Any, str]] | None = None

    @classmethod
    def open(cls, path: str, *, default_format: tuple[int, int] | None = None) -> Package:
        """The package folder or zip at ``path`` (a folder may hold class files only)."""
        if os.path.isdir(path):
            files: Mapping[str, PackageFile] = FolderFiles(path)
            is_zip = False
        elif os.path.isfile(path):
            files = read_zip(path)
            is_zip = True
        elif os.path.lexists(path):
            check_regular_file(path, what="this package")   # names a pipe, a device, ...
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
        """Read every member now (a member that cannot be read raises here); ``files``
        is then a plain dict."""
        files = self.files
        self.files = {rel: files[rel] for rel in files}
        return self

    # --- Resources ------------------------------------------------------------------
    @staticmethod
    def resource_member(name: str) -> str | None:
        """The member path of ``Resources/<name>``; None when ``name`` is absolute or
        leads outside ``Resources/`` (see :func:`contained_path`)."""
        return contained_path(RESOURCES, name)

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
    def yaml(self, rel: str, *, allow_empty: bool = True) -> Any:
        """The single YAML document of the member ``rel`` (located; SourceError)."""
        path = self.display_path(rel)
        return single_document(load_located(self.read(rel), path), path,
                               allow_empty=allow_empty)

    def yaml_documents(self, rel: str) -> list[Any]:
        """Every YAML document of the member ``rel`` (located; SourceError)."""
        return [document for _, document in load_located(self.read(rel),
                                                          self.display_path(rel))]

    def class_documents(self, rel: str) -> list[Any]:
        """Every YAML document of the class file ``rel``, from the process's one parse of
        these bytes (see :func:`_shared_parse`): read-only for the engine's class loader,
        so that a further runtime over the same class files reuses their parse and
        compiled bodies. Other readers take :meth:`yaml_documents` (a fresh parse)."""
        return [document for _, document in _shared_parse(self.read(rel),
                                                           self.display_path(rel))]

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


SHARED_PARSES = 512
"""How many parsed class files the process keeps for further packages of the same bytes."""
_SHARED: dict[tuple[str, bytes], list[tuple[int, Any]]] = {}


def _shared_parse(data: bytes, path: str) -> list[tuple[int, Any]]:
    """The parse of ``data`` at ``path``, shared by every package of the process opened on
    the same bytes (a test suite makes a fresh runtime per test): documents are read, not
    changed (but for the Namespaces of the file's header that the class loader gives a
    document, the same each time). A file that does not parse raises as
    :func:`load_located` does."""
    key = (path, bytes(data) if not isinstance(data, bytes) else data)
    found = _SHARED.pop(key, None)
    if found is None:
        found = load_located(data, path)
        if len(_SHARED) >= SHARED_PARSES:
            del _SHARED[next(iter(_SHARED))]     # the least recently used
    _SHARED[key] = found
    return found


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


__all__ = ["MANIFEST", "NEWEST_FORMAT", "RESOURCES", "SUPPORTED_FORMATS", "Package",
           "PackageFile", "contained_path", "find_package_dirs", "is_dotted_name", "is_junk",
           "parse_format"]
