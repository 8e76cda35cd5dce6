"""The class documents of one MuranoPL file.

A file may hold several YAML documents, one class each. A document that only declares
``Namespaces`` (no ``Name``) is a header: the class documents after it that have no
``Namespaces`` of their own use those; a class document with its own ``Namespaces`` passes
them on the same way. Empty documents are skipped.

Which classes a file defines (:func:`file_classes`): as upstream's loader does, every
manifest ``Classes`` key that names a one-class file is that class, whatever the file's own
``Name``/``Namespaces`` say; a file of several classes defines each under its own name, and
a key it does not define is missing.
"""

from __future__ import annotations

from typing import Any


def is_header(doc: Any) -> bool:
    """A document without ``Name`` that declares nothing but ``Namespaces``."""
    return isinstance(doc, dict) and "Name" not in doc and set(doc) <= {"Namespaces"}


def class_documents(docs: list[Any]) -> list[tuple[Any, Any]]:
    """(document, the Namespaces it is read with) for every class document of a file."""
    result = []
    namespaces = None
    for doc in docs:
        if doc is None or (isinstance(doc, dict) and not doc):
            continue
        if is_header(doc):
            namespaces = doc.get("Namespaces") or namespaces
            continue
        if isinstance(doc, dict) and "Namespaces" in doc:
            namespaces = doc["Namespaces"]
        result.append((doc, namespaces if isinstance(doc, dict) else None))
    return result


def file_classes(mapped: list[str], declared: list[tuple[str, Any]]
                 ) -> tuple[dict[str, Any], list[str]]:
    """({class name: document} a file defines, the manifest keys it does not define).
    ``mapped``: the manifest keys naming the file; ``declared``: (name, document) of its
    class documents, names as they declare them."""
    if len(declared) == 1 and mapped:
        name, doc = declared[0]
        defined = {key: doc for key in mapped}
        if name in mapped:
            defined[name] = doc
        return defined, []
    defined = dict(declared)
    return defined, [name for name in mapped if name not in defined]


def renamed_by_manifest(mapped: list[str], declared: list[tuple[str, Any]]) -> list[str]:
    """The manifest keys that name a one-class file declaring another class."""
    if len(declared) != 1:
        return []
    return [key for key in mapped if key != declared[0][0]]
