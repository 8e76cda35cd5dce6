"""The class documents of one MuranoPL file.

A file may hold several YAML documents, one class each. A document that only declares
``Namespaces`` (no ``Name``) is a header: the class documents after it that have no
``Namespaces`` of their own use those; a class document with its own ``Namespaces`` passes
them on the same way. Empty documents are skipped.
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
