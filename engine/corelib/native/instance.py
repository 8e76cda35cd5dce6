"""io.murano.resources.Instance and LinuxMuranoInstance: the Python halves.

``beginDeployResources`` joins the instance to its networks, builds the server and merges it
into the environment's stack; ``endDeployResources`` pushes and reads the addresses back.
Resource and output names are remembered as attributes so that releasing removes exactly them.
"""

from __future__ import annotations

from typing import Any

from muranokit.engine.corelib.cloud.merge import merge_dicts
from muranokit.engine.corelib.cloud.templates import (
    addresses_from_output,
    remove_from_template,
    server_fragment,
)
from muranokit.engine.corelib.native.support import call, cloud_of, environment_of, stack_of
from muranokit.engine.native import NativeThrow, native_class


@native_class("io.murano.resources.Instance")
class Instance:
    """A Nova server in the environment's Heat stack."""

    def __init__(self, ctx, name: str, **_props: Any) -> None:
        self.ctx = ctx

    def _prop(self, name: str) -> Any:
        return self.ctx.this.get_property(name)

    def _call(self, target: Any, method: str, *args: Any, **kwargs: Any) -> Any:
        return call(self.ctx, target, method, *args, **kwargs)

    def securityGroupFor(self) -> str:
        """The security group the instance joins (its own or the environment's default)."""
        explicit = self._prop("securityGroupName")
        if explicit:
            return explicit
        env = environment_of(self.ctx)
        manager = env.get_property("securityGroupManager")
        name = manager.get_property("defaultGroupName") if manager is not None else None
        return name or f"MuranoSecurityGroup-{env.get_property('name')}"

    def _networks(self) -> tuple[list[Any], Any]:
        env = environment_of(self.ctx)
        defaults = env.get_property("defaultNetworks") or {}
        spec = self._prop("networks") or {}
        nets: list[Any] = []
        if spec.get("useEnvironmentNetwork", True) and defaults.get("environment") is not None:
            nets.append(defaults["environment"])
        if spec.get("useFlatNetwork") and defaults.get("flat") is not None:
            nets.append(defaults["flat"])
        for net in spec.get("customNetworks") or []:
            if all(net.id != known.id for known in nets):
                nets.append(net)
        primary = spec.get("primaryNetwork") or (nets[0] if nets else None)
        return nets, primary

    def beginDeployResources(self, userData: Any, groupName: str) -> None:
        if not self._prop("image"):
            raise NativeThrow("io.murano.resources.ResourceNotFound",
                              f"Neither image nor bootable volumes is specified for instance "
                              f"{self._prop('name')}")
        env = environment_of(self.ctx)
        manager = env.get_property("securityGroupManager")
        if manager is not None:  # make sure the group resource exists in the template
            self._call(manager, "addGroupIngress", [], groupName)
        name = self._prop("name")
        nets, primary = self._networks()
        template: dict[str, Any] = {}
        resources: list[str] = []
        outputs: list[str] = [f"{name}-id"]
        ips_outputs: list[str] = []
        ports: list[dict[str, Any]] = []
        fip_output = self.ctx.get_attr("fipOutput")
        for net in nets:
            assign = (primary is not None and net.id == primary.id
                      and bool(self._prop("assignFloatingIp")) and not fip_output)
            joined = self._call(net, "joinInstance", self.ctx.this, groupName, assign, []) or {}
            if joined.get("template"):
                template = merge_dicts(template, joined["template"])
            if joined.get("portRef"):
                ports.append({"port": joined["portRef"]})
            resources += joined.get("instanceResources") or []
            outputs += joined.get("instanceOutputs") or []
            if joined.get("ipsOutput"):
                ips_outputs.append(joined["ipsOutput"])
            fip_output = fip_output or joined.get("instanceFipOutput")
        data = (userData or {}).get("data") if isinstance(userData, dict) else None
        properties: dict[str, Any] = {
            "flavor": self._prop("flavor"), "image": self._prop("image"),
            "key_name": self._prop("keyname") or None,
            "availability_zone": self._prop("availabilityZone"),
            "user_data": data,
            "user_data_format": (userData or {}).get("format") if data is not None else None,
            "networks": ports or None}
        extra_groups = list(self._prop("securityGroups") or [])
        if not ports:
            properties["security_groups"] = [groupName, *extra_groups]
        template = merge_dicts(template, server_fragment(name, properties))
        template = self._call(self.ctx.this, "prepareStackTemplate", template)
        self._call(stack_of(self.ctx), "updateTemplate", template)
        self.ctx.set_attr("instanceResources", resources)
        self.ctx.set_attr("instanceOutputs", outputs)
        self.ctx.set_attr("ipsOutputs", ips_outputs)
        self.ctx.set_attr("fipOutput", fip_output)

    def endDeployResources(self) -> dict:
        stack = stack_of(self.ctx)
        self._call(stack, "push")
        outputs = self._call(stack, "output")
        name = self._prop("name")
        fip = outputs.get(self.ctx.get_attr("fipOutput") or "", None)
        addresses: list[str] = []
        for output in self.ctx.get_attr("ipsOutputs") or []:
            for ip in addresses_from_output(outputs.get(output)):
                if ip not in addresses and ip != fip:
                    addresses.append(ip)
        if fip:
            addresses.append(fip)
        notifier = environment_of(self.ctx).get_property("instanceNotifier")
        if notifier is not None:
            self._call(notifier, "trackCloudInstance", self.ctx.this)
        return {"openstackId": outputs.get(f"{name}-id"), "ipAddresses": addresses,
                "floatingIpAddress": fip}

    def isDeployed(self) -> bool:
        template = self._call(stack_of(self.ctx), "current")
        return self._prop("name") in ((template or {}).get("resources") or {})

    def beginReleaseResources(self) -> None:
        stack = stack_of(self.ctx)
        name = self._prop("name")
        template, removed = remove_from_template(
            self._call(stack, "current"),
            [name, *(self.ctx.get_attr("instanceResources") or [])],
            [f"{name}-id", *(self.ctx.get_attr("instanceOutputs") or [])])
        if removed:
            self._call(stack, "setTemplate", template)
            notifier = environment_of(self.ctx).get_property("instanceNotifier")
            if notifier is not None:
                self._call(notifier, "untrackCloudInstance", self.ctx.this)

    def endReleaseNative(self) -> None:
        self._call(stack_of(self.ctx), "push")
        for attr in ("instanceResources", "instanceOutputs", "ipsOutputs", "fipOutput"):
            self.ctx.set_attr(attr, None)


@native_class("io.murano.resources.LinuxMuranoInstance")
class LinuxMuranoInstance:
    """murano-agent's configuration and boot script, and the Heat resources carrying them."""

    def __init__(self, ctx, **_props: Any) -> None:
        self.ctx = ctx

    def _config_names(self) -> tuple[str, str, str]:
        name = self.ctx.this.get_property("name")
        return f"boot_config-{name}", f"boot_script_{name}", f"user_data-{name}"

    def generateUserData(self) -> str:
        """The boot script: writes /etc/murano/agent.conf and restarts murano-agent."""
        env = environment_of(self.ctx)
        agent = self.ctx.this.get_property("agent")
        listener = env.get_property("agentListener")
        options = {"input_queue": call(self.ctx, agent, "queueName") if agent else "",
                   "result_routing_key": call(self.ctx, listener, "queueName")
                   if listener is not None else ""}
        options.update(cloud_of(self.ctx).agent_settings())
        return agent_boot_script(options)

    def generateInstanceConfigResources(self, userData: str) -> dict:
        """Adds the cloud-config, boot-script and multipart user-data resources to the stack;
        returns the reference the server's ``user_data`` takes."""
        config, script, user_data = self._config_names()
        cloud_config = call(self.ctx, self.ctx.this, "generateCloudConfig")
        template = {"resources": {
            config: {"type": "OS::Heat::CloudConfig",
                     "properties": {"cloud_config": cloud_config}},
            script: {"type": "OS::Heat::SoftwareConfig",
                     "properties": {"group": "ungrouped", "config": userData}},
            user_data: {"type": "OS::Heat::MultipartMime",
                        "properties": {"parts": [{"config": {"get_resource": config}},
                                                 {"config": {"get_resource": script}}]}}}}
        call(self.ctx, stack_of(self.ctx), "updateTemplate", template)
        self.ctx.set_attr("configResources", [config, script, user_data])
        return {"get_resource": user_data}

    def releaseInstanceConfigResources(self) -> None:
        """Takes the user-data resources out of the stack (the server goes next)."""
        names = self.ctx.get_attr("configResources") or []
        stack = stack_of(self.ctx)
        template, removed = remove_from_template(call(self.ctx, stack, "current"),
                                                 list(names), [])
        if removed:
            call(self.ctx, stack, "setTemplate", template)
        self.ctx.set_attr("configResources", None)


AGENT_DEFAULTS = {"debug": "True", "log_file": "/var/log/murano-agent.log",
                  "storage": "/var/murano/plans"}


def agent_config(options: dict[str, Any]) -> str:
    """murano-agent's configuration file: logging and plan storage, then ``[rabbitmq]``."""
    lines = ["[DEFAULT]", *(f"{k} = {v}" for k, v in AGENT_DEFAULTS.items()), "",
             "[rabbitmq]", *(f"{k} = {v}" for k, v in options.items())]
    return "\n".join(lines) + "\n"


def agent_boot_script(options: dict[str, Any]) -> str:
    """A shell script that installs ``agent_config(options)`` and restarts the agent."""
    return "\n".join([
        "#!/bin/sh",
        "# Murano: configure murano-agent for this environment and restart it.",
        "set -e",
        "if ! command -v muranoagent >/dev/null 2>&1; then",
        "    echo 'murano-agent is not installed in this image' >&2",
        "    exit 1",
        "fi",
        "install -d -m 0755 /etc/murano",
        "umask 077",
        "cat > /etc/murano/agent.conf <<'MURANO_AGENT_CONF'",
        agent_config(options).rstrip("\n"),
        "MURANO_AGENT_CONF",
        "if command -v systemctl >/dev/null 2>&1; then",
        "    systemctl restart murano-agent",
        "else",
        "    service murano-agent restart",
        "fi",
        ""])
