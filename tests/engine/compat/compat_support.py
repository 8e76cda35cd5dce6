"""Helpers of the spec-derived MuranoPL compatibility suite.

Every test builds a ``Runtime`` over one (or a few) fixture folders under
``fixtures/``; MuranoPL code reports what it does through the ``trace``
function, which appends to a list the test then checks.
"""

from __future__ import annotations

import collections.abc  # noqa: F401  (yaql 3 needs it imported first)
import pathlib
from typing import Any

FIXTURES = pathlib.Path(__file__).parent / "fixtures"


def fixture_path(*parts: str) -> str:
    """Absolute path of a fixture folder or file."""
    return str(FIXTURES.joinpath(*parts))


def line_of(relative_file: str, marker: str) -> int:
    """1-based line number of the only fixture line containing ``marker``."""
    lines = (FIXTURES / relative_file).read_text().splitlines()
    hits = [n for n, text in enumerate(lines, 1) if marker in text]
    assert len(hits) == 1, f"marker {marker!r} found {len(hits)} times in {relative_file}"
    return hits[0]


def frame_value(frame: Any, name: str) -> Any:
    """A stack frame field, whether frames are objects or dicts."""
    if isinstance(frame, dict):
        return frame.get(name)
    return getattr(frame, name, None)


def murano_frames(error: Any) -> list[tuple[str | None, int | None, str | None, str | None]]:
    """(file basename, line, method, type) of each frame of a MuranoPlError."""
    result = []
    for frame in error.stack:
        file = frame_value(frame, "file")
        owner = frame_value(frame, "type")
        if owner is not None and not isinstance(owner, str):
            owner = getattr(owner, "name", owner)
        result.append((
            pathlib.Path(file).name if file else None,
            frame_value(frame, "line"),
            frame_value(frame, "method"),
            owner,
        ))
    return result


class Harness:
    """A Runtime over fixture folders plus the list ``trace()`` appends to."""

    def __init__(self, *folders: str, functions: dict | None = None, **kwargs: Any) -> None:
        from muranokit.engine import Runtime

        self.traces: list[Any] = []
        funcs = {"trace": self.traces.append}
        funcs.update(functions or {})
        self.rt = Runtime([fixture_path(f) for f in folders], functions=funcs, **kwargs)

    def new(self, type_name: str, **props: Any) -> Any:
        return self.rt.new(type_name, **props)

    def call(self, target: Any, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.rt.call(target, method, *args, **kwargs)

    def run(self, type_name: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """Create a fresh ``type_name`` object and call ``method`` on it."""
        return self.rt.call(self.rt.new(type_name), method, *args, **kwargs)
