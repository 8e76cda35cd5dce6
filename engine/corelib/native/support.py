"""Helpers the native core-library classes share: reaching the cloud, the environment."""

from __future__ import annotations

from typing import Any

from muranokit.engine.corelib.cloud import Cloud, CloudBackend
from muranokit.engine.exceptions import EngineFault
from muranokit.engine.executor.calls import call_method
from muranokit.engine.model.objects import from_python, to_python
from muranokit.engine.values import is_mapping

ENVIRONMENT = "io.murano.Environment"


def cloud_of(ctx: Any) -> CloudBackend:
    """The cloud backend the runtime was given; a simulated :class:`Cloud` (events to the
    runtime) when it was given none, made on first use."""
    services = ctx.runtime.services
    cloud = services.get("cloud")
    if cloud is None:
        cloud = Cloud(emit=ctx.runtime.emit, masker=ctx.runtime.masker)
        services["cloud"] = cloud
    return cloud


def environment_of(ctx: Any) -> Any:
    """The Environment that owns this object (proxy); a clear error when there is none."""
    env = ctx.find(ENVIRONMENT)
    if env is None and ctx.this is not None:
        env = _property_or_none(ctx.this, "environment")
    if env is None:
        root = getattr(ctx.runtime, "root", None)
        if root is not None and root.cls.is_compatible(ctx.runtime.get_class(ENVIRONMENT)):
            env = root.proxy
    if env is None:
        this = ctx.this
        raise RuntimeError(f"{this.type_name if this else 'object'} {this.id if this else ''} "
                           "is not owned by an io.murano.Environment")
    return env


def stack_of(ctx: Any) -> Any:
    """The environment's HeatStack object (proxy)."""
    stack = environment_of(ctx).get_property("stack")
    if stack is None:
        raise RuntimeError("the environment has no Heat stack (was its .init run?)")
    return stack


def cloud_data(value: Any) -> Any:
    """``value`` as plain JSON-like data for the cloud backend: mappings and sequences as
    dict and list, every string a plain ``str`` (whatever the engine keeps it as)."""
    if isinstance(value, str):
        return str(value)
    if is_mapping(value):
        return {cloud_data(k): cloud_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [cloud_data(v) for v in value]
    return value


def object_id(value: Any) -> str | None:
    """The id of an object proxy (or None)."""
    return getattr(value, "id", None) if value is not None else None


def object_name(value: Any) -> str | None:
    """What people call an object: its ``?: {name:}`` or else its ``name`` property."""
    if value is None:
        return None
    name = getattr(value, "name", None) or _property_or_none(value, "name")
    return name if isinstance(name, str) and name else None


def _property_or_none(obj: Any, name: str) -> Any:
    try:
        return obj.get_property(name)
    except Exception:  # noqa: BLE001 - the class simply has no such property
        return None


def call(ctx: Any, target: Any, method: str, *args: Any, **kwargs: Any) -> Any:
    """``target.method(*args, **kwargs)`` from native code, keeping the MuranoPL call stack.

    ``runtime.call`` starts a fresh stack; calling through the executor with the frame that
    called the current native method keeps exceptions' MuranoPL stacks complete.
    """
    runtime = ctx.runtime
    caller = runtime.natives.caller_frame()
    try:
        result = call_method(runtime, from_python(target), method,
                             tuple(from_python(a) for a in args),
                             {k: from_python(v) for k, v in kwargs.items()}, caller)
    except EngineFault as fault:
        raise runtime.wrap_error(fault, caller) from None
    return to_python(result)
