"""Nothing the engine hands out makes a serializer fail: whatever the public API returns
(call results, properties, the serialised model, actions, usage) and every trace event of a
whole deployment is plain data that ``json.dumps`` and ``yaml.safe_dump`` accept, with
plain ``str`` strings (never a subclass) and lists and dicts (never the engine's frozen
tuples and FrozenDicts)."""

import json
import pathlib

import pytest
import yaml
from realworld_support import Engine, walk_values

from muranokit.engine import Runtime
from muranokit.tools.dryrun import collect_packages

ROOT = pathlib.Path(__file__).resolve().parents[3]


def assert_plain(value, what):
    for item in walk_values(value):
        kind = type(item)
        assert kind in (str, int, float, bool, list, dict, type(None)), (what, kind, item)
    json.dumps(value)
    yaml.safe_dump(value)


@pytest.fixture(scope="module")
def deployed():
    model = json.loads((ROOT / "examples" / "kubernetes" / "cluster-with-pod.json").read_text())
    rt = Runtime(collect_packages(root=str(ROOT / "packages")))
    root = rt.load_model(model)
    result = rt.call(root, "deploy")
    return rt, result


def test_every_event_of_a_deployment_is_plain_data(deployed):
    rt, result = deployed
    assert len(rt.events) > 20
    for event in rt.events:
        assert_plain(event, event.get("kind"))
    assert_plain(result, "deploy result")


def test_the_model_and_every_property_are_plain_data(deployed):
    rt, _result = deployed
    model = rt.serialize()
    assert_plain(model, "serialized model")
    ids = [o["?"]["id"] for o in walk_values(model.get("Objects"))
           if isinstance(o, dict) and isinstance(o.get("?"), dict) and "id" in o["?"]]
    assert len(ids) > 5
    for oid in ids:
        obj = rt.get_object(oid)
        for spec in obj.type.all_properties():
            if spec.usage in ("Static", "Config"):
                continue
            try:
                value = obj.get_property(spec.name)
            except Exception:  # noqa: BLE001 - an unset property: nothing handed out
                continue
            plain = json.loads(json.dumps(value, default=lambda p: p.id))
            assert_plain(plain, f"{oid}.{spec.name}")
    assert_plain({k: list(v) for k, v in rt.actions().items()}, "actions")
    assert_plain(rt.usage(), "usage")


def test_results_of_calls_are_mutable_plain_copies():
    engine = Engine("values")
    result = engine.run("rw.values.Values", "nestedQuoted")
    assert_plain(result, "nestedQuoted")
    result["names"].append("third")            # the caller's own copy
    assert engine.run("rw.values.Values", "nestedQuoted")["names"] == ["first", "second"]
