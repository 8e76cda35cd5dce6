"""One qemu VM of a local cloud: overlay disk, config drive, NICs, serial logs, process.

The VM boots a copy-on-write overlay of the image (the image itself is never written), with
the config drive as a second, read-only disk. Its NICs are:

- one per port on an environment network, joined to that network's segment socket (a
  :mod:`~muranokit.tools.localcloud.hub` switch) with the port's MAC address;
- a last, management NIC on qemu's user-mode network with ``restrict=on``: the guest cannot
  reach the host or anything beyond it, except what is forwarded explicitly: the broker (a
  guest-side address forwarded to the broker's 127.0.0.1 port) and, from the host, SSH and
  the floating-IP ports, each on a 127.0.0.1 port.

The serial port is the console log; a virtio serial port carries murano-agent's log (see
:mod:`~muranokit.tools.localcloud.guestlog`).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from muranokit.engine.files import write_file
from muranokit.tools.localcloud import guestlog, procs

QEMU = "qemu-system-x86_64"
MGMT_NET = "10.0.2.0/24"
MGMT_GUEST_IP = "10.0.2.15"         # what qemu's user network hands the guest
BROKER_GUEST_IP = "10.0.2.100"      # the broker, as the guest sees it
BROKER_GUEST_PORT = 5672
# Resident memory of a VM is at most its RAM + the TCG code cache + qemu's own (~80 MiB):
# 896 + 192 + 80 stays under the 1.2 GiB a VM may take on a 3-VM budget.
DEFAULT_MEMORY_MIB = 896
TCG_CODE_CACHE_MIB = 192
KVM_GET_API_VERSION = 0xAE00


class VmError(Exception):
    """A VM cannot be created or started."""


@dataclass
class Forward:
    """A host port on 127.0.0.1 forwarded to a guest TCP port."""

    host_port: int
    guest_port: int
    purpose: str = ""


@dataclass
class VmSpec:
    """How to run one VM (all paths absolute)."""

    name: str
    marker: str                       # unique: found in the qemu command line
    image: Path
    overlay: Path
    seed: Path
    console_log: Path
    agent_log: Path
    pid_file: Path
    monitor: Path
    nics: list[tuple[str, Path]] = field(default_factory=list)   # (MAC, segment socket)
    mgmt_mac: str = ""
    broker: tuple[str, int] | None = None                        # host-side address
    forwards: list[Forward] = field(default_factory=list)
    memory_mib: int = DEFAULT_MEMORY_MIB
    cpus: int = 1


# CPU models tried under KVM, best first; nested KVM may refuse some host MSRs.
KVM_CPU_MODELS = ("host", "host,-arch-capabilities")
_probed: dict[str, str | None] = {}


def _kvm_device_answers() -> bool:
    try:
        fd = os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        return fcntl.ioctl(fd, KVM_GET_API_VERSION) == 12
    except OSError:
        return False
    finally:
        os.close(fd)


def _cpu_starts(model: str) -> bool:
    """True if qemu creates a paused KVM vCPU of ``model`` without failing."""
    try:
        proc = subprocess.Popen([QEMU, "-accel", "kvm", "-cpu", model, "-nodefaults",
                                 "-display", "none", "-m", "64", "-S", "-serial", "none",
                                 "-monitor", "none"], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        return False
    try:
        proc.wait(timeout=2)
        return False
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return True


def kvm_cpu_model() -> str | None:
    """The CPU model KVM accepts here, or None when /dev/kvm is unusable."""
    if "kvm" not in _probed:
        model = None
        if _kvm_device_answers():
            model = next((m for m in KVM_CPU_MODELS if _cpu_starts(m)), None)
        _probed["kvm"] = model
    return _probed["kvm"]


def _boots_under_kvm(image: Path, model: str, timeout: float) -> bool:
    """True if the image's kernel reaches user space under KVM (a software KVM inside a VM
    may accept the vCPU and still never run a Linux guest)."""
    with tempfile.TemporaryDirectory(prefix="muranokit-kvm-") as folder:
        log = Path(folder) / "console.log"
        proc = subprocess.Popen(
            [QEMU, "-accel", "kvm", "-cpu", model, "-m", "512", "-nodefaults", "-display",
             "none", "-no-reboot", "-serial", f"file:{log}", "-snapshot",
             "-drive", f"file={image},if=virtio,readonly=on"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and proc.poll() is None:
                text = log.read_text(errors="replace") if log.exists() else ""
                if "Run /init" in text or "systemd[1]" in text:
                    return True
                time.sleep(0.5)
            return False
        finally:
            proc.kill()
            proc.wait()


def _cache_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "muranokit" / "accelerator.json"


def accelerator(image: Path | None = None, probe_timeout: float = 40.0) -> str:
    """``kvm`` when it runs this machine's guests, else ``tcg`` (bounded code cache).

    ``MURANOKIT_ACCEL=tcg`` or ``kvm`` decides without probing. Otherwise the answer is
    probed once per host kernel and qemu version (booting ``image`` under KVM) and cached.
    """
    forced = os.environ.get("MURANOKIT_ACCEL", "").lower()
    if forced in ("tcg", "kvm"):
        return forced
    model = kvm_cpu_model()
    if model is None:
        return "tcg"
    key = f"{os.uname().release} {_qemu_version()} {model}"
    cache = _cache_file()
    try:
        known = json.loads(cache.read_text())
    except (OSError, ValueError):
        known = {}
    if key not in known:
        if image is None:
            return "tcg"
        known[key] = "kvm" if _boots_under_kvm(image, model, probe_timeout) else "tcg"
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            write_file(cache, json.dumps(known, indent=1), sync=False)
        except OSError:
            pass
    return known[key]


def _qemu_version() -> str:
    try:
        out = subprocess.run([QEMU, "--version"], capture_output=True, text=True).stdout
    except OSError:
        return "?"
    return out.splitlines()[0] if out else "?"


def mac_for(*parts: str) -> str:
    """A stable, locally administered MAC address from ``parts``."""
    digest = hashlib.sha256("/".join(parts).encode()).digest()
    return "52:54:00:" + ":".join(f"{b:02x}" for b in digest[:3])


def check_tools() -> None:
    """Refuse early, naming the Debian package, when a tool is missing."""
    for tool, package in ((QEMU, "qemu-system-x86"), ("qemu-img", "qemu-utils"),
                          ("socat", "socat")):
        if not shutil.which(tool):
            raise VmError(f"{tool} is missing (Debian package {package})")


def create_overlay(image: Path, overlay: Path) -> None:
    """A qcow2 overlay of ``image`` (which stays untouched)."""
    proc = subprocess.run(["qemu-img", "info", "--output=json", str(image)],
                          capture_output=True, text=True)
    if proc.returncode:
        raise VmError(f"{image}: not a usable disk image: {proc.stderr.strip()[-300:]}")
    fmt = "qcow2" if '"format": "qcow2"' in proc.stdout else "raw"
    proc = subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-F", fmt, "-b",
                           str(image), str(overlay)], capture_output=True, text=True)
    if proc.returncode:
        raise VmError(f"cannot create the overlay {overlay}: {proc.stderr.strip()[-300:]}")
    os.chmod(overlay, 0o600)


def _user_netdev(spec: VmSpec) -> str:
    options = ["user", "id=mgmt", "restrict=on", f"net={MGMT_NET}", "ipv6=off",
               f"hostname={spec.name}"]
    if spec.broker:
        host, port = spec.broker
        # each guest connection runs one socat that joins it to the broker
        options.append(f"guestfwd=tcp:{BROKER_GUEST_IP}:{BROKER_GUEST_PORT}"
                       f"-cmd:socat STDIO TCP:{host}:{port}")
    for fwd in spec.forwards:
        options.append(f"hostfwd=tcp:127.0.0.1:{fwd.host_port}-:{fwd.guest_port}")
    return ",".join(options)


def qemu_argv(spec: VmSpec, accel: str) -> list[str]:
    """The qemu command line for ``spec``."""
    argv = [QEMU, "-name", f"{spec.marker},process={spec.marker}", "-nodefaults",
            "-no-user-config", "-display", "none", "-daemonize",
            "-pidfile", str(spec.pid_file), "-m", str(spec.memory_mib),
            "-qmp", f"unix:{spec.monitor},server=on,wait=off",
            "-smp", str(spec.cpus)]
    if accel == "kvm":
        argv += ["-accel", "kvm", "-cpu", kvm_cpu_model() or "host"]
    else:
        argv += ["-accel", f"tcg,tb-size={TCG_CODE_CACHE_MIB}"]
    argv += ["-drive", f"file={spec.overlay},format=qcow2,if=virtio,cache=unsafe,discard=unmap",
             "-drive", f"file={spec.seed},format=raw,if=virtio,readonly=on",
             "-serial", f"file:{spec.console_log}",
             "-device", "virtio-serial-pci",
             "-chardev", f"file,id=agentlog,path={spec.agent_log}",
             "-device", f"virtserialport,chardev=agentlog,name={guestlog.PORT_NAME}",
             "-device", "virtio-rng-pci"]
    for index, (mac, socket_path) in enumerate(spec.nics):
        argv += ["-netdev", f"stream,id=net{index},server=off,addr.type=unix,"
                            f"addr.path={socket_path}",
                 "-device", f"virtio-net-pci,netdev=net{index},mac={mac}"]
    argv += ["-netdev", _user_netdev(spec),
             "-device", f"virtio-net-pci,netdev=mgmt,mac={spec.mgmt_mac}"]
    return argv


def start(spec: VmSpec, accel: str) -> int:
    """Start the VM in the background; returns qemu's process id."""
    argv = qemu_argv(spec, accel)
    proc = subprocess.run(argv, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          start_new_session=True)
    if proc.returncode:
        raise VmError(f"qemu could not start {spec.name}: "
                      f"{(proc.stderr or proc.stdout).strip()[-600:]}")
    try:
        return int(spec.pid_file.read_text().strip())
    except (OSError, ValueError) as exc:
        raise VmError(f"qemu started {spec.name} but wrote no process id: {exc}") from exc


def monitor_command(monitor: Path, command: str, timeout: float = 10.0) -> str:
    """Run one human-monitor command through the VM's QMP socket; returns its output."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect(str(monitor))
            reader = sock.makefile("r", encoding="utf-8")
            json.loads(reader.readline())                       # greeting
            for request in ({"execute": "qmp_capabilities"},
                            {"execute": "human-monitor-command",
                             "arguments": {"command-line": command}}):
                sock.sendall(json.dumps(request).encode() + b"\n")
                while True:
                    answer = json.loads(reader.readline())
                    if "return" in answer or "error" in answer:
                        break
                if "error" in answer:
                    raise VmError(f"qemu refused {command!r}: {answer['error']}")
        except (OSError, ValueError) as exc:
            raise VmError(f"cannot reach the VM's monitor {monitor}: {exc}") from exc
    return str(answer.get("return") or "")


def add_forward(monitor: Path, forward: Forward) -> None:
    """Add a host port forward to a running VM's management network."""
    out = monitor_command(monitor, f"hostfwd_add mgmt tcp:127.0.0.1:{forward.host_port}"
                                   f"-:{forward.guest_port}")
    if out.strip():
        raise VmError(f"qemu could not forward 127.0.0.1:{forward.host_port}: {out.strip()}")


def running(pid: int | None, marker: str) -> bool:
    return procs.carries(pid, marker)


def stop(pid: int | None, marker: str) -> None:
    """Power the VM off (its disk is thrown away, so no clean shutdown is needed)."""
    procs.stop(pid, marker, timeout=10, group=False)


def resident_mib(pid: int | None) -> float:
    """Resident memory of a process in MiB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0
