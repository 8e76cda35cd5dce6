"""Classes, contracts, statements and expressions on a small calculator class."""

import pytest

from muranokit.engine import MuranoPlError


@pytest.fixture
def calc(make_runtime):
    rt = make_runtime("basic")
    return rt, rt.new("test.basic.Calc", label="L")


def test_defaults_and_list_contract(calc):
    _, obj = calc
    assert obj.get_property("base") == 10
    assert obj.get_property("items") == ["a"]
    assert obj.type_name == "test.basic.Calc" and obj.type.name == "test.basic.Calc"


def test_arguments_with_default_and_contract(calc):
    rt, obj = calc
    assert rt.call(obj, "add", 5) == 16
    assert rt.call(obj, "add", "5", y=2) == 17      # int() contract converts the string


def test_while_if_continue(calc):
    rt, obj = calc
    assert rt.call(obj, "loop", 7) == [1, 3, 5, 7]


def test_format_function_and_method(calc):
    rt, obj = calc
    assert rt.call(obj, "fmt") == ["10-x", "L!"]


def test_assignment_paths_copy_on_write(calc):
    rt, obj = calc
    assert rt.call(obj, "setLabel", "zz") == {"a": {"b": 1}, "c": [5, 2]}
    assert obj.get_property("label") == "zz"


def test_list_contract_minimum_length(make_runtime):
    rt = make_runtime("basic")
    with pytest.raises(MuranoPlError) as info:
        rt.new("test.basic.Calc", items=[])
    assert info.value.type_name == "ContractViolationException"
    assert "test.basic.Calc.items" in info.value.message


def test_results_keep_str_int_bool_apart(calc):
    rt, obj = calc
    result = rt.call(obj, "add", 1, y=0)
    assert result == 11 and type(result) is int
