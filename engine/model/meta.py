"""``Meta`` sections of packages, classes, properties, methods and arguments.

A section is one entry or a list of them; an entry is a meta class name (``ns:Name``,
resolved in the declaring class's namespaces) or a one-key mapping of that name to its
property values. As upstream's class loader does when it loads a class, every entry is
checked here: it names a ``Usage: Meta`` class, one that ``Applies`` to where it is
attached, and a meta class of ``Cardinality: One`` appears once per section. The meta
objects themselves are made later, per runtime (:mod:`muranokit.engine.executor.meta`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..exceptions import EngineFault
from ..files.located_yaml import position
from .classes import MetaEntry, MuranoClass, syntax_error

Lookup = Callable[[str], MuranoClass]
"""Resolves a (possibly prefixed) class name where the section is written (EngineFault
NoClassFound when there is no such class)."""


def meta_entries(section: Any, target: str, lookup: Lookup, file: str, pos: tuple,
                 owner: str | None = None) -> list[MetaEntry]:
    """The checked entries of one ``Meta`` section attached to a ``target`` (Package, Type,
    Property, Method or Argument); a problem is a ``ValueError`` (upstream's type) at the
    entry's line, an unknown class a ``NoClassFound``."""
    if section is None:
        return []
    items = section if isinstance(section, list) else [section]
    result: list[MetaEntry] = []
    once: set[int] = set()
    for i, item in enumerate(items):
        where = _located(position(section, i), pos) if isinstance(section, list) else pos
        if isinstance(item, dict):
            if len(item) != 1:
                raise syntax_error("a Meta entry must name one meta class", file, where,
                                   "ValueError", owner)
            (name, props), = item.items()
            where = _located(position(item, name), where)
        else:
            name, props = item, None
        if not isinstance(name, str) or not name:
            raise syntax_error(f"Meta entry {name!r} is not a class name", file, where,
                               "ValueError", owner)
        try:
            meta_cls = lookup(name)
        except EngineFault as fault:
            raise syntax_error(f"Meta: {fault.message}", file, where, fault.type_name,
                               owner) from None
        if meta_cls.usage != "Meta":
            raise syntax_error(f"{meta_cls.name} is not a meta class: only classes of "
                               "Usage Meta can be attached", file, where, "ValueError", owner)
        if target not in meta_cls.targets:
            raise syntax_error(f"meta class {meta_cls.name} is not applicable to a "
                               f"{target}", file, where, "ValueError", owner)
        if meta_cls.cardinality != "Many":
            if id(meta_cls) in once:
                raise syntax_error(f"meta class {meta_cls.name} has Cardinality One: it "
                                   "cannot be attached more than once", file, where,
                                   "ValueError", owner)
            once.add(id(meta_cls))
        result.append(MetaEntry(meta_cls, props, where))
    return result


def _located(pos: tuple, fallback: tuple) -> tuple:
    return pos if pos and pos[0] is not None else fallback


def attach_meta(cls: MuranoClass, lookup: Lookup) -> None:
    """Resolve and check the Meta sections of ``cls`` and of its properties, methods and
    arguments (the class is built: meta classes may name it)."""
    file = cls.file
    cls.meta_entries = meta_entries(cls.meta, "Type", lookup, file,
                                    cls.meta_pos, cls.name)
    for spec in cls.properties.values():
        spec.meta_entries = meta_entries(spec.meta, "Property", lookup, file, spec.pos,
                                         cls.name)
    for method in cls.methods.values():
        method.meta_entries = meta_entries(method.meta, "Method", lookup, file, method.pos,
                                           cls.name)
        for arg in method.arguments:
            arg.meta_entries = meta_entries(arg.meta, "Argument", lookup, file, arg.pos,
                                            cls.name)
