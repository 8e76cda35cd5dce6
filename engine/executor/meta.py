"""Meta objects: instances of the meta classes ``Meta`` sections name, made once per runtime,
and what an entity's ``meta`` is once inheritance is applied.

As upstream: a class's own entries always count; a parent's (or an overridden method's, a
redeclared property's) count when their meta class is ``Inherited`` and no nearer entity
of the path already has one of that class with ``Cardinality: One``; two such entries
reaching one entity from different parents are an error. Meta objects are made outside the
object store (they belong to no deployment), their values evaluated in the declaring
class's context.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..exceptions import EngineFault
from ..expressions.data import compile_value, source_for
from ..files.package import Package
from ..model.classes import ArgSpec, MetaEntry, MethodSpec, MuranoClass, PropertySpec
from ..model.meta import meta_entries
from ..syntax.names import NamespaceResolver

SYNCHRONIZE = "io.murano.metadata.engine.Synchronize"
SERIALIZE = "io.murano.metadata.engine.Serialize"


def _own(runtime: Any, provider: Any, entries: list[MetaEntry], declaring: MuranoClass,
         frame: Any) -> list:
    """The meta objects of one section (made on first use, kept by the runtime)."""
    if not entries:
        return []
    cache = runtime.meta_objects
    key = ("own", id(provider))
    found = cache.get(key)
    if found is None:
        objects = [_instantiate(runtime, entry, declaring, frame) for entry in entries]
        found = cache[key] = (provider, objects)
    return found[1]


def _instantiate(runtime: Any, entry: MetaEntry, declaring: MuranoClass, frame: Any) -> Any:
    props = entry.props
    if props is None:
        values: dict = {}
    elif isinstance(props, dict):
        src = source_for(declaring, None)
        cls_frame = runtime.class_frame(declaring, declaring.type_ref)
        values = compile_value(props, src, entry.pos).evaluate(cls_frame.ctx)
    else:
        raise EngineFault("ValueError", f"the values of meta {entry.meta_cls.name} must be "
                                        f"a mapping, not {props!r}")
    return runtime.create_object(entry.meta_cls, None, dict(values), frame, store=False)


def _merged(runtime: Any, key: tuple, start: MuranoClass,
            producer: Callable[[MuranoClass], list], keep: Any) -> list:
    cache = runtime.meta_objects
    found = cache.get(key)
    if found is not None:
        return found[1]
    pairs: list[tuple[MuranoClass, Any]] = []
    seen: set[tuple[int, int]] = set()

    def walk(classes: list[MuranoClass], skip: frozenset) -> None:
        for cls in classes:
            nearer = set(skip)
            for obj in producer(cls):
                meta_cls = obj.cls
                if cls is not start and (not meta_cls.inherited or meta_cls in skip):
                    continue
                if meta_cls.cardinality == "One":
                    nearer.add(meta_cls)
                if (id(cls), id(obj)) not in seen:
                    seen.add((id(cls), id(obj)))
                    pairs.append((cls, obj))
            walk(cls.parents, frozenset(nearer))
    walk([start], frozenset())
    single: dict[MuranoClass, MuranoClass] = {}
    for cls, obj in pairs:
        if obj.cls.cardinality == "One" and single.setdefault(obj.cls, cls) is not cls:
            raise EngineFault("ValueError", f"Found more than one instance of Meta "
                                            f"{obj.cls.name} with Cardinality One")
    objects = [obj for _cls, obj in pairs]
    cache[key] = (keep, objects)
    return objects


def class_meta(runtime: Any, cls: MuranoClass, frame: Any = None) -> list:
    """``typeinfo(x).meta``: the class's meta with what it inherits."""
    return list(_merged(runtime, ("class", id(cls)), cls,
                        lambda c: _own(runtime, c, c.meta_entries, c, frame), cls))


def method_meta(runtime: Any, method: MethodSpec, frame: Any = None) -> list:
    """A method's meta with what it inherits from the methods it overrides."""
    return _member_meta(runtime, "method", "methods", method, frame)


def property_meta(runtime: Any, prop: PropertySpec, frame: Any = None) -> list:
    """A property's meta with what it inherits from the declarations it redeclares."""
    return _member_meta(runtime, "property", "properties", prop, frame)


def _member_meta(runtime: Any, kind: str, table: str, member: Any, frame: Any) -> list:
    """The meta of a method or property (``table`` names its class table), merged along the
    classes that declare a member of that name."""
    name = member.name

    def producer(cls: MuranoClass) -> list:
        spec = getattr(cls, table).get(name)
        return [] if spec is None else _own(runtime, spec, spec.meta_entries, cls, frame)
    return list(_merged(runtime, (kind, id(member)), member.declaring, producer, member))


def argument_meta(runtime: Any, method: MethodSpec, arg: ArgSpec, frame: Any = None) -> list:
    """An argument's own meta (arguments inherit none)."""
    return list(_own(runtime, arg, arg.meta_entries, method.declaring, frame))


def package_meta(runtime: Any, package: Package, frame: Any = None) -> list:
    """The meta of a package's manifest (``Meta:``; meta class names are full names)."""
    cache = runtime.meta_objects
    key = ("package", id(package))
    found = cache.get(key)
    if found is not None:
        return list(found[1])
    section = (package.manifest or {}).get("Meta")
    anchor = MuranoClass(package.name, package, NamespaceResolver({}),
                         package.display_path("manifest.yaml"))
    entries = meta_entries(section, "Package", runtime.get_class, anchor.file, (1, 1))
    objects = [_instantiate(runtime, entry, anchor, frame) for entry in entries]
    cache[key] = (package, objects)
    return list(objects)


def lock_rule(runtime: Any, method: MethodSpec) -> tuple[bool, tuple[str, ...]]:
    """How concurrent calls of ``method`` wait for each other: (on this object or class,
    argument names whose values must differ to run together), from its Synchronize meta."""
    rules = runtime.lock_rules
    rule = rules.get(id(method))
    if rule is None:
        rule = (True, ())
        if _may_synchronize(method):
            for obj in method_meta(runtime, method):
                if obj.cls.name == SYNCHRONIZE:
                    on_args = obj.props.get("onArgs") or ()
                    rule = (bool(obj.props.get("onThis", True)), tuple(on_args))
                    break
        rules[id(method)] = rule
    return rule


def _may_synchronize(method: MethodSpec) -> bool:
    """True when some declaration of the method along the hierarchy names Synchronize."""
    name = method.name
    for cls in [method.declaring] + method.declaring.ancestors():
        spec = cls.methods.get(name)
        if spec is not None and any(e.meta_cls.name == SYNCHRONIZE
                                    for e in spec.meta_entries):
            return True
    return False


def serialized_as_reference(runtime: Any, prop: PropertySpec) -> bool:
    """True when the property's Serialize meta says ``as: reference`` (dump() writes the
    object's id there)."""
    declarations = [c.properties.get(prop.name) for c in
                    [prop.declaring] + prop.declaring.ancestors()]
    if not any(e.meta_cls.name == SERIALIZE for spec in declarations if spec is not None
               for e in spec.meta_entries):
        return False
    return any(obj.cls.name == SERIALIZE and obj.props.get("as") == "reference"
               for obj in property_meta(runtime, prop))
