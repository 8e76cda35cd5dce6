"""MuranoPL classes with their properties, methods and arguments.

A :class:`MuranoClass` is built from one YAML class document by
:func:`~muranokit.engine.model.build.build_class` (called lazily by the runtime's class
registry). Method bodies, contracts and defaults are compiled on first use, once per class
load; the specs keep the YAML they are compiled from.

Read by tools through ``Runtime.load_class``: ``name``, ``package``, ``parents``,
``ancestors()``, ``is_compatible()``, ``methods`` (name -> :class:`MethodSpec` with
``usage``, ``scope``, ``is_static``) and ``properties`` (name -> :class:`PropertySpec`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from ..exceptions import EngineFault, MuranoPlError, StackFrame
from ..files.package import Package
from ..syntax.names import NamespaceResolver
from ..syntax.schema import META_TARGETS, STATIC_USAGES


def syntax_error(message: str, file: str | None, pos: tuple | None = None,
                 type_name: str = "DslSyntaxError", cls: str | None = None,
                 method: str | None = None) -> MuranoPlError:
    """A load-time error at ``pos`` of ``file``."""
    line, col = pos if pos else (None, None)
    return MuranoPlError(type_name, message, stack=[StackFrame(file, line, col, method, cls)])


class _ClassHandle:
    """A yaql value standing for a MuranoPL class: equal when of one kind and one class."""

    __slots__ = ("cls",)

    def __init__(self, cls: MuranoClass) -> None:
        self.cls = cls

    @property
    def name(self) -> str:
        return self.cls.name

    def __eq__(self, other: Any) -> bool:
        return type(other) is type(self) and other.cls is self.cls

    def __hash__(self) -> int:
        return hash((type(self), self.cls))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.cls.name})"

    def __str__(self) -> str:
        return self.cls.name


class TypeRef(_ClassHandle):
    """A reference to a MuranoPL class as a yaql value (``ns:Name``, ``type()``)."""

    __slots__ = ()


class TypeInfo(_ClassHandle):
    """A MuranoPL class seen through reflection (``typeinfo()``): its name, members, meta.

    Upstream keeps it apart from the type reference ``type()`` gives: ``typeinfo(x).type``
    is the reference, and only the reference names a class in ``new()`` or ``is``."""

    __slots__ = ()


class VersionInfo:
    """A package version as reflection gives it (``typeinfo(x).version``): ``major``,
    ``minor``, ``patch``, ``prerelease``, ``build``; ``str()`` is the version text."""

    __slots__ = ("major", "minor", "patch", "prerelease", "build")

    def __init__(self, text: str) -> None:
        core, _, build = str(text).partition("+")
        core, _, pre = core.partition("-")
        numbers = [int(p) if p.isdigit() else 0 for p in core.split(".")[:3]]
        numbers += [0] * (3 - len(numbers))
        self.major, self.minor, self.patch = numbers
        self.prerelease = tuple(pre.split(".")) if pre else ()
        self.build = tuple(build.split(".")) if build else ()

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.prerelease:
            text += "-" + ".".join(self.prerelease)
        if self.build:
            text += "+" + ".".join(self.build)
        return text

    def __repr__(self) -> str:
        return f"VersionInfo({self})"

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, VersionInfo) and str(other) == str(self)

    def __hash__(self) -> int:
        return hash(str(self))


class MetaEntry:
    """One item of a ``Meta`` section: the meta class it names and its property values as
    written (expressions evaluated when the meta object is made)."""

    __slots__ = ("meta_cls", "props", "pos")

    def __init__(self, meta_cls: MuranoClass, props: Any, pos: tuple) -> None:
        self.meta_cls = meta_cls
        self.props = props
        self.pos = pos


class ArgSpec:
    """One method argument: contract, default, usage (Standard/VarArgs/KwArgs), Meta."""

    def __init__(self, name: str, contract_src: Any, default: Any, has_default: bool,
                 usage: str, pos: tuple, meta: Any = None) -> None:
        self.name = name
        self.contract_src = contract_src
        self.default_src = default
        self.has_default = has_default
        self.usage = usage
        self.pos = pos
        self.meta = meta       # the Meta section as written
        self.meta_entries: list[MetaEntry] = []
        self.contract = None   # compiled lazily (contracts.Contract)
        self.default = None    # compiled lazily (data template)


class PropertySpec:
    """A declared property: contract, default, usage, declaring class, Meta."""

    def __init__(self, name: str, declaring: MuranoClass, contract_src: Any, default: Any,
                 has_default: bool, usage: str, pos: tuple, meta: Any = None,
                 default_pos: tuple | None = None) -> None:
        self.name = name
        self.declaring = declaring
        self.contract_src = contract_src
        self.default_src = default
        self.has_default = has_default
        self.usage = usage
        self.pos = pos
        self.default_pos = default_pos or pos   # where the Default is written
        self.meta = meta
        self.meta_entries: list[MetaEntry] = []
        self.contract = None
        self.default = None


class MethodSpec:
    """A MuranoPL method (YAML body) or a Python-backed method of a native class."""

    def __init__(self, name: str, declaring: MuranoClass, usage: str = "Runtime",
                 scope: str = "Session", arguments: list[ArgSpec] | None = None,
                 body_src: Any = None, pos: tuple = (None, None),
                 native: Callable | None = None, native_static: bool = False) -> None:
        self.name = name
        self.declaring = declaring
        self.usage = usage
        self.scope = scope
        self.arguments = arguments or []
        self.body_src = body_src
        self.pos = pos
        self.native = native
        self.native_static = native_static
        self.body = None          # compiled lazily (statements.Block)
        self.meta: Any = None     # the Meta section as written
        self.meta_entries: list[MetaEntry] = []

    @property
    def is_static(self) -> bool:
        return self.usage in STATIC_USAGES or self.native_static

    def __repr__(self) -> str:
        return f"<Method {self.declaring.name}.{self.name}>"


class MuranoClass:
    """A MuranoPL class: parents, properties, methods, namespaces, package."""

    def __init__(self, name: str, package: Package, resolver: NamespaceResolver,
                 file: str, pos: tuple = (1, 1)) -> None:
        self.name = name
        self.package = package
        self.resolver = resolver
        self.file = file
        self.pos = pos
        self.parents: list[MuranoClass] = []
        self.properties: dict[str, PropertySpec] = {}
        self.methods: dict[str, MethodSpec] = {}
        self.meta: Any = None
        self.meta_entries: list[MetaEntry] = []
        self.meta_pos = pos
        self.imports: list[tuple[str, tuple]] = []   # (full name, position) of Import:
        self.usage = "Class"
        self.cardinality = "One"                     # Usage: Meta classes: how many per
        self.targets: frozenset[str] = META_TARGETS  # entity, where they apply, and
        self.inherited = False                       # whether children keep them
        self.native_class: type | None = None
        self.static_values: dict[str, Any] = {}
        self._ancestors: list[MuranoClass] | None = None
        self._method_cache: dict[str, list[MethodSpec]] = {}
        self._prop_cache: dict[str, PropertySpec | None] = {}
        self.type_ref = TypeRef(self)
        self.type_info = TypeInfo(self)

    # --- hierarchy -------------------------------------------------------------------
    def ancestors(self) -> list[MuranoClass]:
        """All ancestors (breadth first, each once), not including this class."""
        if self._ancestors is None:
            seen, order, queue = {self}, [], deque(self.parents)
            while queue:
                cls = queue.popleft()
                if cls in seen:
                    continue
                seen.add(cls)
                order.append(cls)
                queue.extend(cls.parents)
            self._ancestors = order
        return self._ancestors

    def is_compatible(self, other: MuranoClass) -> bool:
        """True when ``other`` is this class or derives from it."""
        return other is self or self in other.ancestors()

    def _candidates(self, lookup: Callable[[MuranoClass], Any]) -> list:
        """Murano's symbol choice: the nearest definition on every inheritance path.

        Each path from this class to a root contributes the definitions met along it; a
        definition is dropped when its whole path-suffix is also the tail of a longer path
        (it is shadowed there), so diamonds resolve to the most derived definition.
        """
        chains: list[tuple] = []
        stack: list[tuple[MuranoClass, tuple]] = [(self, ())]
        while stack:
            cls, found = stack.pop()
            symbol = lookup(cls)
            if symbol is not None:
                found = found + (symbol,)
            if not cls.parents:
                if found:
                    chains.append(found)
                continue
            for parent in reversed(cls.parents):
                stack.append((parent, found))
        chains.sort(key=len)
        chosen: list = []
        for i, chain in enumerate(chains):
            head = chain[0]
            if head in chosen:
                continue
            shadowed = any(len(longer) > len(chain) and longer[-len(chain):] == chain
                           for longer in chains[i + 1:])
            if not shadowed:
                chosen.append(head)
        return chosen

    def find_methods(self, name: str) -> list[MethodSpec]:
        """Candidate implementations of ``name`` (more than one = ambiguous)."""
        found = self._method_cache.get(name)
        if found is None:
            found = self._candidates(lambda c: c.methods.get(name))
            self._method_cache[name] = found
        return found

    def find_property(self, name: str) -> PropertySpec | None:
        """The property ``name`` as seen from this class (None if undeclared).

        Raises AmbiguousPropertyNameError when two parents declare it and this class
        does not redeclare it.
        """
        try:
            found = self._prop_cache[name]
        except KeyError:
            spec = self.properties.get(name)
            found = [spec] if spec is not None else \
                self._candidates(lambda c: c.properties.get(name))
            self._prop_cache[name] = found
        if len(found) == 1:
            return found[0]
        if not found:
            return None
        raise EngineFault("AmbiguousPropertyNameError",
                          f'Found more than one property "{name}" in {self.name}')

    def redeclarations(self, name: str) -> list[PropertySpec]:
        """Every declaration of ``name`` along the hierarchy when there is more than one
        (upstream keeps a value per declaring class), else an empty list."""
        cache = self.__dict__.setdefault("_redeclared", {})
        found = cache.get(name)
        if found is None:
            found = [c.properties[name] for c in [self] + self.ancestors()
                     if name in c.properties]
            found = cache[name] = found if len(found) > 1 else []
        return found

    def declares_property(self, name: str) -> bool:
        """True if this class or an ancestor declares ``name`` (ambiguity allowed)."""
        return any(name in c.properties for c in [self] + self.ancestors())

    def all_properties(self) -> list[PropertySpec]:
        """Every declared property of this class and its ancestors (own class first)."""
        result = list(self.properties.values())
        for cls in self.ancestors():
            result.extend(cls.properties.values())
        return result

    def resolve_name(self, name: str) -> str:
        return self.resolver.resolve(name)

    def __repr__(self) -> str:
        return f"<MuranoClass {self.name}>"


__all__ = ["ArgSpec", "MetaEntry", "MethodSpec", "MuranoClass", "NamespaceResolver",
           "Package", "PropertySpec", "TypeInfo", "TypeRef", "VersionInfo", "syntax_error"]
