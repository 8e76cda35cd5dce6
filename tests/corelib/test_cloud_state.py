"""A cloud saved to JSON and loaded again continues where it stopped."""

import json

import pytest

from muranokit.engine.corelib.cloud import STATE_VERSION, Cloud, CloudError
from muranokit.engine.corelib.cloud.rules import parse_rules


def test_round_trip_keeps_stacks_agents_addresses_and_rule_hits(package):
    rules_text = "agent:\n  - vm: vm1\n    fail: once\n    times: 1\n"
    cloud = Cloud(rules=parse_rules(rules_text))
    stack = cloud.stack("s", "my env")
    stack.set_template({"resources": {"p": {"type": "OS::Neutron::Port",
                                            "properties": {"network": "n1"}}},
                        "outputs": {"ip": {"value": {"get_attr": ["p", "fixed_ips"]}}}})
    stack.push()
    template = {"FormatVersion": "2.0.0", "Name": "x", "Body": "return",
                "Scripts": {"s": {"Type": "Application", "Version": "1.0.0",
                                  "EntryPoint": "deploy.sh", "Files": [], "Options": {}}}}
    plan = cloud.agents.build_plan("vm1", template, package)
    with pytest.raises(Exception, match="once"):
        cloud.agents.execute("vm1", None, plan)

    saved = json.loads(json.dumps(cloud.to_state()))
    assert saved["version"] == STATE_VERSION
    again = Cloud(rules=parse_rules(rules_text), state=saved)
    assert again.stacks["s"].output() == stack.output()
    assert again.stacks["s"].description == "my env"
    assert again.stacks["s"].status == "CREATE_COMPLETE"
    next_plan = again.agents.build_plan("vm1", template, package)
    assert next_plan["Stamp"] == 2
    assert again.agents.execute("vm1", None, next_plan) == ""  # the rule fired already
    # a new port after reload does not collide with the saved one
    again.stacks["s"].update_template({"resources": {"q": {"type": "OS::Neutron::Port",
                                                           "properties": {"network": "n1"}}}})
    again.stacks["s"].push()
    attrs = again.stacks["s"].attributes
    assert attrs["p"]["fixed_ips"] != attrs["q"]["fixed_ips"]


def test_incompatible_state_is_refused():
    with pytest.raises(CloudError, match="version 99"):
        Cloud(state={"version": 99})


def test_events_reach_the_sink_masked():
    seen = []
    cloud = Cloud(emit=lambda kind, **fields: seen.append((kind, fields)))
    cloud.emit({"kind": "log", "level": "info", "logger": "x",
                "message": "hello", "password": "abc123"})
    assert seen == [("log", {"level": "info", "logger": "x", "message": "hello",
                             "password": "***"})]
    assert cloud.events[0]["password"] == "***"


def test_network_explorer_facts_are_stable():
    cloud = Cloud()
    first = cloud.available_cidr(cloud.default_router(), "net-a")
    second = cloud.available_cidr(cloud.default_router(), "net-b")
    assert first != second
    assert cloud.available_cidr(cloud.default_router(), "net-a") == first
    assert Cloud().default_router() == cloud.default_router()
