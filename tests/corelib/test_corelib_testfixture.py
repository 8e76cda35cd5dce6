"""io.murano.test.TestFixture on the engine: setUp, assertions, environment, inject."""

import sys
from pathlib import Path

import pytest

from muranokit.engine import MuranoPlError, Runtime

sys.path.insert(0, str(Path(__file__).parent))
from engine_fixtures import make_package  # noqa: E402


@pytest.fixture
def runtime(tmp_path):
    rt = Runtime([str(make_package(tmp_path))])
    yield rt
    rt.close()       # undoes the injections


def run_test(rt, method):
    fixture = rt.new("com.example.WebTest")
    rt.call(fixture, "setUp")
    try:
        return rt.call(fixture, method)
    finally:
        rt.call(fixture, "tearDown")
        rt.close()   # undoes the injections


def test_passing_assertion_and_environment(runtime):
    run_test(runtime, "testEqual")
    run_test(runtime, "testEnvironment")


def test_failing_assertion_is_a_muranopl_exception(runtime):
    with pytest.raises(MuranoPlError) as info:
        run_test(runtime, "testFails")
    assert info.value.type_name == "io.murano.test.AssertionError"
    assert info.value.message == "arithmetic: 5 != 4"


def test_inject_mocks_one_object_then_a_class_and_is_undone(runtime):
    run_test(runtime, "testInjectObjectAndClass")
    greeter = runtime.new("com.example.Greeter", name="after")
    assert runtime.call(greeter, "greet") == "after"  # restored


def test_inject_with_a_replacement_object(runtime):
    run_test(runtime, "testInjectWithAnotherObject")


def test_inject_unknown_method_is_refused(runtime):
    fixture = runtime.new("com.example.WebTest")
    greeter = runtime.new("com.example.Greeter", name="x")
    with pytest.raises(MuranoPlError, match='Method "nope" is not found'):
        runtime.call(fixture, "inject", greeter, "nope", 1)
