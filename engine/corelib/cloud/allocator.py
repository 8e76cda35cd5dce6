"""Deterministic addresses and ids for the simulated cloud: same requests, same values."""

from __future__ import annotations

import ipaddress
import uuid
from typing import Any

# Namespace of every id the simulated cloud hands out (uuid5 of kind and key).
_NAMESPACE = uuid.UUID("5b0c7c1e-1f0a-4d6e-9a57-6d7572616e6f")

FLOATING_POOL = "172.24.4.0/24"
# CIDRs handed to networks that exist "outside" the template (existing Neutron networks).
EXTERNAL_CIDR_BASE = ipaddress.ip_network("192.168.0.0/16")
# Host addresses below this offset are kept for the gateway and DHCP ports.
FIRST_HOST_OFFSET = 3


class AllocationError(Exception):
    """A pool is exhausted or a CIDR is unusable."""


class Allocator:
    """Hands out fixed IPs per network, floating IPs and ids.

    An address stays with its owner key until released; the same sequence of requests always
    gives the same addresses, and the state round-trips through :meth:`to_state`.
    """

    def __init__(self, state: dict[str, Any] | None = None) -> None:
        state = state or {}
        # network key -> {"cidr": str, "owners": {owner: ip}}
        self._networks: dict[str, dict[str, Any]] = state.get("networks", {})
        self._floating: dict[str, str] = state.get("floating", {})
        self._external: dict[str, str] = state.get("external", {})
        # per network: taken addresses (as ints) and the lowest one that may be free
        self._used: dict[str, set[int]] = {}
        self._low: dict[str, int] = {}

    @staticmethod
    def make_id(kind: str, key: str) -> str:
        """A stable UUID for an object of ``kind`` identified by ``key``."""
        return str(uuid.uuid5(_NAMESPACE, f"{kind}:{key}"))

    def external_cidr(self, network: str) -> str:
        """The CIDR of a network that is not part of any template (one /24 each, in order)."""
        if network not in self._external:
            subnets = EXTERNAL_CIDR_BASE.subnets(new_prefix=24)
            used = set(self._external.values())
            for candidate in subnets:
                if str(candidate) not in used and candidate.network_address.packed[2] >= 10:
                    self._external[network] = str(candidate)
                    break
            else:  # pragma: no cover - 246 networks
                raise AllocationError("no free CIDR left for existing networks")
        return self._external[network]

    def fixed_ip(self, network: str, cidr: str, owner: str) -> str:
        """The fixed IP of ``owner`` (e.g. a port) on ``network`` with the given CIDR."""
        try:
            net = ipaddress.ip_network(cidr, strict=False)
        except ValueError as exc:
            raise AllocationError(f"network {network!r}: invalid CIDR {cidr!r}") from exc
        entry = self._networks.setdefault(network, {"cidr": str(net), "owners": {}})
        if entry["cidr"] != str(net):
            entry["cidr"] = str(net)
            entry["owners"] = {}
            self._used.pop(network, None)
        owners = entry["owners"]
        if owner in owners:
            return owners[owner]
        used = self._used.get(network)
        if used is None:  # rebuilt from the owners after loading or a CIDR change
            used = self._used[network] = {int(ipaddress.ip_address(ip)) for ip in
                                          owners.values()}
            self._low[network] = int(net.network_address) + FIRST_HOST_OFFSET
        candidate = self._low[network]
        last = int(net.broadcast_address) - 1
        while candidate in used and candidate <= last:
            candidate += 1
        if candidate > last:
            raise AllocationError(f"network {network!r} ({net}) has no free address for "
                                  f"{owner}")
        used.add(candidate)
        self._low[network] = candidate + 1
        owners[owner] = str(ipaddress.ip_address(candidate))
        return owners[owner]

    def floating_ip(self, owner: str) -> str:
        """The floating IP of ``owner``, from the public pool."""
        if owner in self._floating:
            return self._floating[owner]
        pool = ipaddress.ip_network(FLOATING_POOL)
        used = set(self._floating.values())
        for offset in range(10, pool.num_addresses - 1):
            candidate = str(pool.network_address + offset)
            if candidate not in used:
                self._floating[owner] = candidate
                return candidate
        raise AllocationError(f"floating IP pool {FLOATING_POOL} is exhausted")

    def _free(self, network: str, owner: str) -> None:
        ip = self._networks[network]["owners"].pop(owner)
        if network in self._used:
            value = int(ipaddress.ip_address(ip))
            self._used[network].discard(value)
            self._low[network] = min(self._low[network], value)

    def release(self, owner: str) -> None:
        """Give back every address held by ``owner``."""
        self._floating.pop(owner, None)
        for network, entry in self._networks.items():
            if owner in entry["owners"]:
                self._free(network, owner)

    def release_prefix(self, prefix: str) -> None:
        """Give back every address whose owner key starts with ``prefix``."""
        for owner in [o for o in self._floating if o.startswith(prefix)]:
            del self._floating[owner]
        for network, entry in self._networks.items():
            for owner in [o for o in entry["owners"] if o.startswith(prefix)]:
                self._free(network, owner)

    def to_state(self) -> dict[str, Any]:
        """A JSON-serialisable snapshot."""
        return {"networks": self._networks, "floating": self._floating,
                "external": self._external}
