"""Loading packages: package folders, package zips and manifest-less folders of class files.

:func:`open_package` returns a :class:`~.classes.Package` whose ``documents`` map every class
full name to its YAML document; classes themselves are built lazily by the runtime. In a
package with a manifest, a class file is read and parsed when one of its classes is first
looked up (as upstream Murano does), unless ``eager`` asks for every file at once (so that a
broken class file is reported when the package opens).
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterator, Mapping
from typing import Any

import yaml

from . import yaml_source
from .model.classes import syntax_error
from .model.package import Package
from .syntax.documents import class_documents
from .syntax.names import NamespaceResolver

NEWEST_FORMAT = (1, 4)
SUPPORTED_FORMATS = {(1, 0), (1, 1), (1, 2), (1, 3), (1, 4)}
_FORMAT_RE = re.compile(r"^(?:MuranoPL/)?(\d+)(?:\.(\d+))?(?:\.\d+)?$")


def parse_format(value: Any, where: str) -> tuple[int, int]:
    """``1.3``, ``"MuranoPL/1.3"``, ``1`` -> (1, 3)."""
    if value is None:
        return (1, 0)
    text = f"{value:.1f}" if isinstance(value, float) else str(value).strip()
    match = _FORMAT_RE.match(text)
    if not match:
        raise syntax_error(f"unsupported package Format {value!r}", where, (1, 1),
                           type_name="PackageFormatError")
    fmt = (int(match.group(1)), int(match.group(2) or 0))
    if fmt not in SUPPORTED_FORMATS:
        raise syntax_error(f"unsupported package Format {text}", where, (1, 1),
                           type_name="PackageFormatError")
    return fmt


def _folder_access(root: str):
    def read(rel: str) -> bytes:
        with open(os.path.join(root, rel), "rb") as fh:
            return fh.read()

    def exists(rel: str) -> bool:
        return os.path.isfile(os.path.join(root, rel))
    return read, exists


def _zip_access(path: str):
    with zipfile.ZipFile(path) as zf:
        contents = {name: zf.read(name) for name in zf.namelist() if not name.endswith("/")}

    def read(rel: str) -> bytes:
        try:
            return contents[rel]
        except KeyError:
            raise FileNotFoundError(f"{path}!{rel}") from None

    def exists(rel: str) -> bool:
        return rel in contents
    return read, exists


def _load_yaml_docs(data: bytes, label: str) -> list:
    """The class documents of a file. A document without Name that only declares
    Namespaces is a header: it and every class document after it that has no Namespaces
    of its own share those namespaces; empty documents are skipped."""
    try:
        docs = yaml_source.load_all(data)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        pos = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise syntax_error(f"YAML error: {getattr(exc, 'problem', exc)}", label, pos) from None
    result = []
    for doc, namespaces in class_documents(docs):
        if isinstance(doc, dict) and "Namespaces" not in doc and namespaces is not None:
            doc["Namespaces"] = namespaces
        result.append(doc)
    return result


def _class_name(doc: Any, label: str) -> str:
    if not isinstance(doc, dict) or not isinstance(doc.get("Name"), str):
        raise syntax_error("class document has no Name", label,
                           (getattr(doc, "line", 1), getattr(doc, "column", 1)))
    try:
        return NamespaceResolver(doc.get("Namespaces")).resolve(doc["Name"])
    except KeyError as exc:
        raise syntax_error(str(exc.args[0]), label, yaml_source.position(doc, "Name")) from None


def open_package(path: str, default_format: str | None = None, eager: bool = True) -> Package:
    """A package from a folder with manifest.yaml, a zip, or a folder of class files
    (``eager`` False: a manifest package's class files are parsed on first use)."""
    label_root = path.rstrip("/")
    if os.path.isfile(path) and zipfile.is_zipfile(path):
        read, exists = _zip_access(path)
    elif os.path.isdir(path):
        read, exists = _folder_access(path)
    else:
        raise syntax_error(f"not a package folder or zip: {path}", path, None,
                           type_name="PackageLoadError")
    if exists("manifest.yaml"):
        return _manifest_package(label_root, read, exists, eager)
    if os.path.isdir(path):
        return _classes_folder(label_root, read, exists, default_format)
    raise syntax_error("Unable to find package manifest", path + "!manifest.yaml", None,
                       type_name="PackageLoadError")


def _manifest_package(root: str, read, exists, eager: bool = True) -> Package:
    label = os.path.join(root, "manifest.yaml")
    manifest = _load_yaml_docs(read("manifest.yaml"), label)
    manifest = manifest[0] if manifest else None
    if not isinstance(manifest, dict):
        raise syntax_error("manifest must be a mapping", label, (1, 1),
                           type_name="PackageLoadError")
    fqn = manifest.get("FullName")
    if not isinstance(fqn, str):
        raise syntax_error("manifest has no FullName", label, (1, 1),
                           type_name="PackageLoadError")
    fmt = parse_format(manifest.get("Format"), label)
    classes = manifest.get("Classes") or {}
    if not isinstance(classes, dict):
        raise syntax_error("Classes must be a mapping", label,
                           yaml_source.position(manifest, "Classes"),
                           type_name="PackageLoadError")
    pkg = Package(fqn, str(manifest.get("Version", "0.0.0")), fmt, root, read, exists,
                  {str(k): str(v) for k, v in classes.items()}, manifest.get("Require") or {},
                  manifest)
    documents = ClassDocuments(root, read, pkg.class_files, label, classes)
    if eager:
        documents.load_all()
    pkg.documents = documents
    return pkg


class ClassDocuments(Mapping):
    """Class full name -> (YAML document, file label) of a manifest package, read lazily.

    The names are the manifest's ``Classes`` keys plus every class found in a file already
    read; looking one up reads (once) the file the manifest maps it to. Upstream names
    classes by the manifest: a one-class file whose own Namespaces/Name disagree still
    defines the class the manifest maps to it.
    """

    def __init__(self, root: str, read, class_files: dict[str, str], label: str,
                 classes: Any) -> None:
        self._root = root
        self._read = read
        self._class_files = class_files
        self._label = label
        self._classes = classes          # the manifest mapping (positions for errors)
        self._docs: dict[str, tuple[Any, str]] = {}
        self._read_files: set[str] = set()

    def _load_file(self, rel: str) -> None:
        if rel in self._read_files:
            return
        self._read_files.add(rel)
        names = [n for n, r in self._class_files.items() if r == rel]
        file_label = os.path.join(self._root, "Classes", rel)
        try:
            data = self._read("Classes/" + rel)
        except (FileNotFoundError, KeyError):
            raise syntax_error(f"class file for {names[0]} not found: Classes/{rel}",
                               self._label, yaml_source.position(self._classes, names[0]),
                               type_name="PackageLoadError") from None
        docs = [(_class_name(doc, file_label), doc) for doc in _load_yaml_docs(data, file_label)]
        for name, doc in docs:
            self._docs[name] = (doc, file_label)
        for name in names:
            if name not in self._docs and len(docs) == 1:
                self._docs[name] = (docs[0][1], file_label)
            if name not in self._docs:
                raise syntax_error(f"class {name} is not defined in Classes/{rel}",
                                   self._label, yaml_source.position(self._classes, name),
                                   type_name="NoClassFound")

    def load_all(self) -> None:
        """Read every class file now (errors surface here)."""
        for rel in dict.fromkeys(self._class_files.values()):
            self._load_file(rel)

    def __contains__(self, name: object) -> bool:
        return name in self._docs or name in self._class_files

    def __getitem__(self, name: str) -> tuple[Any, str]:
        found = self._docs.get(name)
        if found is None:
            rel = self._class_files.get(name)
            if rel is None:
                raise KeyError(name)
            self._load_file(rel)
            found = self._docs[name]
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(list(dict.fromkeys([*self._class_files, *self._docs])))

    def __len__(self) -> int:
        return len(set(self._class_files) | set(self._docs))


def _classes_folder(root: str, read, exists, default_format: str | None) -> Package:
    fmt = parse_format(default_format, root) if default_format else NEWEST_FORMAT
    pkg = Package(os.path.basename(os.path.abspath(root)), "0.0.0", fmt, root, read, exists)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for fname in sorted(filenames):
            if not fname.endswith((".yaml", ".yml")):
                continue
            full = os.path.join(dirpath, fname)
            rel = os.path.relpath(full, root)
            with open(full, "rb") as fh:
                data = fh.read()
            for doc in _load_yaml_docs(data, full):
                name = _class_name(doc, full)
                if name in pkg.documents:
                    raise syntax_error(f"class {name} is defined twice", full,
                                       (getattr(doc, "line", 1), 1), type_name="DslSyntaxError")
                pkg.documents[name] = (doc, full)
                pkg.class_files[name] = rel
    return pkg
