"""The image's units started with the configuration the cluster scripts write, on the
stand-in binaries: each accepts exactly the flags of its pinned release, so a unit or
script that drifts from the release fails here."""

from __future__ import annotations

from pathlib import Path

import pytest
from chroot_support import (
    in_root,
    install_static_units,
    needs_chroot,
    run_phase_script,
    stage_element,
    stage_files,
    starting_systemctl,
    stub_command,
    stub_systemctl,
    systemctl,
)

from muranokit.tools import image_pins, script_flags
from muranokit.tools.image import REPO_ELEMENTS

pytestmark = needs_chroot
SCRIPTS = REPO_ELEMENTS.parent / "packages" / "KubernetesCluster" / "Resources" / "scripts"


def pinned(prefix: str) -> str:
    (name,) = [p.name for p in image_pins.read_pins(REPO_ELEMENTS) if p.name.startswith(prefix)]
    return name


def write_defaults(root: Path, script: str) -> list[str]:
    """/etc/default/<unit> as ``script`` writes it (evaluated with placeholder values)."""
    files, _ = script_flags.evaluate(SCRIPTS / script)
    for unit, text in files.items():
        target = in_root(root, f"/etc/default/{unit}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return sorted(files)


def install(root: Path, element: str, files: list[str]) -> None:
    stage_element(root, element)
    stage_files(root, files)
    stub_systemctl(root)
    done = run_phase_script(root, f"install.d/60-{element}",
                            {"DIB_MURANOKIT_ETCD_SOURCE": "binary"})
    assert done.returncode == 0, done.stderr
    install_static_units(root, element)
    starting_systemctl(root)


def test_kubernetes_units_start_with_the_scripts_configuration(chroot: Path) -> None:
    install(chroot, "muranokit-kubernetes", [pinned("kubernetes-server-")])
    started = write_defaults(chroot, "kube-master-setup.sh") + \
        write_defaults(chroot, "kube-node-setup.sh")
    assert sorted(started) == ["kube-apiserver", "kube-controller-manager", "kube-proxy",
                               "kube-scheduler", "kubelet"]
    for unit in started:
        done = systemctl(chroot, "restart", f"{unit}.service")
        assert done.returncode == 0, (unit, done.stderr)
    calls = in_root(chroot, "/var/log/systemctl-calls").read_text()
    assert calls.count("restart") == 5


def test_a_drifted_configuration_stops_the_unit_like_the_release(chroot: Path) -> None:
    install(chroot, "muranokit-kubernetes", [pinned("kubernetes-server-")])
    write_defaults(chroot, "kube-master-setup.sh")
    defaults = in_root(chroot, "/etc/default/kube-apiserver")
    defaults.write_text(defaults.read_text().rstrip("\n")
                        + " --insecure-bind-address=0.0.0.0 --insecure-port=8080\n")
    done = systemctl(chroot, "restart", "kube-apiserver.service")
    assert done.returncode == 1
    assert "Error: invalid port value 8080: only zero is allowed" in done.stderr
    assert "Job for kube-apiserver.service failed." in done.stderr
    write_defaults(chroot, "kube-node-setup.sh")
    kubelet = in_root(chroot, "/etc/default/kubelet")
    kubelet.write_text(kubelet.read_text().replace("--read-only-port=0",
                                                   "--cadvisor-port=4194"))
    done = systemctl(chroot, "restart", "kubelet")
    assert done.returncode == 1 and "unknown flag: --cadvisor-port" in done.stderr


def test_flanneld_starts_and_leases_its_subnet(chroot: Path) -> None:
    install(chroot, "muranokit-flannel", [pinned("flanneld-"), pinned("flannel-cni-")])
    assert write_defaults(chroot, "flannel-node-setup.sh") == ["flanneld"]
    done = systemctl(chroot, "restart", "flanneld")
    assert done.returncode == 0, done.stderr
    assert "FLANNEL_SUBNET=" in in_root(chroot, "/run/flannel/subnet.env").read_text()


def test_etcd_starts_with_the_variables_the_scripts_write(chroot: Path) -> None:
    stub_command(chroot, "/usr/bin/etcd")
    install(chroot, "muranokit-etcd", [pinned("etcd-")])
    assert write_defaults(chroot, "etcd-member-setup.sh") == ["etcd"]
    done = systemctl(chroot, "restart", "etcd")
    assert done.returncode == 0, done.stderr
    assert "unrecognized environment variable" not in done.stderr
    defaults = in_root(chroot, "/etc/default/etcd")
    defaults.write_text(defaults.read_text() + "ETCD_NAME_TYPO=x\n")
    done = systemctl(chroot, "restart", "etcd")
    assert "[WARNING] unrecognized environment variable ETCD_NAME_TYPO=x" in done.stderr


@pytest.mark.parametrize("unit", ["confd"])
def test_gateway_confd_unit_starts(chroot: Path, unit: str) -> None:
    install(chroot, "muranokit-gateway", [pinned("confd-")])
    unit_file = in_root(chroot, f"/etc/systemd/system/{unit}.service")
    unit_file.write_bytes((SCRIPTS / "systemd" / f"{unit}.service").read_bytes())
    done = systemctl(chroot, "restart", unit)
    assert done.returncode == 0, done.stderr
