"""A loaded package as the engine sees it: name, version, Format and its files."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Package:
    """A loaded package: name, version, Format and access to its files."""

    def __init__(self, name: str, version: str, fmt: tuple[int, int], source: str,
                 reader: Callable[[str], bytes], exists: Callable[[str], bool],
                 class_files: dict[str, str] | None = None, requirements: dict | None = None,
                 meta: dict | None = None) -> None:
        self.name = name
        self.version = version
        self.format = fmt
        self.source = source
        self._read = reader
        self._exists = exists
        self.class_files = class_files or {}
        self.requirements = requirements or {}
        self.meta = meta or {}
        # class FQN -> (doc, file label); a loader.ClassDocuments for manifest packages
        self.documents: Any = {}

    @property
    def format_string(self) -> str:
        return f"{self.format[0]}.{self.format[1]}"

    def read_file(self, relpath: str) -> bytes:
        return self._read(relpath)

    def read_resource(self, relpath: str) -> bytes:
        """Bytes of ``Resources/<relpath>``; FileNotFoundError if missing."""
        return self._read("Resources/" + relpath.lstrip("/"))

    def resource_exists(self, relpath: str) -> bool:
        return self._exists("Resources/" + relpath.lstrip("/"))

    def __repr__(self) -> str:
        return f"<Package {self.name} {self.version} Format {self.format_string}>"
