"""Class names: ``Namespaces`` sections and the ``prefix:Name`` / short-name rule."""

from __future__ import annotations


class NamespaceResolver:
    """Resolves ``prefix:Name`` and short names using a class's ``Namespaces`` section."""

    def __init__(self, namespaces: dict | None) -> None:
        self.namespaces = {str(k): str(v) for k, v in (namespaces or {}).items()}

    def resolve(self, name: str) -> str:
        """The full name of ``name``; KeyError for a prefix the section does not define."""
        name = name.strip()
        if ":" in name:
            prefix, short = name.split(":", 1)
            prefix = prefix or "="
            if prefix == "=" and "=" not in self.namespaces:
                return short
            if prefix not in self.namespaces:
                raise KeyError(f'Namespace prefix "{prefix}" is not defined')
            return f"{self.namespaces[prefix]}.{short}"
        if "." in name or "=" not in self.namespaces:
            return name
        return f"{self.namespaces['=']}.{name}"
