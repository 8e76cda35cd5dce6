"""yaql integration: one parser/engine and root context per yaql flavour, expression compiling.

Two flavours exist, as in Murano: *legacy* (packages of Format 1.0 and 1.1: yaql's legacy
function library, dicts iterable) and *current* (Format >= 1.2). Both parsers know Murano's extra
operators: ``ns:Name`` (binary and prefix ``:``) and ``x is ns:Type``.

Every string in a class file that looks like an expression is compiled once into an
:class:`Expression`; its ``evaluate(ctx)`` either runs a Python closure built by
:mod:`fastpath` for common shapes or yaql's own runner.
"""

from __future__ import annotations

import atexit
import collections.abc  # noqa: F401  (yaql 3.2 needs it imported first)
import hashlib
import os
import pickle
import re
import sys
import types
from typing import Any

import yaql
from yaql import legacy as yaql_legacy
from yaql.language import conventions, specs, utils
from yaql.language import exceptions as yaql_exc
from yaql.language import factory as yaql_factory

from .exceptions import MuranoPlError, StackFrame
from .files.atomic import atomic_write
from .files.located_yaml import QuotedStr

NO_VALUE = utils.NO_VALUE
FAST_PATH = True
"""Compile expressions to Python closures (fastpath); False runs everything through yaql."""
LEGACY_FORMAT_BELOW = (1, 2)
"""Packages whose Format is below this run with yaql's legacy library: upstream Murano uses
its legacy root context for runtime versions up to 1.1 only (murano/dsl/yaql_integration.py)."""

CONVENTION = conventions.CamelCaseConvention()
_PLAIN_STRING = re.compile(r"^[\s\w.]*$")
_LOOKS_LIKE_CODE = re.compile(r"^\s*(\$|[A-Za-z_][\w]*\()")
_OPTIONS_COMMON = {"yaql.convertSetsToLists": True, "yaql.convertTuplesToLists": True}


def _parser_factory(tuple_operator: bool):
    """A yaql factory with Murano's operators added to the standard table.

    ``tuple_operator`` builds yaql's legacy grammar, where ``a => b`` is a tuple (not a
    keyword argument); legacy packages fall back to it for text the standard grammar rejects.
    """
    ops = yaql_factory.OperatorType
    fac = yaql_legacy.YaqlFactory() if tuple_operator else yaql_factory.YaqlFactory()
    # `a is b`: same precedence group as the comparison operators.
    fac.insert_operator(">", True, "is", ops.BINARY_LEFT_ASSOCIATIVE, False)
    # `ns:Name` binds tighter than anything else, `:Name` (default namespace) too.
    fac.insert_operator(None, True, ":", ops.BINARY_LEFT_ASSOCIATIVE, True)
    fac.insert_operator(":", True, ":", ops.PREFIX_UNARY, False)
    fac.operators.insert(0, ())
    return fac


def _cache_file(fac) -> str | None:
    """Where the LR tables of this operator table are cached (``fac`` None: any file in the
    cache folder). ``MURANOKIT_CACHE_DIR`` overrides the folder."""
    base = os.environ.get("MURANOKIT_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "muranokit")
    if fac is None:
        return os.path.join(base, "_")
    key = hashlib.sha256(repr((yaql.__version__, fac.operators, fac.keyword_operator,
                               sys.version_info[:2])).encode()).hexdigest()[:20]
    return os.path.join(base, f"yaql-lr-{key}.pickle")


def _build_parser(legacy: bool, tuple_operator: bool = False):
    """A yaql engine for Murano's grammar."""
    options = dict(_OPTIONS_COMMON)
    if legacy:
        options["yaql.iterableDicts"] = True
    return cached_engine(_parser_factory(tuple_operator), options)


def cached_engine(fac, options: dict):
    """``fac.create(options=options)`` with the LR tables cached on disk between processes
    (building them costs ~0.15 s per grammar). Any yaql factory (e.g. the forms' one)."""
    from yaql._ply import lex
    from yaql._ply import yacc as ply_yacc
    path = _cache_file(fac)
    operators = fac._build_operator_table(fac._name_generator())
    lexer_rules = fac._create_lexer(operators)
    module = fac._create_parser(lexer_rules, operators)
    tables = None
    if path and os.path.isfile(path):
        try:
            with open(path, "rb") as fh:
                tables = pickle.load(fh)  # noqa: S301 - our own cache file
        except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError):
            tables = None
    if tables is None:
        # the base create(): a subclass's option tweaks would differ from the cached path
        engine = yaql_factory.YaqlFactory.create(fac, options=options)
        parser = engine.parser
        if path:
            _save_tables(path, parser)
        return engine
    specs_, action, goto = tables
    pdict = {name: getattr(module, name) for name in dir(module)}
    productions = [ply_yacc.Production(*spec) for spec in specs_]
    for prod in productions:
        prod.bind(pdict)
    parser = ply_yacc.LRParser.__new__(ply_yacc.LRParser)
    parser.productions, parser.action, parser.goto = productions, action, goto
    parser.errorfunc = pdict.get("p_error")
    parser.set_defaulted_states()
    parser.errorok = True
    ply_lexer = lex.lex(object=lexer_rules, reflags=re.UNICODE | re.VERBOSE)
    return yaql_factory.YaqlEngine(ply_lexer, parser, options, fac)


def _save_tables(path: str, parser) -> None:
    """Write the parser's LR tables (productions without their bound callables)."""
    saved = [(p.number, p.name, p.prod, p.prec, p.func, p.file, p.line)
             for p in parser.productions]
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with atomic_write(path, sync=False) as fh:
            pickle.dump((saved, parser.action, parser.goto), fh)
    except (OSError, pickle.PickleError, TypeError, AttributeError):
        pass


def is_plain_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def to_plain(value: Any) -> Any:
    """yaql output -> plain mutable Python data (lists, dicts); objects pass through."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {to_plain(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, collections.abc.Mapping):
        return {to_plain(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (tuple, set, frozenset, types.GeneratorType, map, filter, zip,
                          collections.abc.Iterator)):
        return [to_plain(v) for v in value]
    if isinstance(value, collections.abc.Iterable) and not isinstance(value, (bytes,)) \
            and type(value).__module__.startswith("yaql"):
        return [to_plain(v) for v in value]
    return value


@specs.name("#finalize")
def _finalize(obj):
    return to_plain(obj)


class Parsed:
    """A parsed expression: its tree and the yaql engine that parsed it."""

    __slots__ = ("expression", "engine")

    def __init__(self, expression: Any, engine: Any) -> None:
        self.expression = expression
        self.engine = engine


class ParseStore:
    """Parse results kept on disk between processes (parsing costs ~0.2 ms per expression).

    Loaded lazily on first use; written at interpreter exit when something was added.
    """

    LIMIT = 200_000

    def __init__(self, name: str) -> None:
        self.path = os.path.join(os.path.dirname(_cache_file(None) or "."), name + ".pickle")
        self._data: dict[str, tuple] | None = None
        self._dirty = False

    def _load(self) -> dict:
        if self._data is None:
            self._data = {}
            try:
                with open(self.path, "rb") as fh:
                    data = pickle.load(fh)  # noqa: S301 - our own cache file
                if isinstance(data, dict):
                    self._data = data
            except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError,
                    ImportError, IndexError, TypeError):
                pass
        return self._data

    def get(self, source: str) -> tuple | None:
        found = self._load().get(source)
        if type(found) is bytes:   # entries stay pickled until used: loading stays cheap
            try:
                found = self._data[source] = pickle.loads(found)  # noqa: S301 - our own file
            except (pickle.PickleError, EOFError, AttributeError, ValueError, ImportError,
                    IndexError, TypeError):
                return None
        return found

    def put(self, source: str, value: tuple) -> None:
        data = self._load()
        if len(data) < self.LIMIT:
            data[source] = value
            if not self._dirty:
                self._dirty = True
                atexit.register(self.save)

    def save(self) -> None:
        if not self._dirty or self._data is None:
            return
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            packed = {source: value if type(value) is bytes else
                      pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
                      for source, value in self._data.items()}
            with atomic_write(self.path, sync=False) as fh:
                pickle.dump(packed, fh, protocol=pickle.HIGHEST_PROTOCOL)
            self._dirty = False
        except (OSError, pickle.PickleError, TypeError, AttributeError, RecursionError):
            pass


class Flavour:
    """A yaql parser plus the root context for one yaql flavour (legacy or current)."""

    def __init__(self, legacy: bool) -> None:
        self.legacy = legacy
        self.engine = _build_parser(legacy)
        self.tuple_engine = _build_parser(legacy, tuple_operator=True) if legacy else None
        if legacy:
            root = yaql_legacy.create_context(convention=CONVENTION, finalizer=_finalize)
        else:
            root = yaql.create_context(convention=CONVENTION, finalizer=_finalize)
        from . import yaql_functions  # late: yaql_functions needs this module's names
        self.context = yaql_functions.register(root.create_child_context(), legacy)
        self._parsed: dict[str, Parsed] = {}
        self._store = ParseStore(f"yaql-exprs2-{'legacy' if legacy else 'current'}-"
                                 + os.path.basename(_cache_file(self.engine.factory))[8:-7])

    def parse(self, source: str) -> Parsed:
        """Parse (cached per flavour and on disk); raises yaql's parsing exceptions."""
        parsed = self._parsed.get(source)
        if parsed is None:
            stored = self._store.get(source)
            if stored is None:
                stored = self._parse_now(source)
                self._store.put(source, stored)
            tree, tuple_grammar, error = stored
            if error is not None:
                raise yaql_exc.YaqlParsingException(source, None, error)
            engine = self.tuple_engine if tuple_grammar else self.engine
            parsed = self._parsed[source] = Parsed(tree, engine)
        return parsed

    def _parse_now(self, source: str) -> tuple:
        """(tree, parsed with the tuple grammar?, error message or None)."""
        try:
            return (self.engine(source).expression, False, None)
        except yaql_exc.YaqlParsingException as exc:
            if self.tuple_engine is None:
                return (None, False, str(exc))
            try:
                return (self.tuple_engine(source).expression, True, None)
            except yaql_exc.YaqlParsingException:
                return (None, False, str(exc))

    def is_expression(self, text: Any) -> bool:
        """Murano's rule: a string is an expression unless it is plain words, or unparsable."""
        # Quoted and block scalars are literals (upstream resolves !yaql on plain scalars only).
        if not isinstance(text, str) or isinstance(text, QuotedStr) or _PLAIN_STRING.match(text):
            return False
        try:
            self.parse(text)
        except yaql_exc.YaqlParsingException:
            return False
        return True

    def is_code(self, text: Any) -> bool:
        """Like :meth:`is_expression`, but a string that starts like an expression
        (``$...`` or ``name(...``) and does not parse raises the parser's error."""
        # Quoted and block scalars are literals (upstream resolves !yaql on plain scalars only).
        if not isinstance(text, str) or isinstance(text, QuotedStr) or _PLAIN_STRING.match(text):
            return False
        try:
            self.parse(text)
        except yaql_exc.YaqlParsingException:
            if _LOOKS_LIKE_CODE.match(text):
                raise
            return False
        return True


_FLAVOURS: dict[bool, Flavour] = {}


def flavour(legacy: bool) -> Flavour:
    """The shared (per process) flavour object."""
    fl = _FLAVOURS.get(legacy)
    if fl is None:
        fl = _FLAVOURS[legacy] = Flavour(legacy)
    return fl


def flavour_for_format(fmt: tuple[int, int]) -> Flavour:
    return flavour(tuple(fmt) < LEGACY_FORMAT_BELOW)


class Expression:
    """A compiled yaql expression at a position in a class file."""

    __slots__ = ("source", "tree", "flavour", "file", "line", "column", "evaluate", "_yaql_engine")

    def __init__(self, source: str, fl: Flavour, file: str | None = None,
                 line: int | None = None, column: int | None = None) -> None:
        self.source = source
        self.flavour = fl
        self.file = file
        self.line = line
        self.column = column
        try:
            parsed = fl.parse(source)
        except yaql_exc.YaqlParsingException as exc:
            raise MuranoPlError(
                "DslSyntaxError", f"invalid yaql expression {source!r}: {exc}",
                stack=[StackFrame(file, line, column, None, None)]) from None
        self.tree = parsed.expression
        self._yaql_engine = parsed.engine
        from .fastpath import compile_tree
        fast = compile_tree(self.tree, parsed.engine) if FAST_PATH else None
        self.evaluate = fast if fast is not None else self._run_yaql

    @classmethod
    def from_tree(cls, tree: Any, fl: Flavour, file: str | None,
                  pos: tuple | None) -> Expression:
        """An Expression for an already parsed sub-tree (assignment targets)."""
        self = cls.__new__(cls)
        self.source = str(tree)
        self.flavour = fl
        self.file = file
        self.line, self.column = pos if pos else (None, None)
        self.tree = tree
        self._yaql_engine = fl.engine
        from .fastpath import compile_tree
        fast = compile_tree(tree, fl.engine) if FAST_PATH else None
        self.evaluate = fast if fast is not None else self._run_yaql
        return self

    def _run_yaql(self, ctx) -> Any:
        try:
            return to_plain(self.tree(NO_VALUE, ctx, self._yaql_engine))
        except yaql_exc.WrappedException as exc:
            raise exc.wrapped from None

    def run_yaql(self, ctx) -> Any:
        """Evaluate with yaql's runner only (used by the differential tests)."""
        return self._run_yaql(ctx)

    def __repr__(self) -> str:
        return f"<Expression {self.source!r} at {self.file}:{self.line}>"

    def __str__(self) -> str:
        return self.source
