"""io.murano.resources.Instance and LinuxMuranoInstance: the Python halves.

``beginDeployResources`` joins the instance to its networks, builds the server and merges it
into the environment's stack; ``endDeployResources`` pushes and reads the addresses back.
Resource and output names are remembered as attributes so that releasing removes exactly them.
"""

from __future__ import annotations

import base64
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
    """Boot script that would install and start murano-agent on the server."""

    def __init__(self, ctx, **_props: Any) -> None:
        self.ctx = ctx

    def generateUserData(self) -> str:
        agent = self.ctx.this.get_property("agent")
        queue = call(self.ctx, agent, "queueName") if agent is not None else ""
        config = (f"[DEFAULT]\nstorage=/var/murano/plans\n[rabbitmq]\ninput_queue={queue}\n"
                  f"result_routing_key=murano-results\n")
        config += "".join(f"{key}={value}\n"
                          for key, value in cloud_of(self.ctx).agent_settings().items())
        encoded = base64.b64encode(config.encode()).decode()
        return ("#!/bin/sh\n# murano-agent bootstrap (dry-run: nothing runs)\n"
                f"hostname {self.ctx.this.get_property('name')}\n"
                "mkdir -p /etc/murano\n"
                f"echo {encoded} | base64 -d > /etc/murano/agent.conf\n"
                "systemctl enable --now murano-agent\n")
