"""Statements: assignments with paths, and every macro (If, While, For, Repeat, ...)."""

import pytest
from compat_support import Harness

from muranokit.engine import MuranoPlError


@pytest.fixture
def h():
    return Harness("statements")


@pytest.fixture
def obj(h):
    return h.new("compat.statements.Statements")


def test_assignment_paths(h, obj):
    x, y, z, counter, settings, w = h.call(obj, "assignPaths")
    assert w == {"l": [1, 5]}
    assert x == {"a": {"b": 2, "c": 3}}
    assert y == [10, 21, 30]
    assert z == {"k": "v"}
    assert counter == 5
    assert settings == {"p": {"q": 2}, "r": 7}
    assert obj.get_property("settings") == {"p": {"q": 2}, "r": 7}


@pytest.mark.parametrize(("n", "expected"), [(3, "positive"), (0, "zero"), (-4, "negative")])
def test_if_then_else(h, obj, n, expected):
    assert h.call(obj, "ifElse", n) == expected


def test_while_with_break_and_continue(h, obj):
    assert h.call(obj, "whileLoop") == [[1, 3, 4, 5], 6]


def test_for_with_break_and_continue(h, obj):
    assert h.call(obj, "forLoop", [1, -5, 2, 200, 7]) == 3


def test_for_over_expression(h, obj):
    assert h.call(obj, "forOverDict") == ["a", "b"]


@pytest.mark.parametrize(("times", "expected"), [(0, []), (3, [0, 1, 2])])
def test_repeat(h, obj, times, expected):
    assert h.call(obj, "repeatLoop", times) == expected


def test_return_inside_loop_leaves_method(h, obj):
    assert h.call(obj, "returnFromLoop") == "found six"


@pytest.mark.parametrize(("value", "expected"), [(1, "one"), ("two", "second"), (3, "other")])
def test_match(h, obj, value, expected):
    assert h.call(obj, "matchValue", value) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [(20, ["positive", "big"]), (5, ["positive"]), (-1, ["negative"]), (0, ["zero"])],
)
def test_switch_runs_every_true_case(h, obj, n, expected):
    assert h.call(obj, "switchAll", n) == expected


def test_do_block_shares_scope(h, obj):
    assert h.call(obj, "doBlock") == 3


def test_expression_statements_and_property_updates(h, obj):
    assert h.call(obj, "expressionStatements") is None
    assert h.traces == ["first", 2]
    assert obj.get_property("counter") == 2


def test_method_without_return_gives_none(h, obj):
    assert h.call(obj, "noReturn") is None


def test_local_variables_are_per_call(h, obj):
    assert h.call(obj, "localsAreLocal") == "outer"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, "truthy"), (1, "truthy"), ([0], "truthy"), (False, "falsy"), (0, "falsy"),
     ("", "falsy"), ([], "falsy"), (None, "falsy")],
)
def test_if_condition_uses_truthiness(h, obj, value, expected):
    # current Murano evaluates If conditions by truth value (older releases required bool)
    assert h.call(obj, "nonBooleanCondition", value) == expected


def test_break_outside_loop(h, obj):
    with pytest.raises(MuranoPlError) as info:
        h.call(obj, "breakOutsideLoop")
    assert info.value.type_name in ("DslInvalidOperationError", "DslSyntaxError")


def test_assignment_to_a_copy_leaves_the_property_alone(h, obj):
    copy, prop = h.call(obj, "copyOnWrite")
    assert copy == {"p": "changed", "l": [9, 2]}
    assert prop == {"p": "orig", "l": [1, 2]}
    assert obj.get_property("settings") == {"p": "orig", "l": [1, 2]}


def test_assigned_query_results_can_be_used_twice(h, obj):
    assert h.call(obj, "iteratorsAreMaterialised") == [12, 3, [2, 4, 6]]


def test_quoted_yaml_scalars_are_data_not_expressions(h, obj):
    assert h.call(obj, "quotedScalarsAreData") == ["$x", 5, "$x + 1", 6]


def test_while_condition_uses_truthiness(h, obj):
    assert h.call(obj, "countdown") == [2, 1, 0]
