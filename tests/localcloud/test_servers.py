"""A pushed stack read as VMs: user data as Nova hands it over, NICs, floating-IP ports."""

from __future__ import annotations

import email

from muranokit.tools.localcloud import servers
from muranokit.tools.localcloud.network import exposed_ports

TEMPLATE = {
    "resources": {
        "network-n1": {"type": "OS::Neutron::Net", "properties": {"name": "env-net"}},
        "subnet-n1": {"type": "OS::Neutron::Subnet", "properties": {
            "network": {"get_resource": "network-n1"}, "cidr": "10.0.3.0/24"}},
        "grp": {"type": "OS::Neutron::SecurityGroup", "properties": {"name": "MuranoSG"}},
        "port-n1-vm1": {"type": "OS::Neutron::Port", "properties": {
            "network": {"get_resource": "network-n1"},
            "fixed_ips": [{"subnet": {"get_resource": "subnet-n1"}}],
            "security_groups": [{"get_resource": "grp"}]}},
        "fip-n1-vm1": {"type": "OS::Neutron::FloatingIP", "properties": {
            "floating_network": "public", "port_id": {"get_resource": "port-n1-vm1"}}},
        "boot_config-vm1": {"type": "OS::Heat::CloudConfig",
                            "properties": {"cloud_config": {"hostname": "vm1"}}},
        "boot_script_vm1": {"type": "OS::Heat::SoftwareConfig", "properties": {
            "group": "ungrouped", "config": "#!/bin/sh\necho boot\n"}},
        "user_data-vm1": {"type": "OS::Heat::MultipartMime", "properties": {"parts": [
            {"config": {"get_resource": "boot_config-vm1"}},
            {"config": {"get_resource": "boot_script_vm1"}}]}},
        "vm1": {"type": "OS::Nova::Server", "properties": {
            "name": "vm1", "image": "img", "flavor": "m1.small", "key_name": "k",
            "user_data": {"get_resource": "user_data-vm1"}, "user_data_format": "RAW",
            "networks": [{"port": {"get_resource": "port-n1-vm1"}}]}},
    }}
ATTRIBUTES = {
    "port-n1-vm1": {"id": "p1", "mac_address": "fa:16:3e:aa:bb:cc",
                    "fixed_ips": [{"ip_address": "10.0.3.4", "subnet_id": "s1"}]},
    "subnet-n1": {"id": "s1", "cidr": "10.0.3.0/24"},
    "fip-n1-vm1": {"id": "f1", "floating_ip_address": "172.24.4.7"},
}
RULES = {"MuranoSG": [{"FromPort": 22, "ToPort": 22, "IpProtocol": "tcp", "External": True},
                      {"FromPort": 8080, "ToPort": 8080, "IpProtocol": "tcp", "External": True},
                      {"FromPort": 2379, "ToPort": 2380, "IpProtocol": "tcp",
                       "External": False}]}


def resolve(value):
    return servers.resolver(TEMPLATE, ATTRIBUTES, {})(value)


def test_servers_are_found_by_name() -> None:
    assert servers.servers(TEMPLATE) == {"vm1": "vm1"}


def test_multipart_user_data_has_cloud_config_and_script_parts() -> None:
    req = servers.request(TEMPLATE, ATTRIBUTES, "vm1", RULES, resolve)
    message = email.message_from_bytes(req.user_data)
    assert message.is_multipart()
    parts = [(p.get_content_type(), p.get_payload(decode=True).decode())
             for p in message.get_payload()]
    assert parts[0][0] == "text/cloud-config" and "hostname: vm1" in parts[0][1]
    assert parts[1] == ("text/x-shellscript", "#!/bin/sh\necho boot\n")


def test_nics_carry_the_port_mac_and_fixed_ip_and_floating_ip_ports() -> None:
    req = servers.request(TEMPLATE, ATTRIBUTES, "vm1", RULES, resolve)
    assert [(n.mac, n.address, n.name) for n in req.nics] == [
        ("fa:16:3e:aa:bb:cc", "10.0.3.4/24", "env-net")]
    assert req.networks == [("network-n1", "env-net")]
    assert req.key_name == "k"
    assert req.exposed_ports == [22, 8080]       # external TCP rules only


def test_string_user_data_is_passed_as_it_is() -> None:
    template = {"resources": {"s": {"type": "OS::Nova::Server", "properties": {
        "name": "s", "user_data": {"str_replace": {"template": "#!/bin/sh\necho %X%\n",
                                                   "params": {"%X%": "hi"}}}}}}}
    req = servers.request(template, {}, "s", {}, servers.resolver(template, {}, {}))
    assert req.user_data == b"#!/bin/sh\necho hi\n"
    assert req.nics == [] and req.exposed_ports == []


def test_fingerprint_changes_with_user_data_config_only() -> None:
    before = servers.fingerprint(TEMPLATE, "vm1")
    changed = {"resources": dict(TEMPLATE["resources"])}
    changed["resources"]["boot_script_vm1"] = {"type": "OS::Heat::SoftwareConfig",
                                               "properties": {"config": "#!/bin/sh\n"}}
    assert servers.fingerprint(changed, "vm1") != before
    changed["resources"] = dict(TEMPLATE["resources"], grp={"type": "x"})
    assert servers.fingerprint(changed, "vm1") == before


def test_floating_ips_by_server() -> None:
    ports = {"vm1": servers.ports_of(TEMPLATE, "vm1")}
    assert servers.floating_ips(TEMPLATE, ATTRIBUTES, ports) == {"vm1": "172.24.4.7"}


def test_exposed_ports_skip_udp_and_wide_ranges() -> None:
    ports, skipped = exposed_ports([
        {"FromPort": 80, "ToPort": 81, "IpProtocol": "tcp"},
        {"FromPort": 53, "ToPort": 53, "IpProtocol": "udp"},
        {"FromPort": 30000, "ToPort": 32767, "IpProtocol": "tcp"},
        {"FromPort": 9000, "ToPort": 9000, "IpProtocol": "tcp", "External": False}])
    assert ports == [80, 81]
    assert skipped == ["udp 53-53", "tcp 30000-32767 (range too wide to forward)"]
