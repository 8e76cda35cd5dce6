"""Values as Murano keeps them: immutable, hashable data; plain strings leaving the engine.

Upstream evaluates every expression and data literal into frozen containers (tuples and
frozen dicts), so yaql's distinct(), mergeWith(), set() and dict keys work on data read
from YAML, and what it hands out serialises as ordinary strings.
"""

import json

import pytest
import yaml
from realworld_support import Engine, walk_values


@pytest.fixture(scope="module")
def values():
    return Engine("values")


def test_distinct_on_a_list_of_dicts_from_yaml(values):
    assert values.run("rw.values.Values", "distinctLiteral") == [{"a": 1}, {"b": 2}]


def test_distinct_on_a_property_default(values):
    assert values.run("rw.values.Values", "distinctProperty") == [{"a": 1}, {"b": 2}]


def test_merge_with_merges_lists_of_dicts(values):
    assert values.run("rw.values.Values", "mergeNested") == {
        "ports": [{"port": 80}, {"port": 443}], "name": "web"}


def test_set_of_dicts(values):
    assert values.run("rw.values.Values", "setOfDicts") == 2


def test_list_from_yaml_as_a_dict_key(values):
    assert values.run("rw.values.Values", "listAsKey") == "found"


def test_dict_as_a_dict_key(values):
    assert values.run("rw.values.Values", "dictAsKey") == "zone-a"


def test_assignment_copies_instead_of_sharing(values):
    assert values.run("rw.values.Values", "copyOnAssign") == ["changed", {"a": 1}]


@pytest.mark.parametrize("method", ["quotedLiteral", "quotedDefault"])
def test_quoted_strings_come_out_as_plain_str(values, method):
    result = values.run("rw.values.Values", method)
    assert type(result) is str


def test_nested_strings_come_out_as_plain_str(values):
    result = values.run("rw.values.Values", "nestedQuoted")
    assert result == {"cidr": "192.168.0.0/16", "names": ["first", "second"],
                      "block": "a block scalar\n"}
    strings = [v for v in walk_values(result) if isinstance(v, str)]
    assert strings and all(type(v) is str for v in strings)


def test_serialised_model_is_plain_data():
    engine = Engine("values")
    engine.rt.new("rw.values.Values")
    model = engine.rt.serialize()
    found = [v for v in walk_values(model) if v == "192.168.0.0/16"]
    assert found and all(type(v) is str for v in found)
    # any serializer a tool uses must accept the model as it is
    json.dumps(model)
    yaml.safe_dump(model)
