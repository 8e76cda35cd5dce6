"""The MuranoPL stack trace object (issue 10 item 5): ``$e.stackTrace`` of a caught error is
an io.murano.StackTrace with one frame per call (instruction, location, methodName,
typeName; outermost first) whose ``toString(prefix)`` and the exception's ``toString()``
write it as upstream's engine does."""

import pytest
from realworld_support import Engine, fixture


def py_fail():
    raise LookupError("from python")


@pytest.fixture(scope="module")
def traces():
    return Engine("traces", functions={"pyFail": py_fail})


def _line(text: str) -> int:
    lines = open(fixture("traces", "Traces.yaml")).read().splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.strip() == text)


def test_frames(traces):
    result = traces.run("rw.traces.Traces", "outer")
    assert result["typeName"] == "io.murano.StackTrace"
    frames = result["frames"]
    assert [f["methodName"] for f in frames] == ["outer", "middle", "inner"]
    assert {f["typeName"] for f in frames} == {"rw.traces.Traces"}
    inner = frames[-1]
    assert inner["instruction"] == "Throw: [Failure, Other]"
    assert inner["location"]["file"] == fixture("traces", "Traces.yaml")
    assert inner["location"]["line"] == _line("- Throw: [Failure, Other]")
    assert frames[1]["instruction"] == "$.inner($depth)"


def test_string_forms(traces):
    result = traces.run("rw.traces.Traces", "outer")
    file = fixture("traces", "Traces.yaml")
    line = _line("- Throw: [Failure, Other]")
    last = (f'File "{file}", line {line}:9 in method inner of type rw.traces.Traces\n'
            "    Throw: [Failure, Other]")
    assert result["text"].endswith(last)
    assert result["text"].count("\n") == 5              # three frames, two lines each
    assert all(line.startswith(">> ") for line in result["prefixed"].splitlines())
    full = result["full"]
    assert full.startswith("['rw.traces.Failure', 'rw.traces.Other']: deep\n"
                           "Traceback (most recent call last):\n  File ")
    assert full.endswith("\n      Throw: [Failure, Other]")


def test_cause_is_written_after_the_error(traces):
    message, text = traces.run("rw.traces.Traces", "withCause")
    assert message == "deep"
    assert text.startswith("rw.traces.Wrapped: outer\n")
    assert "\n\nCaused by ['rw.traces.Failure', 'rw.traces.Other']: deep\n" in text


def test_python_function_frame_has_no_location(traces):
    frame = traces.run("rw.traces.Traces", "pythonFrame")
    assert frame == {"instruction": None, "location": None, "methodName": "pyFail",
                     "typeName": None}
