"""Opening packages for the engine: folders, zips, folders of class files, or
:class:`~.files.package.Package` objects already open.

The engine runs packages as upstream Murano loads them: a manifest with a FullName and a
supported Format; class files read when one of their classes is first looked up (unless
``eager`` asks for every file at once, so that a broken class file is reported when the
package opens). Problems become :class:`~.exceptions.MuranoPlError` with upstream's
exception names (PackageLoadError, PackageFormatError, NoClassFound, DslSyntaxError) and
the file, line and column.
"""

from __future__ import annotations

import os
from typing import Any

from .exceptions import MuranoPlError, StackFrame
from .files.errors import SourceError
from .files.located_yaml import position
from .files.package import MANIFEST, SUPPORTED_FORMATS, Package, parse_format


def load_error(error: SourceError) -> MuranoPlError:
    """The MuranoPL exception for a package source that cannot be used."""
    frame = StackFrame(error.path, error.line, error.column, None, None)
    return MuranoPlError(error.kind, error.message, stack=[frame])


def open_package(source: str | os.PathLike | Package, default_format: str | None = None,
                 eager: bool = True) -> Package:
    """A usable package from a path or a Package (``default_format``: the Format of a
    folder of class files opened here; ``eager`` False: class files parsed on first use)."""
    try:
        package = source if isinstance(source, Package) else _open(os.fspath(source),
                                                                     default_format)
        _check_manifest(package)
        documents = package.documents   # a folder of class files is read here
        if eager:
            documents.load_all()
    except SourceError as exc:
        raise load_error(exc) from None
    return package


def class_document(package: Package, name: str) -> tuple[Any, str]:
    """(class document, file path) of the class ``name`` of ``package``, its file read now
    if needed (MuranoPlError when it does not load)."""
    try:
        return package.documents[name]
    except SourceError as exc:
        raise load_error(exc) from None


def _open(path: str, default_format: str | None) -> Package:
    fmt = None
    if default_format:
        fmt = parse_format(default_format)
        if fmt not in SUPPORTED_FORMATS:
            raise SourceError(f"unsupported package Format {default_format!r}", path,
                              kind="PackageFormatError")
    return Package.open(path, default_format=fmt)


def _check_manifest(package: Package) -> None:
    """Refuse a manifest the engine cannot run: no FullName, an unsupported Format,
    Classes that are not a mapping."""
    manifest = package.manifest
    if manifest is None:
        return
    path = package.display_path(MANIFEST)
    if package.full_name is None:
        raise SourceError("manifest has no FullName", path, *position(manifest, "FullName"),
                          kind="PackageLoadError")
    if package.format not in SUPPORTED_FORMATS:
        raise SourceError(f"unsupported package Format {manifest.get('Format')!r}", path,
                          *position(manifest, "Format"), kind="PackageFormatError")
    classes = manifest.get("Classes")
    if classes is not None and not isinstance(classes, dict):
        raise SourceError("Classes must be a mapping", path, *position(manifest, "Classes"),
                          kind="PackageLoadError")
