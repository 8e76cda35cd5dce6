"""muranokit.engine: a MuranoPL interpreter built on yaql 3 (see DESIGN.md, "Engine Python API").

Module map: ``loader`` (packages), ``classes`` (class model), ``statements``/``macros``
(method bodies), ``yaql_engine``/``fastpath``/``yaql_functions`` (expressions), ``contracts``,
``objects``, ``model_io``, ``executor``, ``scheduler``, ``native``, ``runtime``.
"""

import collections.abc  # noqa: F401  (yaql 3.2 needs it before `import yaql`)

from .exceptions import MuranoPlError, StackFrame
from .runtime import Limits, Runtime

__all__ = ["Runtime", "MuranoPlError", "StackFrame", "Limits"]
