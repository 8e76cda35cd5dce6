"""Compiling yaql expressions the way Murano parses them, with one parser per process.

Murano extends yaql's grammar with ``is`` (beside ``>``) and ``:`` (binary, and unary
prefix, for ``ns:Class`` names). The grammar is the same for every Format; only the
runtime options differ (Format 1.0/1.1 use the legacy iterable-dict options), so one
parser serves every package and compiled results are cached per expression text.

yaql itself (~50 ms to import) is imported on the first expression to compile, not
with this module.
"""

from __future__ import annotations

import collections.abc  # noqa: F401  (yaql 3.2 needs it imported first)
import contextlib
import hashlib
import json
import logging
import os
import re
from collections.abc import Iterator
from functools import cache, lru_cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from muranokit.engine.files import write_file

if TYPE_CHECKING:
    from yaql.language import factory

LOG = logging.getLogger(__name__)
TABLES_FORMAT = 1

_PLAIN_WORDS = re.compile(r"^[\s\w.]*$")
_CALL = re.compile(r"^[A-Za-z_]\w*\(")

#: Methods of io.murano.system.Resources whose first argument names a file.
RESOURCE_METHODS = frozenset({"yaml", "string", "json", "bytes"})


def murano_factory() -> factory.YaqlFactory:
    """A yaql factory with Murano's extra operators."""
    from yaql.language import factory

    engine_factory = factory.YaqlFactory()
    binary = factory.OperatorType.BINARY_LEFT_ASSOCIATIVE
    engine_factory.insert_operator(">", True, "is", binary, False)
    engine_factory.insert_operator(None, True, ":", binary, True)
    engine_factory.insert_operator(":", True, ":", factory.OperatorType.PREFIX_UNARY, False)
    engine_factory.operators.insert(0, ())
    return engine_factory


def tables_cache_dir() -> str:
    """Where the parser tables are cached: ``$XDG_CACHE_HOME/muranokit`` (~/.cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "muranokit")


def _engine_with_cached_tables(engine_factory: factory.YaqlFactory):
    """The engine ``engine_factory.create()`` would give, with its LALR tables cached.

    yaql builds its parser tables (~0.1 s) at every start; the tables depend only on
    the grammar, so they are stored as JSON under a key made of the grammar's
    signature (rules, tokens, precedence) and reused when it matches.
    """
    from yaql._ply import lex, yacc
    from yaql.language import factory

    names = engine_factory._name_generator()
    operators = engine_factory._build_operator_table(names)
    lexer_rules = engine_factory._create_lexer(operators)
    ply_lexer = lex.lex(object=lexer_rules, reflags=re.UNICODE | re.VERBOSE)
    module = engine_factory._create_parser(lexer_rules, operators)
    pdict = {name: getattr(module, name) for name in dir(module)}
    reflect = yacc.ParserReflect(pdict, log=yacc.NullLogger())
    reflect.get_all()
    key = hashlib.sha256(f"{TABLES_FORMAT}\n{reflect.signature()}".encode()).hexdigest()
    path = os.path.join(tables_cache_dir(), f"yaql-tables-{key[:20]}.json")
    try:
        with open(path, encoding="utf-8") as handle:
            tables = json.load(handle)
    except (OSError, ValueError):
        built = yacc.yacc(module=module, debug=False)
        tables = {"action": built.action, "goto": built.goto,
                  "productions": [[p.name, p.len, p.func] for p in built.productions]}
        _save_tables(path, tables)
        return factory.YaqlEngine(ply_lexer, built, None, engine_factory)
    productions = [SimpleNamespace(name=name, len=length, func=func, str=name,
                                   callable=pdict[func] if func else None)
                   for name, length, func in tables["productions"]]
    lr_table = SimpleNamespace(
        lr_productions=productions,
        lr_action={int(state): row for state, row in tables["action"].items()},
        lr_goto={int(state): row for state, row in tables["goto"].items()})
    parser = yacc.LRParser(lr_table, reflect.error_func)
    return factory.YaqlEngine(ply_lexer, parser, None, engine_factory)


def _save_tables(path: str, tables: dict) -> None:
    with contextlib.suppress(OSError):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_file(path, json.dumps(tables), sync=False)


@lru_cache(maxsize=1)
def engine():
    """The process-wide yaql engine with Murano's operators (built on first use)."""
    engine_factory = murano_factory()
    try:
        return _engine_with_cached_tables(engine_factory)
    except Exception as exc:  # noqa: BLE001 - yaql internals changed: build it the plain way
        LOG.debug("cached yaql tables unusable (%s); building the parser", exc)
        return engine_factory.create()


@cache
def compile_expression(text: str) -> tuple[Any, str | None]:
    """(parsed statement, None) or (None, error message) for ``text``."""
    from yaql.language import exceptions as yaql_exceptions

    try:
        return engine()(text), None
    except yaql_exceptions.YaqlParsingException as exc:
        return None, _describe(exc)
    except (TypeError, ValueError, IndexError) as exc:
        return None, str(exc) or type(exc).__name__


def _describe(exc: Exception) -> str:
    message = getattr(exc, "message", None) or str(exc)
    return " ".join(str(message).split())


def is_plain_text(text: str) -> bool:
    """Murano never treats words, digits, dots and spaces as an expression."""
    return bool(_PLAIN_WORDS.match(text))


def looks_like_expression(text: str) -> bool:
    """A string meant as an expression: starts with ``$`` or is a function call."""
    stripped = text.strip()
    return stripped.startswith("$") or bool(_CALL.match(stripped))


def walk(node: Any) -> Iterator[Any]:
    """Every node of a parsed expression tree, depth first."""
    from yaql.language import expressions

    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, expressions.Statement):
            stack.append(current.expression)
            continue
        for name in ("args",):
            stack.extend(reversed(getattr(current, name, ()) or ()))
        for name in ("source", "destination", "expression"):
            child = getattr(current, name, None)
            if isinstance(child, expressions.Expression):
                stack.append(child)


def may_name_resources(text: str) -> bool:
    """False when ``text`` cannot hold a ``.yaml('X')``-style call (no need to parse it)."""
    return any(f"{name}(" in text for name in RESOURCE_METHODS)


@cache
def resource_names_in(text: str) -> tuple[str, ...]:
    """:func:`resource_names` of the expression ``text`` (empty if it does not compile)."""
    if not may_name_resources(text):
        return ()
    parsed, error = compile_expression(text)
    if error:
        return ()
    return tuple(resource_names(parsed))


def resource_names(parsed: Any) -> list[str]:
    """File names given as constants to ``.yaml('X')``, ``.string('X')``, ... calls."""
    from yaql.language import expressions

    names = []
    for node in walk(parsed):
        if not (isinstance(node, expressions.BinaryOperator) and node.operator == "."):
            continue
        call = node.args[1]
        if (isinstance(call, expressions.Function) and call.name in RESOURCE_METHODS
                and call.args and isinstance(call.args[0], expressions.Constant)
                and isinstance(call.args[0].value, str)):
            names.append(call.args[0].value)
    return names
