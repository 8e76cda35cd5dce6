"""The one JSON reader of input (object models, state files, action arguments, Resources).

:func:`load_json` parses with the standard library and refuses, with a
:class:`~muranokit.engine.files.errors.SourceError` naming the line and column: text that
is not JSON, and nesting deeper than :data:`MAX_DEPTH` levels (the parser and every
walker after it recurse once per level; an object model is a few tens of levels deep, a
hostile one a hundred thousand).
"""

from __future__ import annotations

import json
import re
from typing import Any

from .errors import SourceError

#: Deepest nesting of arrays and objects accepted (real object models and saved clouds
#: stay under 30).
MAX_DEPTH = 100

# A JSON string (escapes included) or one bracket: what the depth count looks at.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class JsonNestingError(SourceError):
    """JSON nested deeper than the reader accepts (a SourceError like any other)."""


def _too_deep(text: str, max_depth: int) -> int | None:
    """Offset of the first bracket past ``max_depth`` levels, None when none is."""
    if text.count("[") + text.count("{") <= max_depth:
        return None  # cannot be deeper than the brackets it has
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > max_depth:
                return match.start()
        elif token in "]}":
            depth -= 1
    return None


def _place(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def load_json(data: str | bytes, path: str | None = None, *,
              max_depth: int = MAX_DEPTH) -> Any:
    """The value of the JSON text ``data``; SourceError for bad or too deeply nested
    text (``path`` only names the source in messages)."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n") + 1
            raise SourceError(f"not UTF-8 text: {exc.reason}", path, line) from None
    offset = _too_deep(data, max_depth)
    if offset is not None:
        line, column = _place(data, offset)
        raise JsonNestingError(f"JSON nested deeper than {max_depth} levels", path, line,
                               column)
    try:
        return json.loads(data)
    except json.JSONDecodeError as exc:
        raise SourceError(f"invalid JSON: {exc.msg} (column {exc.colno})", path, exc.lineno,
                          exc.colno) from None
    except RecursionError:  # pragma: no cover - the depth is checked first
        raise JsonNestingError("JSON nested too deeply", path) from None


__all__ = ["MAX_DEPTH", "JsonNestingError", "load_json"]
