"""Helpers the native core-library classes share: reaching the simulated cloud."""

from __future__ import annotations

from typing import Any

from muranokit.engine.corelib.cloud import Cloud

ENVIRONMENT = "io.murano.Environment"


def cloud_of(ctx: Any) -> Cloud:
    """The runtime's simulated cloud; created (events to the runtime) on first use."""
    services = ctx.runtime.services
    cloud = services.get("cloud")
    if cloud is None:
        cloud = Cloud(emit=ctx.runtime.emit)
        services["cloud"] = cloud
    return cloud


def environment_of(ctx: Any) -> Any:
    """The Environment that owns this object (proxy); a clear error when there is none."""
    env = ctx.find(ENVIRONMENT)
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


def object_id(value: Any) -> str | None:
    """The id of an object proxy (or None)."""
    return getattr(value, "id", None) if value is not None else None
