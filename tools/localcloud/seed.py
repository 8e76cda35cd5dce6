"""The config drive a VM boots with: what Nova would hand the server, as cloud-init reads it.

An OpenStack config drive is a small file system labelled ``config-2`` holding
``openstack/latest/{meta_data,network_data,vendor_data}.json`` and ``user_data``. The image
lists ``ConfigDrive`` first among its cloud-init datasources, so a VM booted here finds its
user data (written by the core library exactly as for a real cloud), its SSH key, host name
and fixed IPs the same way it would on OpenStack. The host kernel may lack vfat, so the file
system is made with ``mkfs.vfat`` and filled with ``mcopy`` (mtools), never mounted.
"""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from muranokit.engine.files import write_file

SIZE_KIB = 4096
LABEL = "config-2"


class SeedError(Exception):
    """The config drive cannot be written."""


@dataclass
class Nic:
    """One network interface of a VM: its MAC and, on an environment network, its address."""

    mac: str
    address: str | None = None      # "10.0.0.4/24"; None: no address (unused link)
    gateway: str | None = None
    name: str = ""                  # the Neutron network's name, for people


@dataclass
class Seed:
    """Everything the config drive carries for one server."""

    name: str
    uuid: str
    user_data: bytes | None
    nics: list[Nic] = field(default_factory=list)
    public_keys: dict[str, str] = field(default_factory=dict)
    vendor_config: str | None = None       # a #cloud-config the cloud adds (vendor data)
    availability_zone: str = "nova"

    def meta_data(self) -> dict[str, Any]:
        return {"uuid": self.uuid, "name": self.name, "hostname": self.name,
                "launch_index": 0, "availability_zone": self.availability_zone,
                "public_keys": dict(self.public_keys),
                "keys": [{"name": k, "type": "ssh", "data": v}
                         for k, v in sorted(self.public_keys.items())],
                "meta": {}, "files": [], "project_id": "muranokit"}

    def network_data(self) -> dict[str, Any]:
        links, networks = [], []
        for index, nic in enumerate(self.nics):
            link = f"tap{index}"
            links.append({"id": link, "type": "phy", "ethernet_mac_address": nic.mac,
                          "mtu": 1500, "vif_id": f"{self.uuid}-{index}"})
            if not nic.address:
                continue
            iface = ipaddress.ip_interface(nic.address)
            routes = []
            if nic.gateway:
                routes.append({"network": "0.0.0.0", "netmask": "0.0.0.0",
                               "gateway": nic.gateway})
            networks.append({"id": f"network{index}", "type": "ipv4", "link": link,
                             "ip_address": str(iface.ip), "netmask": str(iface.netmask),
                             "routes": routes, "network_id": nic.name or link})
        return {"links": links, "networks": networks, "services": []}


def write(seed: Seed, path: Path) -> None:
    """Write ``seed`` as a vfat config drive at ``path`` (mode 0600: it holds secrets)."""
    for tool in ("mkfs.vfat", "mcopy", "mmd"):
        if not shutil.which(tool):
            raise SeedError(f"{tool} is missing (Debian packages dosfstools and mtools)")
    staging = Path(tempfile.mkdtemp(prefix="seed-", dir=path.parent))
    try:
        latest = staging / "openstack" / "latest"
        latest.mkdir(parents=True)
        vendor = {"cloud-init": seed.vendor_config} if seed.vendor_config else {}
        members = {"meta_data.json": json.dumps(seed.meta_data(), indent=1),
                   "network_data.json": json.dumps(seed.network_data(), indent=1),
                   "vendor_data.json": json.dumps(vendor)}
        if seed.user_data is not None:
            members["user_data"] = seed.user_data
        for name, data in members.items():
            write_file(latest / name, data, mode=0o600, sync=False)
        partial = path.with_suffix(".partial")
        if partial.exists():
            partial.unlink()
        _run(["mkfs.vfat", "-n", LABEL.upper(), "-C", str(partial), str(SIZE_KIB)])
        os.chmod(partial, 0o600)  # before anything secret is copied in
        env = {**os.environ, "MTOOLS_SKIP_CHECK": "1"}
        _run(["mmd", "-i", str(partial), "::openstack", "::openstack/latest"], env)
        for item in sorted(latest.iterdir()):
            _run(["mcopy", "-i", str(partial), str(item), f"::openstack/latest/{item.name}"],
                 env)
        os.replace(partial, path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _run(argv: list[str], env: dict[str, str] | None = None) -> None:
    proc = subprocess.run(argv, capture_output=True, text=True, env=env)
    if proc.returncode:
        raise SeedError(f"{argv[0]} failed: {(proc.stderr or proc.stdout).strip()[-500:]}")
