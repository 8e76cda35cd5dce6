"""Python exceptions inside MuranoPL: caught by their Python names, message kept, stack kept.

Upstream names a Python exception by its class name (builtins) or ``module.Class``; a
``Catch With:`` name is resolved through the class's namespaces, so an empty prefix
(``py:``) or a class without a default namespace (``:Name``) gives the bare name.
"""

import pytest
from realworld_support import Engine, fixture

from muranokit.engine import MuranoPlError


def fail_key(key):
    raise KeyError(key)


@pytest.fixture(scope="module")
def errors():
    return Engine("errors", functions={"failKey": fail_key})


def test_catch_python_error_by_prefixed_name(errors):
    assert errors.run("rw.errors.Catcher", "catchKeyError") == ["KeyError", "'missing-key'"]


def test_catch_stop_iteration(errors):
    assert errors.run("rw.errors.Catcher", "catchStopIteration") == "StopIteration"


def test_catch_with_empty_default_namespace(errors):
    assert errors.run("rw.errors.Plain", "catchBare") == "StopIteration"


def test_other_python_names_do_not_match(errors):
    with pytest.raises(MuranoPlError) as info:
        errors.run("rw.errors.Catcher", "otherNamesDoNotMatch")
    assert "KeyError" in info.value.names


def test_uncaught_python_error_keeps_name_message_and_stack(errors):
    with pytest.raises(MuranoPlError) as info:
        errors.run("rw.errors.Catcher", "uncaught")
    err = info.value
    assert err.names == ["StopIteration"]
    assert isinstance(err.__cause__, StopIteration)
    lines = open(fixture("errors", "Catcher.yaml")).read().splitlines()
    failing = next(n for n, text in enumerate(lines, 1) if "# the failing line" in text)
    frames = [(f.line, f.method) for f in err.stack]
    assert (failing, "uncaught") in frames


def test_stack_trace_object(errors):
    result = errors.run("rw.errors.Catcher", "stackOf")
    assert result["methods"][-2:] == ["stackOf", "thrower"]
    assert 'in method thrower of type rw.errors.Catcher' in result["text"]
    assert "Catcher.yaml" in result["text"]


def test_catch_other_python_errors_by_module_and_class(errors):
    assert errors.run("rw.errors.Catcher", "catchByModuleName") == \
        "yaql.language.exceptions.NoFunctionRegisteredException"


def test_python_error_in_an_argument_default_has_the_method_frame(errors):
    with pytest.raises(MuranoPlError) as info:
        errors.run("rw.errors.Catcher", "argumentDefaultFails")
    err = info.value
    assert err.names == ["KeyError"] and err.message == "'b'"
    assert [f.method for f in err.stack][-1] == "argumentDefaultFails"
    assert isinstance(err.__cause__, KeyError)


def test_python_error_in_a_property_default_names_its_line(errors):
    with pytest.raises(MuranoPlError) as info:
        errors.rt.new("rw.errors.BadDefault")
    err = info.value
    assert err.names == ["KeyError"]
    lines = open(fixture("errors", "BadDefault.yaml")).read().splitlines()
    default = next(n for n, text in enumerate(lines, 1) if "dict(a => 1).b" in text)
    assert err.file.endswith("BadDefault.yaml") and err.line == default


def test_arguments_no_method_takes_are_yaqls_no_matching_method(errors):
    """Upstream finds MuranoPL methods through yaql's overloads: arguments that fit none
    raise yaql's NoMatchingMethodException."""
    assert errors.run("rw.errors.Catcher", "catchWrongArguments") == \
        "yaql.language.exceptions.NoMatchingMethodException"
