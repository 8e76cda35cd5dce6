"""The one error type of reading package sources: a file, a place in it and what is wrong."""

from __future__ import annotations


class SourceError(Exception):
    """A file (YAML, package member, zip) that cannot be used as it is.

    ``path`` names the file (``<zip>/<member>`` inside a zip), ``line`` and ``column`` are
    1-based (None when the problem is about the whole file). ``kind`` is the name of the
    upstream Murano exception the engine raises for it (``DslSyntaxError`` for a file that
    does not parse, ``PackageLoadError``, ``PackageFormatError``, ``NoClassFound``); the
    tools only print the message.
    """

    def __init__(self, message: str, path: str | None = None, line: int | None = None,
                 column: int | None = None, *, kind: str = "DslSyntaxError") -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.kind = kind

    def __str__(self) -> str:
        if not self.path:
            return self.message
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"
