"""Contracts on properties and arguments, and the errors that name their path."""

import pytest
from compat_support import Harness

from muranokit.engine import MuranoPlError


@pytest.fixture
def h():
    return Harness("contracts")


@pytest.fixture
def obj(h):
    return h.new("compat.contracts.Checked")


def violation(call, *args, **kwargs):
    with pytest.raises(MuranoPlError) as info:
        call(*args, **kwargs)
    assert info.value.type_name == "ContractViolationException"
    return info.value


def test_property_defaults_applied_before_checks(h, obj):
    assert h.call(obj, "values") == [80, ["first"], {"cpu": 1, "memory": None}, {}]


def test_property_values_converted(h):
    obj = h.new(
        "compat.contracts.Checked",
        port="8080",
        names=["a", 2],
        limits={"cpu": "4", "memory": 512, "extra": "dropped"},
        labels={"tier": "web", "n": 3},
    )
    assert h.call(obj, "values") == [
        8080,
        ["a", "2"],
        {"cpu": 4, "memory": 512},
        {"tier": "web", "n": "3"},
    ]


def test_check_violation_names_property(h):
    err = violation(h.new, "compat.contracts.Checked", port=70000)
    assert "port" in err.message


def test_list_minimum_length_violation_names_property(h):
    err = violation(h.new, "compat.contracts.Checked", names=[])
    assert "names" in err.message


def test_nested_dict_violation_names_path(h):
    err = violation(h.new, "compat.contracts.Checked", limits={"cpu": None})
    assert "limits" in err.message
    assert "cpu" in err.message


@pytest.mark.parametrize(("value", "expected"), [("qwerty", "qwerty"), (123, "123"), (None, None)])
def test_string_contract(h, obj, value, expected):
    assert h.call(obj, "asString", value) == expected


@pytest.mark.parametrize(("value", "expected"), [(123, 123), ("456", 456), (None, None)])
def test_int_contract(h, obj, value, expected):
    assert h.call(obj, "asInt", value) == expected


def test_int_contract_violation_names_argument(h, obj):
    err = violation(h.call, obj, "asInt", "nan")
    assert "amount" in err.message


@pytest.mark.parametrize(
    ("value", "expected"), [(True, True), (0, False), (10, True), ("", False), ("x", True)]
)
def test_bool_contract(h, obj, value, expected):
    assert h.call(obj, "asBool", value) is expected


def test_not_null(h, obj):
    assert h.call(obj, "required", "x") == "x"
    violation(h.call, obj, "required", None)


def test_list_contract_converts_items_and_scalars(h, obj):
    assert h.call(obj, "listOfInts", ["3", 2, "1"]) == [3, 2, 1]
    assert h.call(obj, "listOfInts", "99") == [99]
    assert h.call(obj, "listOfInts", None) == []


def test_list_with_minimum_length(h, obj):
    assert h.call(obj, "atLeastTwo", [1, 2, 3]) == 3
    err = violation(h.call, obj, "atLeastTwo", [1])
    assert "nodes" in err.message
    violation(h.call, obj, "atLeastTwo", None)


def test_list_with_min_and_max_length(h, obj):
    assert h.call(obj, "twoToThree", [1, 2]) == [1, 2]
    assert h.call(obj, "twoToThree", [1, 2, 3]) == [1, 2, 3]
    violation(h.call, obj, "twoToThree", [1])
    violation(h.call, obj, "twoToThree", [1, 2, 3, 4])


def test_list_item_violation(h, obj):
    violation(h.call, obj, "listOfInts", [1, "x"])


def test_dict_with_fixed_keys(h, obj):
    assert h.call(obj, "fixedKeys", {"host": "h", "port": "22", "junk": 1}) == {
        "host": "h",
        "port": 22,
    }
    violation(h.call, obj, "fixedKeys", {"port": 1})
    violation(h.call, obj, "fixedKeys", "not a dict")


def test_list_of_dict_shapes(h, obj):
    given = [{"host": "a", "port": "1", "extra": True}, {"host": "b"}]
    assert h.call(obj, "listOfShapes", given) == [
        {"host": "a", "port": 1},
        {"host": "b", "port": None},
    ]
    err = violation(h.call, obj, "listOfShapes", [{"host": "a"}, {"port": 2}])
    assert "endpoints" in err.message and "host" in err.message


def test_dict_with_key_value_contract(h, obj):
    assert h.call(obj, "keyValue", {"1": "a", "22": 5}) == {1: "a", 22: "5"}
    violation(h.call, obj, "keyValue", {"one": "a"})


def test_check_contract(h, obj):
    assert h.call(obj, "checked", 4) == 4
    violation(h.call, obj, "checked", 5)


def test_check_contract_message(h, obj):
    assert h.call(obj, "checkedWithMessage", 2) == 2
    err = violation(h.call, obj, "checkedWithMessage", 3)
    assert "must be even" in err.message


def test_argument_default_goes_through_contract(h, obj):
    assert h.call(obj, "withDefault") == 42
    violation(h.call, obj, "withDefault", 3)


def test_class_contract_accepts_object_and_model_dict(h, obj):
    item = h.new("compat.contracts.Item", label="made")
    assert h.call(obj, "takeItem", item) == "made"
    assert h.call(obj, "takeItem", item.id) == "made"
    model = {"?": {"type": "compat.contracts.Item", "id": "item-x"}, "label": "dict"}
    assert h.call(obj, "takeItem", model) == "dict"
    # a dict without "?" becomes an object of the contract's class
    assert h.call(obj, "takeItem", {"label": "bare"}) == "bare"


def test_class_contract_not_null(h, obj):
    violation(h.call, obj, "takeItem", None)


def test_class_contract_rejects_other_types(h, obj):
    violation(h.call, obj, "takeItem", h.new("compat.contracts.Other"))
    violation(h.call, obj, "takeItem", ["not", "an", "object"])


def test_owned_and_not_owned(h, obj):
    assert h.call(obj, "ownedRoundTrip") == ["owned ok", "not owned ok"]
    stray = h.new("compat.contracts.Item", label="stray")
    violation(h.call, obj, "takeOwned", stray)
    mine = h.call(obj, "makeOwnedItem")
    violation(h.call, obj, "takeNotOwned", mine)
    assert h.call(obj, "takeOwned", None) == "owned ok"


def test_template_contract(h, obj):
    tpl = {"?": {"type": "compat.contracts.Item"}, "label": "t", "size": 3}
    result = h.call(obj, "takeTemplate", tpl)
    assert isinstance(result, dict)
    assert sorted(result) == ["?", "label", "size"]
    assert h.call(obj, "instantiateTemplate", tpl) == ["t", 3]


def test_template_contract_exclude_properties(h, obj):
    tpl = {"?": {"type": "compat.contracts.Item"}, "label": "t", "size": "not an int"}
    result = h.call(obj, "takeTemplateExcluding", tpl)
    assert sorted(result) == ["?", "label"]
    violation(h.call, obj, "takeTemplate", tpl)


def test_template_contract_wrong_type(h, obj):
    tpl = {"?": {"type": "compat.contracts.Other"}}
    violation(h.call, obj, "takeTemplate", tpl)


def test_string_contract_rejects_containers_and_takes_object_ids(h, obj):
    violation(h.call, obj, "asString", ["a"])
    violation(h.call, obj, "asString", {"a": 1})
    item = h.new("compat.contracts.Item", label="x")
    assert h.call(obj, "asString", item) == item.id


def test_int_contract_truncates_numbers_but_not_strings(h, obj):
    assert h.call(obj, "asInt", 2.7) == 2
    violation(h.call, obj, "asInt", "1.5")
    violation(h.call, obj, "asInt", [1])


def test_class_contract_with_unknown_id(h, obj):
    with pytest.raises(MuranoPlError) as info:
        h.call(obj, "takeItem", "no-such-object-id")
    assert info.value.type_name == "NoObjectFoundError"
    assert "no-such-object-id" in info.value.message


def test_template_contract_takes_an_object_with_frozen_data(h):
    # an object given where a template is expected becomes its template: its dicts and
    # lists (kept frozen by the engine) are copied, objects inside them become their ids
    shelf = h.new("compat.contracts.Shelf")
    item = h.new("compat.contracts.Item", label="x")
    assert h.call(shelf, "asTemplate", item) == [True, ["a", "b"], "compat.contracts.Shelf"]
