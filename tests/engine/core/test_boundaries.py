"""yaql's internal containers (frozen dicts, tuples) never cross into objects, attributes,
templates or Python functions; the core library loads in a fresh process."""

import json
import subprocess
import sys

import pytest


@pytest.fixture
def holder(make_runtime):
    seen = []
    rt = make_runtime("boundary", functions={"seen": lambda v: seen.append(v) or v})
    return rt, rt.new("test.boundary.Holder", env={"k": "v"}), seen


def test_dict_result_passed_to_new_meets_a_dict_contract(holder):
    rt, obj, _ = holder
    made, = rt.call(obj, "viaYaql")
    assert made.get_property("env") == {"A": "x"}
    assert made.get_property("tags") == ["a", "b"]


def test_template_keywords_are_plain(holder):
    rt, obj, _ = holder
    made = rt.call(obj, "viaTemplate")
    assert made.get_property("env") == {"B": "y"}


def test_set_attr_stores_plain_data_and_state_serialises(holder):
    rt, obj, _ = holder
    assert rt.call(obj, "remember", "k") == {"a": [1, 2], "b": {"c": 3}}
    model = json.loads(json.dumps(rt.serialize()))
    assert [obj.id, "test.boundary.Holder", "k", {"a": [1, 2], "b": {"c": 3}}] \
        in model["Attributes"]


def test_python_function_gets_plain_values(holder):
    rt, obj, seen = holder
    rt.call(obj, "passToPython")
    assert seen == [{"k": [1, 2]}]
    assert type(seen[0]) is dict


def test_corelib_class_with_parents_loads_in_a_fresh_process():
    """Building a core class builds its parents under the corelib lock (re-entrant)."""
    code = ("import collections.abc\n"
            "from muranokit.engine import Runtime\n"
            "rt = Runtime([])\n"
            "obj = rt.load_model({'?': {'type': 'io.murano.Environment', 'id': 'e'},"
            " 'name': 'x'})\n"
            "print(obj.type_name, [c.name for c in obj.type.ancestors()][:1])\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.split()[0] == "io.murano.Environment"


def test_one_key_model_with_a_full_class_name(holder):
    rt, obj, _ = holder
    assert rt.call(obj, "byFullName") == {"q": "r"}
