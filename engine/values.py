"""Values as Murano keeps them: frozen (immutable, hashable) data, and mutable copies.

Inside the engine, every list is a ``tuple``, every dict a yaql ``FrozenDict`` and every set
a ``frozenset``, as upstream Murano keeps them: so ``distinct()``, ``mergeWith()``, set
operations and dict keys work on any value, and a value can be shared without copying.
Strings are plain ``str`` (a ``str`` subclass, such as the loader's mark of a quoted YAML
scalar, never enters a value). :func:`freeze` makes a value so; :func:`thaw` gives the
mutable copy (dicts and lists) that Python code outside the engine gets.
"""

from __future__ import annotations

import collections.abc
from typing import Any

from yaql.language.utils import FrozenDict

from . import limits

_SCALARS = frozenset((str, int, float, bool, type(None)))
_Mapping = collections.abc.Mapping
_Set = collections.abc.Set
_Iterable = collections.abc.Iterable


def is_plain_number(value: Any) -> bool:
    """An int or float, not a bool."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_mapping(value: Any) -> bool:
    """A dict of either kind (FrozenDict or dict)."""
    return isinstance(value, _Mapping)


def is_sequence(value: Any) -> bool:
    """A list of either kind (tuple or list)."""
    return isinstance(value, (tuple, list))


def freeze(value: Any) -> Any:
    """``value`` (yaql output, YAML or JSON data, a native method's result) as the engine
    keeps it: tuples, FrozenDicts, frozensets and plain strings, deep. Objects and other
    values pass through; a value that is frozen already comes back as itself."""
    kind = type(value)
    if kind in _SCALARS or kind in _OPAQUE:
        return value
    if kind is tuple:
        for i, item in enumerate(value):
            sort = type(item)
            if sort in _SCALARS or sort in _OPAQUE:
                continue
            frozen = freeze(item)
            if frozen is not item:           # copy from the first item that changes
                return value[:i] + (frozen,) + tuple([freeze(v) for v in value[i + 1:]])
        return value
    if kind is FrozenDict:
        pairs = getattr(value, "_d", value)  # yaql's FrozenDict keeps a dict: read it
        for key, item in pairs.items():
            sort = type(item)
            if (sort in _SCALARS or sort in _OPAQUE) and type(key) is str:
                continue
            if freeze(key) is not key or freeze(item) is not item:
                return FrozenDict([(freeze(k), freeze(v)) for k, v in pairs.items()])
        return value
    if kind is list:
        return tuple([freeze(v) for v in value])
    if kind is dict:
        return FrozenDict((freeze(k), freeze(v)) for k, v in value.items())
    return _freeze_other(value, kind)


def _freeze_other(value: Any, kind: type) -> Any:
    if isinstance(value, _Mapping):
        return FrozenDict((freeze(k), freeze(v)) for k, v in value.items())
    if isinstance(value, str):
        return str(value)                       # a str subclass: the plain string
    if kind is frozenset:
        return frozenset(freeze(v) for v in value)
    if isinstance(value, collections.abc.MappingView):  # keys()/items(): the dict's order
        return tuple([freeze(v) for v in value])
    if isinstance(value, _Set):
        return frozenset(freeze(v) for v in value)
    if isinstance(value, (bytes, bytearray)):
        return value
    if isinstance(value, collections.abc.Sequence):
        return tuple([freeze(v) for v in value])
    if isinstance(value, collections.abc.Iterator) or _is_yaql_iterable(value):
        return _bounded(value)
    if not isinstance(value, (_Iterable, bool, int, float)):
        _OPAQUE.add(kind)                      # objects, class references...: as they are
    return value


_OPAQUE: set[type] = set()
"""Types seen to pass :func:`freeze` unchanged (no container): checked first next time."""


def _bounded(lazy: Any) -> tuple:
    """The items of a lazy sequence, frozen, up to the active budget's collection limit
    (upstream limits what it materialises the same way)."""
    budget = limits.active()
    limit = budget.limits.max_collection
    items: list = []
    for item in lazy:
        if 0 <= limit <= len(items):
            budget.collection(len(items) + 1)
        items.append(freeze(item))
    budget.collection(len(items))
    return tuple(items)


def _is_yaql_iterable(value: Any) -> bool:
    """A lazy sequence yaql hands out (its own iterable classes), not bytes or objects."""
    return isinstance(value, _Iterable) and not isinstance(value, (bytes, bytearray)) and \
        type(value).__module__.startswith("yaql")


def thaw(value: Any) -> Any:
    """A mutable copy of an engine value for Python code: dicts, lists (sets become lists,
    as upstream converts them), plain strings; objects and other values pass through."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is tuple or kind is list:
        return [thaw(v) for v in value]
    if kind is FrozenDict or kind is dict or isinstance(value, _Mapping):
        return {_thaw_key(k): thaw(v) for k, v in value.items()}
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (_Set, tuple, list, collections.abc.Iterator)) or \
            _is_yaql_iterable(value):
        return [thaw(v) for v in value]
    return value


def _thaw_key(key: Any) -> Any:
    """A dict key stays frozen when it is a container (a list is no dict key)."""
    if type(key) in _SCALARS or isinstance(key, (tuple, frozenset, _Mapping)):
        return key
    return thaw(key)


__all__ = ["FrozenDict", "freeze", "is_mapping", "is_plain_number", "is_sequence", "thaw"]
