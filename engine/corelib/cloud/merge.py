"""Deep merge of templates the way Murano's HeatStack.updateTemplate combines them."""

from __future__ import annotations

import copy
from typing import Any


def merge_lists(first: list[Any], second: list[Any]) -> list[Any]:
    """Items of both lists in order, each equal item once."""
    result: list[Any] = list(first)
    for item in second:
        if item not in result:
            result.append(copy.deepcopy(item))
    return result


def merge_dicts(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """A new dict: ``update`` merged into ``base``.

    Nested dicts merge key by key, lists are united, anything else is replaced by the value
    from ``update``. A dict or list meeting a value of another kind is an error (TypeError).
    Neither argument is modified; unchanged parts of ``base`` are shared with the result.
    """
    result = dict(base)  # values of ``base`` are shared, never modified in place
    for key, new in update.items():
        old = result.get(key)
        if key not in result or old is None or new is None:
            result[key] = copy.deepcopy(new)
        elif isinstance(old, dict) and isinstance(new, dict):
            result[key] = merge_dicts(old, new)
        elif isinstance(old, list) and isinstance(new, list):
            result[key] = merge_lists(old, new)
        elif isinstance(old, (dict, list)) or isinstance(new, (dict, list)):
            raise TypeError(f"key {key!r}: cannot merge {type(new).__name__} into "
                            f"{type(old).__name__}")
        else:
            result[key] = copy.deepcopy(new)
    return result
