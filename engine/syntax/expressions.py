"""The rule that tells a MuranoPL expression from a literal string, and parsing by it.

As upstream Murano reads class files, a string is an expression when all of these hold:

- it is a plain YAML scalar: quoted and block scalars are literals (upstream marks
  expressions with an implicit YAML resolver, which PyYAML applies to plain scalars only);
- it is not plain text (letters, digits, ``_``, dots and spaces only);
- it parses with the Murano grammar of the package's Format.

A string that is no expression is a literal, except that one which *looks like code*
(starts with ``$`` or ``name(``) and does not parse is a syntax error wherever code is
compiled (the engine refuses it; the validator reports it).

Formats below 1.2 run in yaql's legacy mode; there the legacy grammar (``a => b`` is a
tuple) is tried for text the standard grammar rejects.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import pickle
import re
import sys
from typing import Any

from ..files.atomic import atomic_write
from ..files.located_yaml import QuotedStr, YaqlStr
from ..limits import LiveOptions
from . import grammar

PLAIN_TEXT = re.compile(r"^[\s\w.]*$")
"""Words, digits, dots and spaces: never an expression."""
DASHBOARD_PLAIN_TEXT = re.compile(r"^[\s\w.:]*$")
"""The Murano dashboard's variant for ``ui.yaml`` (colons allowed too)."""
_LOOKS_LIKE_CODE = re.compile(r"^\s*(\$|[A-Za-z_]\w*\()")
LEGACY_FORMAT_BELOW = (1, 2)
"""Packages whose Format is below this run with yaql's legacy library: upstream Murano uses
its legacy root context for runtime versions up to 1.1 only."""

ENGINE_OPTIONS = {"yaql.convertSetsToLists": True, "yaql.convertTuplesToLists": True}
LEGACY_ENGINE_OPTIONS = dict(ENGINE_OPTIONS, **{"yaql.iterableDicts": True})


def is_quoted(text: Any) -> bool:
    """A quoted or block YAML scalar (always a literal)."""
    return isinstance(text, QuotedStr)


def is_plain_text(text: str, pattern: re.Pattern = PLAIN_TEXT) -> bool:
    """Murano never treats words, digits, dots and spaces as an expression."""
    return bool(pattern.match(text))


def literal_by_form(text: Any, pattern: re.Pattern = PLAIN_TEXT) -> bool:
    """True when ``text`` is a literal whatever it says: not a string, a quoted scalar,
    or plain text (a ``!yaql`` scalar never is)."""
    if isinstance(text, YaqlStr):
        return False
    return not isinstance(text, str) or isinstance(text, QuotedStr) or \
        bool(pattern.match(text))


def looks_like_code(text: str) -> bool:
    """A string meant as an expression: starts with ``$``, is a function call, or is
    tagged ``!yaql``."""
    return isinstance(text, YaqlStr) or bool(_LOOKS_LIKE_CODE.match(text))


def is_legacy(fmt: tuple[int, int]) -> bool:
    """Does a package of Format ``fmt`` run in yaql's legacy mode?"""
    return tuple(fmt) < LEGACY_FORMAT_BELOW


def describe(exc: BaseException) -> str:
    """A yaql parsing error as one line of text."""
    message = getattr(exc, "message", None) or str(exc)
    return " ".join(str(message).split())


def target_problem(tree: Any) -> str | None:
    """Why a parsed expression cannot be the left side of an assignment (None when it can:
    ``$var``, ``<expr>.name`` or ``<expr>[key]``). The text may hold ``{text}``, the
    target as written."""
    from yaql.language import expressions as yexpr
    if isinstance(tree, yexpr.GetContextValue):
        name = tree.path.value
        return f"cannot assign to {name}" if name in ("$", "$this") else None
    if isinstance(tree, yexpr.BinaryOperator) and tree.name == "#operator_." and \
            isinstance(tree.args[1], yexpr.KeywordConstant):
        return None
    if isinstance(tree, yexpr.IndexExpression) and len(tree.args) == 2:
        return None
    return "invalid assignment target {text!r}"


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
        self.path = os.path.join(grammar.tables_cache_dir(), name + ".pickle")
        self._data: dict[str, Any] | None = None
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


def _grammar_key(fac: Any) -> str:
    import yaql
    return hashlib.sha256(repr((yaql.__version__, fac.operators, fac.keyword_operator,
                                sys.version_info[:2])).encode()).hexdigest()[:20]


class ExpressionParser:
    """Parses expressions of one yaql flavour (legacy or current) with Murano's grammar.

    Results are cached per text in memory and, when ``persistent``, on disk between
    processes (the engine's choice; the validator parses afresh in every run).
    """

    def __init__(self, legacy: bool, persistent: bool = True) -> None:
        self.legacy = legacy
        fac = grammar.murano_factory()
        options = LEGACY_ENGINE_OPTIONS if legacy else ENGINE_OPTIONS
        self.engine = _live(grammar.cached_engine(fac, dict(options)))
        self.tuple_engine = (_live(grammar.cached_engine(grammar.murano_factory(True),
                                                         dict(options)))
                             if legacy else None)
        self._parsed: dict[str, Parsed] = {}
        self._store = ParseStore(f"yaql-exprs2-{'legacy' if legacy else 'current'}-"
                                 + _grammar_key(fac)) if persistent else None

    def parse(self, source: str) -> Parsed:
        """The parsed ``source``; raises yaql's parsing exceptions."""
        parsed = self._parsed.get(source)
        if parsed is None:
            stored = self._store.get(source) if self._store is not None else None
            if stored is None:
                stored = self._parse_now(source)
                if self._store is not None:
                    self._store.put(source, stored)
            tree, tuple_grammar, error = stored
            if error is not None:
                from yaql.language import exceptions as yaql_exc
                raise yaql_exc.YaqlParsingException(source, None, error)
            engine = self.tuple_engine if tuple_grammar else self.engine
            parsed = self._parsed[source] = Parsed(tree, engine)
        return parsed

    def error_of(self, source: str) -> str | None:
        """None when ``source`` parses, else the parser's message (one line)."""
        from yaql.language import exceptions as yaql_exc
        try:
            self.parse(source)
        except yaql_exc.YaqlParsingException as exc:
            return describe(exc)
        return None

    def _parse_now(self, source: str) -> tuple:
        """(tree, parsed with the tuple grammar?, error message or None)."""
        from yaql.language import exceptions as yaql_exc
        try:
            return (self.engine(source).expression, False, None)
        except yaql_exc.YaqlParsingException as exc:
            if self.tuple_engine is None:
                return (None, False, str(exc))
            try:
                return (self.tuple_engine(source).expression, True, None)
            except yaql_exc.YaqlParsingException:
                return (None, False, str(exc))
        except (TypeError, ValueError, IndexError) as exc:   # yaql's own bugs on odd input
            return (None, False, str(exc) or type(exc).__name__)

    def is_expression(self, text: Any) -> bool:
        """Murano's rule: an expression unless a literal by form, or unparsable."""
        if literal_by_form(text):
            return False
        return self.error_of(text) is None

    def is_code(self, text: Any) -> bool:
        """Like :meth:`is_expression`, but a string that looks like code and does not parse
        raises the parser's error (yaql's YaqlParsingException)."""
        if literal_by_form(text):
            return False
        from yaql.language import exceptions as yaql_exc
        try:
            self.parse(text)
        except yaql_exc.YaqlParsingException:
            if looks_like_code(text):
                raise
            return False
        return True


def _live(engine: Any) -> Any:
    """``engine`` with its collection and value limits read from the active run's budget
    (:class:`~..limits.LiveOptions`), as upstream sets yaql's limits for MuranoPL."""
    if hasattr(engine, "_options"):
        engine._options = LiveOptions(engine.options)
    return engine


_PARSERS: dict[tuple[bool, bool], ExpressionParser] = {}


def parser(legacy: bool, persistent: bool = True) -> ExpressionParser:
    """The process-wide parser of a flavour."""
    key = (legacy, persistent)
    found = _PARSERS.get(key)
    if found is None:
        found = _PARSERS[key] = ExpressionParser(legacy, persistent)
    return found


def parser_for_format(fmt: tuple[int, int], persistent: bool = True) -> ExpressionParser:
    """The parser a package of Format ``fmt`` is read with."""
    return parser(is_legacy(fmt), persistent)
