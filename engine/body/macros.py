"""MuranoPL macros: If, While, For, Repeat, Break, Continue, Return, Parallel, Try/Catch,
Throw, Rethrow, Match, Switch, Do. Each is a statement node built from a YAML mapping.

Which keys a macro has and needs comes from :data:`~muranokit.engine.syntax.schema.MACROS`.
The builders get the body compiler (:class:`BodyCompiler`: blocks and single statements)
from :mod:`.compiler`, which calls them.
"""

from __future__ import annotations

from typing import Any, Protocol

from ..exceptions import (
    BreakSignal,
    ContinueSignal,
    MuranoPlError,
    ReturnSignal,
)
from ..expressions.data import Source, compile_value
from ..files.located_yaml import position
from ..syntax import schema
from ..values import is_mapping
from .statements import Block, Statement, context_key


class BodyCompiler(Protocol):
    """What a macro builder needs to compile the blocks inside it."""

    def block(self, body: Any, src: Source, pos: tuple | None) -> Block: ...

    def statement(self, item: Any, src: Source, pos: tuple) -> Statement: ...


def compile_macro(item: dict, macro: schema.Macro, src: Source, pos: tuple,
                  compiler: BodyCompiler) -> Statement:
    """The statement node of ``item``, a mapping led by ``macro``'s keyword."""
    for key in item:
        if key not in macro.keys:
            raise src.error(f"unknown key {key!r} in {macro.keyword} macro", pos)
    for key in sorted(macro.required):
        if key not in item:
            raise src.error(f"{macro.keyword} macro needs {key}", pos)
    if macro.keyword in schema.NO_VALUE_MACROS and item.get(macro.keyword) is not None:
        raise src.error(f"{macro.keyword} cannot have a value", pos)
    node = _BUILDERS[macro.keyword](item, src, pos, compiler)
    node.line, node.column = pos
    return node


def _block(item: dict, key: str, src: Source, c: BodyCompiler) -> Block:
    return c.block(item.get(key), src, position(item, key))


def _value(item: dict, key: str, src: Source):
    return compile_value(item.get(key), src, position(item, key))


def _truth(value: Any) -> bool:
    """Conditions use truthiness, as upstream Murano's latest If/While/Switch do."""
    return bool(value)


def _check_iterations(frame, count: int, stmt: Statement | None = None) -> None:
    if count > frame.runtime.limits.max_iterations:
        if stmt is not None:
            frame.line, frame.column = stmt.line, stmt.column
        raise frame.runtime.fault(
            "LoopLimitExceeded",
            f"loop exceeded {frame.runtime.limits.max_iterations} iterations")


class IfMacro(Statement):
    __slots__ = ("cond", "then", "orelse")

    def run(self, frame):
        if _truth(self.cond.evaluate(frame.ctx)):
            self.then.run(frame)
        elif self.orelse is not None:
            self.orelse.run(frame)


def _build_if(item, src, pos, c):
    node = IfMacro()
    node.cond = _value(item, "If", src)
    node.then = _block(item, "Then", src, c)
    node.orelse = _block(item, "Else", src, c) if "Else" in item else None
    return node


def _iteration(body, frame) -> bool:
    """Run one loop iteration (a step of the run's budget, even with an empty body); False
    when the body ended the loop with Break."""
    budget = frame.runtime.budget
    budget.countdown -= 1
    if budget.countdown <= 0:
        budget.poll()
    try:
        body.run(frame)
    except BreakSignal:
        return False
    except ContinueSignal:
        pass
    return True


class WhileMacro(Statement):
    __slots__ = ("cond", "body")

    def run(self, frame):
        count = 0
        limit = frame.runtime.limits.max_iterations
        while _truth(self.cond.evaluate(frame.ctx)):
            count += 1
            if count > limit:
                _check_iterations(frame, count, self)
            if not _iteration(self.body, frame):
                break


def _build_while(item, src, pos, c):
    node = WhileMacro()
    node.cond = _value(item, "While", src)
    node.body = _block(item, "Do", src, c)
    return node


class ForMacro(Statement):
    __slots__ = ("var", "key", "collection", "body")

    def run(self, frame):
        collection = self.collection.evaluate(frame.ctx)
        if is_mapping(collection):
            collection = tuple(collection)
        elif collection is None:
            collection = []
        limit = frame.runtime.limits.max_iterations
        scope, key = frame.scope._data, self.key   # the method's variables (a yaql Context)
        for count, item in enumerate(collection, 1):
            if count > limit:
                _check_iterations(frame, count, self)
            scope[key] = item
            if not _iteration(self.body, frame):
                break


def _build_for(item, src, pos, c):
    var = item.get("For")
    if not schema.is_variable_name(var):
        raise src.error("For value must be a variable name", position(item, "For"))
    node = ForMacro()
    node.var = var if var.startswith("$") else "$" + var
    node.key = context_key(node.var)
    node.collection = _value(item, "In", src)
    node.body = _block(item, "Do", src, c)
    return node


class RepeatMacro(Statement):
    __slots__ = ("count", "body")

    def run(self, frame):
        count = self.count.evaluate(frame.ctx)
        if count > frame.runtime.limits.max_iterations:
            _check_iterations(frame, count, self)
        for _ in range(count):
            if not _iteration(self.body, frame):
                break


def _build_repeat(item, src, pos, c):
    node = RepeatMacro()
    node.count = _value(item, "Repeat", src)
    node.body = _block(item, "Do", src, c)
    return node


class BreakMacro(Statement):
    __slots__ = ()

    def run(self, frame):
        raise BreakSignal()


class ContinueMacro(Statement):
    __slots__ = ()

    def run(self, frame):
        raise ContinueSignal()


def _build_break(item, src, pos, c):
    return BreakMacro()


def _build_continue(item, src, pos, c):
    return ContinueMacro()


class ReturnMacro(Statement):
    __slots__ = ("value",)

    def run(self, frame):
        raise ReturnSignal(self.value.evaluate(frame.ctx))


def _build_return(item, src, pos, c):
    node = ReturnMacro()
    node.value = _value(item, "Return", src)
    return node


class ParallelMacro(Statement):
    __slots__ = ("branches", "limit")

    def run(self, frame):
        if not self.branches:
            return
        limit = self.limit.evaluate(frame.ctx) if self.limit is not None else None
        runtime = frame.runtime

        def make(branch):
            def task():
                sub = frame.branch()
                branch.run(sub)
            return task
        runtime.scheduler.run_all([make(b) for b in self.branches], limit)


def _build_parallel(item, src, pos, c):
    body = item.get("Parallel")
    body = body if isinstance(body, list) else ([] if body is None else [body])
    node = ParallelMacro()
    node.branches = [Block([c.statement(stmt, src, position(body, i))])
                     for i, stmt in enumerate(body)]
    node.limit = _value(item, "Limit", src) if item.get("Limit") is not None else None
    return node


class _Catch:
    __slots__ = ("names", "var", "body")


class TryMacro(Statement):
    __slots__ = ("body", "catches", "orelse", "final")

    def run(self, frame):
        try:
            try:
                self.body.run(frame)
            except MuranoPlError as error:
                for catch in self.catches:
                    if catch.names is None or _matches(error, catch.names, frame):
                        if catch.var:
                            frame.scope[catch.var] = frame.runtime.exception_object(
                                error, _matched_name(error, catch.names, frame))
                        previous = frame.scope.get_data("#exc", None)
                        frame.scope["#exc"] = error
                        try:
                            catch.body.run(frame)
                        finally:
                            frame.scope["#exc"] = previous
                        break
                else:
                    raise
            else:
                if self.orelse is not None:
                    self.orelse.run(frame)
        finally:
            if self.final is not None:
                self.final.run(frame)


def _matched_name(error: MuranoPlError, names: list[str] | None, frame) -> str | None:
    """The name of ``error`` that one of ``names`` (a Catch's With) matches, if any."""
    if not names:
        return None
    cls = frame.cls
    for name in names:
        if name in error.names:
            return name
        try:
            resolved = cls.resolve_name(name) if cls is not None else name
        except KeyError:
            continue
        if resolved in error.names:
            return resolved
    return None


def _matches(error: MuranoPlError, names: list[str], frame) -> bool:
    return _matched_name(error, names, frame) is not None


def _build_try(item, src, pos, c):
    node = TryMacro()
    node.body = _block(item, "Try", src, c)
    catches = item.get("Catch")
    if catches is None:
        catches = []
    elif isinstance(catches, dict):
        catches = [catches]
    node.catches = []
    for i, entry in enumerate(catches):
        cpos = position(catches, i) if isinstance(catches, list) else pos
        if not isinstance(entry, dict):
            raise src.error("each Catch entry must be a mapping", cpos)
        for key in entry:
            if key not in schema.CATCH_KEYS:
                raise src.error(f"unknown key {key!r} in Catch", position(entry, key))
        catch = _Catch()
        names = entry.get("With")
        catch.names = None if names is None else [str(n) for n in (
            names if isinstance(names, list) else [names])]
        var = entry.get("As")
        if var is not None and not schema.is_variable_name(var):
            raise src.error("Catch As must be a variable name", position(entry, "As"))
        catch.var = None if var is None else (var if var.startswith("$") else "$" + var)
        catch.body = _block(entry, "Do", src, c)
        node.catches.append(catch)
    node.orelse = _block(item, "Else", src, c) if "Else" in item else None
    node.final = _block(item, "Finally", src, c) if "Finally" in item else None
    return node


class ThrowMacro(Statement):
    __slots__ = ("names", "message", "extra", "cause")

    def run(self, frame):
        cls = frame.cls
        names = []
        for name in self.names:
            try:
                names.append(cls.resolve_name(name) if cls is not None else name)
            except KeyError:
                names.append(name)
        message = self.message.evaluate(frame.ctx) if self.message is not None else ""
        extra = self.extra.evaluate(frame.ctx) if self.extra is not None else {}
        cause = self.cause.evaluate(frame.ctx) if self.cause is not None else None
        cause = frame.runtime.error_of(cause)
        raise MuranoPlError(names[0], "" if message is None else str(message), extra,
                            frame.runtime.capture_stack(frame), names, cause)


def _build_throw(item, src, pos, c):
    names = item.get("Throw")
    names = names if isinstance(names, list) else [names]
    if not names or any(not isinstance(n, str) for n in names):
        raise src.error("Throw needs one or more exception names", pos)
    node = ThrowMacro()
    node.names = [str(n) for n in names]
    node.message = _value(item, "Message", src) if "Message" in item else None
    node.extra = _value(item, "Extra", src) if "Extra" in item else None
    node.cause = _value(item, "Cause", src) if "Cause" in item else None
    return node


class RethrowMacro(Statement):
    __slots__ = ()

    def run(self, frame):
        error = frame.scope.get_data("#exc", None)
        if error is None:
            raise frame.runtime.fault("DslInvalidOperationError",
                                      "Rethrow used outside of a Catch block")
        raise error


def _build_rethrow(item, src, pos, c):
    return RethrowMacro()


class MatchMacro(Statement):
    __slots__ = ("cases", "value", "default")

    def run(self, frame):
        value = self.value.evaluate(frame.ctx)
        for key, block in self.cases:
            if key == value:
                block.run(frame)
                return
        if self.default is not None:
            self.default.run(frame)


def _build_match(item, src, pos, c):
    cases = item.get("Match")
    if not isinstance(cases, dict):
        raise src.error("Match value must be a mapping", pos)
    node = MatchMacro()
    node.cases = [(key, c.block(body, src, position(cases, key)))
                  for key, body in cases.items()]
    node.value = _value(item, "Value", src)
    node.default = _block(item, "Default", src, c) if "Default" in item else None
    return node


class SwitchMacro(Statement):
    __slots__ = ("cases", "default")

    def run(self, frame):
        matched = False
        for cond, block in self.cases:
            if _truth(cond.evaluate(frame.ctx)):
                matched = True
                block.run(frame)
        if not matched and self.default is not None:
            self.default.run(frame)


def _build_switch(item, src, pos, c):
    cases = item.get("Switch")
    if not isinstance(cases, dict):
        raise src.error("Switch value must be a mapping", pos)
    node = SwitchMacro()
    node.cases = []
    for key, body in cases.items():
        kpos = position(cases, key)
        node.cases.append((compile_value(key, src, kpos), c.block(body, src, kpos)))
    node.default = _block(item, "Default", src, c) if "Default" in item else None
    return node


class DoMacro(Statement):
    __slots__ = ("body",)

    def run(self, frame):
        self.body.run(frame)


def _build_do(item, src, pos, c):
    node = DoMacro()
    node.body = _block(item, "Do", src, c)
    return node


_BUILDERS = {
    "If": _build_if, "While": _build_while, "For": _build_for, "Repeat": _build_repeat,
    "Break": _build_break, "Continue": _build_continue, "Return": _build_return,
    "Parallel": _build_parallel, "Try": _build_try, "Throw": _build_throw,
    "Rethrow": _build_rethrow, "Match": _build_match, "Switch": _build_switch, "Do": _build_do,
}
