"""The classes one runtime can use: its packages' (built on first use) and the core library's.

A class of a loaded package wins over a core-library class of the same name; a class is
built once per runtime from its document, its parents first (a cycle of ``Extends`` is a
``DslSyntaxError``), its ``Import:`` list checked and its Python half attached.
"""

from __future__ import annotations

from typing import Any

from .bridge import attach_natives
from .exceptions import EngineFault, MuranoPlError, StackFrame
from .files.located_yaml import position
from .files.package import Package
from .functions.extensions import import_error
from .loader import class_document
from .model.build import build_class
from .model.classes import MuranoClass, TypeRef
from .model.meta import attach_meta
from .native import NATIVE_CLASSES


class ClassRegistry:
    """Full name -> :class:`MuranoClass` for the packages of a runtime and a core library
    (``library``: ``classes``, ``package``, ``broken`` and ``get_class(name, registry)``)."""

    def __init__(self, packages: list[Package], library: Any) -> None:
        self.packages = packages
        self.library = library
        self._classes: dict[str, MuranoClass] = {}
        self._building: list[str] = []

    def find_package_of(self, name: str) -> Package | None:
        """The loaded package that defines class ``name`` (None: core library or unknown)."""
        for pkg in self.packages:
            if name in pkg.documents:
                return pkg
        return None

    def get_class(self, name: str) -> MuranoClass:
        """The class of full name ``name`` (built on first use); EngineFault NoClassFound."""
        cls = self._classes.get(name)
        if cls is not None:
            return cls
        cls = self.library.classes.get(name)
        if cls is not None and self.find_package_of(name) is None:
            return cls
        pkg = self.find_package_of(name)
        if pkg is None:
            cls = self.library.get_class(name, self)
            if cls is None:
                broken = "".join(f" (core library file with errors: {e.file}: {e.message})"
                                 for e in self.library.broken)
                raise EngineFault("NoClassFound", f'Class "{name}" is not found{broken}')
            return cls
        if name in self._building:
            chain = " -> ".join(self._building[self._building.index(name):] + [name])
            doc, file = pkg.documents[name]
            raise MuranoPlError("DslSyntaxError", f"cyclic Extends: {chain}",
                                stack=[StackFrame(file, getattr(doc, "line", 1), 1, None, name)])
        self._building.append(name)
        try:
            doc, file = class_document(pkg, name)
            cls = build_class(doc, pkg, file, self._parent_lookup(file, doc), name=name)
            self._check_imports(cls)
            attach_natives(cls)
        finally:
            self._building.pop()
        self._classes[name] = cls
        try:
            attach_meta(cls, self.meta_lookup(cls))
        except MuranoPlError:
            del self._classes[name]
            raise
        return cls

    def meta_lookup(self, cls: MuranoClass):
        """How ``cls``'s Meta sections name classes: its namespaces, then this registry."""
        def lookup(name: str) -> MuranoClass:
            try:
                return self.get_class(cls.resolve_name(name))
            except KeyError as exc:
                raise EngineFault("NoClassFound", str(exc.args[0])) from None
        return lookup

    def _parent_lookup(self, file: str, doc: Any):
        def lookup(parent: str, child: MuranoClass) -> MuranoClass:
            try:
                return self.get_class(parent)
            except EngineFault as fault:
                line, col = position(doc, "Extends")
                raise MuranoPlError(fault.type_name, fault.message,
                                    stack=[StackFrame(file, line, col, None, child.name)]) from None
        return lookup

    def class_known(self, name: str) -> bool:
        """True when a class of full name ``name`` can be loaded (without building it)."""
        return name in self._classes or self.find_package_of(name) is not None or \
            name in self.library.package.documents or name in NATIVE_CLASSES

    def _check_imports(self, cls: MuranoClass) -> None:
        """Every class of ``cls``'s ``Import:`` exists (built later, when first needed)."""
        for name, pos in cls.imports:
            if not self.class_known(name):
                raise import_error(cls, name, pos)

    def resolve_class(self, name: str, context_cls: MuranoClass | None) -> MuranoClass:
        """A class by (possibly namespaced) name, resolved in ``context_cls``'s namespaces."""
        if isinstance(name, TypeRef):
            return name.cls
        full = name
        if context_cls is not None:
            try:
                full = context_cls.resolve_name(name)
            except KeyError as exc:
                raise EngineFault("NoClassFound", str(exc.args[0])) from None
        elif ":" in name:
            raise EngineFault("NoClassFound", f'Class "{name}" is not found')
        return self.get_class(full)

    def all_classes(self) -> list[MuranoClass]:
        """Every class built so far: the packages' and the core library's."""
        return list(self._classes.values()) + list(self.library.classes.values())

    def class_names(self, core: bool = False) -> list[str]:
        """Full names of every class of the loaded packages (and of the core library)."""
        names = [name for pkg in self.packages for name in pkg.documents]
        if core:
            names += [name for name in self.library.package.documents if name not in names]
        return list(dict.fromkeys(names))
