"""Object definitions written in MuranoPL: the short ``{:Type: {props}, id: x}`` form.

Upstream Murano accepts two spellings of an object model wherever one is expected (``new()``,
``template()`` contracts): the normal ``{"?": {"type": T, "id": x}, prop: v}`` and the short
``{ns:Type: {prop: v}, id: x, name: n}``, where the single key naming a class holds the
properties and the other keys are the header. :func:`normalize` turns the short spelling
into the normal one (class names resolved in the calling class's namespaces).
"""

from __future__ import annotations

from typing import Any

from ..exceptions import EngineFault, MuranoPlError
from ..values import is_mapping, is_sequence
from .classes import MuranoClass, TypeRef


def type_key(key: Any, scope: MuranoClass | None, runtime: Any,
             relaxed: bool = False) -> MuranoClass | None:
    """The class a dict key names (a class reference or ``prefix:Name``; ``relaxed``: any
    class name, for a dict whose only key it is), else None."""
    if isinstance(key, TypeRef):
        return key.cls
    if isinstance(key, MuranoClass):
        return key
    if not isinstance(key, str) or key.count(":") > 1 or (":" not in key and not relaxed):
        return None
    if ":" in key:
        if scope is None:
            return None
        prefix, short = key.split(":")
        if not short or (prefix and prefix not in scope.resolver.namespaces):
            return None
    try:
        return runtime.resolve_class(key, scope)
    except (EngineFault, MuranoPlError):
        return None


def normalize(value: Any, scope: MuranoClass | None, runtime: Any, deep: bool = True,
              top: bool = True) -> Any:
    """``value`` with every short-form object definition rewritten to the ``"?"`` form
    (``deep``: nested ones too). Only the top dict may name its class without a prefix
    (``{ns.Type: {props}}`` as its single key)."""
    if is_sequence(value):
        return [normalize(v, scope, runtime, top=False) for v in value] if deep else value
    if not is_mapping(value):
        return value
    first = next(iter(value.values()), None)
    relaxed = top and len(value) == 1 and (first is None or is_mapping(first))
    for key in value:
        cls = type_key(key, scope, runtime, relaxed)
        if cls is None:
            continue
        props = value[key] or {}
        if not is_mapping(props):
            raise EngineFault("ContractViolationException",
                              f"properties of {cls.name} must be a mapping")
        head = {k: v for k, v in value.items() if k != key}
        head["type"] = cls.name
        result = {k: normalize(v, scope, runtime, top=False) if deep else v
                  for k, v in props.items()}
        result["?"] = head
        return result
    if not deep:
        return value
    return {k: (v if k == "?" else normalize(v, scope, runtime, top=False))
            for k, v in value.items()}
