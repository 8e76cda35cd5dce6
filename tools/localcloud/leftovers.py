"""Finding and removing local clouds on this machine: recorded ones and stray processes.

Every cloud is recorded in the registry while it exists; every process it starts carries
its marker (``muranokit-lc-<id>`` in the command line or environment, or its socket folder
in the command line). :func:`survey` lists recorded clouds with what of them still runs,
and processes that carry a marker of no recorded cloud; :func:`remove` tears a cloud down.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from muranokit.tools.localcloud import procs, registry
from muranokit.tools.localcloud.lifecycle import MARKER_PREFIX, LocalCloud, runtime_root

_ID = re.compile(re.escape(MARKER_PREFIX) + r"([0-9a-f]{10})")


@dataclass
class CloudStatus:
    """One local cloud as found on this machine."""

    id: str
    state_dir: str | None
    vms: dict[str, bool] = field(default_factory=dict)       # name -> running
    broker: bool | None = None                               # None: an existing broker
    switches: int = 0
    memory_mib: dict[str, float] = field(default_factory=dict)
    recorded: bool = True
    pids: list[int] = field(default_factory=list)            # unrecorded: its processes

    @property
    def running(self) -> bool:
        return any(self.vms.values()) or bool(self.broker) or bool(self.switches) \
            or bool(self.pids)


def _status(entry: dict[str, Any]) -> CloudStatus:
    cloud = LocalCloud.from_state(entry)
    status = CloudStatus(cloud.id, cloud.state_dir)
    for name in sorted(cloud.vms):
        status.vms[name] = cloud.vm_running(name)
    status.memory_mib = {k: round(v) for k, v in cloud.peak_memory().items() if v}
    if cloud.broker is not None and cloud.broker.managed:
        from muranokit.tools.localcloud import broker
        status.broker = broker.running(cloud.broker)
    from muranokit.tools.localcloud import network
    status.switches = sum(network.segment_running(s) for s in cloud.segments.values())
    return status


def _stray_ids(recorded: set[str]) -> dict[str, list[int]]:
    """Cloud id -> processes carrying its marker, for clouds nobody recorded."""
    found: dict[str, list[int]] = {}
    sockets = str(runtime_root()) + "/"
    for pid in procs.find(MARKER_PREFIX) + procs.find(sockets):
        text = procs.describe(pid)
        match = _ID.search(text) or re.search(re.escape(sockets) + r"([0-9a-f]{10})/", text)
        if match and match.group(1) not in recorded:
            found.setdefault(match.group(1), [])
            if pid not in found[match.group(1)]:
                found[match.group(1)].append(pid)
    return found


def survey() -> list[CloudStatus]:
    """Every local cloud this machine has: recorded ones first, then stray processes."""
    entries = registry.entries()
    result = [_status(entry) for entry in entries]
    for cloud_id, pids in sorted(_stray_ids({e["id"] for e in entries}).items()):
        result.append(CloudStatus(cloud_id, None, recorded=False, pids=sorted(pids)))
    return result


@contextlib.contextmanager
def _state_lock(state_dir: str | None) -> Iterator[None]:
    """The lock of the cloud's state folder, when it has one: a command working on the
    environment right now is not pulled from under it (InputError names it)."""
    if not state_dir or not os.path.isdir(state_dir):
        yield
        return
    from muranokit.tools.state import StateLock
    with StateLock(state_dir, wait=0):
        yield


def remove(cloud_id: str) -> bool:
    """Stop and remove one cloud (recorded or stray); False when there is no such cloud.
    A recorded cloud whose state folder another command is using is refused
    (:class:`~muranokit.tools.exceptions.InputError`)."""
    for entry in registry.entries():
        if entry["id"] == cloud_id:
            with _state_lock(entry.get("state_dir")):
                LocalCloud.from_state(entry).teardown()
            return True
    strays = _stray_ids(set()).get(cloud_id)
    if not strays:
        return False
    for pid in strays:
        procs.stop(pid, cloud_id)
    folder = runtime_root() / cloud_id
    if folder.is_dir():
        for path in folder.iterdir():
            path.unlink(missing_ok=True)
        folder.rmdir()
    return True


__all__ = ["CloudStatus", "remove", "survey"]
