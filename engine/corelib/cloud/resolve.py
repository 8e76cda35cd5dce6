"""Turning a pushed template into "created" resources: ids, addresses, attributes, outputs."""

from __future__ import annotations

from typing import Any

from muranokit.engine.corelib.cloud.hot import SERVER_TYPES, resources_of


class Realiser:
    """Computes resource attributes of one push with the cloud's deterministic allocator."""

    def __init__(self, stack: Any, template: dict[str, Any],
                 reuse: dict[str, dict[str, Any]] | None = None,
                 reuse_outputs: dict[str, Any] | None = None) -> None:
        self.stack = stack
        self.reuse = reuse or {}
        self.reuse_outputs = reuse_outputs or {}
        self.cloud = stack.cloud
        self.template = template
        self.resources = resources_of(template)
        params = template.get("parameters", template.get("Parameters")) or {}
        self.params = {name: (stack.parameters.get(name, (spec or {}).get("default"))
                              if isinstance(spec, dict) else stack.parameters.get(name))
                       for name, spec in params.items()}
        self.attrs: dict[str, dict[str, Any]] = {}

    # -- helpers ---------------------------------------------------------------------------
    def _owner(self, resource: str, part: str = "") -> str:
        return f"{self.stack.name}/{resource}/{part}"

    def _id(self, resource: str) -> str:
        kind = (self.resources.get(resource) or {}).get("type", "resource")
        return self.cloud.allocator.make_id(kind, f"{self.stack.name}/{resource}")

    def _props(self, resource: str) -> dict[str, Any]:
        body = self.resources.get(resource) or {}
        props = body.get("properties", body.get("Properties")) or {}
        return props if isinstance(props, dict) else {}

    def _ref_target(self, value: Any) -> str | None:
        """The resource a ``{get_resource: X}`` / ``{Ref: X}`` value points to."""
        if isinstance(value, dict) and len(value) == 1:
            (func, arg), = value.items()
            if func in ("get_resource", "Ref") and arg in self.resources:
                return arg
        return None

    def _network(self, value: Any, subnet: Any = None) -> tuple[str, str, str]:
        """(allocator key, CIDR, display name) of the network a port or server is on."""
        subnet_res = self._ref_target(subnet)
        if subnet_res:
            props = self._props(subnet_res)
            net_res = self._ref_target(props.get("network", props.get("network_id")))
            cidr = self.resolve(props.get("cidr")) or self.cloud.allocator.external_cidr(
                self._owner(subnet_res))
            name = self._props(net_res).get("name", net_res) if net_res else subnet_res
            return self._owner(net_res or subnet_res), str(cidr), str(name)
        net_res = self._ref_target(value)
        if net_res:
            for name in sorted(self.resources):
                body = self.resources[name]
                if not isinstance(body, dict) or body.get("type") != "OS::Neutron::Subnet":
                    continue
                props = self._props(name)
                if self._ref_target(props.get("network", props.get("network_id"))) == net_res:
                    return self._owner(net_res), str(self.resolve(props.get("cidr"))), str(
                        self._props(net_res).get("name", net_res))
            return (self._owner(net_res),
                    self.cloud.allocator.external_cidr(self._owner(net_res)),
                    str(self._props(net_res).get("name", net_res)))
        resolved = self.resolve(value)
        name = str(resolved) if resolved is not None else "default"
        return f"external/{name}", self.cloud.network_cidr(name), name

    # -- per-type attributes ---------------------------------------------------------------
    def _realise(self, name: str) -> dict[str, Any]:
        if name in self.attrs:
            return self.attrs[name]
        if name in self.reuse:  # unchanged since the last push, and so is what it uses
            self.attrs[name] = self.reuse[name]
            return self.attrs[name]
        self.attrs[name] = {"id": self._id(name)}  # guards against reference cycles
        body = self.resources.get(name) or {}
        kind = body.get("type") if isinstance(body, dict) else None
        props = self._props(name)
        attrs: dict[str, Any] = {"id": self._id(name), "name": props.get("name", name)}
        if kind == "OS::Neutron::Port":
            fixed = props.get("fixed_ips") or [{}]
            subnet = fixed[0].get("subnet", fixed[0].get("subnet_id")) if isinstance(
                fixed[0], dict) else None
            key, cidr, _ = self._network(props.get("network", props.get("network_id")), subnet)
            ip = self.cloud.allocator.fixed_ip(key, cidr, self._owner(name, "port"))
            attrs.update(fixed_ips=[{"ip_address": ip, "subnet_id": self.cloud.allocator.make_id(
                "subnet", key)}], network_id=self.cloud.allocator.make_id("net", key),
                mac_address=self._mac(name))
        elif kind == "OS::Neutron::FloatingIP":
            port = self._ref_target(props.get("port_id", props.get("port")))
            fixed = self._realise(port)["fixed_ips"][0]["ip_address"] if port and self.resources[
                port].get("type") == "OS::Neutron::Port" else None
            attrs.update(floating_ip_address=self.cloud.allocator.floating_ip(
                self._owner(name, "fip")), fixed_ip_address=fixed)
        elif kind == "OS::Nova::FloatingIP":
            attrs.update(ip=self.cloud.allocator.floating_ip(self._owner(name, "fip")))
        elif kind == "OS::Neutron::Subnet":
            attrs.update(cidr=self.resolve(props.get("cidr")))
        elif kind in SERVER_TYPES:
            attrs.update(self._server(name, kind, props))
        self.attrs[name] = attrs
        return attrs

    def _mac(self, name: str) -> str:
        digest = self._id(name).replace("-", "")
        return "fa:16:3e:" + ":".join(digest[i:i + 2] for i in (0, 2, 4))

    def _server(self, name: str, kind: str, props: dict[str, Any]) -> dict[str, Any]:
        networks: dict[str, list[str]] = {}
        if kind == "AWS::EC2::Instance":
            key, cidr, net = self._network(None)
            ip = self.cloud.allocator.fixed_ip(key, cidr, self._owner(name, "nic0"))
            fip = self.cloud.allocator.floating_ip(self._owner(name, "public"))
            return {"PrivateIp": ip, "PublicIp": fip, "networks": {net: [ip]},
                    "first_address": ip}
        for index, nic in enumerate(props.get("networks") or []):
            if not isinstance(nic, dict):
                continue
            port = self._ref_target(nic.get("port"))
            if port and self.resources[port].get("type") == "OS::Neutron::Port":
                port_props = self._props(port)
                _, _, net = self._network(port_props.get("network",
                                                         port_props.get("network_id")),
                                          (port_props.get("fixed_ips") or [{}])[0].get(
                                              "subnet") if isinstance(
                                              (port_props.get("fixed_ips") or [{}])[0], dict)
                                          else None)
                ip = self._realise(port)["fixed_ips"][0]["ip_address"]
            else:
                key, cidr, net = self._network(nic.get("network", nic.get("uuid")))
                ip = nic.get("fixed_ip") or self.cloud.allocator.fixed_ip(
                    key, cidr, self._owner(name, f"nic{index}"))
            networks.setdefault(net, []).append(ip)
        for fip_name in sorted(self.resources):
            body = self.resources[fip_name]
            if isinstance(body, dict) and body.get("type") == "OS::Nova::FloatingIPAssociation":
                fprops = self._props(fip_name)
                if self._ref_target(fprops.get("server_id")) == name:
                    fip = self._ref_target(fprops.get("floating_ip"))
                    if fip:
                        networks.setdefault("public", []).append(self._realise(fip).get("ip"))
        first = next((ips[0] for ips in networks.values() if ips), None)
        return {"networks": networks, "first_address": first,
                "addresses": {net: [{"addr": ip, "version": 4} for ip in ips]
                              for net, ips in networks.items()},
                "instance_name": f"instance-{self._id(name)[:8]}", "accessIPv4": first or ""}

    # -- intrinsic functions ---------------------------------------------------------------
    def resolve(self, value: Any) -> Any:
        """Evaluate intrinsic functions in ``value`` against the realised resources."""
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (func, arg), = value.items()
            if func in ("get_resource", "Ref"):
                if arg in self.resources:
                    return self._realise(arg)["id"]
                return self.params.get(arg)
            if func in ("get_attr", "Fn::GetAtt"):
                return self._get_attr(arg)
            if func == "get_param":
                path = arg if isinstance(arg, list) else [arg]
                result = self.params.get(path[0])
                for step in path[1:]:
                    result = result[step] if isinstance(result, (dict, list)) else None
                return result
            if func in ("list_join", "Fn::Join"):
                sep, items = arg[0], self.resolve(arg[1])
                return sep.join("" if i is None else str(i) for i in items)
            if func == "str_replace":
                text = str(self.resolve(arg.get("template", "")))
                for key, repl in (self.resolve(arg.get("params")) or {}).items():
                    text = text.replace(str(key), "" if repl is None else str(repl))
                return text
        return {key: self.resolve(item) for key, item in value.items()}

    def _get_attr(self, arg: list[Any]) -> Any:
        resource, attribute, *path = arg
        result = self._realise(resource).get(self.resolve(attribute))
        for step in path:
            step = self.resolve(step)
            if isinstance(result, dict):
                result = result.get(step)
            elif isinstance(result, list) and isinstance(step, int) and step < len(result):
                result = result[step]
            else:
                return None
        return result

    def realise(self) -> dict[str, dict[str, Any]]:
        """Attributes of every resource, in name order (so allocation order is stable)."""
        for name in sorted(self.resources):
            self._realise(name)
        return {name: self.attrs[name] for name in sorted(self.attrs)}

    def outputs(self) -> dict[str, Any]:
        """The template's outputs, evaluated."""
        section = self.template.get("outputs", self.template.get("Outputs")) or {}
        result = {}
        for name in sorted(section):
            if name in self.reuse_outputs:
                result[name] = self.reuse_outputs[name]
                continue
            body = section[name]
            value = body.get("value", body.get("Value")) if isinstance(body, dict) else body
            result[name] = self.resolve(value)
        return result
