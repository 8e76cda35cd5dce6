"""io.murano.test.TestFixture: assertions and model loading for MuranoPL unit tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from yaql.language import specs

from muranokit.engine.exceptions import EngineFault
from muranokit.engine.executor.calls import call_method, invoke
from muranokit.engine.executor.frames import Frame
from muranokit.engine.model.classes import MethodSpec, TypeRef
from muranokit.engine.model.objects import OBJECT_TYPES, from_python, to_python
from muranokit.engine.native import NativeThrow, native_class
from muranokit.engine.values import freeze

ASSERTION = "io.murano.test.AssertionError"


def _fail(default: str, message: Any) -> None:
    raise NativeThrow(ASSERTION, f"{message}: {default}" if message else default)


@native_class("io.murano.test.TestFixture")
class TestFixture:
    """Base of MuranoPL test classes (methods named test* are run by ``muranokit test``)."""

    __test__ = False  # not a pytest class

    def __init__(self, ctx) -> None:
        self.ctx = ctx

    def load(self, model: Any) -> Any:
        """Load an object model (as the Murano API passes it); returns the root object."""
        return self.ctx.runtime.load_model(model)

    def loadEnvironment(self) -> Any:
        """An Environment (with a DummyNetwork) owned by nobody, for TestFixtureWithEnvironment."""
        this = self.ctx.this
        name = f"environment-of-testclass-{this.type_name}"
        return self.ctx.runtime.load_model({"Objects": {
            "?": {"id": f"env-{this.id}", "type": "io.murano.Environment"},
            "name": name,
            "defaultNetworks": {
                "environment": {"?": {"id": f"net-{this.id}",
                                      "type": "io.murano.test.DummyNetwork"}},
                "flat": None}}})

    def startEnv(self) -> None:
        return None

    def finishEnv(self) -> None:
        return None

    def assertEqual(self, expected: Any, observed: Any, message: Any = None) -> None:
        if expected != observed:
            _fail(f"{expected!r} != {observed!r}", message)

    def assertNotEqual(self, expected: Any, observed: Any, message: Any = None) -> None:
        if expected == observed:
            _fail(f"{expected!r} == {observed!r}", message)

    def assertTrue(self, expr: Any, message: Any = None) -> None:
        if not expr:
            _fail(f"{expr!r} is not true", message)

    def assertFalse(self, expr: Any, message: Any = None) -> None:
        if expr:
            _fail(f"{expr!r} is not false", message)

    def assertIn(self, needle: Any, haystack: Any, message: Any = None) -> None:
        if needle not in haystack:
            _fail(f"{needle!r} not in {haystack!r}", message)

    def assertNotIn(self, needle: Any, haystack: Any, message: Any = None) -> None:
        if needle in haystack:
            _fail(f"{needle!r} unexpectedly in {haystack!r}", message)

    def inject(self, target: Any, methodName: str, replacement: Any = None,
               replacementMethod: str | None = None) -> None:
        """Mock ``target.methodName`` (an object, or a class by name) for this test: calls
        return ``replacement``, or run ``replacement.replacementMethod`` (an object)."""
        runtime = self.ctx.runtime
        target = from_python(target)
        if not isinstance(target, OBJECT_TYPES):
            target = runtime.resolve_class(str(target), self.ctx.this.type).type_ref
        replacement = from_python(replacement)
        mock = (MethodMock(replacement, replacementMethod or methodName)
                if isinstance(replacement, OBJECT_TYPES) else ValueMock(replacement))
        inject(runtime, target, methodName, mock)

    def restoreInjected(self) -> int:
        """Undo every inject (the test runner also does it after each test)."""
        return undo_injections(self.ctx.runtime)


# -- inject: replacing a method of one object or of a whole class during a test ------------

class _MockCarrier:
    """Native instance given to objects of a YAML-only class whose method is mocked."""

    def __init__(self, ctx, **_props: Any) -> None:
        self.ctx = ctx


def _forget_method_caches(runtime: Any) -> None:
    for cls in runtime.all_classes():
        cache = getattr(cls, "_method_cache", None)
        if cache is not None:
            cache.clear()


def target_of(frame: Any, target: Any) -> Any:
    """What inject() mocks: an object, or a class (a type or a name resolved in the
    namespaces of the calling class)."""
    if isinstance(target, OBJECT_TYPES + (TypeRef,)):
        return target
    return frame.runtime.resolve_class(str(target), frame.cls).type_ref


class ValueMock:
    """The mocked method returns a fixed value."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __call__(self, runtime: Any, this: Any, args: tuple, kwargs: dict,
                 original: Callable[[], Any]) -> Any:
        return self.value


class MethodMock:
    """The mocked method runs a method of another object with the same arguments."""

    def __init__(self, obj: Any, method: str) -> None:
        self.obj = obj
        self.method = method

    def __call__(self, runtime: Any, this: Any, args: tuple, kwargs: dict,
                 original: Callable[[], Any]) -> Any:
        return call_method(runtime, self.obj, self.method, args, kwargs,
                           runtime.natives.caller_frame())


class ExpressionMock:
    """The mocked method evaluates a yaql expression in the context inject() was called in:
    ``$1`` is the ``$this`` of that code, ``$2``... and ``$name`` the call's arguments;
    ``originalMethod()`` calls the real method, ``withOriginal()`` reads the variables of
    the code that called the mocked method."""

    def __init__(self, context: Any, expr: Callable[..., Any]) -> None:
        self.context = context
        self.expr = expr
        self.frame = context.get_data("#f")

    def __call__(self, runtime: Any, this: Any, args: tuple, kwargs: dict,
                 original: Callable[[], Any]) -> Any:
        caller = runtime.natives.caller_frame()
        home = self.frame
        frame = Frame(runtime, home.method, home.cls, home.this, caller, home.file, home.name)
        frame.line, frame.column = home.line, home.column
        ctx = self.context.create_child_context()
        ctx["#f"] = frame
        ctx[ORIGINAL_CONTEXT] = caller.ctx if caller is not None else None
        frame.ctx = frame.scope = ctx
        ctx.register_function(specs.get_function_definition(
            lambda: original(), name="originalMethod"))
        try:
            return freeze(self.expr(ctx, home.this, *args, **kwargs))
        finally:
            frame.ctx = frame.scope = None


ORIGINAL_CONTEXT = "#original-context"


def with_original(context: Any, expressions: dict) -> Any:
    """withOriginal(name => expr, ...): a child context where each name holds its
    expression's value in the code that called the mocked method."""
    original = context.get_data(ORIGINAL_CONTEXT)
    if original is None:
        raise EngineFault("DslInvalidOperationError",
                          "withOriginal() is only meaningful inside an inject() mock")
    result = context.create_child_context()
    for name, expr in expressions.items():
        result["$" + name] = expr(original)
    return result


def inject(runtime: Any, target: Any, method: str, mock: Callable[..., Any]) -> None:
    """Make calls of ``target.method(...)`` (``target`` an object, or a TypeRef: every
    object of the class) run ``mock(runtime, this, args, kwargs, original)`` instead.
    :func:`undo_injections` puts everything back (so does closing the runtime)."""
    target_id = target.real.id if isinstance(target, OBJECT_TYPES) else None
    cls = target.real.cls if target_id is not None else target.cls
    originals = cls.find_methods(method)
    if not originals:
        raise NativeThrow("NoMethodFound", f'Method "{method}" is not found in {cls.name}')
    previous = originals[0]

    def mocked(instance: Any, *args: Any, **kwargs: Any) -> Any:
        this = instance.ctx.this._obj if previous.is_static is False else \
            previous.declaring.type_ref
        values = tuple(from_python(a) for a in args)
        named = {k: from_python(v) for k, v in kwargs.items()}

        def original() -> Any:
            return invoke(runtime, previous, this, values, named,
                          runtime.natives.caller_frame())
        if target_id is not None and getattr(this, "id", None) != target_id:
            return to_python(original())
        return to_python(mock(runtime, this, values, named, original))

    record = (cls, method, cls.methods.get(method), cls.native_class)
    if "injections" not in runtime.services:
        runtime.services.setdefault("undo", []).append(lambda: undo_injections(runtime))
    runtime.services.setdefault("injections", []).append(record)
    if cls.native_class is None:
        cls.native_class = _MockCarrier
    static = previous.is_static
    cls.methods[method] = MethodSpec(method, cls, previous.usage, previous.scope, [], None,
                                     (None, None), native=mocked, native_static=static)
    _forget_method_caches(runtime)


def undo_injections(runtime: Any) -> int:
    """Restore every method replaced by :func:`inject`; returns how many were restored."""
    records = runtime.services.pop("injections", [])
    for cls, method, previous, native_cls in reversed(records):
        if previous is None:
            cls.methods.pop(method, None)
        else:
            cls.methods[method] = previous
        cls.native_class = native_cls
    if records:
        _forget_method_caches(runtime)
    return len(records)
