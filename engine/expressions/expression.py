"""A yaql expression compiled once, at a position in a class file.

:class:`Expression` parses its text with the syntax floor's parser (Murano's grammar, the
package's yaql flavour) and keeps a closure from :mod:`.fastpath` for common shapes; any
other shape runs through yaql's own runner. ``evaluate(ctx)`` returns the value frozen
(:func:`~..values.freeze`).
"""

from __future__ import annotations

from typing import Any

from yaql.language import exceptions as yaql_exc
from yaql.language import utils

from ..exceptions import MuranoPlError, StackFrame
from ..syntax.expressions import ExpressionParser
from ..values import freeze
from .fastpath import compile_tree

NO_VALUE = utils.NO_VALUE
FAST_PATH = True
"""Compile expressions to Python closures (fastpath); False runs everything through yaql."""


class Expression:
    """A compiled yaql expression at a position in a class file."""

    __slots__ = ("source", "tree", "parser", "file", "line", "column", "evaluate",
                 "_yaql_engine")

    def __init__(self, source: str, parser: ExpressionParser, file: str | None = None,
                 line: int | None = None, column: int | None = None) -> None:
        self.source = source
        self.parser = parser
        self.file = file
        self.line = line
        self.column = column
        try:
            parsed = parser.parse(source)
        except yaql_exc.YaqlParsingException as exc:
            raise MuranoPlError(
                "DslSyntaxError", f"invalid yaql expression {source!r}: {exc}",
                stack=[StackFrame(file, line, column, None, None)]) from None
        self.tree = parsed.expression
        self._yaql_engine = parsed.engine
        fast = compile_tree(self.tree, parsed.engine) if FAST_PATH else None
        self.evaluate = fast if fast is not None else self._run_yaql

    @classmethod
    def from_tree(cls, tree: Any, parser: ExpressionParser, file: str | None,
                  pos: tuple | None) -> Expression:
        """An Expression for an already parsed sub-tree (assignment targets)."""
        self = cls.__new__(cls)
        self.source = str(tree)
        self.parser = parser
        self.file = file
        self.line, self.column = pos if pos else (None, None)
        self.tree = tree
        self._yaql_engine = parser.engine
        fast = compile_tree(tree, parser.engine) if FAST_PATH else None
        self.evaluate = fast if fast is not None else self._run_yaql
        return self

    @property
    def legacy(self) -> bool:
        """Is this expression of yaql's legacy flavour (Format below 1.2)?"""
        return self.parser.legacy

    def _run_yaql(self, ctx) -> Any:
        try:
            return freeze(self.tree(NO_VALUE, ctx, self._yaql_engine))
        except yaql_exc.WrappedException as exc:
            raise exc.wrapped from None

    def run_yaql(self, ctx) -> Any:
        """Evaluate with yaql's runner only (used by the differential tests)."""
        return self._run_yaql(ctx)

    def __repr__(self) -> str:
        return f"<Expression {self.source!r} at {self.file}:{self.line}>"

    def __str__(self) -> str:
        return self.source
