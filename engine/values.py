"""Plain data: what yaql hands back, turned into the Python values the engine keeps."""

from __future__ import annotations

import collections.abc
import types
from typing import Any


def is_plain_number(value: Any) -> bool:
    """An int or float, not a bool."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def to_plain(value: Any) -> Any:
    """yaql output -> plain mutable Python data (lists, dicts); objects pass through."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {to_plain(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, collections.abc.Mapping):
        return {to_plain(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (tuple, set, frozenset, types.GeneratorType, map, filter, zip,
                          collections.abc.Iterator)):
        return [to_plain(v) for v in value]
    if isinstance(value, collections.abc.Iterable) and not isinstance(value, (bytes,)) \
            and type(value).__module__.startswith("yaql"):
        return [to_plain(v) for v in value]
    return value
