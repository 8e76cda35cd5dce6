"""One local cloud: the processes and files behind one Murano environment on this machine.

A :class:`LocalCloud` owns

- a *folder* (``STATE/localcloud`` with ``--state``, else a temporary folder) with the
  broker's data, the environment's SSH key pair, and per VM its overlay disk, config drive
  and logs; the folder and every secret file in it are private (0700 / 0600);
- a short *runtime folder* for unix sockets (segment switches, VM monitors), whose paths
  must stay under the kernel's 108-byte limit;
- the broker (started here, or an existing one given by URL), one switch per network, and
  the VMs.

It is recorded in the saved state (:meth:`to_state`) and in a registry entry (one JSON file
per cloud, see :mod:`~muranokit.tools.localcloud.registry`) so that a later command, or
``muranokit clouds``, finds and stops it. :meth:`teardown` stops every process and removes
every file but the folder's logs.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from muranokit.tools.interrupts import held_signals, say
from muranokit.tools.localcloud import broker, network, procs, registry, seed, vm
from muranokit.tools.localcloud.network import Segment

MARKER_PREFIX = "muranokit-lc-"


class LocalCloudError(Exception):
    """The local cloud cannot do what was asked (missing tool, dead VM, bad image)."""


@dataclass
class VmRecord:
    """A VM of the cloud, as the state remembers it."""

    name: str
    marker: str
    folder: str
    pid: int | None
    accel: str
    started: float
    mgmt_mac: str
    nics: list[dict[str, Any]] = field(default_factory=list)      # mac, network, address
    forwards: list[dict[str, Any]] = field(default_factory=list)  # host_port, guest_port, purpose
    monitor: str = ""                                              # QMP socket

    @property
    def path(self) -> Path:
        return Path(self.folder)

    @property
    def console_log(self) -> Path:
        return self.path / "console.log"

    @property
    def agent_log(self) -> Path:
        return self.path / "agent.log"

    def addresses(self) -> list[str]:
        return [nic["address"].split("/")[0] for nic in self.nics if nic.get("address")]

    def ssh_port(self) -> int | None:
        return next((f["host_port"] for f in self.forwards if f.get("purpose") == "ssh"), None)

    def to_state(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ServerRequest:
    """What the stack asks for one server."""

    name: str
    user_data: bytes | None
    nics: list[seed.Nic]
    networks: list[tuple[str, str]]        # (network key, network name) per NIC, in order
    key_name: str | None = None
    availability_zone: str = "nova"
    exposed_ports: list[int] = field(default_factory=list)


def runtime_root() -> Path:
    """Where socket folders go (short paths): $XDG_RUNTIME_DIR or /tmp."""
    base = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    return Path(base) / f"muranokit-{os.getuid()}"


class LocalCloud:
    """The processes and files of one environment's local cloud."""

    def __init__(self, cloud_id: str, folder: Path, runtime: Path, image: Path,
                 temporary: bool, state_dir: str | None) -> None:
        self.id = cloud_id
        self.folder = folder
        self.runtime = runtime
        self.image = image
        self.temporary = temporary
        self.state_dir = state_dir
        self.broker: broker.BrokerInfo | None = None
        self.segments: dict[str, Segment] = {}
        self.vms: dict[str, VmRecord] = {}
        self.accel: str | None = None
        self._broker_ready = False
        self._prepared = False
        self.memory_mib = int(os.environ.get("MURANOKIT_VM_MEMORY", vm.DEFAULT_MEMORY_MIB))

    # -- creation and state ----------------------------------------------------------------
    @classmethod
    def create(cls, image: Path, folder: Path | None = None, amqp_url: str | None = None,
               state_dir: str | None = None) -> LocalCloud:
        """A new, empty cloud (nothing runs yet); ``folder`` None: a temporary one."""
        if not image.is_file():
            raise LocalCloudError(f"image {image} does not exist (build it with "
                                  "`muranokit image`, or give --image FILE)")
        try:
            vm.check_tools()
        except vm.VmError as exc:
            raise LocalCloudError(str(exc)) from None
        cloud_id = secrets.token_hex(5)
        temporary = folder is None
        if folder is None:
            folder = Path(tempfile.gettempdir()) / f"muranokit-cloud-{cloud_id}"
        cloud = cls(cloud_id, folder.resolve(), runtime_root() / cloud_id, image.resolve(),
                    temporary, state_dir)
        if amqp_url:
            try:
                cloud.broker = broker.parse_url(amqp_url)
            except broker.BrokerError as exc:
                raise LocalCloudError(str(exc)) from None
        return cloud

    def _prepare(self) -> None:
        """Folders (private) and the registry entry, before the first thing starts."""
        if self._prepared:
            return
        if self.temporary:
            self.folder = Path(tempfile.mkdtemp(prefix=f"muranokit-cloud-{self.id}-"))
        for folder in (self.folder, self.runtime.parent, self.runtime):
            folder.mkdir(parents=True, exist_ok=True)
            os.chmod(folder, 0o700)
        self._prepared = True
        self._save_registry()

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> LocalCloud:
        """The cloud a saved state describes (its processes are not checked here)."""
        cloud = cls(data["id"], Path(data["folder"]), Path(data["runtime"]),
                    Path(data["image"]), bool(data.get("temporary")), data.get("state_dir"))
        if data.get("broker"):
            cloud.broker = broker.BrokerInfo.from_state(data["broker"])
        cloud.segments = {k: Segment(**v) for k, v in (data.get("segments") or {}).items()}
        cloud.vms = {k: VmRecord(**v) for k, v in (data.get("vms") or {}).items()}
        cloud.accel = data.get("accel")
        cloud.memory_mib = int(data.get("memory_mib") or cloud.memory_mib)
        cloud._prepared = True
        return cloud

    def to_state(self) -> dict[str, Any]:
        return {"id": self.id, "folder": str(self.folder), "runtime": str(self.runtime),
                "image": str(self.image), "temporary": self.temporary,
                "state_dir": self.state_dir, "accel": self.accel,
                "memory_mib": self.memory_mib,
                "broker": self.broker.to_state() if self.broker else None,
                "segments": {k: s.to_state() for k, s in sorted(self.segments.items())},
                "vms": {k: v.to_state() for k, v in sorted(self.vms.items())}}

    def summary(self) -> dict[str, Any]:
        """What the registry keeps: enough to find and stop everything."""
        return self.to_state()

    def _save_registry(self) -> None:
        if self._prepared:
            registry.record(self.summary())

    # -- the broker --------------------------------------------------------------------------
    def ensure_broker(self, wait: bool = True) -> broker.BrokerInfo:
        """The broker, started on first use; ``wait`` until it accepts logins."""
        try:
            if self.broker is None:
                self._prepare()
                try:
                    self.broker = broker.start(self.folder / "broker", MARKER_PREFIX + self.id,
                                               wait=False)
                finally:
                    self._save_registry()
            if wait and not self._broker_ready:
                broker.wait_ready(self.broker, broker.START_TIMEOUT)
                self._broker_ready = True
        except broker.BrokerError as exc:
            raise LocalCloudError(str(exc)) from None
        return self.broker

    # -- networks ----------------------------------------------------------------------------
    def ensure_segment(self, key: str, name: str) -> Segment:
        """The switch of network ``key``, started on first use."""
        segment = self.segments.get(key)
        if segment is not None and network.segment_running(segment):
            return segment
        self._prepare()
        path = self.runtime / f"net{len(self.segments)}.sock"
        try:
            segment = network.start_segment(key, name, path,
                                            self.folder / f"switch-{path.stem}.log")
        except network.NetworkError as exc:
            raise LocalCloudError(str(exc)) from None
        self.segments[key] = segment
        self._save_registry()
        return segment

    # -- keys --------------------------------------------------------------------------------
    def public_key(self) -> str:
        """The environment's SSH public key (the key pair is made on first use, 0600)."""
        private = self.folder / "id_ed25519"
        self._prepare()
        if not private.exists():
            proc = subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C",
                                   f"muranokit-{self.id}", "-f", str(private)],
                                  capture_output=True, text=True)
            if proc.returncode:
                raise LocalCloudError(f"ssh-keygen failed: {proc.stderr.strip()}")
            os.chmod(private, 0o600)
        return (self.folder / "id_ed25519.pub").read_text().strip()

    # -- VMs ---------------------------------------------------------------------------------
    def start_vm(self, request: ServerRequest, vendor_config: str | None) -> VmRecord:
        """Boot a VM for ``request`` (in the background; its agent connects when ready)."""
        if request.name in self.vms:
            self.stop_vm(request.name)
        self._prepare()
        info = self.ensure_broker(wait=False)
        if self.accel is None:
            self.accel = vm.accelerator(self.image)
        folder = self.folder / "vms" / request.name
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
        marker = f"{MARKER_PREFIX}{self.id}-{request.name}"
        mgmt_mac = vm.mac_for(self.id, request.name, "mgmt")
        nics = list(request.nics) + [seed.Nic(mgmt_mac, f"{vm.MGMT_GUEST_IP}/24", None,
                                              "muranokit-management")]
        keys = {request.key_name or "muranokit": self.public_key()}
        config_drive = seed.Seed(request.name, str(uuid.uuid4()), request.user_data, nics,
                                 keys, vendor_config, request.availability_zone)
        forwards = [vm.Forward(procs.free_port(), 22, "ssh")]
        forwards += [vm.Forward(procs.free_port(), port, "floating IP")
                     for port in request.exposed_ports if port != 22]
        sockets = []
        for nic, (key, name) in zip(request.nics, request.networks):
            sockets.append((nic.mac, Path(self.ensure_segment(key, name).socket)))
        monitor = self.runtime / f"vm{secrets.token_hex(3)}.qmp"
        spec = vm.VmSpec(request.name, marker, self.image, folder / "disk.qcow2",
                         folder / "config-drive.img", folder / "console.log",
                         folder / "agent.log", folder / "qemu.pid", monitor, sockets,
                         mgmt_mac, (info.host, info.port), forwards, self.memory_mib)
        record = VmRecord(request.name, marker, str(folder), None, self.accel, time.time(),
                          mgmt_mac,
                          [{"mac": n.mac, "network": k, "address": n.address}
                           for n, (k, _name) in zip(request.nics, request.networks)],
                          [asdict(f) for f in forwards], str(monitor))
        try:
            seed.write(config_drive, spec.seed)
            vm.create_overlay(self.image, spec.overlay)
            for log in (spec.console_log, spec.agent_log):
                log.touch(mode=0o600)
            record.pid = vm.start(spec, self.accel)
        except (seed.SeedError, vm.VmError) as exc:
            self._remove_vm_files(record)
            raise LocalCloudError(str(exc)) from None
        self.vms[request.name] = record
        self._save_registry()
        return record

    def forward(self, name: str, guest_port: int, purpose: str) -> dict[str, Any]:
        """Forward a new 127.0.0.1 port to ``guest_port`` of a running VM (once per port)."""
        record = self.vms[name]
        for known in record.forwards:
            if known["guest_port"] == guest_port:
                return known
        fwd = vm.Forward(procs.free_port(), guest_port, purpose)
        try:
            vm.add_forward(Path(record.monitor), fwd)
        except vm.VmError as exc:
            raise LocalCloudError(str(exc)) from None
        record.forwards.append(asdict(fwd))
        self._save_registry()
        return asdict(fwd)

    def vm_running(self, name: str) -> bool:
        record = self.vms.get(name)
        return record is not None and vm.running(record.pid, record.marker)

    def stop_vm(self, name: str) -> None:
        """Power a VM off and remove its disk, config drive and logs."""
        record = self.vms.pop(name, None)
        if record is None:
            return
        vm.stop(record.pid, record.marker)
        self._remove_vm_files(record)
        self._save_registry()

    def _remove_vm_files(self, record: VmRecord) -> None:
        shutil.rmtree(record.folder, ignore_errors=True)
        if record.monitor:
            Path(record.monitor).unlink(missing_ok=True)

    # -- health ------------------------------------------------------------------------------
    def problems(self) -> list[str]:
        """What should run and does not (empty when the cloud is whole)."""
        found = []
        if self.broker is not None and self.broker.managed and not broker.running(self.broker):
            found.append("the broker is not running")
        for _key, segment in sorted(self.segments.items()):
            if not network.segment_running(segment):
                found.append(f"the switch of network {segment.name} is not running")
        for name, record in sorted(self.vms.items()):
            if not vm.running(record.pid, record.marker):
                found.append(f"VM {name} is not running")
        return found

    def peak_memory(self) -> dict[str, float]:
        """Resident memory of each VM now, in MiB."""
        return {name: vm.resident_mib(r.pid) for name, r in sorted(self.vms.items())}

    # -- the end -----------------------------------------------------------------------------
    def _stop_unrecorded(self) -> None:
        """Stop what carries this cloud's marker or socket folder but was never recorded (a
        command interrupted between starting a process and writing it down)."""
        for marker in (MARKER_PREFIX + self.id, f"{self.runtime}/"):
            for pid in procs.find(marker):
                procs.stop(pid, marker, timeout=10)

    def teardown(self) -> None:
        """Stop every process, remove every disk, socket and secret; nothing stays running.
        Ctrl-C or SIGTERM arriving meanwhile waits until it is done."""
        with held_signals(lambda signum: say("stopping the local cloud first (VMs, switches, "
                                             "broker): a few seconds")):
            self._teardown()

    def _teardown(self) -> None:
        for name in list(self.vms):
            self.stop_vm(name)
        for segment in self.segments.values():
            network.stop_segment(segment)
        self.segments = {}
        if self.broker is not None:
            broker.stop(self.broker)
            if self.broker.managed and self.broker.folder:
                shutil.rmtree(self.broker.folder, ignore_errors=True)
        for secret in ("id_ed25519", "id_ed25519.pub"):
            (self.folder / secret).unlink(missing_ok=True)
        shutil.rmtree(self.folder / "vms", ignore_errors=True)
        for log in self.folder.glob("switch-*.log"):
            log.unlink()
        self._stop_unrecorded()
        shutil.rmtree(self.runtime, ignore_errors=True)
        if self.temporary:
            shutil.rmtree(self.folder, ignore_errors=True)
        elif self.folder.is_dir() and not any(self.folder.iterdir()):
            self.folder.rmdir()
        registry.forget(self.id)
