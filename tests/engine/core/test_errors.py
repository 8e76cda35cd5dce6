"""Errors: MuranoPL type names, stacks with file:line per frame, wrapped Python errors,
limits for recursion and loops, bad input."""

import pytest
from core_support import line_of

from muranokit.engine import Limits, MuranoPlError


def explode(n):
    return 1 // (n - n)


@pytest.fixture
def rt(make_runtime):
    return make_runtime("errors", functions={"explode": explode},
                        limits=Limits(max_depth=50, max_iterations=1000))


def frames(err):
    return [(f.file.rsplit("/", 1)[-1] if f.file else None, f.line, f.type, f.method)
            for f in err.stack]


def test_throw_carries_names_message_extra_and_stack(rt):
    obj = rt.new("test.errors.Thrower")
    with pytest.raises(MuranoPlError) as info:
        rt.call(obj, "outer")
    err = info.value
    assert err.type_name == "test.errors.boom" and err.names == ["test.errors.boom"]
    assert err.message == "failed at 1" and err.extra == {"v": 1}
    assert frames(err) == [
        ("errors.yaml", line_of("errors/errors.yaml", "- $.middle()"), "test.errors.Thrower",
         "outer"),
        ("errors.yaml", line_of("errors/errors.yaml", "- $.inner($x)"), "test.errors.Thrower",
         "middle"),
        ("errors.yaml", line_of("errors/errors.yaml", "- Throw: boom"), "test.errors.Thrower",
         "inner"),
    ]


def test_python_function_error_is_wrapped_with_cause(rt):
    obj = rt.new("test.errors.Thrower")
    with pytest.raises(MuranoPlError) as info:
        rt.call(obj, "pyFail")
    err = info.value
    assert err.type_name == "ZeroDivisionError"
    assert isinstance(err.__cause__, ZeroDivisionError)
    assert frames(err)[-1] == (None, None, None, "explode")
    assert frames(err)[-2][3] == "pyFail"


def test_python_error_caught_in_muranopl(rt):
    obj = rt.new("test.errors.Thrower")
    assert rt.call(obj, "catchPython") == ["ZeroDivisionError",
                                           "integer division or modulo by zero"]


def test_recursion_limit(rt):
    obj = rt.new("test.errors.Thrower")
    with pytest.raises(MuranoPlError) as info:
        rt.call(obj, "recurse", 0)
    assert info.value.type_name == "RecursionLimitExceeded"
    assert len(info.value.stack) == 50


def test_loop_limit(rt):
    obj = rt.new("test.errors.Thrower")
    with pytest.raises(MuranoPlError) as info:
        rt.call(obj, "spin")
    assert info.value.type_name == "LoopLimitExceeded"
    assert frames(info.value)[-1][1] == line_of("errors/errors.yaml", "- While: true")


def test_contract_violation_names_argument_at_call_site(rt):
    obj = rt.new("test.errors.Thrower")
    with pytest.raises(MuranoPlError) as info:
        rt.call(obj, "contractFail")
    err = info.value
    assert err.type_name == "ContractViolationException"
    assert "argument 'v'" in err.message
    assert frames(err)[-1][1] == line_of("errors/errors.yaml", "- $.inner(notAnInt)")


@pytest.mark.parametrize(("method", "type_name"), [
    ("wrongArgs", "NoMatchingMethodException"),
    ("unknownMethod", "NoMethodFound"),
])
def test_bad_calls(rt, method, type_name):
    obj = rt.new("test.errors.Thrower")
    with pytest.raises(MuranoPlError) as info:
        rt.call(obj, method)
    assert info.value.type_name == type_name


def test_in_property_of_other_object_is_read_only(rt):
    obj = rt.new("test.errors.Thrower")
    other = rt.new("test.errors.Thrower")
    with pytest.raises(MuranoPlError) as info:
        rt.call(obj, "readOnly", other)
    assert info.value.type_name == "NoWriteAccessError"
    assert info.value.names[:1] + info.value.names[2:3] == ["NoWriteAccessError",
                                                             "PropertyAccessError"]


def test_unknown_class_and_syntax_errors(make_runtime, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "c.yaml").write_text("Name: test.Bad\nMethods:\n  m:\n    Body:\n"
                                "      - Return: $x + (1\n")
    from muranokit.engine import Runtime
    rt = Runtime([str(bad)])
    with pytest.raises(MuranoPlError) as info:
        rt.call(rt.new("test.Bad"), "m")
    assert info.value.type_name == "DslSyntaxError"
    assert (info.value.file, info.value.line) == (str(bad / "c.yaml"), 5)
    with pytest.raises(MuranoPlError) as info:
        rt.new("test.Missing")
    assert info.value.type_name == "NoPackageForClassFound"
