"""Helpers of the real-deployment suites (``tox -e localcloud``).

The suites that boot VMs run only when ``MURANOKIT_LOCALCLOUD_TESTS=1``; the env sets
``MURANOKIT_REQUIRE=all`` too, so that a missing prerequisite (``needs`` marks,
``tests/conftest.py``) fails them instead of skipping them. The image is the one the
``image`` env built (its path in ``MURANOKIT_SHARED_IMAGE``), else it is built here the same
way (stand-ins for the release files that cannot be downloaded).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
ENABLED = os.environ.get("MURANOKIT_LOCALCLOUD_TESTS") == "1"
NEEDS = ("root", "qemu-system-x86_64", "qemu-img", "rabbitmq-server", "socat", "mcopy",
         "mkfs.vfat", "ssh-keygen", "ss")


@dataclass
class Run:
    """A finished ``muranokit`` command."""

    code: int
    out: str
    err: str
    seconds: float


def _ctrl_c_works() -> None:
    """In the child: SIGINT back to its default. A test run started in the background
    (``cmd &``) inherits an ignored SIGINT, and Python then never raises KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Background:
    """A ``muranokit`` command running while the tests do other work (output in files)."""

    def __init__(self, folder: Path, *args: str | os.PathLike) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.out_path, self.err_path = folder / "stdout.txt", folder / "stderr.txt"
        self.started = time.monotonic()
        with open(self.out_path, "w") as out, open(self.err_path, "w") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "muranokit.tools.cli", *map(str, args)], cwd=REPO,
                stdout=out, stderr=err, stdin=subprocess.DEVNULL, text=True,
                preexec_fn=_ctrl_c_works)

    def wait(self, timeout: float = 3600) -> Run:
        code = self.proc.wait(timeout=timeout)
        return Run(code, self.out_path.read_text(), self.err_path.read_text(),
                   time.monotonic() - self.started)

    def stop(self) -> None:
        """Interrupt it (as SIGTERM would; its cloud is torn down) if it still runs."""
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=300)


def muranokit(*args: str | os.PathLike, env: dict[str, str] | None = None,
              timeout: float = 3600) -> Run:
    """Run ``muranokit ARGS`` from the repository (its packages/ are the default ones)."""
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "muranokit.tools.cli", *map(str, args)],
                          cwd=REPO, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})
    return Run(proc.returncode, proc.stdout, proc.stderr, time.monotonic() - started)


def build_image(target: Path) -> None:
    from muranokit.tools.image_standins import write_standins
    if os.geteuid() != 0:
        pytest.fail("building the image for the localcloud suites needs root")
    work = target.parent / "build"
    work.mkdir(parents=True, exist_ok=True)
    overrides = write_standins(work / "cache")
    (work / "work").mkdir(exist_ok=True)
    partial = target.with_suffix(".partial.qcow2")
    env = {**os.environ, "DIB_MURANOKIT_PINS_OVERRIDE": str(overrides),
           "DIB_MURANOKIT_OFFLINE": "1", "MURANOKIT_WORK_DIR": str(work / "work")}
    proc = subprocess.run([sys.executable, "-m", "muranokit.tools.cli", "image", "-o",
                           str(partial), "--cache", str(work / "cache")],
                          capture_output=True, text=True, env=env, timeout=3600)
    if proc.returncode:
        pytest.fail(f"the image build failed:\n{(proc.stdout + proc.stderr)[-4000:]}")
    os.replace(partial, target)


def registry_entries() -> list[dict]:
    from muranokit.tools.localcloud import registry
    return registry.entries()


def cloud_of(state: Path) -> dict:
    """The local cloud a state folder records (from its state.json)."""
    body = json.loads((state / "state.json").read_text())["body"]
    return body["cloud"].get("localcloud") or {}


def assert_nothing_left(cloud: dict, state: Path | None = None) -> None:
    """No process, disk, socket or registry entry of ``cloud`` remains."""
    from muranokit.tools.localcloud import procs
    marker = f"muranokit-lc-{cloud['id']}"
    assert procs.find(marker) == [], f"processes of {marker} are still running"
    assert procs.find(cloud["runtime"]) == [], "a switch is still running"
    assert not Path(cloud["runtime"]).exists(), "the socket folder is still there"
    assert not list(Path(cloud["folder"]).glob("vms/*/disk.qcow2")), "overlays remain"
    assert not (Path(cloud["folder"]) / "broker").exists(), "broker data remains"
    assert all(e["id"] != cloud["id"] for e in registry_entries())
    if state is not None:
        assert not (state / "localcloud").exists(), "the state folder keeps cloud files"


# epmd always adds the IPv6 loopback to the address it is given
LOOPBACK = ("127.0.0.1", "::1")


def listening(pids: set[int]) -> list[tuple[str, int]]:
    """(address, port) of every TCP or UDP socket that one of ``pids`` listens on, as
    ``ss -Hltunp`` shows them."""
    proc = subprocess.run(["ss", "-Hltunp"], capture_output=True, text=True, check=True)
    found = []
    for line in proc.stdout.splitlines():
        fields = line.split()
        owners = {int(p) for p in re.findall(r"pid=(\d+)", line)}
        if len(fields) >= 5 and owners & pids:
            host, port = fields[4].rsplit(":", 1)
            found.append((host.strip("[]").split("%")[0], int(port)))
    return sorted(set(found))


def cloud_pids(cloud: dict) -> set[int]:
    """The processes of a local cloud: what carries its marker or its socket folder."""
    from muranokit.tools.localcloud import procs
    return set(procs.find(f"muranokit-lc-{cloud['id']}") + procs.find(cloud["runtime"] + "/"))


def mem_available_mib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024
    return 0.0
