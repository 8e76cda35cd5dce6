"""The Murano yaql grammar and the one cache of yaql parser tables.

Murano extends yaql's grammar with ``is`` (beside ``>``) and ``:`` (binary, and unary
prefix, for ``ns:Class`` names); :func:`murano_factory` builds it. yaql builds its LALR
tables (~0.1 s) each time an engine is created; the tables depend only on the grammar, so
:func:`cached_engine` stores them as JSON under a key made of the grammar's signature and
reuses them, for any yaql factory (the dashboard's legacy one too).

yaql itself (~50 ms to import) is imported when an engine is first built, not with this
module.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from types import SimpleNamespace
from typing import Any

from ..files.atomic import write_file

TABLES_FORMAT = 1


def murano_factory(tuple_operator: bool = False) -> Any:
    """A yaql factory with Murano's operators added to the standard table.

    ``tuple_operator`` gives yaql's legacy grammar, where ``a => b`` is a tuple (not a
    keyword argument); packages of a legacy Format fall back to it for text the standard
    grammar rejects.
    """
    import collections.abc  # noqa: F401  (yaql 3.2 needs it imported first)

    from yaql import legacy
    from yaql.language import factory

    ops = factory.OperatorType
    fac = legacy.YaqlFactory() if tuple_operator else factory.YaqlFactory()
    # `a is b`: same precedence group as the comparison operators.
    fac.insert_operator(">", True, "is", ops.BINARY_LEFT_ASSOCIATIVE, False)
    # `ns:Name` binds tighter than anything else, `:Name` (default namespace) too.
    fac.insert_operator(None, True, ":", ops.BINARY_LEFT_ASSOCIATIVE, True)
    fac.insert_operator(":", True, ":", ops.PREFIX_UNARY, False)
    fac.operators.insert(0, ())
    return fac


def dashboard_factory() -> Any:
    """The grammar of the Murano dashboard's ``ui.yaml`` expressions: yaql's legacy one."""
    import collections.abc  # noqa: F401  (yaql 3.2 needs it imported first)

    from yaql import legacy
    return legacy.YaqlFactory()


def tables_cache_dir() -> str:
    """Where parser tables (and other parse caches) live: ``$MURANOKIT_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/muranokit`` (``~/.cache/muranokit``)."""
    explicit = os.environ.get("MURANOKIT_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "muranokit")


def cached_engine(fac: Any, options: dict | None = None) -> Any:
    """The engine ``fac.create(options)`` would give, with its LALR tables cached on disk.

    Falls back to building the engine the plain way if yaql's internals do not fit.
    """
    from yaql.language import factory

    try:
        return _engine_from_tables(fac, options)
    except Exception:  # noqa: BLE001 - yaql internals changed: build it the plain way
        return factory.YaqlFactory.create(fac, options=options)


def _engine_from_tables(fac: Any, options: dict | None) -> Any:
    import yaql
    from yaql._ply import lex, yacc
    from yaql.language import factory

    names = fac._name_generator()
    operators = fac._build_operator_table(names)
    lexer_rules = fac._create_lexer(operators)
    ply_lexer = lex.lex(object=lexer_rules, reflags=re.UNICODE | re.VERBOSE)
    module = fac._create_parser(lexer_rules, operators)
    pdict = {name: getattr(module, name) for name in dir(module)}
    reflect = yacc.ParserReflect(pdict, log=yacc.NullLogger())
    reflect.get_all()
    key = hashlib.sha256(f"{TABLES_FORMAT}\n{yaql.__version__}\n{reflect.signature()}"
                         .encode()).hexdigest()
    path = os.path.join(tables_cache_dir(), f"yaql-tables-{key[:20]}.json")
    engine = _engine_from_file(path, pdict, reflect, ply_lexer, options, fac)
    if engine is not None:
        return engine
    # no usable cache file (none yet, unreadable, corrupt): build the tables, save them
    built = yacc.yacc(module=module, debug=False)
    _save_tables(path, {"action": built.action, "goto": built.goto,
                        "productions": [[p.name, p.len, p.func] for p in built.productions]})
    return factory.YaqlEngine(ply_lexer, built, options, fac)


#: An expression using every kind of rule, parsed by an engine made from cached tables
#: before it is trusted (tables that load but parse wrongly are rebuilt).
_PROBE = "$.a[0].b($x, -2, k => 1) and not ($y in [1, 2]) or {c => $z}.c = null"


def _engine_from_file(path: str, pdict: dict, reflect: Any, ply_lexer: Any,
                      options: dict | None, fac: Any) -> Any:
    """An engine made from the tables cached at ``path``; None when the file is missing,
    unreadable, corrupt or its tables do not parse the probe expression."""
    from yaql._ply import yacc
    from yaql.language import factory

    try:
        with open(path, encoding="utf-8") as handle:
            tables = json.load(handle)
        productions = [SimpleNamespace(name=name, len=length, func=func, str=name,
                                       callable=pdict[func] if func else None)
                       for name, length, func in tables["productions"]]
        lr_table = SimpleNamespace(
            lr_productions=productions,
            lr_action={int(state): _row(row) for state, row in tables["action"].items()},
            lr_goto={int(state): _row(row) for state, row in tables["goto"].items()})
        parser = yacc.LRParser(lr_table, reflect.error_func)
        engine = factory.YaqlEngine(ply_lexer, parser, options, fac)
        engine(_PROBE)
    except Exception:  # noqa: BLE001 - any defect of the file: rebuild it
        return None
    return engine


def _row(row: Any) -> dict[str, int]:
    """One row of a cached LALR table; TypeError when the file does not hold one."""
    if not isinstance(row, dict) or not all(isinstance(k, str) and type(v) is int
                                            for k, v in row.items()):
        raise TypeError("not a table row")
    return row


def _save_tables(path: str, tables: dict) -> None:
    """Write the tables next to where they are read (temp file + rename; errors ignored)."""
    with contextlib.suppress(OSError):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_file(path, json.dumps(tables), sync=False)
