"""Reading and writing properties: who may, through which contract, and Static values."""

from __future__ import annotations

from typing import Any

from ..contracts import ANY, ContractEnv, ready_property
from ..exceptions import EngineFault
from ..model.classes import MuranoClass, PropertySpec
from ..model.objects import MuranoObject
from ..syntax.schema import WRITABLE_USAGES
from .frames import Frame


def _start(obj: Any, frame: Frame | None) -> tuple[MuranoClass, bool]:
    """Where a property name is looked up, as upstream does: in the calling class when it
    is the object's class or one of its parents (``derived``), else in the object's."""
    start = obj.start_class
    caller = frame.cls if frame is not None else None
    if caller is not None and (caller is start or caller.is_compatible(start)):
        return caller, True
    return start, False


def _uninitialized(name: str, cls: MuranoClass) -> EngineFault:
    return EngineFault("UninitializedPropertyAccessError",
                       f'Access to uninitialized property "{name}" in class "{cls.name}" is '
                       f'forbidden')


def read_property(runtime, obj: Any, name: str, frame: Frame | None) -> Any:
    """``obj.name`` read by code of ``frame``'s class: any declared property (a Static one
    from its class); an undeclared one only by the class that set it (each class of an
    object keeps its own), else PropertyReadError."""
    real = obj.real
    if real.views is not None and obj is not real:
        spec = obj.start_class.find_property(name)
        if spec is not None and (spec.declaring, name) in real.views:
            return real.views[(spec.declaring, name)]
    start, derived = _start(obj, frame)
    spec = start.find_property(name)
    if spec is not None:
        if start is not real.cls:
            spec = real.cls.find_property(name)
        if spec.usage == "Static":
            return static_value(runtime, spec, frame)
        try:
            return real.props[name]
        except KeyError:
            raise _uninitialized(name, real.cls) from None
    if derived:
        private = real.private
        if private is not None and (start, name) in private:
            return private[(start, name)]
        raise _uninitialized(name, start)
    raise EngineFault("PropertyReadError", f'Property "{name}" in class "{start.name}" '
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
    """``obj.name: value`` by code of ``frame``'s class, with upstream's rules: a declared
    property only by its class (or a child) and only when every declaration of it is of a
    writable Usage (Out, InOut, Runtime, Static, Config) - unless the code runs for an
    ``.init`` (``frame.privileged``) or comes from Python (no frame) - else
    NoWriteAccessError; an undeclared one goes to the calling class's own slot, and from
    another class is a PropertyWriteError."""
    real = obj.real
    start, derived = _start(real, frame)
    if start.find_property(name) is None:
        if derived:
            if real.private is None:
                real.private = {}
            real.private[(start, name)] = value
            return
        raise EngineFault("PropertyWriteError", f'Property "{name}" in class '
                                                f'"{start.name}" cannot be written')
    spec = real.cls.find_property(name)
    others = real.cls.redeclarations(name)
    if frame is not None and frame.cls is not None and not privileged and \
            not frame.privileged:
        for declared in others or (spec,):
            if not derived or declared.usage not in WRITABLE_USAGES:
                raise EngineFault("NoWriteAccessError",
                                  f'Property "{name}" is immutable to the caller')
    ready_property(spec)
    env = ContractEnv(runtime, frame or runtime.class_frame(spec.declaring, real), real)
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
