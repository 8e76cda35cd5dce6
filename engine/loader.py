"""Opening packages for the engine: folders, zips, folders of class files, or
:class:`~.files.package.Package` objects already open.

The engine runs packages as upstream Murano loads them: a manifest with a FullName and a
supported Format; class files read when one of their classes is first looked up (unless
``eager`` asks for every file at once, so that a broken class file is reported when the
package opens). :class:`ClassDocuments` tells which document of which file defines each
class. Problems become :class:`~.exceptions.MuranoPlError` with upstream's exception
names (PackageLoadError, PackageFormatError, NoClassFound, DslSyntaxError) and the file,
line and column.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any

from .exceptions import MuranoPlError, StackFrame
from .files.errors import SourceError
from .files.located_yaml import position
from .files.package import MANIFEST, SUPPORTED_FORMATS, Package, parse_format
from .syntax.documents import class_documents, file_classes
from .syntax.names import NamespaceResolver


def load_error(error: SourceError) -> MuranoPlError:
    """The MuranoPL exception for a package source that cannot be used."""
    frame = StackFrame(error.path, error.line, error.column, None, None)
    return MuranoPlError(error.kind, error.message, stack=[frame])


def open_package(source: str | os.PathLike | Package, default_format: str | None = None,
                 eager: bool = True) -> Package:
    """A usable package from a path or a Package, its :attr:`~Package.documents` set
    (``default_format``: the Format of a folder of class files opened here; ``eager``
    False: class files parsed on first use)."""
    try:
        package = source if isinstance(source, Package) else _open(os.fspath(source),
                                                                     default_format)
        _check_manifest(package)
        if package.documents is None:
            documents = ClassDocuments(package)
            if package.manifest is None:   # a folder of class files: every file, now
                documents.index("")
            package.documents = documents
        if eager:
            package.documents.load_all()
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


class ClassDocuments(Mapping):
    """Class full name -> (YAML document, file path) of a package, read lazily.

    The names are the manifest's ``Classes`` keys plus every class found in a file already
    read; looking one up reads (once) the file the manifest maps it to. Upstream names
    classes by the manifest: a one-class file whose own Namespaces/Name disagree still
    defines the class the manifest maps to it. :meth:`index` adds every class of every
    YAML file under a folder (folders of class files, the core library).
    """

    def __init__(self, package: Package) -> None:
        self._package = package
        self._files = {name: "Classes/" + rel for name, rel in package.classes.items()}
        self._docs: dict[str, tuple[Any, str]] = {}
        self._read_files: set[str] = set()
        self._missing: dict[str, str] = {}   # manifest key -> the file that lacks it

    def _manifest_error(self, message: str, name: str, kind: str) -> SourceError:
        line, column = position(self._package.manifest.get("Classes"), name)
        return SourceError(message, self._package.display_path(MANIFEST), line, column,
                           kind=kind)

    def _classes_of(self, rel: str) -> list[tuple[str, Any]]:
        """(full name, document) of every class of the member ``rel`` (a document read with
        the Namespaces of a header is given them; the parse is the process's shared one). A
        file that does not load is not marked read: asking again raises its error again."""
        path = self._package.display_path(rel)
        found = []
        for doc, namespaces in class_documents(self._package.class_documents(rel)):
            if isinstance(doc, dict) and "Namespaces" not in doc and namespaces is not None:
                doc["Namespaces"] = namespaces
            found.append((_class_name(doc, path), doc))
        self._read_files.add(rel)
        return found

    def _load_file(self, rel: str) -> None:
        if rel in self._read_files:
            return
        names = [n for n, r in self._files.items() if r == rel]
        if not self._package.exists(rel):
            self._read_files.add(rel)
            raise self._manifest_error(f"class file for {names[0]} not found: {rel}",
                                       names[0], "PackageLoadError")
        defined, missing = file_classes(names, self._classes_of(rel))
        path = self._package.display_path(rel)
        for name, doc in defined.items():
            self._docs[name] = (doc, path)
        for name in missing:
            self._missing[name] = rel

    def _missing_error(self, name: str) -> SourceError:
        return self._manifest_error(f"class {name} is not defined in {self._missing[name]}",
                                    name, "NoClassFound")

    def load_all(self) -> None:
        """Read every class file the manifest names now (errors surface here)."""
        for rel in dict.fromkeys(self._files.values()):
            self._load_file(rel)
        for name in self._missing:
            raise self._missing_error(name)

    def index(self, folder: str, errors: list[SourceError] | None = None) -> None:
        """Add the classes of every YAML file under ``folder`` ("" for the whole package).
        A file that does not load raises, or is appended to ``errors`` when a list is
        given; in a folder of class files a class defined twice is an error."""
        for rel in self._package.yaml_members(folder):
            path = self._package.display_path(rel)
            try:
                docs = self._classes_of(rel)
            except SourceError as exc:
                if errors is None:
                    raise
                errors.append(exc)
                continue
            for name, doc in docs:
                if name in self._docs and self._package.manifest is None:
                    raise SourceError(f"class {name} is defined twice", path,
                                      getattr(doc, "line", 1), 1)
                self._docs[name] = (doc, path)

    def __contains__(self, name: object) -> bool:
        return name in self._docs or name in self._files

    def __getitem__(self, name: str) -> tuple[Any, str]:
        found = self._docs.get(name)
        if found is None:
            rel = self._files.get(name)
            if rel is None:
                raise KeyError(name)
            self._load_file(rel)
            if name in self._missing:
                raise self._missing_error(name)
            found = self._docs[name]
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(list(dict.fromkeys([*self._files, *self._docs])))

    def __len__(self) -> int:
        return len(set(self._files) | set(self._docs))


def _class_name(doc: Any, path: str) -> str:
    if not isinstance(doc, dict) or not isinstance(doc.get("Name"), str):
        raise SourceError("class document has no Name", path, getattr(doc, "line", 1),
                          getattr(doc, "column", 1))
    namespaces = doc.get("Namespaces")
    if namespaces is not None and not isinstance(namespaces, dict):
        line, column = position(doc, "Namespaces")
        raise SourceError("Namespaces must be a mapping of prefix: namespace", path, line,
                          column)
    try:
        return NamespaceResolver(namespaces).resolve(doc["Name"])
    except KeyError as exc:
        line, column = position(doc, "Name")
        raise SourceError(str(exc.args[0]), path, line, column) from None
