"""YAML data that may hold expressions, compiled into evaluable nodes.

Argument lists, macro parameters, defaults and returned values are YAML data in which any
string may be an expression (by the syntax floor's rule); :func:`compile_value` turns such
data into a node with ``evaluate(ctx)`` giving frozen values (tuples, FrozenDicts, plain
strings: a quoted scalar's mark stays in the syntax floor). :class:`Source` says where code
is compiled from (the yaql flavour of its package, file, class and method), for errors.
"""

from __future__ import annotations

from typing import Any

from ..exceptions import MuranoPlError, StackFrame
from ..files.located_yaml import position
from ..syntax.expressions import ExpressionParser, parser_for_format
from ..values import FrozenDict, freeze
from .expression import Expression


class Source:
    """Where code is compiled from: flavour, file, class/method names (for errors)."""

    __slots__ = ("parser", "file", "cls", "method")

    def __init__(self, parser: ExpressionParser, file: str, cls: str | None,
                 method: str | None) -> None:
        self.parser = parser
        self.file = file
        self.cls = cls
        self.method = method

    def error(self, message: str, pos: tuple | None, type_name: str = "DslSyntaxError"):
        line, col = pos if pos else (None, None)
        return MuranoPlError(type_name, message,
                             stack=[StackFrame(self.file, line, col, self.method, self.cls)])

    def is_code(self, text: Any, pos: tuple | None) -> bool:
        """Is ``text`` an expression? (DslSyntaxError if it starts like one but is broken)."""
        try:
            return self.parser.is_code(text)
        except Exception as exc:  # noqa: BLE001 - yaql parsing exception
            raise self.error(f"invalid yaql expression {text!r}: {exc}", pos) from None

    def expression(self, text: str, pos: tuple | None) -> Expression:
        line, col = pos if pos else (None, None)
        try:
            return Expression(text, self.parser, self.file, line, col)
        except MuranoPlError as exc:
            raise self.error(exc.message, pos) from None



class Const:
    """A value without expressions: frozen once, shared by every evaluation."""

    __slots__ = ("value",)
    is_constant = True

    def __init__(self, value: Any) -> None:
        self.value = freeze(value)

    def evaluate(self, ctx) -> Any:
        return self.value


class ListValue:
    __slots__ = ("items",)
    is_constant = False

    def __init__(self, items: list) -> None:
        self.items = items

    def evaluate(self, ctx) -> tuple:
        return tuple([item.evaluate(ctx) for item in self.items])


class DictValue:
    __slots__ = ("pairs",)
    is_constant = False

    def __init__(self, pairs: list) -> None:
        self.pairs = pairs

    def evaluate(self, ctx) -> FrozenDict:
        return FrozenDict([(k.evaluate(ctx), v.evaluate(ctx)) for k, v in self.pairs])


def compile_value(value: Any, src: Source, pos: tuple | None) -> Any:
    """YAML data possibly holding expressions -> node with ``evaluate(ctx)``."""
    if isinstance(value, str):
        if src.is_code(value, pos):
            return src.expression(value, pos)
        return Const(value)
    if isinstance(value, list):
        items = [compile_value(v, src, position(value, i) if pos else None)
                 for i, v in enumerate(value)]
        if all(getattr(i, "is_constant", False) for i in items):
            return Const(value)
        return ListValue(items)
    if isinstance(value, dict):
        pairs = [(compile_value(k, src, position(value, k)),
                  compile_value(v, src, position(value, k))) for k, v in value.items()]
        if all(getattr(k, "is_constant", False) and getattr(v, "is_constant", False)
               for k, v in pairs):
            return Const(value)
        return DictValue(pairs)
    return Const(value)


def source_for(cls: Any, method: str | None) -> Source:
    """Where the members of class ``cls`` (method ``method``) are compiled from."""
    return Source(parser_for_format(cls.package.format), cls.file, cls.name, method)
