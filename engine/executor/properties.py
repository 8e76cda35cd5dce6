"""Reading and writing properties: who may, through which contract, and Static values."""

from __future__ import annotations

from typing import Any

from ..contracts import ANY, ContractEnv, ready_property
from ..exceptions import EngineFault
from ..model.classes import MuranoClass, PropertySpec
from ..model.objects import MuranoObject
from ..syntax.schema import WRITABLE_USAGES
from .frames import Frame


def _caller_class(frame: Frame | None) -> MuranoClass | None:
    return frame.cls if frame is not None else None


def read_property(runtime, obj: Any, name: str, frame: Frame | None) -> Any:
    real = obj.real
    if real.views is not None and obj is not real:
        spec = obj.start_class.find_property(name)
        if spec is not None and (spec.declaring, name) in real.views:
            return real.views[(spec.declaring, name)]
    props = real.props
    if name in props:
        cls = real.cls
        spec = cls.find_property(name)
        if spec is not None or (frame is not None and frame.cls is not None
                                and frame.cls.is_compatible(cls)):
            return props[name]
    spec = real.cls.find_property(name)
    if spec is not None:
        if spec.usage == "Static":
            return static_value(runtime, spec, frame)
        raise EngineFault("UninitializedPropertyAccessError",
                          f'Access to uninitialized property "{name}" in class '
                          f'"{real.cls.name}" is forbidden')
    caller = _caller_class(frame)
    if caller is not None and caller.is_compatible(real.cls):
        raise EngineFault("UninitializedPropertyAccessError",
                          f'Access to uninitialized property "{name}" in class '
                          f'"{real.cls.name}" is forbidden')
    raise EngineFault("PropertyReadError", f'Property "{name}" in class "{real.cls.name}" '
                                           f'cannot be read')


def static_value(runtime, spec: PropertySpec, frame: Frame | None) -> Any:
    """A Static property's value (its Default, through the contract, until assigned)."""
    values = spec.declaring.static_values
    if spec.name not in values:
        ready_property(spec)
        cls_frame = runtime.class_frame(spec.declaring, spec.declaring.type_ref)
        value = spec.default.evaluate(cls_frame.ctx) if spec.has_default else None
        env = ContractEnv(runtime, cls_frame, None)
        values[spec.name] = spec.contract.transform(value, env, f"{spec.declaring.name}."
                                                                f"{spec.name}")
    return values[spec.name]


def set_static_value(runtime, cls: MuranoClass, name: str, value: Any,
                     frame: Frame | None) -> None:
    """``ns:Class.prop: value`` for a Static property."""
    spec = cls.find_property(name)
    if spec is None or spec.usage != "Static":
        raise EngineFault("NoPropertyFound", f'Static property "{name}" is not found in '
                                             f'{cls.name}')
    ready_property(spec)
    env = ContractEnv(runtime, frame or runtime.class_frame(spec.declaring, cls.type_ref), None)
    spec.declaring.static_values[name] = spec.contract.transform(
        value, env, f"{spec.declaring.name}.{name}")


def write_property(runtime, obj: Any, name: str, value: Any, frame: Frame | None,
                   privileged: bool = False) -> None:
    real = obj.real
    spec = real.cls.find_property(name)
    caller = _caller_class(frame)
    derived = caller is not None and caller.is_compatible(real.cls)
    if frame is not None and frame.this is real and frame.method is not None \
            and frame.method.name == ".init":
        privileged = True    # an object's own .init may set any of its properties
    if spec is None:
        if derived or privileged:
            real.props[name] = value
            return
        raise EngineFault("PropertyWriteError", f'Property "{name}" in class '
                                                f'"{real.cls.name}" cannot be written')
    if not privileged and (not derived or spec.usage not in WRITABLE_USAGES):
        if spec.usage not in WRITABLE_USAGES or not derived:
            raise EngineFault("NoWriteAccessError",
                              f'Property "{name}" is immutable to the caller')
    ready_property(spec)
    env = ContractEnv(runtime, frame or runtime.class_frame(spec.declaring, real), real)
    others = real.cls.redeclarations(name)
    if others and spec.usage != "Static":
        _write_views(real, name, value, spec, others, env)
    if spec.contract is not ANY:
        value = spec.contract.transform(value, env, f"{real.cls.name}.{name}")
    if spec.usage == "Static":
        spec.declaring.static_values[name] = value
    else:
        real.props[name] = value


def _write_views(real: MuranoObject, name: str, value: Any, main: PropertySpec,
                 specs: list[PropertySpec], env: ContractEnv) -> None:
    """A property declared by several classes of the hierarchy: each declaring class keeps
    the value through its own contract (read back by ``$.cast(Class).name``)."""
    views = real.views if real.views is not None else {}
    for spec in specs:
        if spec is main:
            continue
        ready_property(spec)
        views[(spec.declaring, name)] = spec.contract.transform(
            value, env, f"{spec.declaring.name}.{name}") if spec.contract is not ANY else value
    real.views = views
