"""Reflection: what ``typeinfo()`` gives and what can be read from it, as upstream's.

``typeinfo(x)`` is a :class:`~muranokit.engine.model.classes.TypeInfo` with ``name``,
``usage``, ``version`` (``major``/``minor``/``patch``...), ``package`` (:class:`PackageInfo`:
``name``, ``version``, ``types``, ``meta``), ``ancestors``, ``properties``, ``methods``,
``type`` (the type reference, for ``new()`` and ``is``), ``meta``, and for meta classes
``cardinality``, ``targets``, ``inherited``. ``properties`` and ``methods`` list what the
class has, inherited members included (one entry per name, the nearest definition; every
candidate when a name is ambiguous), as :class:`PropertyInfo` (``name``, ``declaringType``,
``usage``, ``hasDefault``, ``meta``; ``getValue(obj)``, ``setValue(obj, value)``) and
:class:`MethodInfo` (``name``, ``declaringType``, ``usage``, ``scope``, ``arguments``,
``meta``; ``invoke(obj, args..., kw => v)``); an argument is an :class:`ArgumentInfo`
(``name``, ``hasDefault``, ``usage``, ``declaringMethod``, ``meta``).
"""

from __future__ import annotations

from typing import Any

from yaql.language import specs, yaqltypes

from ..exceptions import EngineFault
from ..executor import meta as metas
from ..executor.calls import cast, invoke
from ..executor.properties import read_property, set_static_value, static_value, write_property
from ..expressions.calls import frame_of as _frame
from ..files.package import Package
from ..model.classes import MethodSpec, MuranoClass, PropertySpec, TypeInfo, VersionInfo
from ..model.objects import OBJECT_TYPES
from ..values import freeze


class _Info:
    """A reflected entity: equal when it reflects the same one."""

    __slots__ = ("spec",)

    def __init__(self, spec: Any) -> None:
        self.spec = spec

    def __eq__(self, other: Any) -> bool:
        return type(other) is type(self) and other.spec is self.spec

    def __hash__(self) -> int:
        return hash((type(self), id(self.spec)))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {getattr(self.spec, 'name', self.spec)}>"


class PropertyInfo(_Info):
    """A declared property seen through reflection."""

    __slots__ = ()


class MethodInfo(_Info):
    """A method seen through reflection."""

    __slots__ = ()


class ArgumentInfo(_Info):
    """A method argument seen through reflection (``spec``: (method, argument))."""

    __slots__ = ()

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, ArgumentInfo) and other.spec[1] is self.spec[1]

    def __hash__(self) -> int:
        return hash((ArgumentInfo, id(self.spec[1])))


class PackageInfo(_Info):
    """A package seen through reflection."""

    __slots__ = ()


def _visible(name: str) -> bool:
    return not name.startswith("__") and not name.startswith(".")


def _member_names(cls: MuranoClass, table: str) -> list[str]:
    names: dict[str, None] = {}
    for c in [cls] + cls.ancestors():
        names.update(dict.fromkeys(getattr(c, table)))
    return [n for n in names if _visible(n)]


def properties_of(cls: MuranoClass) -> list[PropertyInfo]:
    """Every property the class has (its own and inherited ones)."""
    result = []
    for name in _member_names(cls, "properties"):
        own = cls.properties.get(name)
        found = [own] if own is not None else \
            cls._candidates(lambda c, n=name: c.properties.get(n))
        result += [PropertyInfo(spec) for spec in found]
    return result


def methods_of(cls: MuranoClass) -> list[MethodInfo]:
    """Every method the class has (its own and inherited ones)."""
    return [MethodInfo(spec) for name in _member_names(cls, "methods")
            for spec in cls.find_methods(name)]


def _package_types(context: Any, package: Package) -> list[TypeInfo]:
    runtime = _frame(context).runtime
    names = list(package.documents or ()) if package.documents is not None else []
    return [runtime.get_class(name).type_info for name in names]


def _meta_only(getter):
    def get(cls: MuranoClass) -> Any:
        if cls.usage != "Meta":
            raise EngineFault("NoPropertyFound", f"{cls.name} is not a meta class")
        return getter(cls)
    return get


_TYPE_FIELDS = {
    "name": lambda c, ctx: c.name,
    "usage": lambda c, ctx: c.usage,
    "version": lambda c, ctx: VersionInfo(c.package.version),
    "package": lambda c, ctx: PackageInfo(c.package),
    "ancestors": lambda c, ctx: [a.type_info for a in c.ancestors()],
    "properties": lambda c, ctx: properties_of(c),
    "methods": lambda c, ctx: methods_of(c),
    "type": lambda c, ctx: c.type_ref,
    "meta": lambda c, ctx: metas.class_meta(_frame(ctx).runtime, c, _frame(ctx)),
    "cardinality": lambda c, ctx: _meta_only(lambda m: m.cardinality)(c),
    "targets": lambda c, ctx: _meta_only(lambda m: sorted(m.targets))(c),
    "inherited": lambda c, ctx: _meta_only(lambda m: m.inherited)(c),
}
_PACKAGE_FIELDS = {
    "name": lambda p, ctx: p.name,
    "version": lambda p, ctx: VersionInfo(p.version),
    "types": lambda p, ctx: _package_types(ctx, p),
    "meta": lambda p, ctx: metas.package_meta(_frame(ctx).runtime, p, _frame(ctx)),
}
_PROPERTY_FIELDS = {
    "name": lambda s, ctx: s.name,
    "declaringType": lambda s, ctx: s.declaring.type_info,
    "usage": lambda s, ctx: s.usage,
    "hasDefault": lambda s, ctx: s.has_default,
    "meta": lambda s, ctx: metas.property_meta(_frame(ctx).runtime, s, _frame(ctx)),
}
_METHOD_FIELDS = {
    "name": lambda s, ctx: s.name,
    "declaringType": lambda s, ctx: s.declaring.type_info,
    "usage": lambda s, ctx: s.usage,
    "scope": lambda s, ctx: s.scope,
    "arguments": lambda s, ctx: [ArgumentInfo((s, a)) for a in s.arguments],
    "meta": lambda s, ctx: metas.method_meta(_frame(ctx).runtime, s, _frame(ctx)),
}
_ARGUMENT_FIELDS = {
    "name": lambda s, ctx: s[1].name,
    "hasDefault": lambda s, ctx: s[1].has_default,
    "usage": lambda s, ctx: s[1].usage,
    "declaringMethod": lambda s, ctx: MethodInfo(s[0]),
    "meta": lambda s, ctx: metas.argument_meta(_frame(ctx).runtime, s[0], s[1], _frame(ctx)),
}


_VERSION_FIELDS = {
    "major": lambda v, ctx: v.major, "minor": lambda v, ctx: v.minor,
    "patch": lambda v, ctx: v.patch, "prerelease": lambda v, ctx: list(v.prerelease),
    "build": lambda v, ctx: list(v.build),
}


def _field(table: dict, subject: Any, kind: str, name: str, context: Any) -> Any:
    getter = table.get(name)
    if getter is None:
        raise EngineFault("NoPropertyFound", f'Property "{name}" is not found in {kind}')
    return getter(subject, context)


@specs.parameter("info", yaqltypes.PythonType(TypeInfo, nullable=False))
@specs.parameter("name", yaqltypes.Keyword())
@specs.name("#operator_.")
def type_field(context, info, name):
    return _field(_TYPE_FIELDS, info.cls, f"type {info.cls.name}", name, context)


@specs.parameter("version", yaqltypes.PythonType(VersionInfo, nullable=False))
@specs.parameter("name", yaqltypes.Keyword())
@specs.name("#operator_.")
def version_field(context, version, name):
    return _field(_VERSION_FIELDS, version, "a version", name, context)


@specs.parameter("info", yaqltypes.PythonType(PackageInfo, nullable=False))
@specs.parameter("name", yaqltypes.Keyword())
@specs.name("#operator_.")
def package_field(context, info, name):
    return _field(_PACKAGE_FIELDS, info.spec, f"package {info.spec.name}", name, context)


@specs.parameter("info", yaqltypes.PythonType(PropertyInfo, nullable=False))
@specs.parameter("name", yaqltypes.Keyword())
@specs.name("#operator_.")
def property_field(context, info, name):
    return _field(_PROPERTY_FIELDS, info.spec, "a property", name, context)


@specs.parameter("info", yaqltypes.PythonType(MethodInfo, nullable=False))
@specs.parameter("name", yaqltypes.Keyword())
@specs.name("#operator_.")
def method_field(context, info, name):
    return _field(_METHOD_FIELDS, info.spec, "a method", name, context)


@specs.parameter("info", yaqltypes.PythonType(ArgumentInfo, nullable=False))
@specs.parameter("name", yaqltypes.Keyword())
@specs.name("#operator_.")
def argument_field(context, info, name):
    return _field(_ARGUMENT_FIELDS, info.spec, "an argument", name, context)


@specs.parameter("info", yaqltypes.PythonType(MethodInfo, nullable=False))
@specs.method
@specs.name("invoke")
def invoke_method(context, info, target, *args, **kwargs):
    """``method.invoke(obj, args...)``: call the method on ``obj`` (null for a static one),
    whatever its Scope."""
    frame = _frame(context)
    spec: MethodSpec = info.spec
    if isinstance(target, OBJECT_TYPES):
        receiver = spec.declaring.type_ref if spec.is_static else \
            cast(target, spec.declaring).real
    elif target is None and spec.is_static:
        receiver = spec.declaring.type_ref
    else:
        raise EngineFault("ContractViolationException",
                          f"{spec.declaring.name}.{spec.name} needs an object to run on")
    return invoke(frame.runtime, spec, receiver, tuple(freeze(a) for a in args),
                  {k: freeze(v) for k, v in kwargs.items()}, frame)


@specs.parameter("info", yaqltypes.PythonType(PropertyInfo, nullable=False))
@specs.method
@specs.name("getValue")
def get_value(context, info, target=None):
    """``property.getValue(obj)`` (null: the value of a Static property)."""
    frame = _frame(context)
    spec: PropertySpec = info.spec
    if spec.usage == "Static" or target is None:
        return static_value(frame.runtime, _static(spec), frame)
    return read_property(frame.runtime, cast(target, spec.declaring), spec.name, frame)


@specs.parameter("info", yaqltypes.PythonType(PropertyInfo, nullable=False))
@specs.method
@specs.name("setValue")
def set_value(context, info, target, value):
    """``property.setValue(obj, value)``, with the access rules of an assignment made by
    the calling class (null: set a Static property)."""
    frame = _frame(context)
    spec: PropertySpec = info.spec
    if target is None:
        set_static_value(frame.runtime, _static(spec).declaring, spec.name, freeze(value),
                         frame)
    else:
        write_property(frame.runtime, cast(target, spec.declaring), spec.name,
                       freeze(value), frame)


def _static(spec: PropertySpec) -> PropertySpec:
    if spec.usage != "Static":
        raise EngineFault("NoPropertyFound", f'Static property "{spec.name}" is not found '
                                             f'in {spec.declaring.name}')
    return spec


__all__ = ["ArgumentInfo", "MethodInfo", "PackageInfo", "PropertyInfo",
           "methods_of", "properties_of"]

FUNCTIONS = [type_field, version_field, package_field, property_field, method_field, argument_field,
             invoke_method, get_value, set_value]
