"""Fast evaluation of common yaql expression shapes.

yaql's runner resolves overloads on every call, which costs ~100 µs even for ``$a``. This
module compiles a parsed yaql tree into nested Python closures for the commonest node shapes:
constants, ``$var``, ``$.prop``/``$x.key``, ``$x[i]``, list literals, arithmetic and comparison
on numbers/strings, ``and``/``or``/``not``, ``ns:Name`` and method calls on MuranoPL objects.
Any node outside these shapes, and any operand of an unexpected type, is handed to yaql
itself: the node's already computed operands are passed to yaql's function as constants, so
nothing is evaluated twice. ``tests/engine/core/test_fastpath.py`` checks equivalence with
yaql's own evaluation over a corpus of expressions.
"""

from __future__ import annotations

import copy
import operator
from collections.abc import Callable
from typing import Any

from yaql.language import expressions as yexpr
from yaql.language import utils
from yaql.language.exceptions import WrappedException
from yaql.language.utils import limit_iterable, limit_memory_usage

from ..model.classes import TypeRef
from ..model.objects import OBJECT_TYPES
from ..values import FrozenDict, freeze
from .calls import method_fallback, new_object

NO_VALUE = utils.NO_VALUE
_SCALARS = (int, float, str, bool, type(None))
_NUMBERS = (int, float)

Compiled = Callable[[Any], Any]


def compile_tree(tree: Any, engine: Any = None) -> Compiled | None:
    """A closure ``f(ctx)`` computing what yaql computes for ``tree`` (output frozen)."""
    if engine is None:
        return None
    node = _compile(tree, engine)
    scalars = _SCALARS

    def evaluate(ctx):
        value = node(ctx)
        if type(value) in scalars:
            return value
        return freeze(value)
    return evaluate


class FastNode(yexpr.Expression):
    """A sub-tree handed to yaql (a function's argument, a lambda's body) that evaluates by
    its compiled closure: yaql calls it like any node, ``node(receiver, context, engine)``;
    called with a receiver (a method lambda), it runs the original node."""

    def __init__(self, original: Any, closure: Compiled) -> None:
        self.original = original
        self.closure = closure
        self.uses_receiver = original.uses_receiver

    def __call__(self, receiver: Any, context: Any, engine: Any) -> Any:
        if receiver is NO_VALUE:
            return self.closure(context)
        return self.original(receiver, context, engine)

    def __str__(self) -> str:
        return str(self.original)


_AS_WRITTEN = (yexpr.Constant, yexpr.KeywordConstant)
"""Nodes yaql reads as syntax (names, literals): never replaced."""


def _fast_arg(arg: Any, engine: Any) -> Any:
    """An argument node for yaql: compiled, unless yaql reads it as syntax."""
    kind = type(arg)
    if kind is yexpr.MappingRuleExpression:     # name => value: the value is compiled
        return yexpr.MappingRuleExpression(arg.source, _fast_arg(arg.destination, engine))
    if isinstance(arg, _AS_WRITTEN) or not isinstance(arg, yexpr.Expression) or \
            kind is FastNode or getattr(arg, "name", None) == "#operator_=>":
        return arg                             # (legacy `a => b` tuples are read as syntax)
    return FastNode(arg, _compile(arg, engine))


def accelerated(tree: Any, engine: Any) -> Any:
    """A copy of ``tree`` for yaql's runner whose arguments run compiled: yaql still picks
    the function (its own overloads), but what it evaluates inside (a lambda's
    ``$.method()``, ``new()``, property reads) takes the fast path. The right side of
    ``.`` stays as written (yaql reads the method name from it), its arguments compiled."""
    if not isinstance(tree, yexpr.Function) or type(tree) in (yexpr.GetContextValue,
                                                              yexpr.Statement):
        return tree
    new = copy.copy(tree)
    if tree.name == "#operator_.":
        left, right = tree.args
        new.args = (_fast_arg(left, engine), accelerated(right, engine)
                    if type(right) is yexpr.Function else right)
    elif tree.name == "#operator_=>":
        return tree
    else:
        new.args = tuple(_fast_arg(a, engine) for a in tree.args)
    return new


def _yaql(tree: Any, engine: Any) -> Compiled:
    """Evaluate a sub-tree with yaql's runner (no output conversion); its arguments run
    compiled (:func:`accelerated`)."""
    tree = accelerated(tree, engine)

    def run(ctx):
        try:
            return tree(NO_VALUE, ctx, engine)
        except WrappedException as exc:
            raise exc.wrapped from None
    return run


def _generic(name: str, engine: Any, ctx: Any, *values: Any) -> Any:
    node = yexpr.Function(name, *[yexpr.Constant(v) for v in values])
    try:
        return node(NO_VALUE, ctx, engine)
    except WrappedException as exc:
        raise exc.wrapped from None


def _compile(tree: Any, engine: Any) -> Compiled:
    kind = type(tree)
    if kind is yexpr.Constant:
        value = tree.value
        return lambda ctx: value
    if kind is yexpr.GetContextValue:
        return _compile_var(tree)
    if kind is yexpr.BinaryOperator:
        return _compile_binary(tree, engine)
    if kind is yexpr.UnaryOperator:
        return _compile_unary(tree, engine)
    if kind is yexpr.IndexExpression and len(tree.args) == 2:
        return _compile_index(tree, engine)
    if kind is yexpr.Function and tree.name == "new" and tree.args:
        return _compile_new(tree, engine)
    if kind is yexpr.ListExpression:
        items = [_compile(a, engine) for a in tree.args]
        return lambda ctx: tuple([item(ctx) for item in items])   # yaql's list literal
    if kind is yexpr.Wrap:
        return _compile(tree.expr, engine)
    return _yaql(tree, engine)


def _compile_var(tree: Any) -> Compiled:
    name = tree.path.value
    key = "$1" if name == "$" else (name if name.startswith("$") else "$" + name)

    def get(ctx):
        c = ctx
        while c is not None:
            data = c.__dict__.get("_data")
            if data is None:
                return ctx.get_data(key)
            if key in data:
                return data[key]
            c = c._parent_context
        return None
    return get


_ARITH = {"#operator_+": operator.add, "#operator_-": operator.sub,
          "#operator_*": operator.mul}
_COMPARE = {"#operator_<": operator.lt, "#operator_>": operator.gt,
            "#operator_<=": operator.le, "#operator_>=": operator.ge}
_EQUALITY = {"*equal": operator.eq, "*not_equal": operator.ne}


def _compile_binary(tree: Any, engine: Any) -> Compiled:
    name = tree.name
    left_tree, right_tree = tree.args
    if name == "#operator_.":
        return _compile_dot(left_tree, right_tree, engine, tree)
    if name == "#operator_:" and all(type(a) is yexpr.KeywordConstant for a in tree.args):
        return _compile_ns(f"{left_tree.value}:{right_tree.value}", tree, engine)
    if name in ("#operator_and", "#operator_or"):
        left, right = _compile(left_tree, engine), _compile(right_tree, engine)
        if name == "#operator_and":
            return lambda ctx: left(ctx) and right(ctx)
        return lambda ctx: left(ctx) or right(ctx)
    if name in _ARITH:
        return _arith(name, _ARITH[name], tree, engine)
    if name in _COMPARE:
        return _compare(name, _COMPARE[name], tree, engine)
    if name in _EQUALITY:
        return _equality(name, _EQUALITY[name], tree, engine)
    if name == "#operator_mod":
        left, right = _compile(left_tree, engine), _compile(right_tree, engine)

        def mod(ctx):
            a, b = left(ctx), right(ctx)
            if type(a) is int and type(b) is int and b:
                return a % b
            return _generic(name, engine, ctx, a, b)
        return mod
    return _yaql(tree, engine)


def _arith(name: str, op: Callable, tree: Any, engine: Any) -> Compiled:
    left, right = _compile(tree.args[0], engine), _compile(tree.args[1], engine)
    is_plus = name == "#operator_+"

    def run(ctx):
        a, b = left(ctx), right(ctx)
        ta, tb = type(a), type(b)
        if (ta is int or ta is float) and (tb is int or tb is float):
            return op(a, b)
        if is_plus and ta is str and tb is str:
            return _limited(engine, a + b)
        if is_plus and ta is tuple and tb is tuple:
            limit_iterable(a, engine)           # yaql's checks of its arguments
            limit_iterable(b, engine)
            limit_memory_usage(engine, (1, a), (1, b))
            return _limited(engine, a + b)
        return _generic(name, engine, ctx, a, b)
    return run


def _limited(engine: Any, value: Any) -> Any:
    """``value``, unless it is larger than the run's value limit (yaql checks every function
    result so: MemoryQuotaExceededException)."""
    limit_memory_usage(engine, (1, value))
    return value


def _compare(name: str, op: Callable, tree: Any, engine: Any) -> Compiled:
    left, right = _compile(tree.args[0], engine), _compile(tree.args[1], engine)

    def run(ctx):
        a, b = left(ctx), right(ctx)
        ta, tb = type(a), type(b)
        if ((ta is int or ta is float) and (tb is int or tb is float)) or \
                (ta is str and tb is str):
            return op(a, b)
        return _generic(name, engine, ctx, a, b)
    return run


def _equality(name: str, op: Callable, tree: Any, engine: Any) -> Compiled:
    left, right = _compile(tree.args[0], engine), _compile(tree.args[1], engine)
    scalars = _SCALARS

    def run(ctx):
        a, b = left(ctx), right(ctx)
        if type(a) in scalars and type(b) in scalars:
            return op(a, b)
        return _generic(name, engine, ctx, a, b)
    return run


def _compile_unary(tree: Any, engine: Any) -> Compiled:
    name = tree.name
    arg = _compile(tree.args[0], engine)
    if name == "#unary_operator_not":
        return lambda ctx: not arg(ctx)
    if name == "#unary_operator_-":
        def neg(ctx):
            v = arg(ctx)
            if type(v) is int or type(v) is float:
                return -v
            return _generic(name, engine, ctx, v)
        return neg
    if name == "#unary_operator_:" and type(tree.args[0]) is yexpr.KeywordConstant:
        return _compile_ns(f":{tree.args[0].value}", tree, engine)
    return _yaql(tree, engine)


def _compile_index(tree: Any, engine: Any) -> Compiled:
    base, index = _compile(tree.args[0], engine), _compile(tree.args[1], engine)
    legacy = bool(engine.options.get("yaql.iterableDicts", False))

    def run(ctx):
        b, i = base(ctx), index(ctx)
        if (type(b) is list or type(b) is tuple) and type(i) is int:
            return b[i]
        if (type(b) is FrozenDict or type(b) is dict) and type(i) in _SCALARS and not legacy:
            return b[i]
        return _generic("#indexer", engine, ctx, b, i)
    return run


def _frame(ctx):
    return ctx.get_data("#f")


def _compile_ns(name: str, tree: Any, engine: Any) -> Compiled:
    def run(ctx):
        frame = _frame(ctx)
        if frame is None:
            return tree(NO_VALUE, ctx, engine)
        return frame.runtime.resolve_class(name, frame.cls).type_ref
    return run


def _compile_dot(left_tree: Any, right_tree: Any, engine: Any, whole: Any) -> Compiled:
    base = _compile(left_tree, engine)
    if type(right_tree) is yexpr.KeywordConstant:
        key = right_tree.value
        legacy = bool(engine.options.get("yaql.iterableDicts", False))

        def attr(ctx):
            obj = base(ctx)
            if type(obj) is FrozenDict or type(obj) is dict:
                return obj.get(key) if legacy else obj[key]   # as yaql's flavours do
            if isinstance(obj, OBJECT_TYPES):
                frame = _frame(ctx)
                return frame.runtime.read_property(obj, key, frame)
            return _generic_dot(ctx, obj, right_tree, engine)
        return attr
    if type(right_tree) is yexpr.Function:
        return _compile_method_call(base, right_tree, engine)
    return lambda ctx: _generic_dot(ctx, base(ctx), right_tree, engine)


def _generic_dot(ctx, receiver: Any, right_tree: Any, engine: Any) -> Any:
    node = yexpr.BinaryOperator(".", yexpr.Constant(receiver), right_tree, None)
    try:
        return node(NO_VALUE, ctx, engine)
    except WrappedException as exc:      # yaql's wrapper of a StopIteration: the original
        raise exc.wrapped from None


def _compile_new(call: Any, engine: Any) -> Compiled:
    """``new(type, ...)``: Murano's function, called without yaql's overload resolution."""
    positional, keywords = _compile_args(call, engine)

    def run(ctx):
        frame = _frame(ctx)
        if frame is None:
            return call(NO_VALUE, ctx, engine)
        args = [freeze(a(ctx)) for a in positional]
        kwargs = {k: freeze(v(ctx)) for k, v in keywords}
        return new_object(frame, args[0], args[1:], kwargs)
    return run


def _compile_args(call: Any, engine: Any) -> tuple[list, list]:
    positional, keywords = [], []
    for arg in call.args:
        if type(arg) is yexpr.MappingRuleExpression and \
                type(arg.source) is yexpr.KeywordConstant:
            keywords.append((arg.source.value, _compile(arg.destination, engine)))
        else:
            positional.append(_compile(arg, engine))
    return positional, keywords


def _compile_method_call(base: Compiled, call: Any, engine: Any) -> Compiled:
    name = call.name
    positional, keywords = _compile_args(call, engine)
    call = accelerated(call, engine)        # for yaql's methods (select, where, ...)

    def run(ctx):
        receiver = base(ctx)
        if isinstance(receiver, OBJECT_TYPES):
            cls = receiver.start_class
        elif type(receiver) is TypeRef:
            cls = receiver.cls
        else:
            cls = None
        if cls is None:
            return _generic_dot(ctx, receiver, call, engine)
        if not cls.find_methods(name):
            return method_fallback(receiver, call, ctx, engine)
        args = [freeze(a(ctx)) for a in positional]
        kwargs = {k: freeze(v(ctx)) for k, v in keywords}
        frame = _frame(ctx)
        return _limited(engine, frame.runtime.call_from_code(receiver, name, args, kwargs,
                                                             frame))
    return run
