"""Building a :class:`~.classes.MuranoClass` from one YAML class document.

The document is checked against :mod:`muranokit.engine.syntax.schema` (the tables the
validator uses too); a problem is a ``DslSyntaxError`` at the line it is about.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..files.located_yaml import YamlMap, position
from ..files.package import Package
from ..syntax import schema
from ..syntax.names import NamespaceResolver, is_type_name, namespace_problems
from .classes import ArgSpec, MethodSpec, MuranoClass, PropertySpec, syntax_error


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def build_class(doc: Any, package: Package, file: str,
                get_class: Callable[[str, MuranoClass | None], MuranoClass],
                name: str | None = None) -> MuranoClass:
    """Build a class from one YAML document; ``get_class`` resolves parents by full name.
    ``name``: the full name the package's manifest gives it (wins over the document's).
    Unknown class keys are ignored, as upstream does (the validator warns about them)."""
    if not isinstance(doc, dict):
        raise syntax_error("a class document must be a mapping", file, (1, 1))
    namespaces = doc.get("Namespaces")
    if namespaces is not None and not isinstance(namespaces, dict):
        raise syntax_error("Namespaces must be a mapping", file, position(doc, "Namespaces"))
    for prefix, problem in namespace_problems(namespaces or {}):
        raise syntax_error(problem, file, position(namespaces, prefix))
    resolver = NamespaceResolver(namespaces)
    raw_name = doc.get("Name")
    if not is_type_name(raw_name):
        raise syntax_error("class has no Name" if raw_name is None else
                           f"class Name {raw_name!r} is not a valid name", file,
                           position(doc, "Name"))
    try:
        full_name = name or resolver.resolve(raw_name)
    except KeyError as exc:
        raise syntax_error(str(exc.args[0]), file, position(doc, "Name")) from None
    cls = MuranoClass(full_name, package, resolver, file,
                      (getattr(doc, "line", 1), getattr(doc, "column", 1)))
    _check_meta_keys(doc, file)
    cls.usage = doc.get("Usage") or "Class"
    cls.cardinality = doc.get("Cardinality") or "One"      # Usage: Meta classes
    cls.inherited = doc.get("Inherited") is True
    cls.targets = schema.meta_targets(doc.get("Applies"))
    cls.meta = doc.get("Meta")
    cls.meta_pos = position(doc, "Meta") if "Meta" in doc else cls.pos
    cls.imports = _parse_imports(doc, resolver, file, full_name)
    extends = _as_list(doc.get("Extends"))
    if not extends and full_name != schema.ROOT_CLASS:
        extends = [schema.ROOT_CLASS]
    for parent_name in extends:
        try:
            parent_fqn = resolver.resolve(str(parent_name))
        except KeyError as exc:
            raise syntax_error(str(exc.args[0]), file, position(doc, "Extends")) from None
        parent = get_class(parent_fqn, cls)
        if parent.usage == "Meta" and cls.usage != "Meta":
            raise syntax_error(f"class {full_name} cannot have parent {parent.name} with "
                               "Usage Meta", file, position(doc, "Extends"),
                               "InvalidInheritanceError")
        cls.parents.append(parent)
    _build_properties(cls, doc.get("Properties"), file, position(doc, "Properties"))
    if "Workflow" in doc:   # the pre-Methods spelling
        _build_methods(cls, doc.get("Workflow"), file, position(doc, "Workflow"))
    _build_methods(cls, doc.get("Methods"), file, position(doc, "Methods"))
    return cls


def _check_meta_keys(doc: Any, file: str) -> None:
    """``Usage``, and for meta classes ``Cardinality``, ``Applies`` and ``Inherited``."""
    for key, valid in (("Usage", lambda v: isinstance(v, str) and v in schema.CLASS_USAGES),
                       ("Cardinality",
                        lambda v: isinstance(v, str) and v in schema.CARDINALITIES),
                       ("Inherited", lambda v: isinstance(v, bool)),
                       ("Applies", schema.valid_applies)):
        value = doc.get(key)
        if key in doc and not valid(value):
            raise syntax_error(f"class {key} {value!r} is not valid", file, position(doc, key))


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


def _unknown_key(spec: dict, known: frozenset) -> Any:
    return next((key for key in spec if key not in known), None)


def _build_properties(cls: MuranoClass, props: Any, file: str, pos: tuple) -> None:
    if props is None:
        return
    if not isinstance(props, dict):
        raise syntax_error("Properties must be a mapping", file, pos, cls=cls.name)
    for name, spec in props.items():
        ppos = position(props, name)
        if not isinstance(spec, dict):
            raise syntax_error(f"property {name!r} must be a mapping", file, ppos, cls=cls.name)
        unknown = _unknown_key(spec, schema.PROPERTY_KEYS)
        if unknown is not None:
            raise syntax_error(f"property {name!r}: unknown key {unknown!r}", file,
                               position(spec, unknown), cls=cls.name)
        if "Contract" not in spec:
            raise syntax_error(f"property {name!r} has no Contract", file, ppos, cls=cls.name)
        usage = spec.get("Usage", schema.DEFAULT_PROPERTY_USAGE)
        if usage not in schema.PROPERTY_USAGES:
            raise syntax_error(f"property {name!r}: unknown Usage {usage!r}", file, ppos,
                               cls=cls.name)
        cls.properties[str(name)] = PropertySpec(
            str(name), cls, spec.get("Contract"), spec.get("Default"), "Default" in spec,
            usage, ppos, spec.get("Meta"),
            default_pos=position(spec, "Default") if "Default" in spec else None)


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
        if spec is None:
            spec = {}
        if not isinstance(spec, dict):
            raise syntax_error(f"argument {name!r} must be a mapping", file, apos,
                               cls=cls.name, method=mname)
        unknown = _unknown_key(spec, schema.ARGUMENT_KEYS)
        if unknown is not None:
            raise syntax_error(f"argument {name!r}: unknown key {unknown!r}", file,
                               position(spec, unknown), cls=cls.name, method=mname)
        usage = spec.get("Usage", schema.DEFAULT_ARGUMENT_USAGE)
        if usage not in schema.ARGUMENT_USAGES:
            raise syntax_error(f"argument {name!r}: unknown Usage {usage!r}", file, apos,
                               cls=cls.name, method=mname)
        result.append(ArgSpec(str(name), spec.get("Contract"), spec.get("Default"),
                              "Default" in spec, usage, apos, spec.get("Meta")))
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
        name = schema.OLD_METHOD_NAMES.get(name, name)
        if spec is None:
            spec = {}
        if not isinstance(spec, dict):
            raise syntax_error(f"method {name!r} must be a mapping", file, mpos,
                               cls=cls.name, method=name)
        unknown = _unknown_key(spec, schema.METHOD_KEYS)
        if unknown is not None:
            raise syntax_error(f"method {name!r}: unknown key {unknown!r}", file,
                               position(spec, unknown), cls=cls.name, method=name)
        usage = spec.get("Usage", schema.DEFAULT_METHOD_USAGE)
        if usage not in schema.METHOD_USAGES:
            raise syntax_error(f"method {name!r}: unknown Usage {usage!r}", file, mpos,
                               cls=cls.name, method=name)
        scope = spec.get("Scope", schema.default_scope(usage))
        if scope not in schema.METHOD_SCOPES:
            raise syntax_error(f"method {name!r}: Scope must be Session or Public", file,
                               position(spec, "Scope"), cls=cls.name, method=name)
        arguments = _parse_arguments(cls, name, spec.get("Arguments"), file, mpos)
        body = spec.get("Body")
        body_pos = position(spec, "Body") if isinstance(spec, YamlMap) else mpos
        method = MethodSpec(name, cls, usage, scope, arguments, body, body_pos)
        method.meta = spec.get("Meta")
        cls.methods[name] = method
