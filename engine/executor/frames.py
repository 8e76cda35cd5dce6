"""Frames: one activation of a MuranoPL method (or of a Python function called from it).

The chain of frames is the MuranoPL stack, used in error reports and for the call depth
limit; a frame also holds the method's yaql context (``ctx``), where its variables live.
"""

from __future__ import annotations

from typing import Any

from ..model.classes import MethodSpec, MuranoClass


class Frame:
    """One activation of a MuranoPL method (or of a Python function called from MuranoPL)."""

    __slots__ = ("runtime", "method", "cls", "this", "caller", "depth", "ctx", "scope",
                 "line", "column", "file", "name", "runtime_base", "privileged")

    def __init__(self, runtime: Any, method: MethodSpec | None, cls: MuranoClass | None,
                 this: Any, caller: Frame | None, file: str | None, name: str | None) -> None:
        self.runtime = runtime
        self.method = method
        self.cls = cls
        self.this = this
        self.caller = caller
        self.depth = caller.depth + 1 if caller is not None else 0
        # code run for an .init (and whatever it calls) may write any declared property,
        # as upstream's allowPropertyWrites context flag
        self.privileged = caller.privileged if caller is not None else False
        self.ctx = None
        self.scope = None
        self.line = None
        self.column = None
        self.file = file
        self.name = name
        self.runtime_base = None

    def branch(self) -> Frame:
        """A frame for one Parallel branch: own line tracking and context; assignments go
        to the method's variable scope, as upstream's (so branches share variables)."""
        sub = Frame(self.runtime, self.method, self.cls, self.this, self.caller, self.file,
                    self.name)
        sub.depth = self.depth
        sub.privileged = self.privileged
        sub.line, sub.column = self.line, self.column
        sub.ctx = self.ctx.create_child_context()
        sub.ctx["#f"] = sub
        sub.scope = self.scope
        sub.runtime_base = self.runtime_base
        return sub

    def __repr__(self) -> str:
        return f"<Frame {self.cls.name if self.cls else '?'}.{self.name} {self.file}:{self.line}>"
