"""Errors: Try/Catch/Else/Finally, Throw, Rethrow, stacks, wrapped Python errors, limits."""

import subprocess
import sys
import textwrap

import pytest
from compat_support import FIXTURES, Harness, frame_value, line_of, murano_frames

from muranokit.engine import MuranoPlError


class Explosion(LookupError):
    """The Python error the ``explode`` function raises."""


def explode(text):
    raise Explosion(text)


@pytest.fixture
def h():
    return Harness("errors", functions={"explode": explode})


@pytest.fixture
def flow(h):
    return h.new("compat.errors.Flow")


def test_catch_by_name(h, flow):
    h.call(flow, "tryCatch", 1)
    assert h.traces == ["try", "caught compat.errors.First / one", "finally", "end"]


def test_rethrow_keeps_the_exception(h, flow):
    with pytest.raises(MuranoPlError) as info:
        h.call(flow, "tryCatch", 2)
    err = info.value
    assert err.type_name == "compat.errors.Second"
    assert err.names == ["compat.errors.Second"]
    assert err.message == "two"
    assert h.traces == ["try", "rethrowing compat.errors.Second", "finally"]
    throw_line = line_of("errors/flow.yaml", "# mode two")
    assert ("flow.yaml", throw_line, "raise", "compat.errors.Flow") in murano_frames(err)


def test_catch_all(h, flow):
    h.call(flow, "tryCatch", 3)
    assert h.traces == ["try", "catch all three", "finally", "end"]


def test_else_runs_when_nothing_thrown(h, flow):
    h.call(flow, "tryCatch", 0)
    assert h.traces == ["try", "after raise", "else", "finally", "end"]


def test_throw_name_resolves_through_namespace(h, flow):
    with pytest.raises(MuranoPlError) as info:
        h.call(flow, "raise", 4)
    assert info.value.type_name == "compat.errors.Local"
    assert h.call(flow, "catchLocalName") == "compat.errors.Local"


def test_throw_with_names_message_and_extra(h, flow):
    with pytest.raises(MuranoPlError) as info:
        h.call(flow, "throwDetailed", 7)
    err = info.value
    assert err.names == ["compat.errors.Quota", "compat.errors.Retryable"]
    assert err.type_name == "compat.errors.Quota"
    assert err.message == "quota exceeded (7)"
    assert err.extra == {"code": 42, "reason": "quota"}


def test_throw_with_cause(h, flow):
    with pytest.raises(MuranoPlError) as info:
        h.call(flow, "throwWithCause")
    err = info.value
    assert err.type_name == "compat.errors.Outer"
    assert err.message == "outer problem"
    cause = getattr(err, "cause", None) or err.__cause__
    assert isinstance(cause, MuranoPlError)
    assert cause.type_name == "compat.errors.Inner"
    assert cause.message == "inner problem"


def test_catch_matches_any_of_the_thrown_names(h, flow):
    assert h.call(flow, "catchSecondName") == ["compat.errors.Retryable", 42]


def test_nested_try_finally_order(h, flow):
    h.call(flow, "nestedFinally")
    assert h.traces == ["inner try", "inner finally", "outer catch", "outer finally"]


def test_exception_raised_in_catch_still_runs_finally(h, flow):
    with pytest.raises(MuranoPlError) as info:
        h.call(flow, "catchThrowsAgain")
    assert info.value.type_name == "compat.errors.Second"
    assert info.value.message == "from catch"
    assert h.traces == ["handling first", "finally after catch"]


def test_finally_runs_on_return(h, flow):
    assert h.call(flow, "finallyOnReturn") == "returned"
    assert h.traces == ["finally ran"]


def test_python_error_can_be_caught_in_muranopl(h, flow):
    assert h.call(flow, "catchPython") == ["caught", "kaboom"]


def test_python_error_is_wrapped_with_cause(h, flow):
    with pytest.raises(MuranoPlError) as info:
        h.call(flow, "uncaughtPython")
    err = info.value
    assert isinstance(err.__cause__, Explosion)
    assert str(err.__cause__) == "kaboom"
    assert "Explosion" in err.type_name
    assert err.message == "kaboom"


def test_engine_python_error_is_wrapped(h, flow):
    with pytest.raises(MuranoPlError) as info:
        h.call(flow, "divideByZero")
    assert info.value.type_name.endswith("ZeroDivisionError")


def test_stack_frames_name_file_line_and_method(h):
    deep = h.new("compat.errors.Deep")
    with pytest.raises(MuranoPlError) as info:
        h.call(deep, "top")
    err = info.value
    assert err.type_name == "compat.errors.DeepError"
    assert err.message == "at the bottom"
    cls = "compat.errors.Deep"
    expected = [
        ("stack.yaml", line_of("errors/stack.yaml", "# call middle"), "top", cls),
        ("stack.yaml", line_of("errors/stack.yaml", "# call bottom"), "middle", cls),
        ("stack.yaml", line_of("errors/stack.yaml", "# thrown here"), "bottom", cls),
    ]
    frames = [f for f in murano_frames(err) if f[0] == "stack.yaml"]
    assert frames == expected  # outermost call first, as Murano prints tracebacks
    # columns are 1-based and point at the statement after the list dash
    columns = [
        frame["column"] if isinstance(frame, dict) else frame.column
        for frame in err.stack
        if frame_value(frame, "file") and frame_value(frame, "file").endswith("stack.yaml")
    ]
    assert columns == [9, 9, 9]


def test_python_frame_has_no_file_position(h):
    deep = h.new("compat.errors.Deep")
    with pytest.raises(MuranoPlError) as info:
        h.call(deep, "viaPython")
    frames = murano_frames(info.value)
    call_line = line_of("errors/stack.yaml", "# python call")
    assert ("stack.yaml", call_line, "viaPython", "compat.errors.Deep") in frames
    assert frames[-1][0] is None and frames[-1][1] is None


def test_runaway_recursion_is_a_muranopl_error(h):
    deep = h.new("compat.errors.Deep")
    with pytest.raises(MuranoPlError) as info:
        h.call(deep, "recurse", 0)
    assert not isinstance(info.value, RecursionError)
    assert info.value.stack


def test_endless_loop_is_stopped():
    """An endless While ends with a MuranoPlError, in a child process so no hang is possible."""
    script = textwrap.dedent(
        f"""
        import collections.abc
        from muranokit.engine import Runtime, MuranoPlError
        rt = Runtime([{str(FIXTURES / "errors")!r}], functions={{"explode": print}})
        try:
            rt.call(rt.new("compat.errors.Deep"), "spin")
        except MuranoPlError as err:
            print("MuranoPlError", err.type_name)
        """
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
        )
    except subprocess.TimeoutExpired:
        pytest.fail("an endless While loop ran for 120 s without an error")
    assert done.stdout.startswith("MuranoPlError"), done.stderr[-2000:]


def test_caught_exception_is_an_io_murano_exception(h, flow):
    assert h.call(flow, "caughtExceptionObject") == [
        "io.murano.Exception",
        "compat.errors.First",
        "inspect me",
    ]
