"""io.murano.resources networks: the Python halves of NeutronNetwork and ExistingNeutronNetwork."""

from __future__ import annotations

from typing import Any

from muranokit.engine.corelib.cloud.templates import (
    join_fragment,
    network_fragment,
    network_names,
    remove_from_template,
)
from muranokit.engine.corelib.native.support import call, cloud_of, stack_of
from muranokit.engine.native import native_class


def _fip_network(ctx: Any, assign: bool, explicit: str | None = None) -> str | None:
    if not assign:
        return None
    return explicit or cloud_of(ctx).external_network()


@native_class("io.murano.resources.NeutronNetwork")
class NeutronNetwork:
    """Creates the network, subnet and router interface once, then joins instances to it."""

    def __init__(self, ctx, name: str, externalRouterId: str | None = None,
                 autoUplink: bool = True, autogenerateSubnet: bool = True,
                 subnetCidr: str | None = None, dnsNameservers: list | None = None) -> None:
        self.ctx = ctx

    def _prop(self, name: str) -> Any:
        return self.ctx.this.get_property(name)

    def deployResources(self) -> dict:
        """Create the network in the stack (first time only); returns the Out values."""
        info = self.ctx.get_attr("network")
        if info:
            return info
        cloud = cloud_of(self.ctx)
        net_id = self.ctx.this.id
        router = self._prop("externalRouterId")
        if not router and self._prop("autoUplink"):
            router = cloud.default_router()
        cidr = self._prop("subnetCidr")
        if not cidr and self._prop("autogenerateSubnet"):
            cidr = cloud.available_cidr(router or "", net_id)
        dns = list(self._prop("dnsNameservers") or [])
        name = self._prop("name")
        stack = stack_of(self.ctx)
        call(self.ctx, stack, "updateTemplate",
                              network_fragment(net_id, name, cidr, router, dns))
        call(self.ctx, stack, "push")
        outputs = call(self.ctx, stack, "output")
        info = {"openstackId": outputs.get(network_names(net_id, name)["id_output"]),
                "subnetCidr": cidr, "externalRouterId": router, "dnsNameservers": dns}
        self.ctx.set_attr("network", info)
        return info

    def joinInstance(self, instance: Any, securityGroupName: str | None = None,
                     assignFloatingIp: bool = False, sharedIps: Any = None,
                     securityGroups: Any = None) -> dict:
        call(self.ctx, self.ctx.this, "deploy")
        info = self.ctx.get_attr("network") or {}
        names = network_names(self.ctx.this.id, self._prop("name"))
        router = info.get("externalRouterId")
        return join_fragment(
            instance.get_property("name"), self.ctx.this.id,
            {"get_resource": names["net"]}, {"get_resource": names["subnet"]},
            securityGroupName, _fip_network(self.ctx, assignFloatingIp),
            [names["router_interface"]] if router else None)

    def releaseNative(self) -> None:
        """Remove the network from the stack (when the network object is destroyed)."""
        names = network_names(self.ctx.this.id, self._prop("name"))
        stack = stack_of(self.ctx)
        template, removed = remove_from_template(
            call(self.ctx, stack, "current"),
            [names["net"], names["subnet"], names["router_interface"]], [names["id_output"]])
        if removed:
            call(self.ctx, stack, "setTemplate", template)
            call(self.ctx, stack, "push")
        self.ctx.set_attr("network", None)

    def describe(self) -> dict:
        call(self.ctx, self.ctx.this, "deploy")
        info = self.ctx.get_attr("network") or {}
        return {"provider": "Neutron", "netName": self._prop("name"),
                "netId": info.get("openstackId"), "cidr": info.get("subnetCidr"),
                "dns": info.get("dnsNameservers"),
                "floatingIpNetId": cloud_of(self.ctx).external_network()}


@native_class("io.murano.resources.ExistingNeutronNetwork")
class ExistingNeutronNetwork:
    """A network made outside the environment: instances get ports on it."""

    def __init__(self, ctx, internalNetworkName: str,
                 internalSubnetworkName: str | None = None,
                 externalNetworkName: str | None = None) -> None:
        self.ctx = ctx
        self.network = internalNetworkName
        self.subnet = internalSubnetworkName
        self.external = externalNetworkName

    def joinInstance(self, instance: Any, securityGroupName: str | None = None,
                     assignFloatingIp: bool = False, sharedIps: Any = None,
                     securityGroups: Any = None) -> dict:
        return join_fragment(instance.get_property("name"), self.ctx.this.id, self.network,
                             self.subnet, securityGroupName,
                             _fip_network(self.ctx, assignFloatingIp, self.external))

    def describe(self) -> dict:
        return {"provider": "Neutron", "netName": self.network, "netId": self.network,
                "subnetId": self.subnet,
                "floatingIpNetId": self.external or cloud_of(self.ctx).external_network()}
