"""Each element's install scripts, run offline in a throw-away Debian chroot with stubs."""

from __future__ import annotations

import io
import json
import stat
import tarfile
from pathlib import Path

import pytest
from chroot_support import (
    in_root,
    needs_chroot,
    run_in_root,
    run_phase_script,
    stage_element,
    stage_files,
    stub_command,
    stub_recorder,
    stub_systemctl,
)

from muranokit.tools.image_standins import standin_script

pytestmark = needs_chroot

K8S = "v1.21.14"
K8S_TARBALL = f"kubernetes-server-{K8S}-linux-amd64.tar.gz"
KUBE_BINARIES = ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy",
                 "kubelet", "kubectl"]


def assert_executable(root: Path, path: str, prints: str) -> None:
    target = in_root(root, path)
    assert target.is_file(), f"{path} not installed"
    assert target.stat().st_mode & stat.S_IXUSR, f"{path} not executable"
    assert prints in run_in_root(root, path, "--version")


def test_kubernetes_installs_every_binary_into_opt_bin(chroot: Path) -> None:
    stage_element(chroot, "muranokit-kubernetes")
    stage_files(chroot, [K8S_TARBALL])
    done = run_phase_script(chroot, "install.d/60-muranokit-kubernetes")
    assert done.returncode == 0, done.stderr
    for name in KUBE_BINARIES:
        assert_executable(chroot, f"/opt/bin/{name}", f"{name} {K8S}")
    assert str(in_root(chroot, "/usr/local/bin/kubectl").readlink()) == "/opt/bin/kubectl"
    for folder in ("/etc/kubernetes/manifests", "/var/lib/kubelet", "/var/lib/kube-proxy"):
        assert in_root(chroot, folder).is_dir()
    assert stat.S_IMODE(in_root(chroot, "/etc/kubernetes/pki").stat().st_mode) == 0o700


@pytest.mark.parametrize("missing", ["kubelet", "kube-apiserver"])
def test_kubernetes_fails_when_a_binary_is_missing_from_the_tarball(chroot: Path,
                                                                    missing: str) -> None:
    stage_element(chroot, "muranokit-kubernetes")
    files = stage_files(chroot, [])
    with tarfile.open(files / K8S_TARBALL, "w:gz") as tar:
        for name in KUBE_BINARIES:
            if name == missing:
                continue
            data = standin_script(name, K8S)
            info = tarfile.TarInfo(f"kubernetes/server/bin/{name}")
            info.size, info.mode = len(data), 0o755
            tar.addfile(info, io.BytesIO(data))
    done = run_phase_script(chroot, "install.d/60-muranokit-kubernetes")
    assert done.returncode != 0
    assert f"{missing} is not in" in done.stderr
    assert not in_root(chroot, f"/opt/bin/{missing}").exists()


def test_kubernetes_fails_without_the_server_tarball(chroot: Path) -> None:
    stage_element(chroot, "muranokit-kubernetes")
    stage_files(chroot, [])
    done = run_phase_script(chroot, "install.d/60-muranokit-kubernetes")
    assert done.returncode != 0
    assert f"{K8S_TARBALL} is missing" in done.stderr


def test_etcd_binary_install_unpacks_the_tarball_and_writes_a_unit(chroot: Path) -> None:
    stage_element(chroot, "muranokit-etcd")
    stage_files(chroot, ["etcd-v3.5.12-linux-amd64.tar.gz"])
    calls = stub_systemctl(chroot)
    done = run_phase_script(chroot, "install.d/60-muranokit-etcd",
                            {"DIB_MURANOKIT_ETCD_SOURCE": "binary"})
    assert done.returncode == 0, done.stderr
    assert_executable(chroot, "/opt/bin/etcd", "etcd v3.5.12")
    assert_executable(chroot, "/opt/bin/etcdctl", "etcdctl v3.5.12")
    unit = in_root(chroot, "/etc/systemd/system/etcd.service").read_text()
    assert "ExecStart=/opt/bin/etcd" in unit and "EnvironmentFile=/etc/default/etcd" in unit
    assert calls.read_text().split("\n")[0] == "disable etcd.service"


def test_etcd_binary_install_fails_without_the_tarball(chroot: Path) -> None:
    stage_element(chroot, "muranokit-etcd")
    stub_systemctl(chroot)
    done = run_phase_script(chroot, "install.d/60-muranokit-etcd",
                            {"DIB_MURANOKIT_ETCD_SOURCE": "binary"})
    assert done.returncode != 0
    assert "etcd-v3.5.12-linux-amd64.tar.gz is missing" in done.stderr
    assert not in_root(chroot, "/opt/bin/etcd").exists()


def test_etcd_package_install_links_debian_binaries(chroot: Path) -> None:
    stage_element(chroot, "muranokit-etcd")
    calls = stub_systemctl(chroot)
    stub_command(chroot, "/usr/bin/etcd")
    stub_command(chroot, "/usr/bin/etcdctl")
    (in_root(chroot, "/lib/systemd/system")).mkdir(parents=True, exist_ok=True)
    in_root(chroot, "/lib/systemd/system/etcd.service").write_text("[Unit]\n")
    done = run_phase_script(chroot, "install.d/60-muranokit-etcd")
    assert done.returncode == 0, done.stderr
    assert str(in_root(chroot, "/opt/bin/etcd").readlink()) == "/usr/bin/etcd"
    assert str(in_root(chroot, "/opt/bin/etcdctl").readlink()) == "/usr/bin/etcdctl"
    assert not in_root(chroot, "/etc/systemd/system/etcd.service").exists()
    assert "disable etcd.service" in calls.read_text()


def test_etcd_package_install_fails_when_the_package_is_absent(chroot: Path) -> None:
    stage_element(chroot, "muranokit-etcd")
    stub_systemctl(chroot)
    done = run_phase_script(chroot, "install.d/60-muranokit-etcd")
    assert done.returncode != 0
    assert "/usr/bin/etcd is missing" in done.stderr


def test_etcd_rejects_an_unknown_source(chroot: Path) -> None:
    stage_element(chroot, "muranokit-etcd")
    done = run_phase_script(chroot, "install.d/60-muranokit-etcd",
                            {"DIB_MURANOKIT_ETCD_SOURCE": "snap"})
    assert done.returncode != 0
    assert "must be package or binary" in done.stderr


CALICO = ["calico-cni-v3.20.0", "calico-ipam-v3.20.0"]


def test_calico_installs_its_cni_plugins(chroot: Path) -> None:
    stage_element(chroot, "muranokit-calico")
    stage_files(chroot, CALICO)
    stub_command(chroot, "/usr/lib/cni/loopback")
    stub_command(chroot, "/usr/lib/cni/host-local")
    done = run_phase_script(chroot, "install.d/60-muranokit-calico")
    assert done.returncode == 0, done.stderr
    assert not in_root(chroot, "/opt/bin/calicoctl").exists()
    assert_executable(chroot, "/opt/cni/bin/calico", "calico-cni v3.20.0")
    assert_executable(chroot, "/opt/cni/bin/calico-ipam", "calico-ipam v3.20.0")
    assert str(in_root(chroot, "/opt/cni/bin/loopback").readlink()) == "/usr/lib/cni/loopback"
    assert in_root(chroot, "/etc/cni/net.d").is_dir()


@pytest.mark.parametrize("missing", CALICO)
def test_calico_fails_when_a_file_is_missing(chroot: Path, missing: str) -> None:
    stage_element(chroot, "muranokit-calico")
    stage_files(chroot, [name for name in CALICO if name != missing])
    done = run_phase_script(chroot, "install.d/60-muranokit-calico")
    assert done.returncode != 0
    assert f"{missing} is missing" in done.stderr


FLANNEL = ["flanneld-v0.25.0", "flannel-cni-v1.0.0"]


def test_flannel_installs_flanneld_and_its_cni_plugin(chroot: Path) -> None:
    stage_element(chroot, "muranokit-flannel")
    stage_files(chroot, FLANNEL)
    done = run_phase_script(chroot, "install.d/60-muranokit-flannel")
    assert done.returncode == 0, done.stderr
    assert_executable(chroot, "/opt/bin/flanneld", "flanneld v0.25.0")
    assert_executable(chroot, "/opt/cni/bin/flannel", "flannel-cni v1.0.0")


@pytest.mark.parametrize("missing", FLANNEL)
def test_flannel_fails_when_a_file_is_missing(chroot: Path, missing: str) -> None:
    stage_element(chroot, "muranokit-flannel")
    stage_files(chroot, [name for name in FLANNEL if name != missing])
    done = run_phase_script(chroot, "install.d/60-muranokit-flannel")
    assert done.returncode != 0
    assert f"{missing} is missing" in done.stderr
    assert not in_root(chroot, "/opt/bin/flanneld").exists()


def test_gateway_installs_confd_and_disables_haproxy(chroot: Path) -> None:
    stage_element(chroot, "muranokit-gateway")
    stage_files(chroot, ["confd-0.16.0"])
    calls = stub_systemctl(chroot)
    stub_command(chroot, "/usr/sbin/haproxy")
    assert run_phase_script(chroot, "install.d/60-muranokit-gateway").returncode == 0
    done = run_phase_script(chroot, "post-install.d/60-muranokit-gateway")
    assert done.returncode == 0, done.stderr
    assert_executable(chroot, "/opt/bin/confd", "confd 0.16.0")
    assert in_root(chroot, "/etc/confd/templates").is_dir()
    assert calls.read_text().strip() == "disable haproxy.service"


def test_gateway_fails_without_confd_or_haproxy(chroot: Path) -> None:
    stage_element(chroot, "muranokit-gateway")
    stub_systemctl(chroot)
    done = run_phase_script(chroot, "install.d/60-muranokit-gateway")
    assert done.returncode != 0 and "confd-0.16.0 is missing" in done.stderr
    done = run_phase_script(chroot, "post-install.d/60-muranokit-gateway")
    assert done.returncode != 0 and "/usr/sbin/haproxy is missing" in done.stderr


def test_container_runtime_writes_daemon_json_and_enables_services(chroot: Path) -> None:
    stage_element(chroot, "muranokit-container-runtime")
    calls = stub_systemctl(chroot)
    stub_command(chroot, "/usr/sbin/dockerd")
    stub_command(chroot, "/usr/bin/containerd")
    done = run_phase_script(chroot, "post-install.d/60-muranokit-container-runtime")
    assert done.returncode == 0, done.stderr
    config = json.loads(in_root(chroot, "/etc/docker/daemon.json").read_text())
    assert config["log-opts"] == {"max-size": "50m", "max-file": "3"}
    assert calls.read_text().strip() == "enable containerd.service docker.service"


def test_container_runtime_fails_without_docker(chroot: Path) -> None:
    stage_element(chroot, "muranokit-container-runtime")
    stub_systemctl(chroot)
    done = run_phase_script(chroot, "post-install.d/60-muranokit-container-runtime")
    assert done.returncode != 0 and "dockerd is missing" in done.stderr


AGENT_QUEUE = "/usr/lib/python3/dist-packages/muranoagent/execution_plan_queue.py"


def stage_murano_agent_package(chroot: Path) -> Path:
    """Debian's murano-agent as far as the element sees it: the command, dpkg's file list
    and the plan queue module with its binary-mode write; returns the module."""
    stub_command(chroot, "/usr/bin/muranoagent")
    queue = in_root(chroot, AGENT_QUEUE)
    queue.parent.mkdir(parents=True, exist_ok=True)
    queue.write_text("    with open(plan_file_path, 'wb') as out:\n        out.write(text)\n")
    dpkg = in_root(chroot, "/usr/local/sbin/dpkg")
    dpkg.write_text('#!/bin/sh\n[ "$1 $2" = "-L murano-agent" ] || exit 1\n'
                    f"printf '/usr/bin/muranoagent\\n{AGENT_QUEUE}\\n'\n")
    dpkg.chmod(0o755)
    return queue


def test_agent_enables_the_service_and_fixes_the_plan_queue(chroot: Path) -> None:
    stage_element(chroot, "muranokit-agent")
    calls = stub_systemctl(chroot)
    queue = stage_murano_agent_package(chroot)
    done = run_phase_script(chroot, "post-install.d/60-muranokit-agent")
    assert done.returncode == 0, done.stderr
    assert calls.read_text().strip() == "enable murano-agent.service"
    assert in_root(chroot, "/etc/murano").is_dir()
    assert queue.read_text() == ("    with open(plan_file_path, 'w') as out:\n"
                                 "        out.write(text)\n")


def test_agent_fails_without_murano_agent(chroot: Path) -> None:
    stage_element(chroot, "muranokit-agent")
    stub_systemctl(chroot)
    done = run_phase_script(chroot, "post-install.d/60-muranokit-agent")
    assert done.returncode != 0 and "muranoagent is missing" in done.stderr


def test_cloud_init_requires_the_openstack_datasource(chroot: Path) -> None:
    stage_element(chroot, "muranokit-cloud-init")
    calls = stub_systemctl(chroot)
    done = run_phase_script(chroot, "post-install.d/60-muranokit-cloud-init")
    assert done.returncode != 0 and "cloud-init-datasources did not run" in done.stderr
    config = in_root(chroot, "/etc/cloud/cloud.cfg.d/91-dib-cloud-init-datasources.cfg")
    config.parent.mkdir(parents=True)
    config.write_text("datasource_list: [ Ec2, None ]\n")
    done = run_phase_script(chroot, "post-install.d/60-muranokit-cloud-init")
    assert done.returncode != 0 and "does not list the OpenStack datasource" in done.stderr
    config.write_text("datasource_list: [ ConfigDrive, OpenStack, None ]\n")
    done = run_phase_script(chroot, "post-install.d/60-muranokit-cloud-init")
    assert done.returncode == 0, done.stderr
    assert calls.read_text().startswith("enable cloud-init-local.service")


DUMP_DEB_FIELDS = """for a in "$@"; do
  case "$a" in *.deb) dpkg-deb -f "$a" Package Version Depends >> /var/log/apt-get-calls ;; esac
done
"""


def test_cloud_kernel_installs_a_local_package_standing_in_for_the_generic_one(
        chroot: Path) -> None:
    stage_element(chroot, "muranokit-cloud-kernel")
    apt = stub_recorder(chroot, "apt-get", DUMP_DEB_FIELDS)
    mark = stub_recorder(chroot, "apt-mark")
    stub_recorder(chroot, "dpkg-query", "echo 'install ok installed'\n")
    done = run_phase_script(chroot, "pre-install.d/05-muranokit-cloud-kernel")
    assert done.returncode == 0, done.stderr
    calls = apt.read_text()
    assert calls.startswith("install -y --no-install-recommends /tmp/")
    assert "Package: linux-image-amd64" in calls
    assert "Version: 99:0+muranokit1" in calls
    assert "Depends: linux-image-cloud-amd64" in calls
    assert mark.read_text().strip() == "hold linux-image-amd64"


def test_cloud_kernel_fails_when_the_cloud_kernel_is_not_installed(chroot: Path) -> None:
    stage_element(chroot, "muranokit-cloud-kernel")
    stub_recorder(chroot, "apt-get")
    stub_recorder(chroot, "apt-mark")
    done = run_phase_script(chroot, "pre-install.d/05-muranokit-cloud-kernel")
    assert done.returncode != 0
    assert "linux-image-cloud-amd64 did not get installed" in done.stderr


def test_generic_kernel_choice_leaves_the_kernel_alone(chroot: Path) -> None:
    stage_element(chroot, "muranokit-cloud-kernel")
    apt = stub_recorder(chroot, "apt-get")
    done = run_phase_script(chroot, "pre-install.d/05-muranokit-cloud-kernel",
                            {"DIB_MURANOKIT_KERNEL": "generic"})
    assert done.returncode == 0, done.stderr
    assert not apt.exists()
    done = run_phase_script(chroot, "pre-install.d/05-muranokit-cloud-kernel",
                            {"DIB_MURANOKIT_KERNEL": "rt"})
    assert done.returncode != 0 and "must be cloud or generic" in done.stderr


def test_slim_keeps_documentation_out(chroot: Path) -> None:
    stage_element(chroot, "muranokit-slim")
    assert any(in_root(chroot, "/usr/share/doc").rglob("changelog*"))
    done = run_phase_script(chroot, "pre-install.d/05-muranokit-slim")
    assert done.returncode == 0, done.stderr
    config = in_root(chroot, "/etc/dpkg/dpkg.cfg.d/90-muranokit-slim").read_text()
    assert "path-exclude=/usr/share/doc/*" in config
    assert "path-include=/usr/share/doc/*/copyright" in config
    assert not any(in_root(chroot, "/usr/share/doc").rglob("changelog*"))
    assert any(in_root(chroot, "/usr/share/doc").rglob("copyright"))


def test_initramfs_is_deferred_then_built_once(chroot: Path) -> None:
    stage_element(chroot, "muranokit-initramfs-once")
    done = run_phase_script(chroot, "pre-install.d/01-muranokit-initramfs-once")
    assert done.returncode == 0, done.stderr
    assert "muranokit-deferred" in run_in_root(chroot, "dpkg-divert", "--list",
                                               "/usr/sbin/update-initramfs")
    # a dpkg trigger or kernel postinst during the package installs does nothing
    assert "deferred" in run_in_root(chroot, "/usr/sbin/update-initramfs", "-u")
    # what initramfs-tools would have installed, at the diverted path
    real = in_root(chroot, "/usr/sbin/update-initramfs.muranokit-deferred")
    real.write_text("#!/bin/sh\necho \"$*\" >> /var/log/update-initramfs-calls\n")
    real.chmod(0o755)
    in_root(chroot, "/boot/vmlinuz-6.1.0-1-cloud-amd64").write_text("kernel")
    done = run_phase_script(chroot, "post-install.d/99-muranokit-initramfs-once")
    assert done.returncode == 0, done.stderr
    assert run_in_root(chroot, "dpkg-divert", "--list", "/usr/sbin/update-initramfs") == ""
    assert "update-initramfs-calls" in in_root(chroot, "/usr/sbin/update-initramfs").read_text()
    assert in_root(chroot, "/var/log/update-initramfs-calls").read_text() == "-c -k all\n"


def test_initramfs_once_fails_without_its_diversion(chroot: Path) -> None:
    stage_element(chroot, "muranokit-initramfs-once")
    done = run_phase_script(chroot, "post-install.d/99-muranokit-initramfs-once")
    assert done.returncode != 0 and "was not diverted" in done.stderr


def test_initramfs_once_fails_when_a_kernel_has_no_update_initramfs(chroot: Path) -> None:
    stage_element(chroot, "muranokit-initramfs-once")
    assert run_phase_script(chroot, "pre-install.d/01-muranokit-initramfs-once").returncode == 0
    in_root(chroot, "/boot/vmlinuz-6.1.0-1-cloud-amd64").write_text("kernel")
    done = run_phase_script(chroot, "post-install.d/99-muranokit-initramfs-once")
    assert done.returncode != 0 and "update-initramfs is missing" in done.stderr
