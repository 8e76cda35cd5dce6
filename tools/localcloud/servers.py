"""Reading a pushed Heat stack as qemu VMs: which servers, with what user data and NICs.

Heat's bookkeeping (template checks, fixed IPs, MACs, floating IPs, outputs) is the same as
in the simulated cloud; this module turns the deployed template and the attributes Heat
assigned into :class:`~muranokit.tools.localcloud.lifecycle.ServerRequest` objects:

- user data as Nova would pass it: a string as it is, or the MIME multipart message Heat's
  ``OS::Heat::MultipartMime`` builds from ``OS::Heat::CloudConfig`` (``#cloud-config``) and
  ``OS::Heat::SoftwareConfig`` (a script) parts;
- one NIC per port, with the port's MAC and fixed IP (prefix from its subnet), on a segment
  per Neutron network;
- for a port with a floating IP, the TCP ports its security groups open to the outside.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from typing import Any

import yaml

from muranokit.tools.localcloud.lifecycle import ServerRequest
from muranokit.tools.localcloud.network import exposed_ports
from muranokit.tools.localcloud.seed import Nic

SERVER_TYPES = ("OS::Nova::Server",)
DEFAULT_PREFIX = 24


def _props(resources: dict[str, Any], name: str | None) -> dict[str, Any]:
    body = resources.get(name) if name else None
    props = body.get("properties") if isinstance(body, dict) else None
    return props if isinstance(props, dict) else {}


def _target(resources: dict[str, Any], value: Any) -> str | None:
    """The resource a ``{get_resource: X}`` value names."""
    if isinstance(value, dict) and len(value) == 1:
        (func, arg), = value.items()
        if func in ("get_resource", "Ref") and isinstance(arg, str) and arg in resources:
            return arg
    return None


def _type(resources: dict[str, Any], name: str | None) -> str | None:
    body = resources.get(name) if name else None
    return body.get("type") if isinstance(body, dict) else None


def resolver(template: dict[str, Any], attributes: dict[str, dict[str, Any]],
             parameters: dict[str, Any]):
    """Evaluates Heat's intrinsic functions against what the last push assigned."""
    resources = template.get("resources") or {}

    def resolve(value: Any) -> Any:
        if isinstance(value, list):
            return [resolve(item) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (func, arg), = value.items()
            if func in ("get_resource", "Ref") and isinstance(arg, str):
                if arg in resources:
                    return (attributes.get(arg) or {}).get("id")
                return parameters.get(arg)
            if func in ("get_attr", "Fn::GetAtt") and isinstance(arg, list) and arg:
                result: Any = (attributes.get(arg[0]) or {})
                for step in arg[1:]:
                    step = resolve(step)
                    if isinstance(result, dict):
                        result = result.get(step)
                    elif isinstance(result, list) and isinstance(step, int) \
                            and step < len(result):
                        result = result[step]
                    else:
                        return None
                return result
            if func == "get_param":
                path = arg if isinstance(arg, list) else [arg]
                result = parameters.get(path[0])
                for step in path[1:]:
                    result = result[step] if isinstance(result, (dict, list)) else None
                return result
            if func in ("list_join", "Fn::Join") and isinstance(arg, list) and len(arg) == 2:
                return str(arg[0]).join("" if i is None else str(i) for i in resolve(arg[1]))
            if func == "str_replace" and isinstance(arg, dict):
                text = str(resolve(arg.get("template", "")))
                for key, repl in (resolve(arg.get("params")) or {}).items():
                    text = text.replace(str(key), "" if repl is None else str(repl))
                return text
        return {key: resolve(item) for key, item in value.items()}

    return resolve


def servers(template: dict[str, Any]) -> dict[str, str]:
    """Server name -> resource name, for every Nova server of a template."""
    resources = template.get("resources") or {}
    found = {}
    for name in sorted(resources):
        if _type(resources, name) in SERVER_TYPES:
            server_name = _props(resources, name).get("name")
            found[server_name if isinstance(server_name, str) else name] = name
    return found


def fingerprint(template: dict[str, Any], resource: str) -> str:
    """What, if it changes, makes Heat replace the server (image, user data, NICs)."""
    resources = template.get("resources") or {}
    props = _props(resources, resource)
    parts = {key: props.get(key) for key in ("image", "user_data", "networks", "flavor")}
    config = _target(resources, props.get("user_data"))
    if config:  # the user data's config resources count too
        parts["configs"] = {name: resources.get(name) for name in _config_closure(
            resources, config)}
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _config_closure(resources: dict[str, Any], name: str) -> list[str]:
    names = [name]
    for part in _props(resources, name).get("parts") or []:
        child = _target(resources, part.get("config")) if isinstance(part, dict) else None
        if child:
            names += _config_closure(resources, child)
    return names


# -- user data -------------------------------------------------------------------------------
def _config_text(resources: dict[str, Any], name: str, resolve) -> tuple[str, str]:
    """(text, MIME subtype) of one software-config resource."""
    kind = _type(resources, name)
    props = _props(resources, name)
    if kind == "OS::Heat::CloudConfig":
        config = resolve(props.get("cloud_config")) or {}
        return "#cloud-config\n" + yaml.safe_dump(config, default_flow_style=False), \
            "cloud-config"
    text = resolve(props.get("config"))
    text = text if isinstance(text, str) else yaml.safe_dump(text)
    if text.startswith("#cloud-config"):
        return text, "cloud-config"
    if text.startswith("#!"):
        return text, "x-shellscript"
    return text, "plain"


def _multipart(resources: dict[str, Any], name: str, resolve) -> str:
    message = MIMEMultipart()
    for index, part in enumerate(_props(resources, name).get("parts") or []):
        if not isinstance(part, dict):
            continue
        child = _target(resources, part.get("config"))
        if child and _type(resources, child) == "OS::Heat::MultipartMime":
            sub = MIMEText(_multipart(resources, child, resolve), "x-not-multipart")
        elif child:
            text, subtype = _config_text(resources, child, resolve)
            sub = MIMEText(text, part.get("subtype") or subtype, "utf-8")
        else:
            value = resolve(part.get("config"))
            sub = MIMEText(value if isinstance(value, str) else json.dumps(value),
                           part.get("subtype") or "plain", "utf-8")
        sub.add_header("Content-Disposition", "attachment",
                       filename=part.get("filename") or f"part-{index:03d}")
        message.attach(sub)
    return message.as_string()


def user_data(resources: dict[str, Any], props: dict[str, Any], resolve) -> bytes | None:
    """The bytes Nova would hand the server as user data."""
    value = props.get("user_data")
    if value is None:
        return None
    config = _target(resources, value)
    if config:
        kind = _type(resources, config)
        if kind == "OS::Heat::MultipartMime":
            return _multipart(resources, config, resolve).encode()
        if kind in ("OS::Heat::SoftwareConfig", "OS::Heat::CloudConfig"):
            return _config_text(resources, config, resolve)[0].encode()
    resolved = resolve(value)
    if resolved is None:
        return None
    return (resolved if isinstance(resolved, str) else json.dumps(resolved)).encode()


# -- NICs ------------------------------------------------------------------------------------
def _subnet_of(resources: dict[str, Any], port_props: dict[str, Any],
               net_res: str | None) -> str | None:
    fixed = port_props.get("fixed_ips") or []
    if fixed and isinstance(fixed[0], dict):
        subnet = _target(resources, fixed[0].get("subnet", fixed[0].get("subnet_id")))
        if subnet:
            return subnet
    for name in sorted(resources):
        if _type(resources, name) == "OS::Neutron::Subnet":
            props = _props(resources, name)
            if net_res and _target(resources, props.get("network",
                                                         props.get("network_id"))) == net_res:
                return name
    return None


def _prefix(cidr: Any) -> int:
    try:
        return ipaddress.ip_network(str(cidr), strict=False).prefixlen
    except ValueError:
        return DEFAULT_PREFIX


def request(template: dict[str, Any], attributes: dict[str, dict[str, Any]], resource: str,
            security_rules: dict[str, list[dict[str, Any]]], resolve) -> ServerRequest:
    """The VM a server resource of a pushed stack asks for."""
    resources = template.get("resources") or {}
    props = _props(resources, resource)
    name = props.get("name") if isinstance(props.get("name"), str) else resource
    nics: list[Nic] = []
    networks: list[tuple[str, str]] = []
    exposed: set[int] = set()
    for index, nic in enumerate(props.get("networks") or []):
        if not isinstance(nic, dict):
            continue
        port = _target(resources, nic.get("port"))
        if port and _type(resources, port) == "OS::Neutron::Port":
            port_props = _props(resources, port)
            attrs = attributes.get(port) or {}
            net_value = port_props.get("network", port_props.get("network_id"))
            net_res = _target(resources, net_value)
            subnet = _subnet_of(resources, port_props, net_res)
            cidr = (attributes.get(subnet) or {}).get("cidr") if subnet else None
            ip = ((attrs.get("fixed_ips") or [{}])[0]).get("ip_address")
            mac = attrs.get("mac_address") or _mac(name, index)
            net_name = _props(resources, net_res).get("name", net_res) if net_res else str(
                resolve(net_value))
            key = net_res or f"external/{resolve(net_value)}"
            nics.append(Nic(mac, f"{ip}/{_prefix(cidr)}" if ip else None, None, str(net_name)))
            networks.append((key, str(net_name)))
            if _has_floating_ip(resources, port):
                for group in _groups(resources, port_props):
                    ports, _skipped = exposed_ports(security_rules.get(group) or [])
                    exposed.update(ports)
        else:
            net_value = nic.get("network", nic.get("uuid"))
            net_res = _target(resources, net_value)
            key = net_res or f"external/{resolve(net_value)}"
            server_nets = (attributes.get(resource) or {}).get("networks") or {}
            net_name = _props(resources, net_res).get("name", net_res) if net_res else str(
                resolve(net_value))
            ips = server_nets.get(net_name) or []
            nics.append(Nic(_mac(name, index), f"{ips[0]}/{DEFAULT_PREFIX}" if ips else None,
                            None, str(net_name)))
            networks.append((key, str(net_name)))
    return ServerRequest(name, user_data(resources, props, resolve), nics, networks,
                         props.get("key_name") if isinstance(props.get("key_name"), str)
                         else None, str(props.get("availability_zone") or "nova"),
                         sorted(exposed))


def _mac(name: str, index: int) -> str:
    digest = hashlib.sha256(f"{name}/{index}".encode()).hexdigest()
    return "fa:16:3e:" + ":".join(digest[i:i + 2] for i in (0, 2, 4))


def _has_floating_ip(resources: dict[str, Any], port: str) -> bool:
    for name in resources:
        if _type(resources, name) == "OS::Neutron::FloatingIP":
            props = _props(resources, name)
            if _target(resources, props.get("port_id", props.get("port"))) == port:
                return True
    return False


def _groups(resources: dict[str, Any], port_props: dict[str, Any]) -> list[str]:
    """Names of the security groups a port is in."""
    names = []
    for group in port_props.get("security_groups") or []:
        res = _target(resources, group)
        if res:
            names.append(str(_props(resources, res).get("name") or res))
        elif isinstance(group, str):
            names.append(group)
    return names


def floating_ips(template: dict[str, Any], attributes: dict[str, dict[str, Any]],
                 server_ports: dict[str, list[str]]) -> dict[str, str]:
    """Server name -> its floating IP address (as Heat assigned it)."""
    resources = template.get("resources") or {}
    found = {}
    for name in sorted(resources):
        if _type(resources, name) != "OS::Neutron::FloatingIP":
            continue
        props = _props(resources, name)
        port = _target(resources, props.get("port_id", props.get("port")))
        for server, ports in server_ports.items():
            if port in ports:
                address = (attributes.get(name) or {}).get("floating_ip_address")
                if address:
                    found[server] = address
    return found


def ports_of(template: dict[str, Any], resource: str) -> list[str]:
    resources = template.get("resources") or {}
    return [p for p in (_target(resources, n.get("port")) for n in
                        _props(resources, resource).get("networks") or []
                        if isinstance(n, dict)) if p]
