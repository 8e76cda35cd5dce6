"""Running MuranoPL unit tests (io.murano.test.TestFixture subclasses) like murano-test-runner.

Every test method runs in a fresh engine runtime with its own simulated cloud: a new object of
the test class, then ``setUp``, the ``test*`` method and ``tearDown`` (also after a failure).
A test passes when none of them raises.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from muranokit.tools.exceptions import InputError

FIXTURE = "io.murano.test.TestFixture"


@dataclass
class TestCase:
    """One test: the full class name and the method."""

    class_name: str
    method: str

    @property
    def name(self) -> str:
        return f"{self.class_name}.{self.method}"


@dataclass
class TestResult:
    """How one test ended; ``error`` is the MuranoPL error of a failure."""

    case: TestCase
    passed: bool
    error: Any = None


def _runtime(paths: list[str], limits: Any = None):
    from muranokit.engine import MuranoPlError, Runtime
    from muranokit.engine.corelib.cloud import Cloud
    try:
        return Runtime(paths, cloud=Cloud(), testing=True, limits=limits)
    except MuranoPlError as exc:
        raise InputError(f"cannot load package: {exc.message}", exc.file, exc.line) from None


def discover(paths: list[str]) -> list[TestCase]:
    """Test cases of the first package in ``paths`` (the others are its dependencies)."""
    from muranokit.engine import MuranoPlError
    runtime = _runtime(paths)
    package = runtime.packages[0]
    fixture = runtime.load_class(FIXTURE)
    cases: list[TestCase] = []
    for name in package.documents:
        try:
            cls = runtime.load_class(name)
        except MuranoPlError as exc:
            raise InputError(f"class {name}: {exc.message}", exc.file, exc.line) from None
        if cls is fixture or not fixture.is_compatible(cls):
            continue
        seen: set[str] = set()
        for klass in [cls, *cls.ancestors()]:
            if klass is fixture or klass.package is not package and klass.package.name in (
                    "io.murano",):
                continue
            for method, spec in klass.methods.items():
                if method.startswith("test") and method not in seen and not spec.is_static:
                    seen.add(method)
                    cases.append(TestCase(cls.name, method))
    return cases


def select(cases: list[TestCase], wanted: list[str]) -> list[TestCase]:
    """Cases named ``Class`` or ``Class.testMethod`` (short or full class names)."""
    if not wanted:
        return cases
    chosen: list[TestCase] = []
    for item in wanted:
        cls_part, _, method = item.rpartition(".") if "." in item else (item, "", "")
        matched = [c for c in cases if _class_matches(c.class_name, cls_part)
                   and c.method == method]
        if not matched:  # the whole item may be a (dotted) class name
            matched = [c for c in cases if _class_matches(c.class_name, item)]
        if not matched:
            known = ", ".join(sorted({c.class_name for c in cases})) or "none"
            raise InputError(f"no test {item!r} (test classes: {known})")
        chosen += [c for c in matched if c not in chosen]
    return chosen


def _class_matches(full: str, given: str) -> bool:
    return bool(given) and (full == given or full.rsplit(".", 1)[-1] == given)


def run_case(paths: list[str], case: TestCase, limits: Any = None) -> TestResult:
    """Run one test in a fresh runtime (closed afterwards: mocks may patch shared
    core-library classes); ``limits``: the engine's guards (its Limits or a dict of
    fields)."""
    from muranokit.engine import MuranoPlError
    error = None
    with _runtime(paths, limits) as runtime:
        try:
            obj = runtime.new(case.class_name)
            runtime.call(obj, "setUp")
            try:
                runtime.call(obj, case.method)
            finally:
                try:
                    runtime.call(obj, "tearDown")
                except MuranoPlError as exc:
                    error = error or exc
        except MuranoPlError as exc:
            error = exc
    return TestResult(case, error is None, error)


__all__ = ["TestCase", "TestResult", "discover", "run_case", "select"]
