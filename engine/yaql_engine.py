"""yaql integration: one parser/engine and root context per yaql flavour, expression compiling.

Two flavours exist, as in Murano: *legacy* (packages of Format < 1.3: yaql's legacy function
library, dicts iterable) and *current* (Format >= 1.3). Both parsers know Murano's extra
operators: ``ns:Name`` (binary and prefix ``:``) and ``x is ns:Type``.

Every string in a class file that looks like an expression is compiled once into an
:class:`Expression`; its ``evaluate(ctx)`` either runs a Python closure built by
:mod:`fastpath` for common shapes or yaql's own runner.
"""

from __future__ import annotations

import collections.abc  # noqa: F401  (yaql 3.2 needs it imported first)
import re
import types
from typing import Any

import yaql
from yaql import legacy as yaql_legacy
from yaql.language import conventions, specs, utils
from yaql.language import exceptions as yaql_exc
from yaql.language import factory as yaql_factory

from .exceptions import MuranoPlError, StackFrame
from .yaml_source import QuotedStr

NO_VALUE = utils.NO_VALUE
FAST_PATH = True
"""Compile expressions to Python closures (fastpath); False runs everything through yaql."""
LEGACY_FORMAT_BELOW = (1, 3)
"""Packages whose Format is below this run with yaql's legacy library (see DESIGN/report)."""

CONVENTION = conventions.CamelCaseConvention()
_PLAIN_STRING = re.compile(r"^[\s\w.]*$")
_LOOKS_LIKE_CODE = re.compile(r"^\s*(\$|[A-Za-z_][\w]*\()")
_OPTIONS_COMMON = {"yaql.convertSetsToLists": True, "yaql.convertTuplesToLists": True}


def _build_parser(legacy: bool, tuple_operator: bool = False):
    """A yaql engine with Murano's operators added to the standard table.

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
    options = dict(_OPTIONS_COMMON)
    if legacy:
        options["yaql.iterableDicts"] = True
    return fac.create(options=options)


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
        self._parsed: dict[str, Any] = {}

    def parse(self, source: str):
        """Parse (cached per flavour); raises yaql's parsing exceptions."""
        tree = self._parsed.get(source)
        if tree is None:
            try:
                tree = self.engine(source)
            except yaql_exc.YaqlParsingException:
                if self.tuple_engine is None:
                    raise
                tree = self.tuple_engine(source)
            self._parsed[source] = tree
        return tree

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
