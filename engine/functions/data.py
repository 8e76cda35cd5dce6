"""Murano's yaql functions on data: ``bind``, ``format`` (removed from yaql 3 but used by
real packages), base64, string helpers, JSON ``patch``, and ``sum`` (yaql's, faster on
numbers)."""

from __future__ import annotations

import base64
import functools

from yaql.language import specs, utils, yaqltypes

from ..values import freeze, is_mapping, is_sequence, thaw


def _bind_value(value, mappings):
    if is_mapping(value):
        return {_bind_value(k, mappings): _bind_value(v, mappings) for k, v in value.items()}
    if is_sequence(value):
        return [_bind_value(v, mappings) for v in value]
    if isinstance(value, str):
        if value.startswith("$"):
            if value[1:] in mappings:
                return mappings[value[1:]]
            try:
                return value[1:].format(**mappings)
            except (KeyError, IndexError, ValueError):
                return value
        for key, sub in mappings.items():
            marker = f"%{key}%"
            if marker in value:
                value = value.replace(marker, str(sub))
        return value
    return value


@specs.parameter("mappings", yaqltypes.PythonType(utils.MappingType))
@specs.name("bind")
def bind_(obj, mappings):
    return freeze(_bind_value(obj, mappings or {}))


@specs.parameter("mappings", yaqltypes.PythonType(utils.MappingType))
@specs.method
@specs.name("bind")
def bind_method(obj, mappings):
    return bind_(obj, mappings)


@specs.parameter("value", yaqltypes.String())
@specs.name("base64encode")
def base64encode(value):
    return base64.b64encode(value.encode("utf-8")).decode("ascii")


@specs.parameter("value", yaqltypes.String())
@specs.name("base64decode")
def base64decode(value):
    return base64.b64decode(value.encode("ascii")).decode("utf-8")


@specs.parameter("fmt", yaqltypes.String())
@specs.name("format")
def format_(fmt, *args, **kwargs):
    return fmt.format(*args, **kwargs)


@specs.parameter("fmt", yaqltypes.String())
@specs.method
@specs.name("format")
def format_method(fmt, *args, **kwargs):
    return fmt.format(*args, **kwargs)


@specs.parameter("value", yaqltypes.String())
@specs.name("toLower")
def to_lower(value):
    return value.lower()


@specs.parameter("value", yaqltypes.String())
@specs.name("toUpper")
def to_upper(value):
    return value.upper()


@specs.parameter("value", yaqltypes.String())
@specs.parameter("chars", yaqltypes.String(nullable=True))
@specs.name("trim")
def trim_(value, chars=None):
    return value.strip(chars)


@specs.parameter("value", yaqltypes.String())
@specs.parameter("start", int)
@specs.parameter("length", int)
@specs.method
@specs.name("substr")
def substr_(value, start, length=-1):
    """Murano's ``s.substr(start, length)``; a negative length means "to the end"."""
    return value[start:] if length < 0 else value[start:start + length]


@specs.parameter("obj", utils.MappingType)
@specs.parameter("patch", yaqltypes.Sequence())
@specs.method
@specs.name("patch")
def patch_(obj, patch):
    """Apply a JSON patch (RFC 6902) to a dict."""
    import jsonpatch  # only when a package patches something
    return freeze(jsonpatch.apply_patch(thaw(obj), thaw(patch)))


_NUMBERS = (int, float)


@specs.parameter("collection", yaqltypes.Iterable())
@specs.inject("operator", yaqltypes.Delegate("#operator_+"))
@specs.method
@specs.name("sum")
def sum_(operator, collection, initial=utils.NO_VALUE):
    """yaql's ``collection.sum(initial)``: the items folded with ``+``; two numbers are
    added directly (what yaql's ``+`` of two numbers does) instead of a dispatch of
    ``#operator_+`` for every item."""
    def add(left, right):
        if type(left) in _NUMBERS and type(right) in _NUMBERS:
            return left + right
        return operator(left, right)
    if initial is utils.NO_VALUE:
        return functools.reduce(add, collection)
    return functools.reduce(add, collection, initial)


@specs.parameter("collection", yaqltypes.Iterable())
@specs.parameter("default", nullable=True)
@specs.extension_method
@specs.name("firstOrDefault")
def first_or_default(collection, default=None):
    """Format <= 1.1: the first item, or ``default`` for an empty collection."""
    for item in collection:
        return item
    return default


LEGACY_FUNCTIONS = [first_or_default]
"""Registered into the legacy (Format 1.0 and 1.1) root context only."""

FUNCTIONS = [bind_, bind_method, base64encode, base64decode, format_, format_method,
             to_lower, to_upper, trim_, substr_, patch_, sum_]
"""Registered into every root context."""
