"""Expressions: yaql 3 plus Murano's functions (new, find, require, id, format, ...)."""

import pytest
from compat_support import Harness

from muranokit.engine import MuranoPlError


@pytest.fixture
def h():
    return Harness("expressions")


@pytest.fixture
def obj(h):
    return h.new("compat.expr.Exprs")


def test_format_function_spelling(h, obj):
    assert h.call(obj, "formatFunction") == "a-2"


def test_format_method_spelling_with_keyword(h, obj):
    assert h.call(obj, "formatMethod") == "1+2"


def test_format_of_result_without_placeholders(h, obj):
    assert h.call(obj, "formatInContract", "bob") == "hello bob"


def test_this_stays_bound_inside_select(h, obj):
    assert h.call(obj, "thisInsideSelect") == ["p_a", "p_b"]


def test_id_and_typeinfo(h, obj):
    assert h.call(obj, "selfId") == obj.id
    assert h.call(obj, "selfTypeName") == "compat.expr.Exprs"


def test_new_returns_proxy_with_keyword_properties(h, obj):
    child = h.call(obj, "makeChild", "kid")
    assert child.type_name == "compat.expr.Child"
    assert child.get_property("name") == "kid"
    assert h.call(child, "ownerPrefix") == "p_"


def test_objects_inside_returned_data_are_proxies(h, obj):
    result = h.call(obj, "objectInsideData")
    assert result["box"].get_property("name") == "boxed"
    assert result["list"][0].id == result["box"].id


def test_new_with_owner_is_found_by_find(h, obj):
    assert h.call(obj, "childSeesOwner") == ["kid", "p_", True]


def test_find_without_owner_is_null(h, obj):
    assert h.call(obj, "orphanFindsNothing") is None


def test_require_on_null_fails(h, obj):
    with pytest.raises(MuranoPlError) as info:
        h.call(obj, "orphanRequire")
    assert "missing" in info.value.message.lower()


def test_new_from_object_model_dict(h, obj):
    assert h.call(obj, "newFromModelDict") == ["from_dict", "compat.expr.Child"]


def test_get_and_set_attr(h, obj):
    assert h.call(obj, "attributes") == [0, 1, "dflt"]
    assert h.call(obj, "attributes") == [1, 2, "dflt"]


def test_call_method_by_name(h, obj):
    assert h.call(obj, "callByName") == "hi world"


def test_sleep_returns_and_continues(h, obj):
    assert h.call(obj, "sleeper") == "done"
    assert h.traces == ["before", "after"]


def test_bind_substitutes_template(h, obj):
    template = {
        "name": "$name",
        "port": "$port",
        "url": "$http://{host}:{port}/",
        "list": ["$name", "fixed"],
        "plain": "untouched",
    }
    values = {"name": "web", "port": 80, "host": "h1"}
    assert h.call(obj, "bindTemplate", template, values) == {
        "name": "web",
        "port": 80,
        "url": "http://h1:80/",
        "list": ["web", "fixed"],
        "plain": "untouched",
    }


def test_pselect_keeps_order(h, obj):
    assert h.call(obj, "parallelSelect", list(range(1, 11))) == [n * n for n in range(1, 11)]


def test_random_name_gives_distinct_strings(h, obj):
    first, second = h.call(obj, "randomNames")
    assert isinstance(first, str) and isinstance(second, str)
    assert first and second and first != second


@pytest.mark.parametrize(("n", "expected"), [(5, "pos"), (-5, "neg"), (0, "zero")])
def test_yaql_switch(h, obj, n, expected):
    assert h.call(obj, "yaqlSwitch", n) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"), [("x", "y", "x"), (None, "y", "y"), (None, None, "fallback")]
)
def test_coalesce(h, obj, a, b, expected):
    assert h.call(obj, "coalesceValues", a, b) == expected


def test_dict_construction_and_access(h, obj):
    result = h.call(obj, "dicts")
    assert type(result) is list
    d, e, a, b1, keys = result
    assert type(d) is dict and type(e) is dict and type(d["b"]) is list
    assert d == {"a": 1, "b": [2, 3]}
    assert e == {"x": 1, "y": 2}
    assert (a, b1, keys) == (1, 3, ["x", "y"])


def test_query_chain_results_are_lists(h, obj):
    assert h.call(obj, "chains") == [20, 40, 60]


def test_string_functions(h, obj):
    assert h.call(obj, "strings") == ["a b", ["a", "b"], "ABC", "x+y"]


def test_everyday_yaql_idioms(h, obj):
    assert h.call(obj, "idioms") == {
        "first": "n1",
        "last": "n3",
        "count": 3,
        "hasN2": True,
        "anyLong": False,
        "allShort": True,
        "merged": {"a": 1, "b": {"c": 2, "d": 3}},
        "withKey": {"a": 1, "b": {"c": 2}, "e": 5},
        "baseKeys": ["a", "b"],
        "listed": [1, 2],
        "concatenated": "port 8080",
        "braces": '{"size": 3}',
        "joined": "n1-n2",
        "upper": "N3",
        "indexed": 2,
        "distinct": [1, 2, 3],
    }


def test_is_operator(h, obj):
    assert h.call(obj, "typeOfSelf") is True
    assert h.call(obj, "nullIsNothing") is False


def test_results_keep_python_types(h):
    c = Harness("contracts")
    checked = c.new("compat.contracts.Checked")
    assert type(c.call(checked, "asInt", "7")) is int
    assert type(c.call(checked, "asString", 7)) is str
    assert type(c.call(checked, "asBool", 1)) is bool


def test_type_gives_a_type_reference_in_newest_format(h, obj):
    assert h.call(obj, "typeReference") is True
