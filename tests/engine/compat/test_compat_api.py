"""The stable Python API: functions=, proxies, argument forms, results."""

import pytest
from compat_support import Harness

from muranokit.engine import MuranoPlError


def test_functions_are_called_positionally():
    calls = []
    h = Harness(
        "expressions",
        functions={"record": lambda *args: calls.append(args), "double": lambda n: n * 2},
    )
    obj = h.new("compat.expr.UsesPython")
    assert h.call(obj, "usePython") == 42
    assert calls[0] == (1, "two", [3])
    (proxy,) = calls[1]
    assert proxy.id == obj.id
    assert proxy.type_name == "compat.expr.UsesPython"


def test_failing_function_is_the_cause():
    boom = ValueError("bad value")

    def fail(*_args):
        raise boom

    h = Harness("expressions", functions={"record": fail, "double": fail})
    with pytest.raises(MuranoPlError) as info:
        h.run("compat.expr.UsesPython", "usePython")
    assert info.value.__cause__ is boom


def test_new_keyword_properties_and_get_property():
    h = Harness("contracts")
    obj = h.new("compat.contracts.Item", label="x", size="5")
    assert obj.get_property("label") == "x"
    assert obj.get_property("size") == 5


def test_arguments_as_proxy_id_or_model_dict():
    h = Harness("contracts")
    checked = h.new("compat.contracts.Checked")
    item = h.new("compat.contracts.Item", label="p")
    assert h.call(checked, "takeItem", item) == "p"
    assert h.call(checked, "takeItem", item.id) == "p"
    assert h.call(checked, "takeItem", thing=item) == "p"
    model = {"?": {"type": "compat.contracts.Item", "id": "from-model"}, "label": "m"}
    assert h.call(checked, "takeItem", model) == "m"


def test_object_results_are_proxies():
    h = Harness("expressions")
    child = h.call(h.new("compat.expr.Exprs"), "makeChild", "c1")
    assert child.type.name == "compat.expr.Child"
    assert h.rt.get_object(child.id).get_property("name") == "c1"


def test_results_keep_int_str_bool_apart():
    h = Harness("statements")
    obj = h.new("compat.statements.Statements")
    result = h.call(obj, "matchValue", 1)
    assert result == "one" and type(result) is str
    assert h.call(obj, "matchValue", "1") == "other"  # the string "1" is not the int 1
    counter = obj.get_property("counter")
    assert type(counter) is int and counter == 0
