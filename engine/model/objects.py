"""MuranoPL objects, casts to a parent class, and the proxies Python code sees."""

from __future__ import annotations

from collections.abc import Mapping, Set
from typing import Any

from ..exceptions import EngineFault, MuranoPlError
from ..values import FrozenDict, freeze
from .classes import MuranoClass, TypeInfo, TypeRef, VersionInfo


class MuranoObject:
    """One MuranoPL object: class, id, owner, property values and native (Python) parts.

    ``runtime`` is the interpreter that made it (what reading a property asks)."""

    __slots__ = ("id", "cls", "owner", "props", "name", "natives", "initialized",
                 "destroyed", "dead", "_proxy", "runtime", "views", "private", "metadata",
                 "__weakref__")

    def __init__(self, cls: MuranoClass, object_id: str, owner: MuranoObject | None,
                 runtime: Any, name: str | None = None) -> None:
        self.id = object_id
        self.cls = cls
        self.owner = owner
        self.props: dict[str, Any] = {}
        self.name = name
        self.natives: dict[str, Any] = {}
        self.initialized = False
        self.destroyed = False
        self.dead = False          # destroyed by the GC: calling its methods is an error
        self.views: dict | None = None   # (declaring class, name) -> value of a property
        #                                  redeclared along the hierarchy, per declaration
        self._proxy: ObjectProxy | None = None
        self.runtime = runtime
        self.private: dict | None = None  # (class, name) -> value of an undeclared property
        self.metadata: Any = None         # "?": {metadata} of the object model

    @property
    def real(self) -> MuranoObject:
        return self

    @property
    def start_class(self) -> MuranoClass:
        return self.cls

    @property
    def proxy(self) -> ObjectProxy:
        if self._proxy is None:
            self._proxy = ObjectProxy(self)
        return self._proxy

    def find_owner(self, cls: MuranoClass) -> MuranoObject | None:
        """Nearest owner (this object excluded) whose class is ``cls`` or derives from it."""
        node = self.owner
        while node is not None:
            if cls.is_compatible(node.cls):
                return node
            node = node.owner
        return None

    def __repr__(self) -> str:
        return f"<{self.cls.name} {self.id}>"


class CastView:
    """An object seen as one of its parent classes (``super()``, ``cast()``)."""

    __slots__ = ("real", "start_class")

    def __init__(self, obj: MuranoObject, cls: MuranoClass) -> None:
        self.real = obj
        self.start_class = cls

    @property
    def id(self) -> str:
        return self.real.id

    @property
    def cls(self) -> MuranoClass:
        return self.real.cls

    def __eq__(self, other: Any) -> bool:
        return (isinstance(other, CastView) and other.real is self.real
                and other.start_class is self.start_class)

    def __hash__(self) -> int:
        return hash((id(self.real), id(self.start_class)))

    def __repr__(self) -> str:
        return f"<{self.real.cls.name} {self.real.id} as {self.start_class.name}>"


OBJECT_TYPES = (MuranoObject, CastView)


class ObjectProxy:
    """What Python callers get for a MuranoPL object (stable per object): ``id``,
    ``type_name``, ``type`` (its class), ``name``, ``owner``, ``destroyed`` and
    :meth:`get_property`."""

    __slots__ = ("_obj",)

    def __init__(self, obj: MuranoObject) -> None:
        self._obj = obj

    @property
    def id(self) -> str:
        return self._obj.id

    @property
    def type_name(self) -> str:
        return self._obj.cls.name

    @property
    def type(self) -> MuranoClass:
        return self._obj.cls

    @property
    def name(self) -> str | None:
        return self._obj.name

    @property
    def owner(self) -> ObjectProxy | None:
        owner = self._obj.owner
        return owner.proxy if owner is not None else None

    @property
    def destroyed(self) -> bool:
        return self._obj.destroyed

    def get_property(self, name: str) -> Any:
        """A property value as plain data (objects as proxies)."""
        obj = self._obj
        try:
            value = obj.runtime.read_property(obj, name, None)
        except EngineFault as fault:
            raise MuranoPlError(fault.type_name, fault.message, fault.extra) from None
        return to_python(value)

    def __repr__(self) -> str:
        return f"<ObjectProxy {self.type_name} {self.id}>"


def to_python(value: Any) -> Any:
    """Engine value -> value for Python callers: mutable copies (dicts, lists; sets become
    lists), plain strings, objects as their proxies, class references as class names."""
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is MuranoObject:
        return value.proxy
    if kind is CastView:
        return value.real.proxy
    if kind is tuple or kind is list:
        return [to_python(v) for v in value]
    if isinstance(value, Mapping):
        return {_key(k): to_python(v) for k, v in value.items()}
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (Set, tuple, list)):
        return [to_python(v) for v in value]
    if isinstance(value, (TypeRef, TypeInfo)):
        return value.cls.name
    if isinstance(value, VersionInfo):
        return str(value)
    return value


def _key(key: Any) -> Any:
    """A dict key for Python callers: a container key stays frozen (a list is no key)."""
    if isinstance(key, (tuple, frozenset, Mapping)):
        return key
    return to_python(key)


def from_python(value: Any) -> Any:
    """Value from Python callers -> engine value (proxies become objects, data frozen)."""
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is ObjectProxy:
        return value._obj
    if kind is tuple or kind is list:
        return tuple([from_python(v) for v in value])
    if isinstance(value, Mapping):
        return FrozenDict((from_python(k), from_python(v)) for k, v in value.items())
    return freeze(value)
