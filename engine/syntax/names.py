"""Class names with namespace prefixes, as a class's ``Namespaces`` section resolves them.

``prefix:Name`` is ``<namespace of prefix>.Name``; ``:Name`` and a bare ``Name`` use the
default namespace ``=`` (when the class declares one); a dotted name is already full. A
prefix may map to an empty namespace (``py:`` with no value), which leaves the name as it is.
"""

from __future__ import annotations

import re
from typing import Any

TYPE_NAME = re.compile(r"^([A-Za-z_]\w*:|:)?[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")
PREFIX = re.compile(r"^([A-Za-z_]\w*|=)$")
NAMESPACE = re.compile(r"^([A-Za-z_]\w*(\.[A-Za-z_]\w*)*)?$")


def namespace_problems(namespaces: Any) -> list[tuple[Any, str]]:
    """(prefix, problem) for every entry of a ``Namespaces`` mapping that is not valid."""
    problems = []
    for prefix, target in namespaces.items():
        if not (isinstance(prefix, str) and PREFIX.match(prefix)):
            problems.append((prefix, f"namespace prefix {prefix!r} is not a name"))
        if target is not None and not (isinstance(target, str) and NAMESPACE.match(target)):
            problems.append((prefix, f"namespace {prefix!r} maps to {target!r}, "
                                     "not a dotted name"))
    return problems


def is_type_name(name: Any) -> bool:
    """``Name``, ``a.b.Name``, ``ns:Name`` or ``:Name``."""
    return isinstance(name, str) and bool(TYPE_NAME.match(name))


class NamespaceResolver:
    """Resolves ``prefix:Name`` and short names with a class's ``Namespaces`` section."""

    def __init__(self, namespaces: dict | None) -> None:
        self.namespaces = {str(k): "" if v is None else str(v)
                           for k, v in (namespaces or {}).items()}

    def resolve(self, name: str) -> str:
        """The full name of ``name``; KeyError (with a message) for an unknown prefix."""
        name = name.strip()
        if ":" in name:
            prefix, short = name.split(":", 1)
            prefix = prefix or "="
            if prefix == "=" and "=" not in self.namespaces:
                return short
            if prefix not in self.namespaces:
                raise KeyError(f'Namespace prefix "{prefix}" is not defined')
            target = self.namespaces[prefix]
            return f"{target}.{short}" if target else short
        if "." in name or not self.namespaces.get("="):
            return name
        return f"{self.namespaces['=']}.{name}"
