"""Heat template fragments the core library adds to an environment's stack.

Pure functions: they only build dicts. Resource and output names are derived from object ids
and instance names, so the same model always yields the same template.
"""

from __future__ import annotations

from typing import Any

ANY_IPV4 = "0.0.0.0/0"


def network_names(net_id: str, name: str) -> dict[str, str]:
    """Heat resource names of an environment network object."""
    return {"net": f"network-{net_id}", "subnet": f"subnet-{net_id}",
            "router_interface": f"ri-{net_id}", "heat_name": f"{name}-{net_id}",
            "id_output": f"{name}-id"}


def network_fragment(net_id: str, name: str, cidr: str, router_id: str | None,
                     dns: list[str]) -> dict[str, Any]:
    """A Neutron network with one subnet, plugged into ``router_id`` when given."""
    names = network_names(net_id, name)
    subnet: dict[str, Any] = {"network": {"get_resource": names["net"]}, "ip_version": 4,
                              "cidr": cidr}
    if dns:
        subnet["dns_nameservers"] = list(dns)
    template: dict[str, Any] = {
        "resources": {
            names["net"]: {"type": "OS::Neutron::Net", "properties": {"name": names["heat_name"]}},
            names["subnet"]: {"type": "OS::Neutron::Subnet", "properties": subnet}},
        "outputs": {names["id_output"]: {"description": f"ID of {name} network",
                                         "value": {"get_resource": names["net"]}}}}
    if router_id:
        template["resources"][names["router_interface"]] = {
            "type": "OS::Neutron::RouterInterface",
            "properties": {"router_id": router_id,
                           "subnet": {"get_resource": names["subnet"]}}}
    return template


def join_fragment(instance: str, net_id: str, net_ref: Any, subnet_ref: Any | None,
                  security_group: str | None, floating_net: str | None,
                  depends_on: list[str] | None = None) -> dict[str, Any]:
    """What joining ``instance`` to a network adds (upstream ``joinInstance`` result shape).

    Keys: ``template``, ``portRef``, ``instanceResources``, ``instanceOutputs`` and, with a
    floating IP, ``instanceFipOutput``.
    """
    port = f"port-{net_id}-{instance}"
    port_props: dict[str, Any] = {"network": net_ref}
    if subnet_ref is not None:
        port_props["fixed_ips"] = [{"subnet": subnet_ref}]
    if security_group:
        port_props["security_groups"] = [{"get_resource": security_group}]
    ips_output = f"addresses-{instance}-in-{net_id}"
    template: dict[str, Any] = {
        "resources": {port: {"type": "OS::Neutron::Port", "properties": port_props}},
        "outputs": {ips_output: {"description": f"Addresses of {instance} in network {net_id}",
                                 "value": {"get_attr": [port, "fixed_ips"]}}}}
    result: dict[str, Any] = {"template": template, "portRef": {"get_resource": port},
                              "instanceResources": [port], "instanceOutputs": [ips_output],
                              "ipsOutput": ips_output}
    if floating_net:
        fip = f"fip-{net_id}-{instance}"
        fip_output = f"{instance}-floatingIPaddress"
        body: dict[str, Any] = {"type": "OS::Neutron::FloatingIP",
                                "properties": {"floating_network": floating_net,
                                               "port_id": {"get_resource": port}}}
        if depends_on:
            body["depends_on"] = list(depends_on)
        template["resources"][fip] = body
        template["outputs"][fip_output] = {
            "description": f"Floating IP assigned to {instance}",
            "value": {"get_attr": [fip, "floating_ip_address"]}}
        result["instanceResources"].append(fip)
        result["instanceOutputs"].append(fip_output)
        result["instanceFipOutput"] = fip_output
    return result


def server_fragment(name: str, properties: dict[str, Any]) -> dict[str, Any]:
    """An ``OS::Nova::Server`` called ``name`` with an ``{name}-id`` output."""
    props = {k: v for k, v in properties.items() if v is not None}
    props["name"] = name
    return {"resources": {name: {"type": "OS::Nova::Server", "properties": props}},
            "outputs": {f"{name}-id": {"description": f"ID of {name} instance",
                                       "value": {"get_resource": name}}}}


def security_group_fragment(group: str, description: str,
                            rules: list[dict[str, Any]]) -> dict[str, Any]:
    """A Neutron security group with ingress ``rules`` in Murano's rule format.

    Each rule: FromPort, ToPort, IpProtocol, External (open to the world if true, else only
    to members of the group), optional Ethertype, optional Direction (``egress``; ingress by
    default). Members may always talk to each other.
    """
    heat_rules: list[dict[str, Any]] = [
        {"remote_mode": "remote_group_id", "ethertype": "IPv4"},
        {"remote_mode": "remote_group_id", "ethertype": "IPv6"}]
    for rule in rules:
        protocol = str(rule.get("IpProtocol", "tcp")).lower()
        entry: dict[str, Any] = {"protocol": protocol,
                                 "ethertype": rule.get("Ethertype") or "IPv4"}
        if protocol != "icmp":
            entry["port_range_min"] = rule.get("FromPort")
            entry["port_range_max"] = rule.get("ToPort")
        if rule.get("Direction") == "egress":
            entry["direction"] = "egress"
        if rule.get("External", True):
            entry["remote_ip_prefix"] = ANY_IPV4 if entry["ethertype"] == "IPv4" else "::/0"
        else:
            entry["remote_mode"] = "remote_group_id"
        heat_rules.append(entry)
    return {"resources": {group: {"type": "OS::Neutron::SecurityGroup",
                                  "properties": {"name": group, "description": description,
                                                 "rules": heat_rules}}}}


def remove_from_template(template: dict[str, Any], resources: list[str],
                         outputs: list[str]) -> tuple[dict[str, Any], bool]:
    """A copy without the named resources and outputs, and whether anything was removed."""
    result = dict(template)
    res = dict(result.get("resources") or {})
    outs = dict(result.get("outputs") or {})
    removed = False
    for name in resources:
        removed = res.pop(name, None) is not None or removed
    for name in outputs:
        removed = outs.pop(name, None) is not None or removed
    if "resources" in result or res:
        result["resources"] = res
    if "outputs" in result or outs:
        result["outputs"] = outs
    return result, removed


def addresses_from_output(value: Any) -> list[str]:
    """IP addresses from a port ``fixed_ips`` output or a server ``networks`` output."""
    found: list[str] = []
    if isinstance(value, dict):
        for item in value.values():
            found += addresses_from_output(item)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and "ip_address" in item:
                found.append(item["ip_address"])
            elif isinstance(item, dict) and "addr" in item:
                found.append(item["addr"])
            elif isinstance(item, str):
                found.append(item)
            else:
                found += addresses_from_output(item)
    elif isinstance(value, str):
        found.append(value)
    return found
