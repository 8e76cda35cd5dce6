"""Loading the offline io.murano core library.

:func:`shared` loads it once per process: ``manifest.yaml`` (FullName io.murano), every
``Classes/**/*.yaml`` class document (indexed by Name/Namespaces), and every module of
``native/`` (so their ``@native_class`` decorators register). Classes are built on first
use and shared by all runtimes; a class registered only in Python gets a synthesised
MuranoPL class (parents from ``extends``, io.murano.Object by default).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import threading
from typing import Any

from ..bridge import attach_natives
from ..exceptions import EngineFault, MuranoPlError, StackFrame
from ..loader import load_error, open_package
from ..model.build import build_class
from ..model.classes import MuranoClass
from ..model.meta import attach_meta
from ..native import NATIVE_CLASSES
from ..syntax.names import NamespaceResolver

_PACKAGE = __name__.rpartition(".")[0]
_HERE = os.path.dirname(os.path.abspath(__file__))
_LOCK = threading.RLock()
_SHARED = None


class CoreLibrary:
    """The parsed core library: package + lazily built classes."""

    def __init__(self) -> None:
        self.package = open_package(_HERE, eager=False)
        broken: list = []
        self.package.documents.index("Classes", errors=broken)
        self.broken = [load_error(exc) for exc in broken]  # reported when a class is missing
        self.classes: dict[str, Any] = {}
        self._building: list[str] = []
        _import_natives()

    def get_class(self, name: str, runtime: Any):
        """The core class ``name`` or None; parents may come from ``runtime``'s packages
        (``runtime``: what has ``get_class(name)``, the class registry of a runtime)."""
        cls = self.classes.get(name)
        if cls is not None:
            return cls
        with _LOCK:
            if name in self.package.documents:
                doc, file = self.package.documents[name]
                if name in self._building:
                    raise MuranoPlError("DslSyntaxError", f"cyclic Extends at {name}",
                                        stack=[StackFrame(file, 1, 1, None, name)])
                self._building.append(name)
                try:
                    cls = build_class(doc, self.package, file,
                                      lambda parent, child: self._parent(parent, runtime))
                finally:
                    self._building.remove(name)
            elif name in NATIVE_CLASSES:
                pycls, extends = NATIVE_CLASSES[name]
                cls = MuranoClass(name, self.package, NamespaceResolver({}),
                                  f"<native {pycls.__module__}.{pycls.__name__}>")
                parents = extends or ["io.murano.Object"]
                if isinstance(parents, str):
                    parents = [parents]
                if name != "io.murano.Object":
                    cls.parents = [self._parent(p, runtime) for p in parents]
            else:
                return None
            attach_natives(cls)
            self.classes[name] = cls
            try:
                attach_meta(cls, self._meta_lookup(cls, runtime))
            except MuranoPlError:
                del self.classes[name]
                raise
            return cls

    def _meta_lookup(self, cls: MuranoClass, runtime: Any):
        def lookup(name: str) -> MuranoClass:
            try:
                return self._parent(cls.resolve_name(name), runtime)
            except KeyError as exc:
                raise EngineFault("NoClassFound", str(exc.args[0])) from None
        return lookup

    def _parent(self, name: str, runtime: Any):
        cls = self.get_class(name, runtime) if name in self.package.documents or \
            _is_native(name) else None
        if cls is None and runtime is not None:
            return runtime.get_class(name)
        if cls is None:
            raise EngineFault("NoClassFound", f'Class "{name}" is not found')
        return cls


def _is_native(name: str) -> bool:
    return name in NATIVE_CLASSES


def _import_natives() -> None:
    native_dir = os.path.join(_HERE, "native")
    if not os.path.isdir(native_dir):
        return
    for info in sorted(pkgutil.iter_modules([native_dir]), key=lambda m: m.name):
        importlib.import_module(f"{_PACKAGE}.native.{info.name}")


def shared() -> CoreLibrary:
    """The process-wide core library (parsed once)."""
    global _SHARED
    if _SHARED is None:
        with _LOCK:
            if _SHARED is None:
                _SHARED = CoreLibrary()
    return _SHARED
