"""engine/values: freeze() makes data as the engine keeps it (deep, hashable, plain strings,
the same object when already so); thaw() gives Python callers mutable copies."""

import pytest
from yaql.language.exceptions import CollectionTooLargeException

from muranokit.engine import limits
from muranokit.engine.files.located_yaml import QuotedStr, load_yaml
from muranokit.engine.values import FrozenDict, freeze, thaw


def test_freeze_is_deep_and_hashable():
    value = freeze({"a": [1, {"b": {2, 3}}], "c": ("x", ["y"])})
    assert type(value) is FrozenDict
    assert value["a"] == (1, FrozenDict({"b": frozenset({2, 3})}))
    assert value["c"] == ("x", ("y",))
    assert hash(value) == hash(freeze({"c": ("x", ["y"]), "a": [1, {"b": {3, 2}}]}))


def test_frozen_data_comes_back_as_itself():
    value = freeze({"a": [1, {"b": "c"}], "d": "e"})
    assert freeze(value) is value
    items = freeze([1, "a", None, value])
    assert freeze(items) is items


def test_a_changed_item_is_copied_not_changed_in_place():
    inner = [1]
    value = (0, inner, 2)
    frozen = freeze(value)
    assert frozen == (0, (1,), 2) and value[1] is inner


def test_strings_from_yaml_are_plain_str():
    doc = load_yaml(b"a: 'quoted'\nb: [\"double\", plain]\nc: |\n  block\n", "x.yaml")
    assert type(doc["a"]) is QuotedStr
    frozen = freeze(doc)
    strings = [frozen["a"], *frozen["b"], frozen["c"], *frozen]
    assert all(type(s) is str for s in strings)


def test_lazy_sequences_are_made_tuples_within_the_collection_limit():
    assert freeze(iter(range(5))) == (0, 1, 2, 3, 4)
    assert freeze(x * 2 for x in range(3)) == (0, 2, 4)
    budget = limits.Budget(limits.Limits(max_collection=10))
    with budget.running():
        assert len(freeze(iter(range(10)))) == 10
        with pytest.raises(CollectionTooLargeException):
            freeze(iter(range(10**9)))
    assert budget.peak_collection == 11


def test_thaw_gives_mutable_copies_with_frozen_keys():
    value = freeze({"a": [1, {"b": 2}], (1, 2): {3}})
    plain = thaw(value)
    assert plain == {"a": [1, {"b": 2}], (1, 2): [3]}
    assert type(plain["a"]) is list and type(plain["a"][1]) is dict
    plain["a"].append(3)
    assert value["a"] == (1, FrozenDict({"b": 2}))


def test_the_cloud_backend_gets_plain_data_from_frozen_values():
    from muranokit.engine.corelib.native.support import cloud_data
    data = cloud_data(freeze({"net": {"cidr": QuotedStr("10.0.0.0/24")}, "ports": [1, 2]}))
    assert data == {"net": {"cidr": "10.0.0.0/24"}, "ports": [1, 2]}
    assert type(data["net"]) is dict and type(data["net"]["cidr"]) is str
    assert type(data["ports"]) is list


def test_dict_views_keep_the_dicts_order():
    names = [f"/dev/vd{chr(98 + i)}" for i in range(20)]
    data = {name: i for i, name in enumerate(names)}
    assert freeze(data.keys()) == tuple(names)
    assert freeze(data.values()) == tuple(range(20))
    assert freeze(data.items()) == tuple((n, i) for i, n in enumerate(names))


def test_keys_of_a_muranopl_dict_come_in_written_order(tmp_path):
    from muranokit.engine import Runtime

    pairs = ", ".join(f"'k{i}' => {i}" for i in range(20))
    (tmp_path / "T.yaml").write_text(
        "Namespaces:\n  =: order\nName: T\nMethods:\n  run:\n    Body:\n"
        f"      - $d: dict({pairs})\n"
        "      - Return:\n          - $d.keys()\n          - $d.items().select($[1])\n")
    runtime = Runtime([str(tmp_path)])
    keys, values = runtime.call(runtime.new("order.T"), "run")
    assert keys == [f"k{i}" for i in range(20)]
    assert values == list(range(20))
