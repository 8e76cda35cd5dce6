"""Safe YAML loading that remembers where every mapping, list item and scalar came from.

Class files are parsed with PyYAML's SafeLoader; mappings become :class:`LocDict` and
sequences :class:`LocList`, which carry the 1-based line/column of themselves and of each
item, so statements and expressions can be reported as ``file:line``.
"""

from __future__ import annotations

from typing import Any

import yaml


class LocDict(dict):
    """A dict with ``line``/``column`` and per-key positions ``key_pos``."""

    __slots__ = ("line", "column", "key_pos")


class QuotedStr(str):
    """A quoted or block scalar: always a literal string, never a yaql expression.

    Upstream Murano marks expressions with an implicit YAML resolver, and PyYAML applies
    implicit resolvers to plain (unquoted) scalars only.
    """

    __slots__ = ()


class LocList(list):
    """A list with ``line``/``column`` and per-item positions ``item_pos``."""

    __slots__ = ("line", "column", "item_pos")


def _pos(node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)   # libyaml when available


class _Loader(_BASE_LOADER):
    """Safe loader (libyaml-backed when available) building located containers."""


def _construct_map(loader: _Loader, node):
    result = LocDict()
    result.line, result.column = _pos(node)
    result.key_pos = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, list):
            key = tuple(key)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_pos[key] = _pos(value_node) if not isinstance(
            value_node, yaml.ScalarNode) else _pos(key_node)
    return result


def _construct_seq(loader: _Loader, node):
    result = LocList()
    result.line, result.column = _pos(node)
    result.item_pos = [_pos(child) for child in node.value]
    result.extend(loader.construct_object(child, deep=True) for child in node.value)
    return result


def _construct_str(loader: _Loader, node):
    value = loader.construct_scalar(node)
    return QuotedStr(value) if node.style else value


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:str", _construct_str)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
_Loader.add_constructor("tag:yaml.org,2002:omap", _construct_map)


def load_all(text: str | bytes) -> list[Any]:
    """All YAML documents of ``text`` (located containers); raises yaml.YAMLError."""
    return [doc for doc in yaml.load_all(text, Loader=_Loader) if doc is not None]


def load(text: str | bytes) -> Any:
    """The single YAML document of ``text``."""
    return yaml.load(text, Loader=_Loader)


def position(container: Any, key: Any) -> tuple[int | None, int | None]:
    """(line, column) of an item of a located dict/list, or of the container itself."""
    if isinstance(container, LocDict):
        return container.key_pos.get(key, (container.line, container.column))
    if isinstance(container, LocList):
        if isinstance(key, int) and 0 <= key < len(container.item_pos):
            return container.item_pos[key]
        return container.line, container.column
    return None, None
