"""Compiling method bodies: YAML statements -> statement and macro nodes.

A statement is an expression string (one that looks like code must compile; another string
is a literal and does nothing, as upstream), an assignment ``{target: value}``, a macro
mapping, or a scalar (nothing to do). :func:`method_body` compiles a method on first call:
its argument contracts and defaults, then its body.
"""

from __future__ import annotations

from typing import Any

from ..contracts import compile_contract
from ..expressions.data import Source, compile_value, source_for
from ..files.located_yaml import position
from ..model.classes import MethodSpec
from ..syntax import schema
from .macros import compile_macro
from .statements import Assignment, Block, ExpressionStatement, NoOp, Statement, compile_target


class _Compiler:
    """The body compiler macros are given for the blocks inside them."""

    @staticmethod
    def block(body: Any, src: Source, pos: tuple | None) -> Block:
        return compile_block(body, src, pos)

    @staticmethod
    def statement(item: Any, src: Source, pos: tuple) -> Statement:
        return compile_statement(item, src, pos)


_COMPILER = _Compiler()


def compile_statement(item: Any, src: Source, pos: tuple) -> Statement:
    """One YAML statement -> node."""
    pos = pos or (None, None)
    if isinstance(item, str):
        if src.is_code(item, pos):
            return ExpressionStatement(src.expression(item, pos), pos)
        return NoOp(pos)
    if isinstance(item, dict):
        macro = schema.macro_of(item)
        if macro is not None:
            return compile_macro(item, macro, src, pos, _COMPILER)
        if len(item) == 1:
            (key, value), = item.items()
            if isinstance(key, str) and src.is_code(key, pos):
                lhs = src.expression(key, pos)
                target = compile_target(lhs.tree, src, pos, key)
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


SHARED_BODIES = 20_000
"""How many compiled method bodies the process keeps for further runtimes."""
_BODIES: dict[tuple, tuple[Any, Block]] = {}


def method_body(method: MethodSpec) -> Block:
    """The compiled body of ``method`` (its argument contracts and defaults compiled too);
    compiled once, on first use. A body is compiled once per process for the same YAML
    (a class file of the same bytes is parsed once per process: see
    ``files.package``) and the same Format, file, class and method: a further runtime
    over the same class files reuses it (bodies keep no state of a run)."""
    if method.body is None:
        src = source_for(method.declaring, method.name)
        for arg in method.arguments:
            arg.contract = compile_contract(arg.contract_src, src.parser, method.declaring,
                                            src.file, arg.pos)
            arg.default = compile_value(arg.default_src, src, arg.pos)
        method.body = _shared_block(method, src)
    return method.body


def _shared_block(method: MethodSpec, src: Source) -> Block:
    body = method.body_src
    if body is None or isinstance(body, (str, int, float, bool)):
        return compile_block(body, src, method.pos)
    key = (id(body), tuple(method.declaring.package.format), src.parser.legacy, src.file,
           src.cls, src.method, method.pos)
    found = _BODIES.get(key)
    if found is not None and found[0] is body:
        return found[1]
    block = compile_block(body, src, method.pos)
    if len(_BODIES) >= SHARED_BODIES:
        del _BODIES[next(iter(_BODIES))]
    _BODIES[key] = (body, block)        # the YAML is kept alive: its id stays its own
    return block
