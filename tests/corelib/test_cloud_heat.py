"""The simulated Heat stack: merge, parse, reference checks, outputs, faults, events."""

import pytest

from muranokit.engine.corelib.cloud import Cloud
from muranokit.engine.corelib.cloud.backend import HeatError
from muranokit.engine.corelib.cloud.heat import check_references
from muranokit.engine.corelib.cloud.rules import parse_rules


def network_template():
    return {
        "resources": {
            "net": {"type": "OS::Neutron::Net", "properties": {"name": "env-net"}},
            "subnet": {"type": "OS::Neutron::Subnet",
                       "properties": {"network": {"get_resource": "net"},
                                      "cidr": "10.0.3.0/24"}}}}


def server(name, with_fip=False):
    resources = {
        f"{name}-port": {"type": "OS::Neutron::Port", "properties": {
            "network": {"get_resource": "net"},
            "fixed_ips": [{"subnet": {"get_resource": "subnet"}}]}},
        name: {"type": "OS::Nova::Server", "properties": {
            "name": name, "flavor": "m1.small", "image": "debian",
            "networks": [{"port": {"get_resource": f"{name}-port"}}]}}}
    outputs = {f"{name}-assigned-ips": {"value": {"get_attr": [name, "networks"]}}}
    if with_fip:
        resources[f"{name}-fip"] = {"type": "OS::Neutron::FloatingIP", "properties": {
            "floating_network": "public", "port_id": {"get_resource": f"{name}-port"}}}
        outputs[f"{name}-floatingIPaddress"] = {
            "value": {"get_attr": [f"{name}-fip", "floating_ip_address"]}}
    return {"resources": resources, "outputs": outputs}


def test_push_creates_resources_with_outputs_from_the_allocator():
    cloud = Cloud()
    stack = cloud.stack("env-stack")
    stack.update_template(network_template())
    stack.update_template(server("vm1", with_fip=True))
    stack.push()
    out = stack.output()
    assert out["vm1-assigned-ips"] == {"env-net": ["10.0.3.3"]}
    assert out["vm1-floatingIPaddress"].startswith("172.24.4.")
    assert stack.status == "CREATE_COMPLETE"
    kinds = [e["kind"] for e in cloud.events]
    assert kinds == ["heat_push", "vm_created"]
    push = cloud.events[0]
    assert push["added"] == ["net", "subnet", "vm1", "vm1-fip", "vm1-port"]
    assert any(line.startswith("+heat_template_version") for line in push["diff"])


def test_update_keeps_addresses_and_removal_releases_them():
    cloud = Cloud()
    stack = cloud.stack("s")
    stack.update_template(network_template())
    stack.update_template(server("vm1"))
    stack.push()
    stack.update_template(server("vm2"))
    stack.push()
    assert stack.output()["vm1-assigned-ips"] == {"env-net": ["10.0.3.3"]}
    assert stack.output()["vm2-assigned-ips"] == {"env-net": ["10.0.3.4"]}
    template = stack.current()
    for key in ("vm1", "vm1-port"):
        del template["resources"][key]
    del template["outputs"]["vm1-assigned-ips"]
    stack.set_template(template)
    stack.push()
    assert cloud.events[-1] == {"kind": "vm_deleted", "vm": "vm1", "stack": "s"}
    stack.update_template(server("vm3"))
    stack.push()
    assert stack.output()["vm3-assigned-ips"] == {"env-net": ["10.0.3.3"]}  # reused
    assert stack.status == "UPDATE_COMPLETE"


def test_push_without_changes_does_nothing():
    cloud = Cloud()
    stack = cloud.stack("s")
    stack.update_template(network_template())
    stack.push()
    stack.push()
    assert [e["kind"] for e in cloud.events] == ["heat_push"]


def test_dangling_references_are_refused_with_their_path():
    template = network_template()
    template["resources"]["port"] = {"type": "OS::Neutron::Port",
                                     "properties": {"network": {"get_resource": "nett"}},
                                     "depends_on": ["subnet", "ghost"]}
    template["outputs"] = {"ip": {"value": {"get_attr": ["missing", "first_address"]}}}
    problems = check_references(template)
    assert "resources.port.properties.network: get_resource names unknown resource 'nett'" \
        in problems
    assert "resources.port: depends_on names unknown resource 'ghost'" in problems
    assert "outputs.ip.value: get_attr names unknown resource 'missing'" in problems
    cloud = Cloud()
    stack = cloud.stack("s")
    stack.set_template(template)
    with pytest.raises(HeatError, match="CREATE_FAILED: invalid template: .*'nett'"):
        stack.push()
    assert cloud.events[-1]["status"] == "failed"
    assert stack.output() == {}


def test_template_heat_would_reject_fails_the_push():
    cloud = Cloud()
    stack = cloud.stack("s")
    stack.set_template({"heat_template_version": "2099-01-01", "Resources": {},
                        "resources": {"a": {"type": "OS::Heat::None"}}})
    with pytest.raises(HeatError) as info:
        stack.push()
    assert "unknown heat_template_version '2099-01-01'" in info.value.message
    assert "the template section is invalid: Resources" in info.value.message


def test_values_that_are_not_data_are_rejected_by_the_parser():
    cloud = Cloud()
    stack = cloud.stack("s")
    stack.set_template({"resources": {"a": {"type": "OS::Heat::None",
                                            "properties": {"x": object()}}}})
    with pytest.raises(HeatError, match="rejected by the Heat parser"):
        stack.push()


def test_fault_rule_fails_once_then_recovers():
    rules = parse_rules("heat:\n  - resource: vm1\n    fail: No valid host was found\n"
                        "    times: 1\n")
    cloud = Cloud(rules=rules)
    stack = cloud.stack("s")
    stack.update_template(network_template())
    stack.update_template(server("vm1"))
    with pytest.raises(HeatError, match="Resource CREATE failed: vm1: No valid host"):
        stack.push()
    assert stack.status == "CREATE_FAILED"
    stack.push()  # not applied yet, so it is retried
    assert stack.status == "CREATE_COMPLETE"
    assert [e["status"] for e in cloud.events if e["kind"] == "heat_push"] == ["failed", "ok"]


def test_delete_releases_and_reports():
    cloud = Cloud()
    stack = cloud.stack("s")
    stack.update_template(network_template())
    stack.update_template(server("vm1"))
    stack.push()
    stack.delete()
    assert stack.current() == {} and stack.status == "NOT_FOUND"
    assert [e["kind"] for e in cloud.events[-2:]] == ["vm_deleted", "heat_delete"]
    assert cloud.allocator.to_state()["networks"]["s/net/"]["owners"] == {}


def test_same_template_same_outputs_in_a_fresh_cloud():
    def run():
        cloud = Cloud()
        stack = cloud.stack("s")
        stack.update_template(network_template())
        for name in ("a", "b", "c"):
            stack.update_template(server(name, with_fip=True))
        stack.push()
        return stack.output(), cloud.events
    assert run() == run()


def test_existing_network_ports_get_addresses_too():
    cloud = Cloud()
    stack = cloud.stack("s")
    stack.set_template({"resources": {
        "p": {"type": "OS::Neutron::Port", "properties": {"network": "ext-net-id"}},
        "vm": {"type": "OS::Nova::Server",
               "properties": {"networks": [{"port": {"get_resource": "p"}}]}}},
        "outputs": {"ip": {"value": {"get_attr": ["p", "fixed_ips", 0, "ip_address"]}},
                    "joined": {"value": {"list_join": ["-", [{"get_attr": ["vm", "name"]},
                                                             "x"]]}}}})
    stack.push()
    out = stack.output()
    assert out["ip"].startswith("192.168.")
    assert out["joined"] == "vm-x"


def test_changing_a_subnet_recomputes_everything_that_depends_on_it():
    cloud = Cloud()
    stack = cloud.stack("s")
    stack.update_template(network_template())
    stack.update_template(server("vm1", with_fip=True))
    stack.push()
    assert stack.output()["vm1-assigned-ips"] == {"env-net": ["10.0.3.3"]}
    stack.update_template({"resources": {"subnet": {"properties": {"cidr": "10.9.0.0/24"}}}})
    stack.push()
    assert stack.output()["vm1-assigned-ips"] == {"env-net": ["10.9.0.3"]}
    push = cloud.events[-1]
    assert set(push["outputs"]) == {"vm1-assigned-ips"}  # only what changed is reported
    assert any(line == "+      cidr: 10.9.0.0/24" for line in push["diff"])


def test_a_reference_broken_by_a_later_update_is_caught():
    cloud = Cloud()
    stack = cloud.stack("s")
    stack.update_template(network_template())
    stack.update_template(server("vm1"))
    stack.push()
    template = stack.current()
    del template["resources"]["vm1-port"]
    stack.set_template(template)
    with pytest.raises(HeatError, match="get_resource names unknown resource 'vm1-port'"):
        stack.push()
