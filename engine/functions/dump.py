"""``dump(obj, serializationType, ignoreUpcasts)``: an object as data, as upstream's does.

Three forms (``serializationType``):

- ``Serializable`` (default): ``{props..., "?": {type: "name/version@package", id, name,
  metadata}}``, the form of an object model;
- ``Mixed``: the same with the class's type information as ``?.type``;
- ``Inline``: ``{<type information>: {props...}, id, name, metadata}``.

Properties of Usage Runtime and Config, Static ones and undeclared ones are left out. An
object owned by the one holding it is written in place; any other is written where it is
first met when its owner is written above that place (or it has none), else by its id; a
property whose ``io.murano.metadata.engine.Serialize`` meta says ``as: reference`` holds
the id. With ``ignoreUpcasts`` false a cast object (``$.cast(Parent)``) shows only the
properties of that class and its parents. Another ``serializationType`` is a ValueError.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from yaql.language import specs, yaqltypes

from ..exceptions import EngineFault
from ..executor.meta import serialized_as_reference
from ..expressions.calls import frame_of
from ..model.classes import MuranoClass, TypeInfo, TypeRef, VersionInfo
from ..model.objects import OBJECT_TYPES, MuranoObject

MODES = ("Serializable", "Inline", "Mixed")
_SKIPPED = frozenset(("Runtime", "Config", "Static"))


def type_string(cls: MuranoClass) -> str:
    """``name/version@package``, how an object model names a class with its version."""
    return f"{cls.name}/{VersionInfo(cls.package.version)}@{cls.package.name}"


class _Ref:
    """An object met where it cannot be written (yet): later moved there, or its id."""

    __slots__ = ("obj",)

    def __init__(self, obj: MuranoObject) -> None:
        self.obj = obj


class _Written:
    """An object written in place: its data, and whose data it is (for the ownership
    rule of the objects inside)."""

    __slots__ = ("obj", "data")

    def __init__(self, obj: MuranoObject, data: Any) -> None:
        self.obj = obj
        self.data = data


class _Dumper:
    def __init__(self, runtime: Any, mode: str) -> None:
        self.runtime = runtime
        self.mode = mode
        self.written: set[str] = set()

    def properties(self, obj: MuranoObject, cls: MuranoClass) -> dict:
        result: dict = {}
        for part in reversed([cls] + cls.ancestors()):
            for name, spec in part.properties.items():
                if spec.usage in _SKIPPED or name not in obj.props:
                    continue
                value = obj.props[name]
                if isinstance(value, OBJECT_TYPES) and \
                        serialized_as_reference(self.runtime, spec):
                    value = value.real.id
                result[name] = value
        return result

    def object(self, obj: MuranoObject, cls: MuranoClass) -> _Written:
        self.written.add(obj.id)
        body = self.properties(obj, cls)
        head: dict = {"id": obj.id, "name": obj.name, "metadata": obj.metadata}
        if self.mode == "Inline":
            data = {cls.type_info: body, **head}
            header = data
        else:
            kind = cls.type_info if self.mode == "Mixed" else type_string(cls)
            header = {"type": kind, **head}
            data = {**body, "?": header}
        if obj.destroyed:
            header["destroyed"] = True
        return _Written(obj, self.value(data, obj, top=True))

    def value(self, value: Any, parent: MuranoObject | None, top: bool = False) -> Any:
        if value is None or isinstance(value, (str, int, float, bool)):
            return value
        if isinstance(value, OBJECT_TYPES):
            obj = value.real
            if obj.owner is not parent or obj.id in self.written:
                return _Ref(obj)
            return self.object(obj, obj.cls)
        if isinstance(value, Mapping):
            result = {}
            for key, item in value.items():
                if isinstance(key, TypeInfo) and self.mode == "Serializable":
                    key = key.name
                if top and key == "?" and self.mode == "Mixed":
                    result[key] = {k: v if k == "type" else self.value(v, parent)
                                   for k, v in item.items()}
                else:
                    result[key] = self.value(item, parent)
            return result
        if isinstance(value, (list, tuple, set, frozenset)):
            return [self.value(item, parent) for item in value]
        if isinstance(value, (TypeRef, TypeInfo)):
            return type_string(value.cls)
        raise EngineFault("ValueError", f"dump() cannot write {value!r}")

    def move_refs(self, node: Any, parent: MuranoObject | None) -> bool:
        """Write in place the objects met by reference that may now be (upstream's later
        passes); True when something moved."""
        moved = False
        if isinstance(node, _Written):
            return self.move_refs(node.data, node.obj)
        items = node.items() if isinstance(node, dict) else \
            enumerate(node) if isinstance(node, list) else ()
        for key, item in list(items):
            if isinstance(item, _Ref) and self._may_move(item.obj, parent):
                node[key] = self.object(item.obj, item.obj.cls)
                moved = True
            elif isinstance(item, (_Written, dict, list)):
                moved = self.move_refs(item, parent) or moved
        return moved

    def _may_move(self, obj: MuranoObject, parent: MuranoObject | None) -> bool:
        if obj.id in self.written:
            return False
        owner = obj.owner
        return owner is None or (owner.id in self.written and _nested_in(parent, owner))


def _nested_in(obj: MuranoObject | None, ancestor: MuranoObject) -> bool:
    while obj is not None:
        if obj is ancestor:
            return True
        obj = obj.owner
    return False


def _finish(node: Any) -> Any:
    if isinstance(node, _Written):
        return _finish(node.data)
    if isinstance(node, _Ref):
        return node.obj.id
    if isinstance(node, dict):
        return {key: _finish(item) for key, item in node.items()}
    if isinstance(node, list):
        return [_finish(item) for item in node]
    return node


def dump_object(runtime: Any, target: Any, mode: str = "Serializable",
                ignore_upcasts: bool = True) -> Any:
    """The data ``dump()`` gives for an object (or a cast of one)."""
    if mode not in MODES:
        raise EngineFault("ValueError", f"Invalid Serialization Type {mode!r}: one of "
                                        f"{', '.join(MODES)}")
    obj = target.real
    cls = obj.cls if ignore_upcasts else target.start_class
    dumper = _Dumper(runtime, mode)
    tree = dumper.object(obj, cls)
    while dumper.move_refs(tree, obj.owner):
        pass
    return _finish(tree)


@specs.parameter("obj", yaqltypes.PythonType(OBJECT_TYPES, nullable=False))
@specs.parameter("serialization_type", yaqltypes.String())
@specs.parameter("ignore_upcasts", bool)
@specs.name("dump")
def dump_(context, obj, serialization_type="Serializable", ignore_upcasts=True):
    return dump_object(frame_of(context).runtime, obj, serialization_type, ignore_upcasts)


FUNCTIONS = [dump_]
