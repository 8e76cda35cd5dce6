"""The class model: packages, namespaces, MuranoPL classes with properties and methods.

A :class:`MuranoClass` is built from one YAML class document by :func:`build_class`
(called lazily by the runtime's class registry). Method bodies, contracts and defaults are
compiled on first use, once per class load.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from .exceptions import MuranoPlError, StackFrame
from .files.located_yaml import YamlMap, position
from .files.package import Package

PROPERTY_USAGES = ("In", "Out", "InOut", "Runtime", "Const", "Config", "Static")
WRITABLE_USAGES = frozenset(("Out", "InOut", "Runtime"))
METHOD_USAGES = ("Runtime", "Action", "Static", "Extension")
ARGUMENT_USAGES = ("Standard", "VarArgs", "KwArgs")
CLASS_KEYS = frozenset(("Namespaces", "Name", "Extends", "Properties", "Methods", "Meta",
                        "Import", "Usage", "Applies", "Cardinality", "Inherited", "Workflow"))
_OLD_METHOD_NAMES = {"initialize": ".init", "destroy": ".destroy"}
METHOD_KEYS = frozenset(("Arguments", "Body", "Usage", "Scope", "Meta", "Returns"))
OBJECT_CLASS = "io.murano.Object"


def syntax_error(message: str, file: str | None, pos: tuple | None = None,
                 type_name: str = "DslSyntaxError", cls: str | None = None,
                 method: str | None = None) -> MuranoPlError:
    line, col = pos if pos else (None, None)
    return MuranoPlError(type_name, message, stack=[StackFrame(file, line, col, method, cls)])


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


class TypeRef:
    """A reference to a MuranoPL class as a yaql value (``ns:Name``, ``type()``)."""

    __slots__ = ("cls",)

    def __init__(self, cls: MuranoClass) -> None:
        self.cls = cls

    @property
    def name(self) -> str:
        return self.cls.name

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, TypeRef) and other.cls is self.cls

    def __hash__(self) -> int:
        return hash(self.cls)

    def __repr__(self) -> str:
        return f"TypeRef({self.cls.name})"

    def __str__(self) -> str:
        return self.cls.name


class ArgSpec:
    """One method argument: contract, default, usage (Standard/VarArgs/KwArgs)."""

    def __init__(self, name: str, contract_src: Any, default: Any, has_default: bool,
                 usage: str, pos: tuple) -> None:
        self.name = name
        self.contract_src = contract_src
        self.default_src = default
        self.has_default = has_default
        self.usage = usage
        self.pos = pos
        self.contract = None   # compiled lazily (contracts.Contract)
        self.default = None    # compiled lazily (data template)


class PropertySpec:
    """A declared property: contract, default, usage, declaring class."""

    def __init__(self, name: str, declaring: MuranoClass, contract_src: Any, default: Any,
                 has_default: bool, usage: str, pos: tuple) -> None:
        self.name = name
        self.declaring = declaring
        self.contract_src = contract_src
        self.default_src = default
        self.has_default = has_default
        self.usage = usage
        self.pos = pos
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
        self._synchronized: bool | None = None

    @property
    def synchronized(self) -> bool:
        """Calls on one object run one at a time unless the method's Meta has
        ``io.murano.metadata.engine.Synchronize`` with ``onThis: false`` (upstream)."""
        if self._synchronized is None:
            self._synchronized = not _sync_opt_out(self.meta, self.declaring)
        return self._synchronized

    @property
    def is_static(self) -> bool:
        return self.usage in ("Static", "Extension") or self.native_static

    def __repr__(self) -> str:
        return f"<Method {self.declaring.name}.{self.name}>"


SYNCHRONIZE_META = "io.murano.metadata.engine.Synchronize"


def _sync_opt_out(meta: Any, cls: Any) -> bool:
    entries = meta if isinstance(meta, list) else [meta] if isinstance(meta, dict) else []
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        for key, value in entry.items():
            try:
                name = cls.resolver.resolve(str(key))
            except KeyError:
                continue
            if name == SYNCHRONIZE_META and isinstance(value, dict) and \
                    value.get("onThis", True) is False:
                return True
    return False


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
        self.imports: list[tuple[str, tuple]] = []   # (full name, position) of Import:
        self.usage = "Class"
        self.native_class: type | None = None
        self.static_values: dict[str, Any] = {}
        self._ancestors: list[MuranoClass] | None = None
        self._method_cache: dict[str, list[MethodSpec]] = {}
        self._prop_cache: dict[str, PropertySpec | None] = {}
        self.type_ref = TypeRef(self)

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
        from .exceptions import EngineFault
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


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def build_class(doc: Any, package: Package, file: str,
                get_class: Callable[[str, MuranoClass | None], MuranoClass],
                name: str | None = None) -> MuranoClass:
    """Build a class from one YAML document; ``get_class`` resolves parents by full name.
    ``name``: the full name the package's manifest gives it (wins over the document's)."""
    if not isinstance(doc, dict):
        raise syntax_error("a class document must be a mapping", file, (1, 1))
    for key in doc:
        if key not in CLASS_KEYS:
            raise syntax_error(f"unknown class key {key!r}", file, position(doc, key))
    resolver = NamespaceResolver(doc.get("Namespaces"))
    raw_name = doc.get("Name")
    if not isinstance(raw_name, str):
        raise syntax_error("class has no Name", file, position(doc, "Name"))
    try:
        full_name = name or resolver.resolve(raw_name)
    except KeyError as exc:
        raise syntax_error(str(exc.args[0]), file, position(doc, "Name")) from None
    cls = MuranoClass(full_name, package, resolver, file,
                      (getattr(doc, "line", 1), getattr(doc, "column", 1)))
    cls.usage = doc.get("Usage") or "Class"
    cls.cardinality = doc.get("Cardinality") or "One"      # Usage: Meta classes
    cls.inherited = doc.get("Inherited") is True
    cls.meta = doc.get("Meta")
    cls.imports = _parse_imports(doc, resolver, file, full_name)
    extends = _as_list(doc.get("Extends"))
    if not extends and full_name != OBJECT_CLASS:
        extends = [OBJECT_CLASS]
    for parent_name in extends:
        try:
            parent_fqn = resolver.resolve(str(parent_name))
        except KeyError as exc:
            raise syntax_error(str(exc.args[0]), file, position(doc, "Extends")) from None
        cls.parents.append(get_class(parent_fqn, cls))
    _build_properties(cls, doc.get("Properties"), file, position(doc, "Properties"))
    if "Workflow" in doc:   # the pre-Methods spelling
        _build_methods(cls, doc.get("Workflow"), file, position(doc, "Workflow"))
    _build_methods(cls, doc.get("Methods"), file, position(doc, "Methods"))
    return cls


def _parse_imports(doc: Any, resolver: NamespaceResolver, file: str,
                   full_name: str) -> list[tuple[str, tuple]]:
    """``Import:`` (one name or a list) as full names with their positions; the class
    itself and repeated names are left out, as upstream does."""
    raw = doc.get("Import")
    entries = raw if isinstance(raw, list) else [] if raw is None else [raw]
    result: list[tuple[str, tuple]] = []
    seen = {full_name}
    for i, entry in enumerate(entries):
        pos = position(raw, i) if isinstance(raw, list) else position(doc, "Import")
        if not isinstance(entry, str) or not entry.strip():
            raise syntax_error(f"Import: {entry!r} is not a class name", file, pos,
                               cls=full_name)
        try:
            name = resolver.resolve(entry)
        except KeyError as exc:
            raise syntax_error(f"Import: {exc.args[0]}", file, pos, "NoClassFound",
                               cls=full_name) from None
        if name not in seen:
            seen.add(name)
            result.append((name, pos))
    return result


def _build_properties(cls: MuranoClass, props: Any, file: str, pos: tuple) -> None:
    if props is None:
        return
    if not isinstance(props, dict):
        raise syntax_error("Properties must be a mapping", file, pos, cls=cls.name)
    for name, spec in props.items():
        ppos = position(props, name)
        if spec is None:
            spec = {}
        if not isinstance(spec, dict):
            raise syntax_error(f"property {name!r} must be a mapping", file, ppos, cls=cls.name)
        usage = spec.get("Usage", "In")
        if usage not in PROPERTY_USAGES:
            raise syntax_error(f"property {name!r}: unknown Usage {usage!r}", file, ppos,
                               cls=cls.name)
        cls.properties[str(name)] = PropertySpec(
            str(name), cls, spec.get("Contract"), spec.get("Default"), "Default" in spec,
            usage, ppos)


def _parse_arguments(cls: MuranoClass, mname: str, args: Any, file: str,
                     pos: tuple) -> list[ArgSpec]:
    result: list[ArgSpec] = []
    if args is None:
        return result
    if isinstance(args, dict):
        items = [(k, v, position(args, k)) for k, v in args.items()]
    elif isinstance(args, list):
        items = []
        for i, entry in enumerate(args):
            if not isinstance(entry, dict) or len(entry) != 1:
                raise syntax_error(f"method {mname!r}: each argument must be a one-key mapping",
                                   file, position(args, i), cls=cls.name)
            (k, v), = entry.items()
            items.append((k, v, position(args, i)))
    else:
        raise syntax_error(f"method {mname!r}: Arguments must be a list", file, pos,
                           cls=cls.name)
    for name, spec, apos in items:
        if isinstance(spec, dict) and ("Contract" in spec or "Default" in spec
                                       or "Usage" in spec or "Meta" in spec or not spec):
            contract, usage = spec.get("Contract"), spec.get("Usage", "Standard")
            default, has_default = spec.get("Default"), "Default" in spec
        else:
            contract, usage, default, has_default = spec, "Standard", None, False
        if usage not in ARGUMENT_USAGES:
            raise syntax_error(f"argument {name!r}: unknown Usage {usage!r}", file, apos,
                               cls=cls.name, method=mname)
        result.append(ArgSpec(str(name), contract, default, has_default, usage, apos))
    return result


def _build_methods(cls: MuranoClass, methods: Any, file: str, pos: tuple) -> None:
    if methods is None:
        return
    if not isinstance(methods, dict):
        raise syntax_error("Methods must be a mapping", file, pos, cls=cls.name)
    for name, spec in methods.items():
        mpos = position(methods, name)
        name = str(name)
        # upstream's class loader: "initialize"/"destroy" are the lifecycle methods
        name = _OLD_METHOD_NAMES.get(name, name)
        if spec is None:
            spec = {}
        if not isinstance(spec, dict):
            spec = {"Body": spec}
        for key in spec:
            if key not in METHOD_KEYS:
                raise syntax_error(f"method {name!r}: unknown key {key!r}", file,
                                   position(spec, key), cls=cls.name, method=name)
        usage = spec.get("Usage", "Runtime")
        if usage not in METHOD_USAGES:
            raise syntax_error(f"method {name!r}: unknown Usage {usage!r}", file, mpos,
                               cls=cls.name, method=name)
        scope = spec.get("Scope", "Public" if usage == "Action" else "Session")
        arguments = _parse_arguments(cls, name, spec.get("Arguments"), file, mpos)
        body = spec.get("Body")
        body_pos = position(spec, "Body") if isinstance(spec, YamlMap) else mpos
        method = MethodSpec(name, cls, usage, scope, arguments, body, body_pos)
        method.meta = spec.get("Meta")
        cls.methods[name] = method
