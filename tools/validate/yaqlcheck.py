"""Compiling yaql expressions for the validator, by MuranoPL's one definition of syntax.

The grammar, its cached parser tables and the rule that tells an expression from a literal
come from :mod:`muranokit.engine.syntax` (the engine reads class files with the same), so a
string the engine compiles compiles here, in the yaql flavour of the package's Format.
Results are cached per expression text for the run, never between runs.

yaql itself (~50 ms to import) is imported on the first expression to compile, not
with this module.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from muranokit.engine.syntax import expressions as syntax

#: Methods of io.murano.system.Resources whose first argument names a file.
RESOURCE_METHODS = frozenset({"yaml", "string", "json", "bytes"})


def parser(legacy: bool = False) -> syntax.ExpressionParser:
    """The process-wide parser of a yaql flavour (nothing kept on disk)."""
    return syntax.parser(legacy, persistent=False)


def engine() -> Any:
    """The yaql engine with Murano's operators (built on first use)."""
    return parser(False).engine


@cache
def compile_expression(text: str, legacy: bool = False) -> tuple[Any, str | None]:
    """(parsed expression, None) or (None, error message) for ``text``."""
    found = parser(legacy)
    error = found.error_of(text)
    if error is not None:
        return None, error
    return found.parse(text).expression, None


def is_plain_text(text: str) -> bool:
    """Murano never treats words, digits, dots and spaces as an expression."""
    return syntax.is_plain_text(text)


def is_literal(text: Any) -> bool:
    """A literal by its form: not a string, a quoted YAML scalar, or plain text."""
    return syntax.literal_by_form(text)


def looks_like_expression(text: str) -> bool:
    """A string meant as an expression: starts with ``$`` or is a function call."""
    return syntax.looks_like_code(text)


def walk(node: Any) -> Iterator[Any]:
    """Every node of a parsed expression tree, depth first."""
    from yaql.language import expressions

    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, expressions.Statement):
            stack.append(current.expression)
            continue
        for name in ("args",):
            stack.extend(reversed(getattr(current, name, ()) or ()))
        for name in ("source", "destination", "expression"):
            child = getattr(current, name, None)
            if isinstance(child, expressions.Expression):
                stack.append(child)


def may_name_resources(text: str) -> bool:
    """False when ``text`` cannot hold a ``.yaml('X')``-style call (no need to parse it)."""
    return any(f"{name}(" in text for name in RESOURCE_METHODS)


@cache
def resource_names_in(text: str, legacy: bool = False) -> tuple[str, ...]:
    """:func:`resource_names` of the expression ``text`` (empty if it does not compile)."""
    if not may_name_resources(text):
        return ()
    parsed, error = compile_expression(text, legacy)
    if error:
        return ()
    return tuple(resource_names(parsed))


def resource_names(parsed: Any) -> list[str]:
    """File names given as constants to ``.yaml('X')``, ``.string('X')``, ... calls."""
    from yaql.language import expressions

    names = []
    for node in walk(parsed):
        if not (isinstance(node, expressions.BinaryOperator) and node.operator == "."):
            continue
        call = node.args[1]
        if (isinstance(call, expressions.Function) and call.name in RESOURCE_METHODS
                and call.args and isinstance(call.args[0], expressions.Constant)
                and isinstance(call.args[0].value, str)):
            names.append(call.args[0].value)
    return names
