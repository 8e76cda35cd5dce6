"""Helpers of the upstream-shapes suite.

Each test builds a ``Runtime`` over one fixture folder under ``fixtures/``;
MuranoPL code reports progress through ``note(x)``, which appends to a list.
"""

from __future__ import annotations

import collections.abc  # noqa: F401  (yaql 3 needs it imported first)
import pathlib
from typing import Any

FIXTURES = pathlib.Path(__file__).parent / "fixtures"


class Shapes:
    """A Runtime over one fixture folder plus the events ``note()`` records."""

    def __init__(self, folder: str, **kwargs: Any) -> None:
        from muranokit.engine import Runtime

        self.notes: list[Any] = []
        self.rt = Runtime([str(FIXTURES / folder)], functions={"note": self.notes.append},
                          **kwargs)

    def run(self, type_name: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """Create a fresh ``type_name`` object and call ``method`` on it."""
        return self.rt.call(self.rt.new(type_name), method, *args, **kwargs)
