"""Heat fragments of the core library: names, shapes, removal and address extraction."""

from muranokit.engine.corelib.cloud.heat import check_references
from muranokit.engine.corelib.cloud.merge import merge_dicts
from muranokit.engine.corelib.cloud.templates import (
    addresses_from_output,
    join_fragment,
    network_fragment,
    remove_from_template,
    security_group_fragment,
    server_fragment,
)


def test_network_join_and_server_fragments_form_a_consistent_template():
    template = network_fragment("n1", "env-net", "10.0.0.0/24", "router-id", ["8.8.8.8"])
    joined = join_fragment("vm", "n1", {"get_resource": "network-n1"},
                           {"get_resource": "subnet-n1"}, "sg", "public", ["ri-n1"])
    template = merge_dicts(template, joined["template"])
    template = merge_dicts(template, security_group_fragment("sg", "group", []))
    template = merge_dicts(template, server_fragment("vm", {
        "flavor": "m1", "image": "img", "key_name": None,
        "networks": [{"port": joined["portRef"]}]}))
    assert check_references(template) == []
    assert "key_name" not in template["resources"]["vm"]["properties"]
    assert joined["instanceResources"] == ["port-n1-vm", "fip-n1-vm"]
    assert joined["instanceFipOutput"] == "vm-floatingIPaddress"
    assert template["resources"]["fip-n1-vm"]["depends_on"] == ["ri-n1"]
    assert template["resources"]["subnet-n1"]["properties"]["dns_nameservers"] == ["8.8.8.8"]


def test_security_group_rules_open_external_ports_to_the_world_only():
    rules = security_group_fragment("sg", "d", [
        {"FromPort": 22, "ToPort": 22, "IpProtocol": "tcp", "External": True},
        {"FromPort": 8080, "ToPort": 8080, "IpProtocol": "TCP", "External": False},
        {"FromPort": -1, "ToPort": -1, "IpProtocol": "icmp", "External": True,
         "Ethertype": "IPv6"}])["resources"]["sg"]["properties"]["rules"]
    assert rules[2] == {"protocol": "tcp", "ethertype": "IPv4", "port_range_min": 22,
                        "port_range_max": 22, "remote_ip_prefix": "0.0.0.0/0"}
    assert rules[3]["remote_mode"] == "remote_group_id" and "remote_ip_prefix" not in rules[3]
    assert rules[4] == {"protocol": "icmp", "ethertype": "IPv6", "remote_ip_prefix": "::/0"}


def test_remove_from_template_reports_whether_it_removed_anything():
    template = {"resources": {"a": {}, "b": {}}, "outputs": {"a-id": {}}}
    smaller, removed = remove_from_template(template, ["a", "zzz"], ["a-id"])
    assert removed and smaller == {"resources": {"b": {}}, "outputs": {}}
    assert template["resources"] == {"a": {}, "b": {}}  # not modified
    same, removed = remove_from_template(smaller, ["a"], [])
    assert not removed and same == smaller


def test_addresses_from_the_shapes_heat_outputs_use():
    assert addresses_from_output([{"ip_address": "10.0.0.3", "subnet_id": "x"}]) == ["10.0.0.3"]
    assert addresses_from_output({"net": ["10.0.0.4", "10.0.0.5"]}) == ["10.0.0.4", "10.0.0.5"]
    assert addresses_from_output([{"addr": "10.0.0.6", "version": 4}]) == ["10.0.0.6"]
    assert addresses_from_output(None) == []
