"""io.murano.test.TestFixture: assertions and model loading for MuranoPL unit tests."""

from __future__ import annotations

from typing import Any

from muranokit.engine.executor.calls import invoke
from muranokit.engine.model.classes import MethodSpec
from muranokit.engine.model.objects import from_python, to_python
from muranokit.engine.native import NativeThrow, native_class

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
        """Mock ``target.methodName`` (an object, or a class by name) for this test."""
        inject(self.ctx.runtime, target, methodName, replacement, replacementMethod)

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


def inject(runtime: Any, target: Any, method: str, replacement: Any,
           replacement_method: str | None = None) -> None:
    """Make ``target.method(...)`` (an object, or every object of a class given by name)
    return ``replacement``, or call ``replacement.<replacement_method or method>(...)`` when
    the replacement is an object. :func:`undo_injections` puts everything back (so does
    closing the runtime)."""
    target_id = getattr(target, "id", None)
    cls = target.type if target_id is not None else runtime.get_class(str(target))
    originals = cls.find_methods(method)
    if not originals:
        raise NativeThrow("NoMethodFound", f'Method "{method}" is not found in {cls.name}')
    original = originals[0]

    def mocked(instance: Any, *args: Any, **kwargs: Any) -> Any:
        this = instance.ctx.this
        if target_id is not None and this.id != target_id:
            return to_python(invoke(runtime, original, this._obj.real,
                                    tuple(from_python(a) for a in args),
                                    {k: from_python(v) for k, v in kwargs.items()}, None))
        if getattr(replacement, "id", None) is not None and hasattr(replacement, "type"):
            return runtime.call(replacement, replacement_method or method, *args, **kwargs)
        return replacement

    record = (cls, method, cls.methods.get(method), cls.native_class)
    if "injections" not in runtime.services:
        runtime.services.setdefault("undo", []).append(lambda: undo_injections(runtime))
    runtime.services.setdefault("injections", []).append(record)
    if cls.native_class is None:
        cls.native_class = _MockCarrier
    cls.methods[method] = MethodSpec(method, cls, "Runtime", "Public", [], None,
                                     (None, None), native=mocked)
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
