"""An object's life: its properties filled through their contracts, ``.init`` of every
class (parents first), ``.destroy`` (children first)."""

from __future__ import annotations

from typing import Any

from ..contracts import ANY, ContractEnv, ready_property
from ..exceptions import EngineFault, MuranoPlError, python_error
from ..expressions.expression import NO_VALUE
from ..model.classes import MuranoClass
from ..model.objects import MuranoObject
from ..values import freeze
from .calls import invoke
from .frames import Frame

_VALUE_FAULTS = frozenset(("ContractViolationException", "NoObjectFoundError"))
"""Contract faults that mean: the value given for the property does not fit."""


def init_order(cls: MuranoClass) -> list[MuranoClass]:
    """Classes of the hierarchy, parents before children, each once."""
    order: list[MuranoClass] = []
    seen: set = set()

    def visit(c: MuranoClass) -> None:
        if c in seen:
            return
        seen.add(c)
        for p in c.parents:
            visit(p)
        order.append(c)
    visit(cls)
    return order


def initialize_properties(runtime: Any, obj: MuranoObject, params: dict,
                          loading: Any = None) -> None:
    """Set every declared property from ``params``/defaults/config through its contract."""
    cls = obj.cls
    configs = runtime.class_configs
    pending = []
    seen: set = set()
    for c in init_order(cls)[::-1]:
        init = c.methods.get(".init")
        init_args = {a.name for a in init.arguments} if init is not None else set()
        for spec in c.properties.values():
            if spec.name in seen or spec.name in init_args:
                continue
            seen.add(spec.name)
            pending.append(spec)
    frame = runtime.class_frame(cls, obj)
    env = ContractEnv(runtime, frame, obj, loading)
    last = len(pending) + 1
    while pending:
        failed = []
        for spec in pending:
            ready_property(spec)
            if spec.usage == "Static":
                continue
            config = configs.get(spec.declaring.name, {})
            if spec.usage == "Config":
                value = config.get(spec.name, NO_VALUE)
            elif spec.usage == "Runtime":
                # as upstream, a Runtime property never takes a given value: its Default only
                if not spec.has_default:
                    continue
                value = NO_VALUE
            else:
                value = params.get(spec.name, NO_VALUE)
            checking = False
            frame.file = spec.declaring.file
            frame.line, frame.column = spec.default_pos if spec.default_pos and \
                value is NO_VALUE else (spec.pos or (None, None))
            try:
                if value is NO_VALUE and spec.name in config:
                    value = config[spec.name]
                elif value is NO_VALUE:
                    value = spec.default.evaluate(frame.ctx) if spec.has_default else None
                value = freeze(value)      # model data, class configs: as the engine keeps it
                if spec.contract is not ANY:
                    checking = True
                    value = spec.contract.transform(value, env, f"{cls.name}.{spec.name}")
            except EngineFault as fault:
                if fault.type_name == "UninitializedPropertyAccessError":
                    failed.append(spec)
                    continue
                error = runtime.wrap_error(fault, frame)
                if checking and fault.type_name in _VALUE_FAULTS:   # say whose and which
                    error.object_id, error.property_name = obj.id, spec.name
                raise error from None
            except (MuranoPlError, KeyboardInterrupt, SystemExit):
                raise
            except Exception as exc:  # noqa: BLE001 - a Default's yaql raised Python's error
                raise runtime.wrap_error(exc, frame) from python_error(exc)
            obj.props[spec.name] = value
        if len(failed) >= last:
            raise runtime.wrap_error(EngineFault(
                "CircularExpressionDependenciesError",
                "property defaults depend on each other: "
                + ", ".join(s.name for s in failed)), frame)
        last = len(failed)
        pending = failed
    frame.ctx = frame.scope = None


def run_init(runtime, obj: MuranoObject, caller: Frame | None,
             params: dict | None = None, init_params: dict | None = None) -> None:
    """Create native parts (given the creation ``params``) and run ``.init`` of every
    class, parents first; its arguments come from ``init_params`` (the object's model
    data) or else ``params``."""
    if obj.initialized:
        return
    obj.initialized = True
    for c in init_order(obj.cls):
        if c.native_class is not None and c.name not in obj.natives:
            runtime.natives.construct(c, obj, caller, params)
        init = c.methods.get(".init")
        if init is not None and (init.body_src or init.native is not None):
            given = init_params if init_params is not None else (params or {})
            args = {a.name: freeze(given[a.name]) for a in init.arguments if a.name in given}
            invoke(runtime, init, obj, (), args, caller)


def run_destroy(runtime, obj: MuranoObject, caller: Frame | None) -> None:
    """Run ``.destroy`` of every class, children first."""
    if obj.destroyed:
        return
    obj.destroyed = True
    for c in reversed(init_order(obj.cls)):
        method = c.methods.get(".destroy")
        if method is not None:
            invoke(runtime, method, obj, (), {}, caller)
