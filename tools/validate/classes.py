"""Checks of MuranoPL class files: structure, names, properties, methods, statements.

The keys, usages and macros come from :mod:`muranokit.engine.syntax.schema`, class
documents and names from :mod:`muranokit.engine.syntax.documents` and ``.names``: the
definitions the engine builds classes with, so that what passes here the engine runs.
Expressions met on the way are compiled through :class:`PackageCheck`, so the yaql
checks (Y001/Y002) and the Resources references (R001) come from the same walk.
"""

from __future__ import annotations

import re
from typing import Any

from muranokit.engine.files import key_line_of, line_of
from muranokit.engine.syntax import schema
from muranokit.engine.syntax.documents import class_documents, is_header
from muranokit.engine.syntax.expressions import target_problem
from muranokit.engine.syntax.names import NamespaceResolver, is_type_name, namespace_problems
from muranokit.tools.validate.context import PackageCheck
from muranokit.tools.validate.yaqlcheck import is_literal, looks_like_expression

_IDENT = re.compile(r"^[A-Za-z_]\w*$")


def _one_of(value: Any, options: frozenset) -> bool:
    """``value in options`` for any YAML value (lists and mappings are never members)."""
    return isinstance(value, str) and value in options


def resolve_class_name(name: str, namespaces: dict) -> str | None:
    """FQN of ``name`` (``Foo``, ``ns:Foo``, ``:Foo``, ``a.b.Foo``); None when it is not a
    class name or uses an undeclared prefix."""
    if not is_type_name(name):
        return None
    try:
        return NamespaceResolver(namespaces if isinstance(namespaces, dict) else {}
                                 ).resolve(name)
    except KeyError:
        return None


def check(ctx: PackageCheck) -> dict[str, str]:
    """Check every class file; return {class FQN: file} of the classes found."""
    package = ctx.package
    mapped: dict[str, list[str]] = {}
    for fqn, file_name in package.classes.items():
        mapped.setdefault(f"Classes/{file_name}", []).append(fqn)
    found: dict[str, str] = {}
    files = sorted(set(mapped) | {rel for rel in package.under("Classes")
                                  if rel.endswith((".yaml", ".yml"))})
    for rel in files:
        if not package.exists(rel):
            continue  # reported by the manifest checks
        documents = ctx.yaml(rel, several=True)
        if documents is None:
            continue
        declared = []
        for header in filter(is_header, documents):
            _check_namespaces(ctx, rel, header)
        for document, namespaces in class_documents(documents):
            fqn = _check_class(ctx, rel, document, namespaces)
            if fqn:
                declared.append(fqn)
                found.setdefault(fqn, rel)
        for fqn in mapped.get(rel, ()):
            if fqn not in declared:
                what = ", ".join(declared) if declared else "no class"
                ctx.report("C003", rel, _name_line(documents),
                           f"manifest maps {fqn} to this file, but it declares {what}")
    return found


def _name_line(documents: list) -> int:
    for document in documents:
        if isinstance(document, dict) and not is_header(document):
            return document.key_line("Name", document.line)
    return 1


def _check_class(ctx: PackageCheck, rel: str, cls: Any, namespaces: Any) -> str | None:
    if not isinstance(cls, dict):
        ctx.report("C001", rel, getattr(cls, "line", 1),
                   "a class must be a mapping with Name, Properties, Methods, ...")
        return None
    for key in cls:
        if key not in schema.CLASS_KEYS:
            ctx.report("C009", rel, cls.key_line(key), f"unknown class key {key!r}")
    if "Namespaces" in cls:
        _check_namespaces(ctx, rel, cls)
    namespaces = namespaces if isinstance(namespaces, dict) else {}
    fqn = _check_name(ctx, rel, cls, namespaces)
    for key in ("Extends", "Import"):
        refs = cls.get(key)
        if refs is None:
            continue
        items = refs if isinstance(refs, list) else [refs]
        for index, ref in enumerate(items):
            line = line_of(refs, index, line_of(cls, key))
            if not isinstance(ref, str) or resolve_class_name(ref, namespaces) is None:
                ctx.report("C005", rel, line,
                           f"{key} entry {ref!r} is not a class name with a declared prefix")
    _check_meta_keys(ctx, rel, cls)
    _check_properties(ctx, rel, cls)
    for section in ("Workflow", "Methods"):   # Workflow: the pre-Methods spelling
        _check_methods(ctx, rel, cls, section)
    if "Meta" in cls:
        ctx.data(cls["Meta"], rel, line_of(cls, "Meta"))
    return fqn


def _check_meta_keys(ctx: PackageCheck, rel: str, cls: dict) -> None:
    """Usage, and for meta classes Cardinality, Applies and Inherited."""
    checks = (("Usage", lambda v: _one_of(v, schema.CLASS_USAGES), "Class or Meta"),
              ("Cardinality", lambda v: _one_of(v, schema.CARDINALITIES), "One or Many"),
              ("Inherited", lambda v: isinstance(v, bool), "true or false"),
              ("Applies", schema.valid_applies,
               f"one or a list of {', '.join(sorted(schema.APPLIES))}"))
    for key, valid, expected in checks:
        if key in cls and not valid(cls[key]):
            ctx.report("C012", rel, line_of(cls, key), f"{key} {cls[key]!r} must be {expected}")


def _check_namespaces(ctx: PackageCheck, rel: str, cls: dict) -> None:
    """A ``Namespaces`` section (of a class or of a header document)."""
    namespaces = cls.get("Namespaces")
    if namespaces is None:
        return
    if not isinstance(namespaces, dict):
        ctx.report("C004", rel, line_of(cls, "Namespaces"), "Namespaces must be a mapping")
        return
    for prefix, problem in namespace_problems(namespaces):
        ctx.report("C004", rel, namespaces.key_line(prefix), problem)


def _check_name(ctx: PackageCheck, rel: str, cls: dict, namespaces: dict) -> str | None:
    name = cls.get("Name")
    line = line_of(cls, "Name", cls.line)
    if not is_type_name(name) or name.startswith("__"):
        ctx.report("C002", rel, line, f"class Name {name!r} is missing or not a valid name")
        return None
    fqn = resolve_class_name(name, namespaces)
    if fqn is None:
        ctx.report("C005", rel, line, f"class Name {name!r} uses an undeclared prefix")
        return None
    short = fqn.rsplit(".", 1)[-1]
    if not short[0].isupper() or (len(short) > 3 and short.isupper()):
        ctx.report("C011", rel, line, f"class name {short!r} is not in CamelCase")
    return fqn


def _check_properties(ctx: PackageCheck, rel: str, cls: dict) -> None:
    properties = cls.get("Properties")
    if properties is None:
        return
    if not isinstance(properties, dict):
        ctx.report("C006", rel, line_of(cls, "Properties"), "Properties must be a mapping")
        return
    for name, spec in properties.items():
        line = properties.key_line(name)
        if not isinstance(spec, dict):
            ctx.report("C006", rel, line, f"property {name!r} must be a mapping")
            continue
        _check_keys(ctx, rel, spec, schema.PROPERTY_KEYS, "C006", f"property {name!r}")
        usage = spec.get("Usage")
        if "Usage" in spec and not _one_of(usage, schema.PROPERTY_USAGES):
            ctx.report("C006", rel, line_of(spec, "Usage", line),
                       f"property {name!r}: Usage {usage!r} is not one of "
                       f"{', '.join(sorted(schema.PROPERTY_USAGES))}")
        if "Contract" in spec:
            check_contract(ctx, rel, spec["Contract"], line_of(spec, "Contract", line))
        else:
            ctx.report("C006", rel, line, f"property {name!r} has no Contract")
        if "Default" in spec:
            ctx.data(spec["Default"], rel, line_of(spec, "Default", line))


def check_contract(ctx: PackageCheck, rel: str, contract: Any, line: int) -> None:
    """A contract: $-expressions, lists of them (with optional bounds), mappings."""
    stack = [(contract, line)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if not item.strip().startswith("$"):
                ctx.report("C010", rel, where,
                           f"contract {item!r} must be an expression on $ (e.g. $.string())")
            else:
                ctx.expression(item, rel, where, "contract")
        elif isinstance(item, list):
            for index, sub in enumerate(item):
                if index > 0 and isinstance(sub, int) and not isinstance(sub, bool):
                    continue  # [contract, min, max] bounds
                stack.append((sub, line_of(item, index, where)))
        elif isinstance(item, dict):
            for key, sub in item.items():
                if isinstance(key, str) and key.strip().startswith("$"):
                    ctx.expression(key, rel, item.key_line(key, where), "contract key")
                stack.append((sub, line_of(item, key, where)))


def _check_keys(ctx: PackageCheck, rel: str, mapping: dict, known: frozenset, code: str,
                what: str) -> None:
    for key in mapping:
        if key not in known:
            ctx.report(code, rel, key_line_of(mapping, key), f"{what}: unknown key {key!r}")


def _check_methods(ctx: PackageCheck, rel: str, cls: dict, section: str) -> None:
    methods = cls.get(section)
    if methods is None:
        return
    if not isinstance(methods, dict):
        ctx.report("C007", rel, line_of(cls, section), f"{section} must be a mapping")
        return
    for name, method in methods.items():
        line = methods.key_line(name)
        if not (name in schema.SPECIAL_METHODS or (isinstance(name, str) and _IDENT.match(name))):
            ctx.report("C007", rel, line, f"method name {name!r} is not valid")
        if method is None:
            continue
        if not isinstance(method, dict):
            ctx.report("C007", rel, line, f"method {name!r} must be a mapping")
            continue
        _check_keys(ctx, rel, method, schema.METHOD_KEYS, "C007", f"method {name!r}")
        if "Usage" in method and not _one_of(method["Usage"], schema.METHOD_USAGES):
            ctx.report("C007", rel, line_of(method, "Usage", line),
                       f"method {name!r}: Usage {method['Usage']!r} is not one of "
                       f"{', '.join(sorted(schema.METHOD_USAGES))}")
        if "Scope" in method and not _one_of(method["Scope"], schema.METHOD_SCOPES):
            ctx.report("C007", rel, line_of(method, "Scope", line),
                       f"method {name!r}: Scope must be Session or Public")
        if method.get("Arguments") is not None:
            _check_arguments(ctx, rel, name, method["Arguments"],
                             line_of(method, "Arguments", line))
        if "Meta" in method:
            ctx.data(method["Meta"], rel, line_of(method, "Meta", line))
        if method.get("Body") is not None:
            check_block(ctx, rel, method["Body"], line_of(method, "Body", line))


def _check_arguments(ctx: PackageCheck, rel: str, method: str, arguments: Any,
                     line: int) -> None:
    """Arguments: a list of one-key mappings, or one mapping of them (its keys in order)."""
    if isinstance(arguments, dict):
        arguments_list = [{key: value} for key, value in arguments.items()]
        lines = [arguments.key_line(key, line) for key in arguments]
    elif isinstance(arguments, list):
        arguments_list = arguments
        lines = [line_of(arguments, i, line) for i in range(len(arguments))]
    else:
        ctx.report("C007", rel, line, f"method {method!r}: Arguments must be a list")
        return
    for argument, where in zip(arguments_list, lines):
        if not isinstance(argument, dict) or len(argument) != 1:
            ctx.report("C007", rel, where,
                       f"method {method!r}: each argument must be a one-key mapping")
            continue
        for name, spec in argument.items():
            where = key_line_of(argument, name, where)
            if not (isinstance(name, str) and _IDENT.match(name)):
                ctx.report("C007", rel, where, f"argument name {name!r} is not valid")
            if spec is None:
                continue
            if not isinstance(spec, dict):
                ctx.report("C007", rel, where, f"argument {name!r} must be a mapping")
                continue
            _check_keys(ctx, rel, spec, schema.ARGUMENT_KEYS, "C007", f"argument {name!r}")
            if "Usage" in spec and not _one_of(spec["Usage"], schema.ARGUMENT_USAGES):
                ctx.report("C007", rel, line_of(spec, "Usage", where),
                           f"argument {name!r}: Usage must be Standard, VarArgs or KwArgs")
            if "Contract" in spec:
                check_contract(ctx, rel, spec["Contract"], line_of(spec, "Contract", where))
            if "Default" in spec:
                ctx.data(spec["Default"], rel, line_of(spec, "Default", where))


def check_block(ctx: PackageCheck, rel: str, block: Any, line: int) -> None:
    """A code block: one statement or a list of statements."""
    if isinstance(block, list):
        for index, statement in enumerate(block):
            _check_statement(ctx, rel, statement, line_of(block, index, line))
    else:
        _check_statement(ctx, rel, block, line)


def _check_statement(ctx: PackageCheck, rel: str, statement: Any, line: int) -> None:
    if isinstance(statement, str):
        ctx.code(statement, rel, line, "statement")
        return
    if statement is None or isinstance(statement, (int, float, bool)):
        return  # a constant statement does nothing
    if not isinstance(statement, dict) or not statement:
        ctx.report("C008", rel, line, f"a statement must be an expression or a mapping, "
                                      f"not {statement!r}")
        return
    macro = schema.macro_of(statement)
    if macro is None:
        _check_assignment(ctx, rel, statement, line)
        return
    keyword = macro.keyword
    for key in statement:
        if key not in macro.keys:
            ctx.report("C008", rel, key_line_of(statement, key, line),
                       f"{keyword}: unknown keyword {key!r}")
    for key in sorted(macro.required):
        if key not in statement:
            ctx.report("C008", rel, line, f"{keyword}: {key!r} missing")

    def at(key: str) -> int:
        return line_of(statement, key, line)

    value = statement[keyword]
    if keyword in ("If", "While"):
        _value_code(ctx, rel, value, at(keyword), f"{keyword} condition")
    elif keyword == "For":
        if not schema.is_variable_name(value):
            ctx.report("C008", rel, at("For"), f"For: {value!r} is not a variable name")
        if "In" in statement:
            _value_code(ctx, rel, statement["In"], at("In"), "In")
    elif keyword == "Repeat":
        _value_code(ctx, rel, value, at("Repeat"), "Repeat")
    elif keyword == "Match":
        _cases(ctx, rel, value, at("Match"), "Match", predicates=False)
        if "Value" in statement:
            _value_code(ctx, rel, statement["Value"], at("Value"), "Value")
    elif keyword == "Switch":
        _cases(ctx, rel, value, at("Switch"), "Switch", predicates=True)
    elif keyword == "Try":
        check_block(ctx, rel, value, at("Try"))
        if "Catch" in statement:
            _catches(ctx, rel, statement["Catch"], at("Catch"))
    elif keyword in ("Do", "Parallel"):
        check_block(ctx, rel, value, at(keyword))
    elif keyword == "Throw":
        names = value if isinstance(value, list) else [value]
        if not names or not all(isinstance(name, str) for name in names):
            ctx.report("C008", rel, at("Throw"), "Throw needs one or more exception names")
    elif keyword == "Return":
        if value is not None:
            ctx.data(value, rel, at(keyword))
    elif keyword in schema.NO_VALUE_MACROS:
        if value is not None:
            ctx.report("C008", rel, at(keyword), f"{keyword} takes no value")
    for key in ("Then", "Else", "Do", "Finally", "Default"):
        if key in statement and key != keyword and statement[key] is not None:
            check_block(ctx, rel, statement[key], at(key))
    for key in ("Message", "Extra", "Cause", "Limit"):
        if key in statement and keyword in ("Throw", "Parallel"):
            ctx.data(statement[key], rel, at(key))


def _value_code(ctx, rel, value, line, what) -> None:
    """A condition or a value macros evaluate: code when it is a string, else data."""
    if isinstance(value, str):
        ctx.code(value, rel, line, what)
    elif not isinstance(value, bool):
        ctx.data(value, rel, line)


def _cases(ctx, rel, cases, line, keyword, predicates: bool) -> None:
    if not isinstance(cases, dict):
        ctx.report("C008", rel, line, f"{keyword} must map cases to code blocks")
        return
    for case, block in cases.items():
        case_line = cases.key_line(case, line)
        if predicates:
            _value_code(ctx, rel, case, case_line, f"{keyword} case")
        elif isinstance(case, str):
            ctx.maybe_expression(case, rel, case_line)
        if block is not None:
            check_block(ctx, rel, block, cases.value_line(case, line))


def _catches(ctx, rel, catches, line) -> None:
    items = catches if isinstance(catches, list) else [catches]
    for index, catch in enumerate(items):
        where = line_of(catches, index, line) if isinstance(catches, list) else line
        if catch is None and not isinstance(catches, list):
            continue
        if not isinstance(catch, dict):
            ctx.report("C008", rel, where, "Catch entries must be mappings (With, As, Do)")
            continue
        for key in catch:
            if key not in schema.CATCH_KEYS:
                ctx.report("C008", rel, key_line_of(catch, key, where),
                           f"Catch: unknown keyword {key!r}")
        if "As" in catch and catch["As"] is not None and \
                not schema.is_variable_name(catch["As"]):
            ctx.report("C008", rel, line_of(catch, "As", where),
                       f"Catch: As {catch['As']!r} is not a variable name")
        if catch.get("Do") is not None:
            check_block(ctx, rel, catch["Do"], line_of(catch, "Do", where))


def _check_assignment(ctx: PackageCheck, rel: str, statement: dict, line: int) -> None:
    if len(statement) != 1:
        keys = ", ".join(repr(k) for k in statement)
        ctx.report("C008", rel, line, f"unknown statement with keys {keys}")
        return
    target, value = next(iter(statement.items()))
    where = statement.key_line(target, line)
    parsed, error = ctx.parse(target, rel) if not is_literal(target) else (None, "")
    if parsed is None:
        if error and looks_like_expression(target):
            ctx.code(target, rel, where, "assignment target")   # Y001
        else:
            ctx.report("C008", rel, where, f"unknown statement {target!r} (an assignment "
                                           "target starts with $; keywords are "
                                           f"{', '.join(schema.MACROS)})")
        return
    problem = target_problem(parsed)
    if problem is not None:
        ctx.report("C008", rel, where, problem.format(text=target))
        return
    ctx.data(value, rel, line_of(statement, target, where))
