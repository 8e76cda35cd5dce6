"""The guards a runtime enforces on MuranoPL code."""

from __future__ import annotations


class Limits:
    """Configurable guards: MuranoPL call depth and iterations of one loop."""

    def __init__(self, max_depth: int = 200, max_iterations: int = 100_000) -> None:
        self.max_depth = max_depth
        self.max_iterations = max_iterations
