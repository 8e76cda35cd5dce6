"""muranokit.engine: a MuranoPL interpreter built on yaql 3.

The public API (see ``docs/ARCHITECTURE.md`` for the floors behind it):

- :class:`Runtime` (``muranokit.engine.runtime``): load packages, load object models, make
  objects, call methods and actions, serialise; ``Limits`` for its guards;
- :class:`MuranoPlError` with :class:`StackFrame` (file, line, column, method, type) and
  :class:`ActionError` (``muranokit.engine.exceptions``);
- :mod:`muranokit.engine.events`: every kind of trace event and the secret ``Masker``;
- :mod:`muranokit.engine.native`: ``native_class`` and ``NativeThrow`` for Python-backed
  MuranoPL classes;
- :mod:`muranokit.engine.corelib.cloud`: the cloud backend interface (``CloudBackend``), the
  simulated ``Cloud`` and its rules files (``load_rules``);
- :mod:`muranokit.engine.syntax`: MuranoPL syntax (grammar, expression rule, class schema),
  shared with the validator.
- :mod:`muranokit.engine.files`: reading package sources (the one YAML loader, ``Package``
  for folders and zips) and writing files atomically (``atomic_write``).

Names are imported on first use, so that importing a submodule (the syntax for ``validate``)
does not load the whole interpreter.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "Runtime": "runtime", "Limits": "limits", "MuranoPlError": "exceptions",
    "StackFrame": "exceptions", "ActionError": "exceptions", "BUDGET_ERRORS": "limits",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
