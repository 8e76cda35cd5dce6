"""A real image build with stand-in release files, checks inside the image, a boot under qemu.

Slow (minutes): runs only when MURANOKIT_IMAGE_TESTS=1 (the ``image`` tox env sets it).
Needs root, diskimage-builder's Debian prerequisites, qemu-system-x86_64 and the Debian mirror.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from muranokit.tools.image import loops_under, mounts_under
from muranokit.tools.image_standins import write_standins

# run by tox -e image, which sets MURANOKIT_IMAGE_TESTS=1 and fails them when they cannot run
# (MURANOKIT_REQUIRE, tests/conftest.py)
pytestmark = [
    pytest.mark.skipif(os.environ.get("MURANOKIT_IMAGE_TESTS") != "1",
                       reason="image builds run in tox -e image (MURANOKIT_IMAGE_TESTS=1)"),
    pytest.mark.needs("root", "loop", "debootstrap", "qemu-img", "mksquashfs"),
]

OPT_BIN = {"kube-apiserver": "v1.21.14", "kube-controller-manager": "v1.21.14",
           "kube-scheduler": "v1.21.14", "kube-proxy": "v1.21.14", "kubelet": "v1.21.14",
           "kubectl": "v1.21.14", "flanneld": "v0.25.0",
           "confd": "0.16.0"}
UNITS = ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy",
         "kubelet", "flanneld", "confd"]
PACKAGES = ["docker.io", "containerd", "apparmor", "etcd-server", "etcd-client", "haproxy",
            "murano-agent", "cloud-init", "containernetworking-plugins", "openssh-server",
            "openssl"]
BOOT_TIMEOUT = int(os.environ.get("MURANOKIT_BOOT_TIMEOUT", "600"))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("image")


@pytest.fixture(scope="module")
def cache(workspace: Path) -> tuple[Path, Path]:
    folder = workspace / "cache"
    return folder, write_standins(folder)


def build_env(workspace: Path, overrides: Path) -> dict[str, str]:
    work = workspace / "work"
    work.mkdir(exist_ok=True)
    return {**os.environ, "DIB_MURANOKIT_PINS_OVERRIDE": str(overrides),
            "DIB_MURANOKIT_OFFLINE": "1", "MURANOKIT_WORK_DIR": str(work),
            "PYTHONUNBUFFERED": "1"}


def _default_sigint() -> None:
    # a test run started in the background inherits an ignored SIGINT; Ctrl-C must work
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def muranokit_image(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "muranokit.tools.cli", "image", *args],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            preexec_fn=_default_sigint)


def assert_nothing_left(workspace: Path) -> None:
    work = workspace / "work"
    assert list(work.iterdir()) == [], list(work.iterdir())
    assert mounts_under(work) == []
    assert loops_under(work) == []
    attached = subprocess.run(["losetup", "-a"], capture_output=True, text=True).stdout
    assert "image0.raw" not in attached, attached  # diskimage-builder's disk file


def test_missing_binary_stops_the_build_before_it_starts(workspace: Path, cache) -> None:
    folder, overrides = cache
    broken = workspace / "broken-cache"
    shutil.copytree(folder, broken)
    (broken / "kubernetes-server-v1.21.14-linux-amd64.tar.gz").unlink()
    output = workspace / "existing.qcow2"
    output.write_bytes(b"an image from an earlier build")
    started = time.monotonic()
    proc = muranokit_image(["-o", str(output), "--cache", str(broken)],
                           build_env(workspace, overrides))
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 2, out
    assert "kubernetes-server-v1.21.14-linux-amd64.tar.gz  " in out
    assert "https://dl.k8s.io/v1.21.14/kubernetes-server-linux-amd64.tar.gz" in out
    assert "Running hooks" not in out, "diskimage-builder must not have started"
    print(f"\nrefused in {time.monotonic() - started:.1f} s")
    assert output.read_bytes() == b"an image from an earlier build"
    assert_nothing_left(workspace)


def test_failure_inside_the_build_ends_with_its_one_line_cause(workspace: Path, cache) -> None:
    folder, overrides = cache
    output = workspace / "failing.qcow2"
    env = {**build_env(workspace, overrides), "DIB_MURANOKIT_KERNEL": "realtime"}
    proc = muranokit_image(["-o", str(output), "--cache", str(folder)], env)
    out, _ = proc.communicate(timeout=1800)
    assert proc.returncode == 1, out[-3000:]
    lines = out.rstrip().splitlines()
    assert lines[-1].startswith("muranokit: error: disk-image-create failed (exit ")
    assert "muranokit-cloud-kernel: DIB_MURANOKIT_KERNEL must be cloud or generic" in lines[-1]
    assert "(full log: " in lines[-1]
    assert "disk-image-create output (last lines):" in out
    assert out.index("disk-image-create output (last lines):") < out.index(lines[-1])
    assert not output.exists()
    assert_nothing_left(workspace)


def test_interrupt_during_partitioning_cleans_up(workspace: Path, cache) -> None:
    folder, overrides = cache
    output = workspace / "interrupted.qcow2"
    proc = muranokit_image(["-o", str(output), "--cache", str(folder)],
                           build_env(workspace, overrides))
    seen = []
    assert proc.stdout is not None
    for line in proc.stdout:
        seen.append(line)
        if "partitioning the disk" in line:
            break
    else:
        pytest.fail("build ended before partitioning:\n" + "".join(seen[-30:]))
    deadline = time.monotonic() + 300
    while not loops_under(workspace / "work") and time.monotonic() < deadline:
        assert proc.poll() is None, "build ended before attaching its disk"
        time.sleep(0.5)
    assert loops_under(workspace / "work"), "no loop device attached while partitioning"
    time.sleep(3)  # partitions mapped and mounted
    proc.send_signal(signal.SIGINT)  # what Ctrl-C sends
    rest, _ = proc.communicate(timeout=300)
    assert proc.returncode == 130, "".join(seen) + rest
    assert "interrupted" in rest
    assert not output.exists()
    assert_nothing_left(workspace)
    assert not [p for p in Path("/dev/mapper").glob("loop*") if p.is_symlink()]


@pytest.fixture(scope="module")
def built_image(workspace: Path, cache) -> Path:
    """The image built with stand-ins; MURANOKIT_TEST_IMAGE keeps it (or reuses a kept one)."""
    kept = os.environ.get("MURANOKIT_TEST_IMAGE")
    if kept and Path(kept).is_file():
        return Path(kept)
    folder, overrides = cache
    output = workspace / "debian8-x64-kubernetes.qcow2"
    started = time.monotonic()
    proc = muranokit_image(["-o", str(output), "--cache", str(folder)],
                           build_env(workspace, overrides))
    out, _ = proc.communicate(timeout=2400)
    assert proc.returncode == 0, out[-5000:]
    print(f"\nimage build: {time.monotonic() - started:.0f} s, "
          f"{output.stat().st_size / 2**20:.0f} MiB")
    for phase in ("creating the root file system", "fetching pinned binaries",
                  "installing packages and binaries", "writing the qcow2 image", "done:"):
        assert phase in out
    assert (workspace / "debian8-x64-kubernetes.log").is_file()
    assert_nothing_left(workspace)
    if kept:
        shutil.copy(output, kept)
    shared = os.environ.get("MURANOKIT_SHARED_IMAGE")
    if shared:  # the localcloud env boots its VMs from this build (tox.ini)
        Path(shared).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(output, shared + ".partial")
        os.replace(shared + ".partial", shared)
    return output


@pytest.fixture(scope="module")
def image_root(built_image: Path, workspace: Path) -> Iterator[Path]:
    """The image's root file system, mounted read-only from a raw copy."""
    raw = workspace / "inspect.raw"
    subprocess.run(["qemu-img", "convert", "-O", "raw", str(built_image), str(raw)], check=True)
    device = subprocess.run(["losetup", "-f", "--show", str(raw)], capture_output=True,
                            text=True, check=True).stdout.strip()
    mnt = workspace / "mnt"
    mnt.mkdir()
    try:
        subprocess.run(["partx", "-a", device], check=True)
        subprocess.run(["mount", "-o", "ro", f"{device}p1", str(mnt)], check=True)
        try:
            yield mnt
        finally:
            subprocess.run(["umount", str(mnt)], check=True)
    finally:
        subprocess.run(["partx", "-d", device], capture_output=True)
        subprocess.run(["losetup", "-d", device], check=True)
        raw.unlink()


def test_binaries_are_installed_and_run(image_root: Path) -> None:
    for name, version in OPT_BIN.items():
        out = subprocess.run(["chroot", str(image_root), f"/opt/bin/{name}", "--version"],
                             capture_output=True, text=True, check=True).stdout
        assert f"{name} {version}" in out
    for name in ("calico", "calico-ipam", "flannel"):
        assert os.access(image_root / "opt/cni/bin" / name, os.X_OK)
    assert "flannel-cni v1.0.0" in subprocess.run(
        ["chroot", str(image_root), "/opt/cni/bin/flannel"], capture_output=True, text=True,
        check=True).stdout
    assert os.readlink(image_root / "opt/cni/bin/portmap") == "/usr/lib/cni/portmap"
    # links inside the image point at absolute paths: read them, do not follow them
    assert os.readlink(image_root / "opt/cni/bin/loopback") == "/usr/lib/cni/loopback"
    assert (image_root / "usr/lib/cni/loopback").is_file()
    assert os.readlink(image_root / "opt/bin/etcd") == "/usr/bin/etcd"
    assert (image_root / "usr/bin/etcd").is_file()


def test_units_and_configuration_are_in_place(image_root: Path) -> None:
    system = image_root / "etc/systemd/system"
    for unit in UNITS:
        text = (system / f"{unit}.service").read_text()
        assert f"ExecStart=/opt/bin/{unit}" in text
        assert f"EnvironmentFile=/etc/default/{unit}" in text
    wants = system / "multi-user.target.wants"
    for enabled in ("docker.service", "containerd.service", "murano-agent.service",
                    "ssh.service"):
        assert os.path.lexists(wants / enabled), enabled
    assert os.path.lexists(system / "cloud-init.target.wants/cloud-init.service")
    for disabled in ("etcd.service", "haproxy.service", "kubelet.service"):
        assert not os.path.lexists(wants / disabled), disabled
    assert "/etc/murano/agent.conf" in (
        system / "murano-agent.service.d/muranokit.conf").read_text()
    datasources = (image_root / "etc/cloud/cloud.cfg.d/91-dib-cloud-init-datasources.cfg")
    assert "ConfigDrive, OpenStack" in datasources.read_text()
    assert '"max-file": "3"' in (image_root / "etc/docker/daemon.json").read_text()
    assert "br_netfilter" in (
        image_root / "etc/modules-load.d/muranokit-kubernetes.conf").read_text()
    assert (image_root / "etc/kubernetes/manifests").is_dir()
    assert (image_root / "etc/confd/templates").is_dir()


def test_debian_packages_are_installed(image_root: Path) -> None:
    out = subprocess.run(["chroot", str(image_root), "dpkg-query", "-W", "-f",
                          "${Package} ${db:Status-Abbrev}\n", *PACKAGES],
                         capture_output=True, text=True, check=True).stdout
    status = dict(line.split(" ", 1) for line in out.splitlines())
    for package in PACKAGES:
        assert status.get(package, "").startswith("ii"), (package, status.get(package))
    release = (image_root / "etc/os-release").read_text()
    assert 'VERSION_CODENAME=bookworm' in release


@pytest.mark.needs("qemu-system-x86_64")
def test_image_boots_to_a_login_prompt(built_image: Path, workspace: Path) -> None:
    serial = workspace / "serial.log"
    qemu = subprocess.Popen(
        ["qemu-system-x86_64", "-accel", "tcg,tb-size=256", "-m", "1024", "-nic", "none",
         "-display", "none", "-serial", f"file:{serial}", "-no-reboot",
         "-drive", f"file={built_image},format=qcow2,if=virtio,snapshot=on"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    started = time.monotonic()
    try:
        while time.monotonic() - started < BOOT_TIMEOUT:
            text = serial.read_text(errors="replace") if serial.exists() else ""
            if "login:" in text:
                break
            assert qemu.poll() is None, f"qemu exited: {qemu.stderr.read()}\n{text[-3000:]}"
            time.sleep(5)
        else:
            pytest.fail(f"no login prompt after {BOOT_TIMEOUT} s:\n{text[-3000:]}")
    finally:
        qemu.kill()
        qemu.wait()
    print(f"\nboot to login: {time.monotonic() - started:.0f} s")
    assert "Debian GNU/Linux 12" in text


SCRIPTS = Path(__file__).resolve().parents[2] / "packages" / "KubernetesCluster" / \
    "Resources" / "scripts"
MASTER_IP, NODE_IP, GATEWAY_IP, PUBLIC_IP = "10.0.0.11", "10.0.0.12", "10.0.0.13", "172.24.4.10"


class Machine:
    """A writable copy (overlay) of the image's root where the cluster scripts run as on a
    VM: real openssl, coreutils and Debian's tools, stand-in Kubernetes/etcd/flannel/confd
    binaries, and a systemctl that starts the stand-in units as systemd would."""

    def __init__(self, image_root: Path, base: Path) -> None:
        self.root = base / "root"
        self.mounts: list[Path] = []
        for folder in ("upper", "work", "root"):
            (base / folder).mkdir(parents=True)
        self._mount(["-t", "overlay", "overlay", "-o", f"lowerdir={image_root},"
                     f"upperdir={base / 'upper'},workdir={base / 'work'}"], self.root)
        for special in ("dev", "proc"):
            self._mount(["--bind", f"/{special}"], self.root / special)
        self.log = self.root / "var/log/standins.log"
        from muranokit.tools.image_standins import standin_script, systemctl_standin
        systemctl = self.root / "usr/local/sbin/systemctl"
        systemctl.parent.mkdir(parents=True, exist_ok=True)
        systemctl.write_bytes(systemctl_standin())
        systemctl.chmod(0o755)
        # Debian's etcd and etcdctl would try to serve and connect: stand-ins instead
        for tool in ("etcd", "etcdctl"):
            target = self.root / "opt/bin" / tool
            target.unlink()
            target.write_bytes(standin_script(tool, "v3.4"))
            target.chmod(0o755)
        shutil.copytree(SCRIPTS, self.root / "tmp/scripts")

    def _mount(self, args: list[str], target: Path) -> None:
        subprocess.run(["mount", *args, str(target)], check=True)
        self.mounts.append(target)

    def run(self, script: str, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["chroot", str(self.root), "/bin/bash", f"/tmp/scripts/{script}", *args],
            capture_output=True, text=True, timeout=300,
            env={"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                 "HOME": "/root", "LANG": "C.UTF-8",
                 "MURANOKIT_STANDIN_LOG": "/var/log/standins.log"})

    def ok(self, script: str, *args: str) -> str:
        done = self.run(script, *args)
        assert done.returncode == 0, (script, done.stdout[-2000:], done.stderr[-3000:])
        return done.stdout

    def started(self, binary: str) -> list[str]:
        text = self.log.read_text() if self.log.exists() else ""
        return [line.split(" ", 1)[1] for line in text.splitlines()
                if line.startswith(binary + " ")]

    def close(self) -> None:
        for target in reversed(self.mounts):
            subprocess.run(["umount", "-l", str(target)], check=False)


@pytest.fixture
def machines(image_root: Path, tmp_path: Path) -> Iterator[dict[str, Machine]]:
    made: dict[str, Machine] = {}
    try:
        for role in ("master", "node", "gateway"):
            made[role] = Machine(image_root, tmp_path / role)
        yield made
    finally:
        for machine in made.values():
            machine.close()


def test_cluster_scripts_run_on_the_image_with_the_pinned_flags(machines) -> None:
    master, node, gateway = machines["master"], machines["node"], machines["gateway"]
    master.ok("etcd-master-setup.sh", "murano-kube-1", MASTER_IP)
    master.ok("calico-node-setup.sh", "murano-kube-1", MASTER_IP, "10.200.0.0/16")
    master.ok("kube-master-setup.sh", "murano-kube-1", MASTER_IP, PUBLIC_IP, "10.254.0.0/16")
    for binary in ("kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd"):
        assert master.started(binary), f"{binary} was not started on the master"
    (apiserver,) = master.started("kube-apiserver")
    assert "--secure-port=6443" in apiserver and "insecure" not in apiserver
    san = subprocess.run(["chroot", str(master.root), "openssl", "x509", "-noout", "-text",
                          "-in", "/etc/kubernetes/pki/apiserver.crt"],
                         capture_output=True, text=True, check=True).stdout
    for address in ("10.254.0.1", MASTER_IP, PUBLIC_IP, "127.0.0.1"):
        assert f"IP Address:{address}" in san
    assert (master.root / "etc/kubernetes/admin-public.conf").is_file()
    assert f"server: https://{MASTER_IP}:6443" in \
        (master.root / "root/.kube/config").read_text()

    initial = f"murano-kube-1=http://{MASTER_IP}:2380,murano-kube-2=http://{NODE_IP}:2380"
    node.ok("etcd-member-setup.sh", "murano-kube-2", NODE_IP, initial)
    node.ok("flannel-node-setup.sh", NODE_IP)
    requests = node.ok("kube-node-keys.sh", "murano-kube-2", "node")
    certificates = master.ok("kube-sign-node.sh", "murano-kube-2", NODE_IP, "node", requests)
    node.ok("kube-node-setup.sh", "murano-kube-2", NODE_IP, MASTER_IP, "", "", "10.254.0.10",
            "10.200.0.0/16", certificates)
    for binary in ("kubelet", "kube-proxy", "flanneld", "etcd"):
        assert node.started(binary), f"{binary} was not started on the node"
    assert f"server: https://{MASTER_IP}:6443" in \
        (node.root / "etc/kubernetes/kubelet.conf").read_text()

    requests = gateway.ok("kube-node-keys.sh", "murano-gateway-1", "gateway")
    certificates = master.ok("kube-sign-node.sh", "murano-gateway-1", GATEWAY_IP, "gateway",
                             requests)
    gateway.ok("gateway-setup.sh", "murano-gateway-1", GATEWAY_IP, MASTER_IP, "10.200.0.0/16",
               certificates)
    assert len(gateway.started("confd")) == 2  # rendered once, then the unit
    assert gateway.started("kube-proxy")
    for addon in ("deploy-calico-controllers.sh", "deploy-kube-dns.sh", "deploy-dashboard.sh"):
        args = ("10.254.0.10", "cluster.local") if addon == "deploy-kube-dns.sh" else ()
        master.ok(addon, *args)


def test_a_script_drifting_from_the_release_fails_on_the_image(machines) -> None:
    master = machines["master"]
    script = master.root / "tmp/scripts/kube-master-setup.sh"
    script.write_text(script.read_text().replace(
        "--secure-port=6443", "--secure-port=6443 --insecure-port=8080", 1))
    done = master.run("kube-master-setup.sh", "murano-kube-1", MASTER_IP, "", "10.254.0.0/16")
    assert done.returncode != 0
    assert "Error: invalid port value 8080: only zero is allowed" in done.stderr
    assert "Job for kube-apiserver.service failed." in done.stderr


def test_kernel_boots_with_cgroup_v1_for_the_kubelet(image_root: Path) -> None:
    grub = (image_root / "boot/grub/grub.cfg").read_text()
    assert "systemd.unified_cgroup_hierarchy=0" in grub
