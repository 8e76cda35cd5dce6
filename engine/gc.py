"""Explicit garbage collection: ``io.murano.system.GC`` (collect, destruction subscriptions).

An object stays alive while it is reachable from a root: the runtime's root objects (the
model root and objects made through ``Runtime.new``), the variables and ``this`` of every
running MuranoPL frame, and from there through property values and owners. ``collect()``
destroys every other live object, dependents last as the session GC does, running the
handlers subscribed to an object's destruction first.
"""

from __future__ import annotations

from typing import Any

from .model.objects import OBJECT_TYPES, MuranoObject, from_python
from .native import NativeThrow, native_class
from .values import is_mapping


def _objects_in(value: Any, found: list) -> None:
    if isinstance(value, OBJECT_TYPES):
        found.append(value.real)
    elif is_mapping(value):
        for k, v in value.items():
            _objects_in(k, found)
            _objects_in(v, found)
    elif isinstance(value, (list, tuple, frozenset)):
        for v in value:
            _objects_in(v, found)


def _frame_roots(frame: Any) -> list[MuranoObject]:
    found: list[MuranoObject] = []
    while frame is not None:
        _objects_in(frame.this, found)
        ctx = frame.scope
        while ctx is not None and hasattr(ctx, "_data"):
            _objects_in(list(ctx._data.values()), found)
            if ctx is frame.runtime_base:
                break
            ctx = ctx.parent
        frame = frame.caller
    return found


def _static_roots(runtime: Any) -> list[MuranoObject]:
    """Objects of this runtime held by ``Usage: Static`` properties of any class."""
    found: list[MuranoObject] = []
    for cls in runtime.all_classes():
        if cls.static_values:
            _objects_in(list(cls.static_values.values()), found)
    return [o for o in found if o.runtime is runtime]


def reachable(runtime: Any, frame: Any) -> set[int]:
    """ids (Python id()) of every object reachable from the roots."""
    pending = [o for o in runtime.api_roots if not o.destroyed]
    if runtime.root is not None:
        pending.append(runtime.root)
    pending += _frame_roots(frame)
    pending += _static_roots(runtime)
    for _cls, objects in runtime.meta_objects.values():
        pending += objects
    seen: set[int] = set()
    while pending:
        obj = pending.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        found: list[MuranoObject] = []
        _objects_in(list(obj.props.values()), found)
        if obj.private:
            _objects_in(list(obj.private.values()), found)
        if obj.owner is not None:
            found.append(obj.owner)
        pending.extend(found)
    return seen


def collect(runtime: Any, frame: Any) -> list[MuranoObject]:
    """Destroy every unreachable live object; returns them."""
    alive = reachable(runtime, frame)
    doomed = [o for o in runtime.objects.values() if id(o) not in alive and not o.destroyed]
    runtime.destroy_objects(doomed)
    return doomed


@native_class("io.murano.system.GC")
class GC:
    """MuranoPL's ``sys:GC``: static methods only."""

    def __init__(self, ctx):
        raise NativeThrow("DslInvalidOperationError", "io.murano.system.GC has no instances")

    @staticmethod
    def collect(ctx):
        runtime = ctx.runtime
        collect(runtime, runtime.natives.caller_frame())

    @staticmethod
    def subscribeDestruction(ctx, publisher, subscriber, handler=None):  # noqa: N802
        runtime = ctx.runtime
        runtime.subscriptions.setdefault(publisher.id, []).append(
            (from_python(subscriber), handler))

    @staticmethod
    def unsubscribeDestruction(ctx, publisher, subscriber, handler=None):  # noqa: N802
        entries = ctx.runtime.subscriptions.get(publisher.id, [])
        target = from_python(subscriber)
        entries[:] = [(s, h) for s, h in entries if not (s is target and h == handler)]

    @staticmethod
    def isDestroyed(ctx, obj):  # noqa: N802
        return obj is None or obj.destroyed

    @staticmethod
    def isDoomed(ctx, obj):  # noqa: N802
        runtime = ctx.runtime
        real = from_python(obj)
        if real.destroyed or id(real) in runtime.doomed:
            return True
        return id(real) not in reachable(runtime, runtime.natives.caller_frame())
