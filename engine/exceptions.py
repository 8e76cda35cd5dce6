"""MuranoPL errors as Python sees them, plus the engine's internal control-flow signals.

A :class:`MuranoPlError` carries the MuranoPL exception type name, every name given to a
``Throw``, the message, ``extra`` data and the MuranoPL stack (outermost frame first, the frame
that raised last, as in a Python traceback). Where it happened is structured: ``file``,
``line`` and ``column`` of the innermost located frame, and for an error about an object
model, ``model_path`` (``Objects.applications[0].port``), ``object_id`` and ``property_name``.
"""

from __future__ import annotations

from typing import Any


class StackFrame:
    """One MuranoPL (or Python-function) frame of a stack trace."""

    __slots__ = ("file", "line", "column", "method", "type")

    def __init__(self, file: str | None, line: int | None, column: int | None,
                 method: str | None, type: str | None) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.method = method
        self.type = type

    @property
    def location(self) -> str:
        """``file:line`` (or ``<python>`` for a Python function frame)."""
        if self.file is None:
            return "<python>"
        return f"{self.file}:{self.line}"

    def as_dict(self) -> dict:
        """The frame as a plain dict (reports write the stack of an error with it)."""
        return {"file": self.file, "line": self.line, "column": self.column,
                "method": self.method, "type": self.type}

    def __repr__(self) -> str:
        return f"<StackFrame {self.location} {self.type}.{self.method}>"

    def __str__(self) -> str:
        return f"{self.location} in {self.type}.{self.method}"


class MuranoPlError(Exception):
    """A MuranoPL exception (thrown by MuranoPL code, by the engine, or a wrapped Python error)."""

    def __init__(self, type_name: str, message: str, extra: Any = None,
                 stack: list[StackFrame] | None = None, names: list[str] | None = None,
                 cause: MuranoPlError | None = None) -> None:
        self.type_name = type_name
        self.names = list(names) if names else [type_name]
        self.message = message
        self.extra = extra if extra is not None else {}
        self.stack = list(stack or [])
        self.cause = cause
        self.model_path: str | None = None      # where in an object model, when about one
        self.object_id: str | None = None       # the object whose property value failed
        self.property_name: str | None = None   # ... and that property
        super().__init__(f"[{', '.join(self.names)}]: {message}")

    def _located(self) -> StackFrame | None:
        for frame in reversed(self.stack):
            if frame.file:
                return frame
        return None

    @property
    def file(self) -> str | None:
        """File of the innermost frame that has a position (for CLI messages)."""
        frame = self._located()
        return frame.file if frame is not None else None

    @property
    def line(self) -> int | None:
        """Line of the innermost frame that has a position."""
        frame = self._located()
        return frame.line if frame is not None else None

    @property
    def column(self) -> int | None:
        """Column of the innermost frame that has a position."""
        frame = self._located()
        return frame.column if frame is not None else None

    def format(self) -> str:
        """Multi-line text: names, message and the MuranoPL traceback (and causes)."""
        lines = [f"{self.type_name}: {self.message}", "Traceback (most recent call last):"]
        lines += [f"  {frame}" for frame in self.stack]
        text = "\n".join(lines)
        if self.cause is not None:
            text += "\nCaused by " + self.cause.format()
        return text


def python_error(exc: BaseException) -> BaseException:
    """The Python exception behind ``exc``: yaql wraps a ``StopIteration`` raised in one of
    its functions into its own ``WrappedException``; MuranoPL sees the original."""
    while type(exc).__name__ == "WrappedException" and \
            type(exc).__module__.startswith("yaql") and getattr(exc, "wrapped", None):
        exc = exc.wrapped
    return exc


def python_error_name(exc: BaseException) -> str:
    """The name MuranoPL gives a Python exception, as upstream: a builtin by its class name
    (``KeyError``, ``StopIteration``), any other as ``module.Class``."""
    kind = type(exc)
    if kind.__module__ == "builtins":
        return kind.__name__
    return f"{kind.__module__}.{kind.__qualname__}"


ENGINE_ERROR_PARENTS = {
    "PropertyReadError": "PropertyAccessError",
    "PropertyWriteError": "PropertyAccessError",
    "NoWriteAccessError": "PropertyAccessError",
    "UninitializedPropertyAccessError": "PropertyAccessError",
    "AmbiguousPropertyNameError": "PropertyAccessError",
}
"""Engine error types whose upstream class derives from another (Catch With matches both)."""


ENGINE_ERROR_ALIASES = {
    "NoMatchingMethodException": "yaql.language.exceptions.NoMatchingMethodException",
}
"""Engine errors that upstream raises as yaql's exceptions: arguments that fit no method
are found by yaql's overload resolution there."""


def engine_error_names(type_name: str) -> list[str]:
    """Every name an engine-raised error of ``type_name`` answers to in ``Catch: With``."""
    names = []
    current: str | None = type_name
    while current:
        names += [current, "murano.dsl.exceptions." + current]
        current = ENGINE_ERROR_PARENTS.get(current)
    if type_name in ENGINE_ERROR_ALIASES:
        names.append(ENGINE_ERROR_ALIASES[type_name])
    return names


class ActionError(Exception):
    """An action that cannot be run: no such object, no such method, or not an action.
    ``actions`` lists what can be run instead."""

    def __init__(self, message: str, actions: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.actions = list(actions or [])


class EngineFault(Exception):
    """An engine-raised error not yet positioned; executor turns it into MuranoPlError."""

    def __init__(self, type_name: str, message: str, extra: Any = None) -> None:
        super().__init__(message)
        self.type_name = type_name
        self.message = message
        self.extra = extra


class FlowSignal(Exception):
    """Base of Return/Break/Continue (never visible outside the executor)."""


class ReturnSignal(FlowSignal):
    def __init__(self, value: Any) -> None:
        super().__init__()
        self.value = value


class BreakSignal(FlowSignal):
    pass


class ContinueSignal(FlowSignal):
    pass
