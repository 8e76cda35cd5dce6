"""Compiling method bodies: YAML statements -> statement nodes; YAML data -> value nodes.

A body is a list of statements: an expression string, an assignment ``{lhs: value}``, or a
macro mapping (see :mod:`macros`). Every node keeps its line so a failure is reported as
``file:line``. Values (argument lists, macro parameters, defaults) may hold expressions
anywhere inside lists and dicts; :func:`compile_value` turns them into evaluable nodes.
"""

from __future__ import annotations

from typing import Any

from yaql.language import expressions as yexpr

from .exceptions import FlowSignal, MuranoPlError, StackFrame
from .files.located_yaml import position
from .yaql_engine import NO_VALUE, Expression, Flavour


class Source:
    """Where code is compiled from: flavour, file, class/method names (for errors)."""

    __slots__ = ("fl", "file", "cls", "method")

    def __init__(self, fl: Flavour, file: str, cls: str | None, method: str | None) -> None:
        self.fl = fl
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
            return self.fl.is_code(text)
        except Exception as exc:  # noqa: BLE001 - yaql parsing exception
            raise self.error(f"invalid yaql expression {text!r}: {exc}", pos) from None

    def expression(self, text: str, pos: tuple | None) -> Expression:
        line, col = pos if pos else (None, None)
        try:
            return Expression(text, self.fl, self.file, line, col)
        except MuranoPlError as exc:
            raise self.error(exc.message, pos) from None


# --- values -------------------------------------------------------------------------------

def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


class Const:
    """A value without expressions (mutable containers are copied on every evaluation)."""

    __slots__ = ("value", "mutable")
    is_constant = True

    def __init__(self, value: Any) -> None:
        self.value = _plain(value)
        self.mutable = isinstance(value, (list, dict))

    def evaluate(self, ctx) -> Any:
        return _copy(self.value) if self.mutable else self.value


def _plain(value: Any) -> Any:
    """Located YAML containers -> plain dict/list."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    return value


class ListValue:
    __slots__ = ("items",)
    is_constant = False

    def __init__(self, items: list) -> None:
        self.items = items

    def evaluate(self, ctx) -> list:
        return [item.evaluate(ctx) for item in self.items]


class DictValue:
    __slots__ = ("pairs",)
    is_constant = False

    def __init__(self, pairs: list) -> None:
        self.pairs = pairs

    def evaluate(self, ctx) -> dict:
        return {k.evaluate(ctx): v.evaluate(ctx) for k, v in self.pairs}


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


# --- statements ------------------------------------------------------------------------------

class Statement:
    """Base statement node: ``run(frame)``; ``line``/``column`` locate it."""

    __slots__ = ("line", "column")

    def run(self, frame) -> None:
        raise NotImplementedError


class ExpressionStatement(Statement):
    __slots__ = ("expr",)

    def __init__(self, expr: Expression, pos: tuple) -> None:
        self.expr = expr
        self.line, self.column = pos

    def run(self, frame) -> None:
        self.expr.evaluate(frame.ctx)


class NoOp(Statement):
    __slots__ = ()

    def __init__(self, pos: tuple) -> None:
        self.line, self.column = pos

    def run(self, frame) -> None:
        return None


class Block:
    """A list of statements run in order; Python errors become MuranoPL errors here."""

    __slots__ = ("statements",)

    def __init__(self, statements: list[Statement]) -> None:
        self.statements = statements

    def run(self, frame) -> None:
        for stmt in self.statements:
            frame.line = stmt.line
            frame.column = stmt.column
            try:
                stmt.run(frame)
            except (MuranoPlError, FlowSignal):
                raise
            except Exception as exc:  # noqa: BLE001 - every error becomes a MuranoPL one
                raise frame.runtime.wrap_error(exc, frame) from exc


# --- assignment ------------------------------------------------------------------------------

class _Target:
    """A compiled left-hand side: ``$x``, ``$.p``, ``$x.a.b``, ``$x[k]``."""

    def assign(self, frame, value: Any) -> None:
        raise NotImplementedError


class _VarTarget(_Target):
    def __init__(self, name: str) -> None:
        self.name = name

    def current(self, frame) -> Any:
        return frame.ctx.get_data(self.name)

    def assign(self, frame, value):
        frame.scope[self.name] = value


class _AttrTarget(_Target):
    def __init__(self, base: _Target, base_expr: Expression, key: str) -> None:
        self.base = base
        self.base_expr = base_expr
        self.key = key

    def current(self, frame):
        holder = self.base.current(frame)
        return frame.runtime.get_member(holder, self.key, frame)

    def assign(self, frame, value):
        holder = self.base.current(frame)
        if frame.runtime.is_object(holder) or frame.runtime.is_type(holder):
            frame.runtime.write_property(holder, self.key, value, frame)
            return
        if holder is None:
            holder = {}
        if not isinstance(holder, dict):
            raise frame.runtime.fault("InvalidLhsTargetError",
                                      f"cannot set key {self.key!r} of {holder!r}")
        updated = dict(holder)
        updated[self.key] = value
        self.base.assign(frame, updated)


class _IndexTarget(_Target):
    def __init__(self, base: _Target, base_expr: Expression, index: Expression) -> None:
        self.base = base
        self.base_expr = base_expr
        self.index = index

    def current(self, frame):
        holder = self.base.current(frame)
        key = self.index.evaluate(frame.ctx)
        if isinstance(holder, list) and isinstance(key, int) and -len(holder) <= key < len(holder):
            return holder[key]
        if isinstance(holder, dict):
            return holder.get(key)
        if frame.runtime.is_object(holder) and isinstance(key, str):
            return frame.runtime.get_member(holder, key, frame)
        return None

    def assign(self, frame, value):
        holder = self.base.current(frame)
        key = self.index.evaluate(frame.ctx)
        if frame.runtime.is_object(holder) and isinstance(key, str):
            frame.runtime.write_property(holder, key, value, frame)
            return
        if isinstance(holder, list) and isinstance(key, int) and not isinstance(key, bool):
            updated = list(holder)
            if key == len(updated):
                updated.append(value)
            elif -len(updated) <= key < len(updated):
                updated[key] = value
            else:
                raise frame.runtime.fault("InvalidLhsTargetError",
                                          f"list index {key} out of range")
        elif holder is None or isinstance(holder, dict):
            updated = dict(holder or {})
            updated[key] = value
        else:
            raise frame.runtime.fault("InvalidLhsTargetError",
                                      f"cannot set item {key!r} of {holder!r}")
        self.base.assign(frame, updated)


def _compile_target(tree: Any, src: Source, pos: tuple, text: str) -> _Target:
    if isinstance(tree, yexpr.GetContextValue):
        name = tree.path.value
        if name in ("$", "$this"):
            raise src.error(f"cannot assign to {name}", pos, "InvalidLhsTargetError")
        return _VarTarget(name)
    if isinstance(tree, yexpr.BinaryOperator) and tree.name == "#operator_." and \
            isinstance(tree.args[1], yexpr.KeywordConstant):
        base = tree.args[0]
        return _AttrTarget(_compile_base(base, src, pos, text), _sub(base, src, pos),
                           tree.args[1].value)
    if isinstance(tree, yexpr.IndexExpression) and len(tree.args) == 2:
        base = tree.args[0]
        return _IndexTarget(_compile_base(base, src, pos, text), _sub(base, src, pos),
                            _sub(tree.args[1], src, pos))
    raise src.error(f"invalid assignment target {text!r}", pos, "InvalidLhsTargetError")


class _ReadOnlyBase(_Target):
    """A base that is not itself assignable (e.g. ``$.owner.x`` where x lives on an object)."""

    def __init__(self, text: str, expr: Expression) -> None:
        self.text = text
        self.expr = expr

    def current(self, frame):
        return self.expr.evaluate(frame.ctx)

    def assign(self, frame, value):
        raise frame.runtime.fault("InvalidLhsTargetError",
                                  f"cannot assign through {self.text!r}")


def _compile_base(tree: Any, src: Source, pos: tuple, text: str) -> _Target:
    try:
        return _compile_target(tree, src, pos, text)
    except MuranoPlError:
        return _ReadOnlyBase(text, _sub(tree, src, pos))


def _sub(tree: Any, src: Source, pos: tuple) -> Expression:
    return Expression.from_tree(tree, src.fl, src.file, pos)


class Assignment(Statement):
    __slots__ = ("target", "value", "text")

    def __init__(self, target: _Target, value: Any, pos: tuple, text: str) -> None:
        self.target = target
        self.value = value
        self.text = text
        self.line, self.column = pos

    def run(self, frame) -> None:
        self.target.assign(frame, self.value.evaluate(frame.ctx))


# --- compiling ------------------------------------------------------------------------------

def compile_statement(item: Any, src: Source, pos: tuple) -> Statement:
    """One YAML statement -> node."""
    from .macros import compile_macro, is_macro
    pos = pos or (None, None)
    if isinstance(item, str):
        if src.is_code(item, pos):
            return ExpressionStatement(src.expression(item, pos), pos)
        return NoOp(pos)
    if isinstance(item, dict):
        if is_macro(item):
            return compile_macro(item, src, pos)
        if len(item) == 1:
            (key, value), = item.items()
            if isinstance(key, str) and src.is_code(key, pos):
                lhs = src.expression(key, pos)
                target = _compile_target(lhs.tree, src, pos, key)
                return Assignment(target, compile_value(value, src, pos), pos, key)
        keys = ", ".join(repr(k) for k in item)
        raise src.error(f"unknown macro or invalid assignment: {keys}", pos)
    if item is None or isinstance(item, (int, float, bool)):
        return NoOp(pos)
    raise src.error(f"invalid statement {item!r}", pos)


def compile_block(body: Any, src: Source, pos: tuple | None) -> Block:
    """A statement list (or a single statement) -> Block."""
    if body is None:
        return Block([])
    if not isinstance(body, list):
        return Block([compile_statement(body, src, pos)])
    return Block([compile_statement(item, src, position(body, i))
                  for i, item in enumerate(body)])


__all__ = ["Block", "Source", "compile_block", "compile_value", "NO_VALUE"]
