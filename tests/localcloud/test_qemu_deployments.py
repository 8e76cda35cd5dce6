"""Real deployments on local qemu VMs (``--cloud qemu``), as ``tox -e localcloud`` runs them.

1. A test package whose plans do real work deploys on 2 VMs; a plan that exits non-zero
   fails the next command with its stderr, and leaves nothing running; what the running
   cloud listens on is on loopback only. Ctrl-C while VMs start leaves nothing either.
2. The Kubernetes cluster (1 master, 1 minion, 1 gateway) deploys on 3 VMs with a probe
   application that lists the etcd members and runs a Docker container on every node;
   ``scaleNodesUp`` adds a VM and its etcd member; deleting the environment leaves no
   process, disk or socket, and the memory comes back.

Minutes of VM time: only with MURANOKIT_LOCALCLOUD_TESTS=1 (tox -e localcloud, where a missing
prerequisite fails the tests).
"""

from __future__ import annotations

import json
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from localcloud_support import (
    ENABLED,
    HERE,
    LOOPBACK,
    NEEDS,
    Background,
    Run,
    assert_nothing_left,
    cloud_of,
    cloud_pids,
    listening,
    mem_available_mib,
    muranokit,
    registry_entries,
)

pytestmark = [
    pytest.mark.skipif(not ENABLED, reason="boots VMs: run in tox -e localcloud "
                                           "(MURANOKIT_LOCALCLOUD_TESTS=1)"),
    pytest.mark.needs(*NEEDS),
]

PROBE = HERE / "packages" / "LocalProbe"
CLUSTER_PROBE = HERE / "packages" / "ClusterProbe"
PROBE_APP = "5f0c2a7e9d4b4e56a1c3b8d2e6f70a13"
CLUSTER = "6a1f0d3c2b4e4f5a9c8d7e6f5a4b3c23"
CLUSTER_PROBE_APP = "6a1f0d3c2b4e4f5a9c8d7e6f5a4b3c24"
MAX_RESIDENT_MIB = 1.2 * 1024


def plans(report_json: str) -> list[dict]:
    events = [json.loads(line) for line in report_json.splitlines() if line.strip()]
    return [e for e in events if e.get("kind") == "agent_plan"]


def check_plans_ran(found: list[dict], vms: set[str]) -> None:
    """Every plan ran on one of ``vms``, with exit codes, a duration and its output."""
    assert found, "no execution plan ran"
    for plan in found:
        run = plan["run"]
        assert run["vm"] in vms and run["addresses"], plan["name"]
        assert run.get("scripts"), f"no script record for {plan['name']}"
        assert isinstance(run.get("duration"), (int, float)), plan["name"]
        if plan["status"] == "ok":
            assert all(s["exitCode"] == 0 for s in run["scripts"]), plan["name"]


@pytest.fixture(scope="module")
def kubernetes(image: Path, tmp_path_factory) -> Iterator[tuple[Background, Path, float]]:
    """The Kubernetes deployment, started first and left running in the background while the
    probe test runs (5 VMs at once: what one waits for, the other computes meanwhile)."""
    folder = tmp_path_factory.mktemp("k8s")
    state = folder / "k8s-state"
    memory = mem_available_mib()
    deploy = Background(folder, "deploy", HERE / "kubernetes-model.json", "-p", CLUSTER_PROBE,
                        "--cloud", "qemu", "--image", image, "--state", state)
    try:
        yield deploy, state, memory
    finally:
        deploy.stop()


def test_probe_package_on_two_vms_then_a_failing_step(image: Path, tmp_path: Path,
                                                       kubernetes) -> None:
    state = tmp_path / "probe-state"
    report = tmp_path / "probe.jsonl"
    deployed = muranokit("deploy", HERE / "probe-model.json", "-p", PROBE, "--cloud", "qemu",
                         "--image", image, "--state", state, "--report", "json", "-o", report)
    print(f"\nprobe deploy on 2 VMs: {deployed.seconds:.0f} s")
    assert deployed.code == 0, deployed.err[-3000:]
    text = report.read_text()
    found = plans(text)
    check_plans_ran(found, {"probe-server", "probe-client"})
    assert {p["name"] for p in found} >= {"Write the probe file", "Fetch the probe file from "
                                          "the server VM", "What the guest can reach"}
    assert "All probe checks passed" in text
    reach = next(p for p in found if p["name"] == "What the guest can reach")
    assert reach["result"] == {"broker": True, "host": False, "outside": False}

    cloud = cloud_of(state)
    password = cloud["broker"]["password"]
    assert password not in text, "the broker password leaked into the report"
    assert "password = ***" in text
    for secret in (state / "localcloud" / "id_ed25519", state / "localcloud" / "broker"):
        assert secret.stat().st_mode & 0o077 == 0, secret
    listed = muranokit("clouds")
    assert cloud["id"] in listed.out and "probe-server (running" in listed.out
    sockets = listening(cloud_pids(cloud))
    print(f"listening sockets of the cloud: {sockets}")
    assert ("127.0.0.1", cloud["broker"]["port"]) in sockets
    ssh = [f["host_port"] for r in cloud["vms"].values() for f in r["forwards"]]
    assert {("127.0.0.1", port) for port in ssh} <= set(sockets)
    assert all(host in LOOPBACK for host, _port in sockets), sockets

    failed = muranokit("action", "--state", state, PROBE_APP, "failStep")
    print(f"failing action: {failed.seconds:.0f} s")
    assert failed.code == 1, failed.err
    assert "probe: deliberate failure (exit 7)" in failed.err
    assert "exit code 7" in failed.out and "fail.sh" in failed.out
    assert "probe: deliberate failure (exit 7)" in failed.out      # its stderr, in the report
    assert "was stopped and removed (the command failed)" in failed.err
    assert_nothing_left(cloud, state)
    assert json.loads((state / "state.json").read_text())["body"]["model"]["Objects"] is None


def test_ctrl_c_while_the_vms_start_leaves_nothing(image: Path, tmp_path: Path,
                                                   kubernetes) -> None:
    """Ctrl-C once the broker and the first VM run: every process, disk and socket goes."""
    state = tmp_path / "interrupted"
    deploy = Background(tmp_path, "deploy", HERE / "probe-model.json", "-p", PROBE, "--cloud",
                        "qemu", "--image", image, "--state", state)
    try:
        cloud = _wait_for_a_vm(deploy, state)
        assert cloud_pids(cloud), "nothing of the cloud runs"
        deploy.proc.send_signal(signal.SIGINT)
        done: Run = deploy.wait(timeout=300)
    finally:
        deploy.stop()
    assert done.code == 130, done.err[-2000:]
    assert "interrupted" in done.err
    assert_nothing_left(cloud)
    assert not cloud_pids(cloud)
    assert not state.exists() or not (state / "localcloud").exists()


def _wait_for_a_vm(deploy: Background, state: Path, timeout: float = 600) -> dict:
    """The registry entry of ``deploy``'s cloud once a VM of it runs."""
    from muranokit.tools.localcloud import vm
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert deploy.proc.poll() is None, "the deployment ended before any VM started"
        for entry in registry_entries():
            if entry.get("state_dir") == str(state.resolve()) and any(
                    vm.running(r["pid"], r["marker"]) for r in entry["vms"].values()):
                return entry
        time.sleep(0.5)
    raise AssertionError("no VM started")


def resident_mib(cloud: dict) -> dict[str, float]:
    from muranokit.tools.localcloud import vm
    return {name: vm.resident_mib(record["pid"]) for name, record in cloud["vms"].items()}


def test_kubernetes_cluster_scales_and_is_deleted(kubernetes) -> None:
    deploy, state, before = kubernetes
    deployed = deploy.wait()
    print(f"\nKubernetes cluster on 3 VMs: {deployed.seconds:.0f} s (started with the probe)")
    assert deployed.code == 0, deployed.out[-4000:] + deployed.err[-3000:]
    out = deployed.out
    assert "etcd has 3 started members - murano-kube-1, murano-kube-2, murano-gateway-1" in out
    members = re.findall(r"\| [0-9a-f]+, started, (murano-[\w-]+), http://10\.0\.\d+\.\d+:2380",
                         out)
    assert sorted(set(members)) == ["murano-gateway-1", "murano-kube-1", "murano-kube-2"]
    for node in ("murano-kube-1", "murano-kube-2", "murano-gateway-1"):
        assert f"{node} says hello from a container on {node}" in out
    assert "calls stand-ins of a test image: " in out      # Kubernetes itself is stand-ins
    assert "Kubernetes cluster local is up" in out

    cloud = cloud_of(state)
    memory = resident_mib(cloud)
    print("resident memory per VM (MiB): " + ", ".join(f"{k} {v:.0f}"
                                                       for k, v in memory.items()))
    assert len(memory) == 3 and all(0 < v <= MAX_RESIDENT_MIB for v in memory.values())

    scaled = muranokit("action", "--state", state, CLUSTER, "scaleNodesUp")
    print(f"scaleNodesUp: {scaled.seconds:.0f} s")
    assert scaled.code == 0, scaled.out[-4000:] + scaled.err[-3000:]
    assert "murano-kube-3: qemu VM started" in scaled.out
    checked = muranokit("action", "--state", state, CLUSTER_PROBE_APP, "check")
    assert checked.code == 0, checked.out[-4000:] + checked.err[-3000:]
    assert ("etcd has 4 started members - murano-kube-1, murano-kube-2, murano-kube-3, "
            "murano-gateway-1") in checked.out
    assert "murano-kube-3 says hello from a container on murano-kube-3" in checked.out
    cloud = cloud_of(state)
    assert len(resident_mib(cloud)) == 4
    running = mem_available_mib()

    deleted = muranokit("deploy", HERE / "delete-environment.json", "--state", state)
    print(f"delete: {deleted.seconds:.0f} s")
    assert deleted.code == 0, deleted.err[-3000:]
    assert_nothing_left(cloud, state)
    after = mem_available_mib()
    print(f"MemAvailable (MiB): before {before:.0f}, with 4 VMs {running:.0f}, "
          f"after delete {after:.0f}")
    assert after - running > 4 * 512, "the VMs' memory did not come back"
    assert all(e["id"] != cloud["id"] for e in registry_entries())

