"""The root yaql contexts MuranoPL runs under, with Murano's functions registered.

Two flavours exist, as in Murano: *legacy* (packages of Format 1.0 and 1.1: yaql's legacy
function library, dicts iterable) and *current* (Format >= 1.2). Each root context is built
once per process; a runtime adds the functions of a Format and its own Python functions on
a child of it (:func:`package_context`).
"""

from __future__ import annotations

import collections.abc  # noqa: F401  (yaql 3.2 needs it imported first)
from collections.abc import Callable, Iterable
from typing import Any

import yaql
from yaql import legacy as yaql_legacy
from yaql.language import conventions, specs

from ..expressions.calls import frame_of
from ..model.objects import to_python
from ..values import freeze
from . import data, dump, objects, reflection

CONVENTION = conventions.CamelCaseConvention()
FUNCTIONS = objects.FUNCTIONS + data.FUNCTIONS + reflection.FUNCTIONS + dump.FUNCTIONS
"""Every Murano function of the root contexts."""


@specs.name("#finalize")
def _finalize(obj):
    return freeze(obj)


_ROOTS: dict[bool, Any] = {}


def root_context(legacy: bool) -> Any:
    """The process-wide root context of a flavour: yaql's library plus Murano's functions."""
    ctx = _ROOTS.get(legacy)
    if ctx is None:
        if legacy:
            base = yaql_legacy.create_context(convention=CONVENTION, finalizer=_finalize)
        else:
            base = yaql.create_context(convention=CONVENTION, finalizer=_finalize)
        ctx = base.create_child_context()
        for func in FUNCTIONS + (data.LEGACY_FUNCTIONS if legacy else []):
            ctx.register_function(func)
        ctx = _ROOTS[legacy] = ctx
    return ctx


def package_context(fmt: tuple[int, int], legacy: bool,
                    functions: dict[str, Callable], library: Iterable[Any] = ()) -> Any:
    """The context of a package of Format ``fmt``: the root context of its flavour, plus
    the functions that differ by Format, the core library's yaql ``library`` functions and
    the runtime's own Python ``functions``."""
    ctx = root_context(legacy).create_child_context()
    ctx.register_function(objects.type_legacy if fmt <= (1, 3) else objects.type_ref)
    for func in library:
        ctx.register_function(func)
    for name, func in functions.items():
        _register_python_function(ctx, name, func)
    return ctx


def _register_python_function(context: Any, name: str, func: Callable) -> None:
    """A Python callable given to ``Runtime(functions=...)`` (called positionally)."""
    def payload(context, *args):
        frame = frame_of(context)
        return frame.runtime.call_python(name, func, [to_python(a) for a in args],
                                         frame)
    context.register_function(specs.get_function_definition(payload, name=name))
