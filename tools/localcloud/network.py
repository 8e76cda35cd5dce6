"""Environment networks as loopback-only L2 segments, and floating IPs as 127.0.0.1 ports.

Each Neutron network of the stack that has VMs on it becomes one segment: a
:mod:`~muranokit.tools.localcloud.hub` switch process listening on a unix socket (mode 0600)
that the VMs' NICs on that network connect to. A floating IP becomes, for each TCP port the
VM's security group opens to the outside, a forward from a free port on 127.0.0.1 to that
port of the VM.
"""

from __future__ import annotations

import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from muranokit.tools.localcloud import procs

MAX_FORWARDED_RANGE = 16   # a security-group port range larger than this is not forwarded


class NetworkError(Exception):
    """A segment cannot be started."""


@dataclass
class Segment:
    """One running segment switch."""

    network: str          # the Neutron network's key (stack/resource)
    name: str             # its name, for people
    socket: str
    pid: int | None = None

    def to_state(self) -> dict[str, Any]:
        return asdict(self)


def start_segment(network: str, name: str, socket_path: Path, log: Path,
                  timeout: float = 10.0) -> Segment:
    """Start a switch for one network; returns once its socket accepts connections."""
    if socket_path.exists():
        socket_path.unlink()
    proc = procs.spawn([sys.executable, "-m", "muranokit.tools.localcloud.hub",
                        str(socket_path)], log)
    deadline = time.monotonic() + timeout
    while not socket_path.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            procs.stop(proc.pid, str(socket_path))
            raise NetworkError(f"the switch for network {name} did not start "
                               f"(see {log})")
        time.sleep(0.05)
    return Segment(network, name, str(socket_path), proc.pid)


def segment_running(segment: Segment) -> bool:
    return procs.carries(segment.pid, segment.socket)


def stop_segment(segment: Segment) -> None:
    procs.stop(segment.pid, segment.socket, timeout=5)
    Path(segment.socket).unlink(missing_ok=True)


def exposed_ports(rules: list[dict[str, Any]]) -> tuple[list[int], list[str]]:
    """TCP ports a floating IP forwards (external ingress rules of the VM's security group)
    and, for people, the rules that are not forwarded (other protocols, wide ranges)."""
    ports: set[int] = set()
    skipped: list[str] = []
    for rule in rules:
        if not isinstance(rule, dict) or not rule.get("External", True):
            continue
        protocol = str(rule.get("IpProtocol", "tcp")).lower()
        low, high = rule.get("FromPort"), rule.get("ToPort", rule.get("FromPort"))
        if protocol != "tcp" or not isinstance(low, int) or not isinstance(high, int):
            skipped.append(f"{protocol} {low}-{high}")
            continue
        if high - low + 1 > MAX_FORWARDED_RANGE:
            skipped.append(f"tcp {low}-{high} (range too wide to forward)")
            continue
        ports.update(range(max(1, low), min(65535, high) + 1))
    return sorted(ports), skipped
