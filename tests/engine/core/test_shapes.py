"""Real-world shapes: find().require(), super($, $.deploy()), memoised methods with
getAttr/setAttr, where/select chains over objects, Parallel over objects."""

import pytest

from muranokit.engine import MuranoPlError

MODEL = {
    "Objects": {
        "?": {"type": "test.shapes.Env", "id": "env"},
        "name": "prod",
        "apps": [
            {"?": {"type": "test.shapes.App", "id": "a1"}, "name": "web", "weight": 2},
            {"?": {"type": "test.shapes.App", "id": "a2"}, "name": "db", "weight": 1},
        ],
    },
    "Attributes": [],
}


@pytest.fixture
def env(make_runtime):
    rt = make_runtime("shapes")
    return rt, rt.load_model(MODEL)


def test_deploy_uses_super_find_and_memoises(env, traces):
    rt, root = env
    assert rt.call(root, "deploy") == ["db", "web"]
    # a list is a tuple inside the engine (as upstream keeps it): format() shows it so
    assert traces == [
        "env deploy prod",
        "base deploy web", "web in prod after ('base',)",
        "base deploy db", "db in prod after ('base',)",
    ]
    traces.clear()
    rt.call(root, "deploy")
    assert traces == ["env deploy prod"]       # memoised through setAttr/getAttr
    assert rt.get_object("a1").get_property("counter") == 1


def test_attributes_survive_serialisation(env, make_runtime, traces):
    rt, root = env
    rt.call(root, "deploy")
    saved = rt.serialize()
    assert ["a1", "test.shapes.App", "done", True] in saved["Attributes"]
    assert saved["Objects"]["apps"][0]["counter"] == 1
    again = make_runtime("shapes")
    root2 = again.load_model(saved)
    traces.clear()
    again.call(root2, "deploy")
    assert traces == ["env deploy prod"]


def test_where_select_chain(env):
    rt, root = env
    assert rt.call(root, "heavyNames") == ["web"]


def test_parallel_branches_interleave_deterministically(env, traces):
    rt, root = env
    rt.call(root, "parallelDeploy")
    first = list(traces)
    assert first == ["web:0", "db:0", "web:1", "db:1", "web:2"]
    traces.clear()
    rt.call(root, "parallelDeploy")
    assert traces == first


def test_parallel_branches_share_method_variables(env, traces):
    rt, root = env
    assert rt.call(root, "parallelScope") == "inside"
    assert traces == ["inside"]


def test_require_fails_without_owner(make_runtime):
    rt = make_runtime("shapes")
    app = rt.new("test.shapes.App", name="lonely")
    with pytest.raises(MuranoPlError) as info:
        rt.call(app, "orphanFind")
    assert info.value.type_name == "ValueError"
    assert info.value.stack[-1].method == "orphanFind"


def test_removed_object_is_destroyed(make_runtime):
    rt = make_runtime("shapes")
    new_model = {"Objects": {**MODEL["Objects"], "apps": MODEL["Objects"]["apps"][:1]},
                 "ObjectsCopy": MODEL["Objects"], "Attributes": []}
    rt.load_model(new_model)
    assert [e["id"] for e in rt.events if e["kind"] == "object.destroyed"] == ["a2"]
    assert rt.get_object("a2") is None
