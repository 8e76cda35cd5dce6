"""Reflection through ``typeinfo()``: a class's ``properties`` and ``methods`` as objects.

``typeinfo(x).properties`` lists :class:`PropertyInfo` (``name``, ``declaringType``,
``usage``, ``hasDefault``; ``getValue(obj)``, ``setValue(obj, value)``), ``methods`` lists
:class:`MethodInfo` (``name``, ``declaringType``, ``usage``, ``scope``, ``arguments`` as
:class:`ArgumentInfo`; ``invoke(obj, args..., kw => v)``), as upstream's reflection does.
Only the class's own declarations are listed (``ancestors`` gives the parents).
``typeinfo(x).meta`` gives objects of the ``Usage: Meta`` classes named in its ``Meta``.
"""

from __future__ import annotations

from typing import Any

from yaql.language import specs, yaqltypes

from ..exceptions import EngineFault
from ..executor.calls import cast, invoke
from ..executor.properties import read_property, set_static_value, static_value, write_property
from ..expressions.calls import frame_of as _frame
from ..model.classes import ArgSpec, MethodSpec, PropertySpec
from ..model.objects import OBJECT_TYPES
from ..values import to_plain


class PropertyInfo:
    """A declared property seen through reflection."""

    __slots__ = ("spec",)

    def __init__(self, spec: PropertySpec) -> None:
        self.spec = spec

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, PropertyInfo) and other.spec is self.spec

    def __hash__(self) -> int:
        return hash(id(self.spec))


class MethodInfo:
    """A declared method seen through reflection."""

    __slots__ = ("spec",)

    def __init__(self, spec: MethodSpec) -> None:
        self.spec = spec

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, MethodInfo) and other.spec is self.spec

    def __hash__(self) -> int:
        return hash(id(self.spec))


class ArgumentInfo:
    """A method argument seen through reflection."""

    __slots__ = ("spec",)

    def __init__(self, spec: ArgSpec) -> None:
        self.spec = spec


def properties_of(cls: Any) -> list[PropertyInfo]:
    return [PropertyInfo(spec) for spec in cls.properties.values()]


def methods_of(cls: Any) -> list[MethodInfo]:
    return [MethodInfo(spec) for spec in cls.methods.values()]


_PROPERTY_FIELDS = {
    "name": lambda s: s.name, "declaringType": lambda s: s.declaring.type_ref,
    "usage": lambda s: s.usage, "hasDefault": lambda s: s.has_default,
}
_METHOD_FIELDS = {
    "name": lambda s: s.name, "declaringType": lambda s: s.declaring.type_ref,
    "usage": lambda s: s.usage, "scope": lambda s: s.scope,
    "arguments": lambda s: [ArgumentInfo(a) for a in s.arguments],
}
_ARGUMENT_FIELDS = {
    "name": lambda s: s.name, "hasDefault": lambda s: s.has_default,
    "usage": lambda s: s.usage,
}


def _field(table: dict, info: Any, name: str) -> Any:
    getter = table.get(name)
    if getter is None:
        raise EngineFault("NoPropertyFound", f'Property "{name}" is not found in '
                                             f'{type(info).__name__}')
    return getter(info.spec)


@specs.parameter("info", yaqltypes.PythonType(PropertyInfo, nullable=False))
@specs.parameter("name", yaqltypes.Keyword())
@specs.name("#operator_.")
def property_field(info, name):
    return _field(_PROPERTY_FIELDS, info, name)


@specs.parameter("info", yaqltypes.PythonType(MethodInfo, nullable=False))
@specs.parameter("name", yaqltypes.Keyword())
@specs.name("#operator_.")
def method_field(info, name):
    return _field(_METHOD_FIELDS, info, name)


@specs.parameter("info", yaqltypes.PythonType(ArgumentInfo, nullable=False))
@specs.parameter("name", yaqltypes.Keyword())
@specs.name("#operator_.")
def argument_field(info, name):
    return _field(_ARGUMENT_FIELDS, info, name)


@specs.parameter("info", yaqltypes.PythonType(MethodInfo, nullable=False))
@specs.method
@specs.name("invoke")
def invoke_method(context, info, target, *args, **kwargs):
    """``method.invoke(obj, args...)``: call the method on ``obj`` (a class for a static
    one), whatever its Scope."""
    frame = _frame(context)
    spec = info.spec
    if spec.is_static:
        receiver = spec.declaring.type_ref
    elif isinstance(target, OBJECT_TYPES):
        receiver = cast(target, spec.declaring).real
    else:
        raise EngineFault("ContractViolationException",
                          f"{spec.declaring.name}.{spec.name} needs an object to run on")
    return invoke(frame.runtime, spec, receiver, tuple(to_plain(list(args))),
                  to_plain(dict(kwargs)), frame)


@specs.parameter("info", yaqltypes.PythonType(PropertyInfo, nullable=False))
@specs.method
@specs.name("getValue")
def get_value(context, info, target=None):
    frame = _frame(context)
    spec = info.spec
    if spec.usage == "Static" or target is None:
        return static_value(frame.runtime, spec, frame)
    return read_property(frame.runtime, target.real, spec.name, frame)


@specs.parameter("info", yaqltypes.PythonType(PropertyInfo, nullable=False))
@specs.method
@specs.name("setValue")
def set_value(context, info, target, value):
    frame = _frame(context)
    spec = info.spec
    if spec.usage == "Static" or target is None:
        set_static_value(frame.runtime, spec.declaring, spec.name, to_plain(value), frame)
    else:
        write_property(frame.runtime, target.real, spec.name, to_plain(value), frame,
                       privileged=True)


def meta_of(frame: Any, cls: Any) -> list:
    """``typeinfo(x).meta``: objects of the ``Usage: Meta`` classes listed in the class's
    ``Meta`` (and its ancestors' for meta classes with ``Inherited: true``); a meta class
    of ``Cardinality: One`` keeps only the nearest entry. Built once per runtime."""
    runtime = frame.runtime
    cache = runtime.meta_objects
    if id(cls) in cache:
        return list(cache[id(cls)][1])
    entries: list = []
    for level, owner in enumerate([cls] + cls.ancestors()):
        for meta_cls, props in _meta_entries(runtime, owner):
            if level == 0 or meta_cls.inherited:
                entries.append((meta_cls, props, owner))
    kept: list = []
    single: set = set()
    for meta_cls, props, _owner in entries:
        if meta_cls.cardinality == "One":
            if id(meta_cls) in single:
                continue
            single.add(id(meta_cls))
        kept.append(runtime.create_object(meta_cls, None, props, frame))
    cache[id(cls)] = (cls, kept)
    return list(kept)


def _meta_entries(runtime: Any, cls: Any) -> list:
    meta = cls.meta
    items = meta if isinstance(meta, list) else [meta] if isinstance(meta, dict) else []
    result = []
    for item in items:
        if not isinstance(item, dict):
            continue
        for name, props in item.items():
            meta_cls = runtime.resolve_class(str(name), cls)
            result.append((meta_cls, to_plain(props) if isinstance(props, dict) else {}))
    return result


FUNCTIONS = [property_field, method_field, argument_field, invoke_method, get_value,
             set_value]
