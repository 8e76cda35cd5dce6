"""Statement nodes of compiled method bodies: expressions, assignments, blocks.

A body is a list of statements: an expression string, an assignment ``{lhs: value}``, or a
macro mapping (:mod:`.macros`); :mod:`.compiler` builds them. Every node keeps its line so a
failure is reported as ``file:line``; a :class:`Block` turns Python errors into MuranoPL ones.
"""

from __future__ import annotations

from typing import Any

from yaql.language import expressions as yexpr

from ..exceptions import FlowSignal, MuranoPlError, python_error
from ..expressions.data import Source
from ..expressions.expression import Expression
from ..syntax.expressions import target_problem
from ..values import FrozenDict, is_mapping, is_sequence


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
        budget = frame.runtime.budget
        for stmt in self.statements:
            frame.line = stmt.line
            frame.column = stmt.column
            try:
                budget.countdown -= 1           # budget.step(), inlined: the hot path
                if budget.countdown <= 0:
                    budget.poll()
                stmt.run(frame)
            except (MuranoPlError, FlowSignal):
                raise
            except Exception as exc:  # noqa: BLE001 - every error becomes a MuranoPL one
                raise frame.runtime.wrap_error(exc, frame) from python_error(exc)


# --- assignment ------------------------------------------------------------------------------

class _Target:
    """A compiled left-hand side: ``$x``, ``$.p``, ``$x.a.b``, ``$x[k]``."""

    def assign(self, frame, value: Any) -> None:
        raise NotImplementedError


def context_key(name: str) -> str:
    """The key a yaql context keeps variable ``name`` under (``$x`` for ``x``, ``$1`` for
    ``$``), as ``Context.__setitem__`` computes it on every write."""
    key = name if name.startswith("$") else "$" + name
    return "$1" if key == "$" else key


class _VarTarget(_Target):
    def __init__(self, name: str) -> None:
        self.name = name
        self.key = context_key(name)

    def current(self, frame) -> Any:
        return frame.ctx.get_data(self.name)

    def assign(self, frame, value):
        frame.scope._data[self.key] = value     # the method's variables (a yaql Context)


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
        if not is_mapping(holder):
            raise frame.runtime.fault("InvalidLhsTargetError",
                                      f"cannot set key {self.key!r} of {holder!r}")
        updated = dict(holder)
        updated[self.key] = value
        self.base.assign(frame, FrozenDict(updated))


class _IndexTarget(_Target):
    def __init__(self, base: _Target, base_expr: Expression, index: Expression) -> None:
        self.base = base
        self.base_expr = base_expr
        self.index = index

    def current(self, frame):
        holder = self.base.current(frame)
        key = self.index.evaluate(frame.ctx)
        if is_sequence(holder) and isinstance(key, int) and -len(holder) <= key < len(holder):
            return holder[key]
        if is_mapping(holder):
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
        if is_sequence(holder) and isinstance(key, int) and not isinstance(key, bool):
            items = list(holder)
            if key == len(items):
                items.append(value)
            elif -len(items) <= key < len(items):
                items[key] = value
            else:
                raise frame.runtime.fault("InvalidLhsTargetError",
                                          f"list index {key} out of range")
            updated = tuple(items)
        elif holder is None or is_mapping(holder):
            pairs = dict(holder or {})
            pairs[key] = value
            updated = FrozenDict(pairs)
        else:
            raise frame.runtime.fault("InvalidLhsTargetError",
                                      f"cannot set item {key!r} of {holder!r}")
        self.base.assign(frame, updated)


def compile_target(tree: Any, src: Source, pos: tuple, text: str) -> _Target:
    """The target of an assignment ``{text: value}`` (InvalidLhsTargetError if it is
    none: see :func:`~muranokit.engine.syntax.expressions.target_problem`)."""
    problem = target_problem(tree)
    if problem is not None:
        raise src.error(problem.format(text=text), pos, "InvalidLhsTargetError")
    return _compile_target(tree, src, pos, text)


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
    return Expression.from_tree(tree, src.parser, src.file, pos)


class Assignment(Statement):
    __slots__ = ("target", "value", "text")

    def __init__(self, target: _Target, value: Any, pos: tuple, text: str) -> None:
        self.target = target
        self.value = value
        self.text = text
        self.line, self.column = pos

    def run(self, frame) -> None:
        self.target.assign(frame, self.value.evaluate(frame.ctx))
