"""Real-world shapes: an Environment owning applications, deployed the way catalog apps do."""

import copy

import pytest
from compat_support import Harness, line_of, murano_frames

from muranokit.engine import MuranoPlError


def app(kind, oid, **props):
    return {"?": {"type": f"compat.world.{kind}", "id": oid}, "name": oid, **props}


def environment_model():
    return {
        "Objects": {
            "?": {"type": "compat.world.Environment", "id": "env"},
            "name": "prod",
            "applications": [
                app("WebServer", "web1", ports=[80, 443]),
                app("Database", "db1", volumes=[
                    {"?": {"type": "compat.world.Volume", "id": "vol1"}, "size": 10}]),
                app("WebServer", "web2", ports=[8080]),
            ],
        },
        "Attributes": [],
    }


def reports(traces):
    return [t for t in traces if t.startswith("prod | ")]


@pytest.fixture
def h():
    return Harness("world")


def test_deploy_is_memoised_with_attributes(h):
    env = h.rt.load_model(environment_model())
    h.call(env, "deploy")
    first = reports(h.traces)
    assert sorted(first) == sorted([
        "prod | web1 deployed",
        "prod | web1 listens on 80,443",
        "prod | db1 deployed",
        "prod | web2 deployed",
        "prod | web2 listens on 8080",
        "prod | deployed",
    ])
    assert first[-1] == "prod | deployed"
    # super($, $.deploy()) runs the parent's part first
    assert first.index("prod | web1 deployed") < first.index("prod | web1 listens on 80,443")
    h.traces.clear()
    h.call(env, "deploy")
    again = reports(h.traces)
    assert sorted(again) == [
        "prod | deployed",
        "prod | web1 listens on 80,443",
        "prod | web2 listens on 8080",
    ]
    assert again[-1] == "prod | deployed"
    assert h.call(h.rt.get_object("db1"), "isDeployed") is True


def test_attributes_are_scoped_by_the_class_that_set_them(h):
    env = h.rt.load_model(environment_model())
    h.call(env, "deploySequential")
    # Application.deploy stored "deployed"; WebServer's own methods see their own scope.
    assert h.call(h.rt.get_object("web1"), "peekOwnAttribute") == "unset"
    assert h.call(h.rt.get_object("web1"), "isDeployed") is True
    entries = [list(a) for a in h.rt.serialize()["Attributes"]]
    assert ["db1", "compat.world.Application", "deployed", True] in entries
    assert ["web1", "compat.world.Application", "deployed", True] in entries


def test_memo_survives_serialised_model(h):
    env = h.rt.load_model(environment_model())
    h.call(env, "deploySequential")
    saved = copy.deepcopy(h.rt.serialize())

    later = Harness("world")
    env2 = later.rt.load_model(saved)
    later.call(env2, "deploySequential")
    assert reports(later.traces) == ["prod | web1 listens on 80,443", "prod | web2 listens on 8080"]


def test_sequential_deploy_order(h):
    env = h.rt.load_model(environment_model())
    h.call(env, "deploySequential")
    assert reports(h.traces) == [
        "prod | web1 deployed",
        "prod | web1 listens on 80,443",
        "prod | db1 deployed",
        "prod | web2 deployed",
        "prod | web2 listens on 8080",
    ]


def test_parallel_block_deploys_every_application(h):
    env = h.rt.load_model(environment_model())
    h.call(env, "deployInParallelBlock")
    assert sorted(reports(h.traces)) == sorted([
        "prod | web1 deployed",
        "prod | web1 listens on 80,443",
        "prod | db1 deployed",
        "prod | web2 deployed",
        "prod | web2 listens on 8080",
    ])
    again = Harness("world")
    again.call(again.rt.load_model(environment_model()), "deployInParallelBlock")
    assert again.traces == h.traces


def test_where_select_chains_over_objects(h):
    env = h.rt.load_model(environment_model())
    assert h.call(env, "webNames") == ["web1", "web2"]
    assert h.call(env, "portsOfBig") == [80, 443]


def test_list_contract_minimum_length_rejects_empty_ports(h):
    model = environment_model()
    model["Objects"]["applications"][0]["ports"] = []
    with pytest.raises(MuranoPlError) as info:
        h.rt.load_model(model)
    assert info.value.type_name == "ContractViolationException"
    assert "ports" in info.value.message


def test_find_require_fails_outside_environment(h):
    with pytest.raises(MuranoPlError) as info:
        h.new("compat.world.Database", name="lonely")
    assert "missing" in info.value.message.lower()
    line = line_of("world/apps.yaml", "$.find(std:Environment).require()")
    assert ("apps.yaml", line, ".init", "compat.world.Application") in murano_frames(info.value)


def test_application_added_by_second_deployment(h):
    env = h.rt.load_model(environment_model())
    h.call(env, "deploy")
    saved = h.rt.serialize()
    saved["Objects"]["applications"].append(app("WebServer", "web3", ports=[9000]))
    later = Harness("world")
    later.call(later.rt.load_model(saved), "deploySequential")
    assert "prod | web3 deployed" in later.traces
    assert "prod | web1 deployed" not in later.traces


def test_removed_application_is_destroyed_with_its_volume(h):
    env = h.rt.load_model(environment_model())
    h.call(env, "deploy")
    saved = h.rt.serialize()
    gen2 = copy.deepcopy(saved)
    gen2["Objects"]["applications"] = [
        a for a in gen2["Objects"]["applications"] if a["?"]["id"] != "db1"
    ]
    gen2["ObjectsCopy"] = copy.deepcopy(saved["Objects"])
    later = Harness("world")
    later.rt.load_model(gen2)
    gone = [t for t in later.traces if t.startswith("destroy")]
    assert gone == ["destroy volume 10", "destroy app db1"]
    # attributes of destroyed objects are not carried into the next model
    kept = {tuple(a[:3]) for a in later.rt.serialize()["Attributes"]}
    assert ("web1", "compat.world.Application", "deployed") in kept
    assert ("db1", "compat.world.Application", "deployed") not in kept
    later.traces.clear()
    later.rt.finalize()
    gone = [t for t in later.traces if t.startswith("destroy")]
    assert sorted(gone) == [
        "destroy app web1", "destroy app web2", "destroy env prod",
        "destroy web web1", "destroy web web2",
    ]
    assert gone[-1] == "destroy env prod"
    # every class's .destroy runs, the object's own class first
    assert gone.index("destroy web web1") < gone.index("destroy app web1")
