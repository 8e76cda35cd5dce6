"""A one-line progress display on a terminal (nothing when not a tty or when quiet)."""

from __future__ import annotations

import sys
from typing import TextIO


class Progress:
    """``step(i, label)`` redraws ``[i/total] label`` in place; ``done()`` clears it."""

    def __init__(self, total: int, quiet: bool = False, stream: TextIO | None = None) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.enabled = not quiet and total > 1 and self.stream.isatty()
        self._width = 0

    def step(self, index: int, label: str) -> None:
        """Show that item ``index`` (0-based) is being worked on."""
        if not self.enabled:
            return
        text = f"[{index + 1}/{self.total}] {label}"[:120]
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)

    def done(self) -> None:
        """Erase the progress line."""
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0
