"""muranokit.engine: a MuranoPL interpreter built on yaql 3 (see DESIGN.md, "Engine Python API").

Module map: ``loader`` (packages), ``classes`` (class model), ``statements``/``macros``
(method bodies), ``yaql_engine``/``fastpath``/``yaql_functions`` (expressions), ``contracts``,
``objects``, ``model_io``, ``executor``, ``scheduler``, ``native``, ``runtime``.
"""

import collections.abc  # noqa: F401  (yaql 3.2 needs it before `import yaql`)

from .exceptions import MuranoPlError, StackFrame

__all__ = ["Runtime", "MuranoPlError", "StackFrame", "Limits"]


def __getattr__(name: str):
    """``Runtime`` and ``Limits`` import the interpreter (and yaql) on first use, so that
    importing a low floor such as ``muranokit.engine.files`` stays cheap."""
    if name in ("Runtime", "Limits"):
        from . import runtime
        return getattr(runtime, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
