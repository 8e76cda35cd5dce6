"""Every flag, variable and configuration the cluster scripts and units give the pinned
binaries is one those releases accept (fast and static: no root, no image)."""

from __future__ import annotations

import functools
import re
import shutil
from pathlib import Path

import pytest

from muranokit.tools import flag_check, script_flags
from muranokit.tools.image import REPO_ELEMENTS

SCRIPTS = REPO_ELEMENTS.parent / "packages" / "KubernetesCluster" / "Resources" / "scripts"
UNIT_FOLDERS = [SCRIPTS / "systemd", *sorted(REPO_ELEMENTS.glob("*/static/etc/systemd/system"))]


def found(scripts: Path = SCRIPTS) -> list[script_flags.Invocation]:
    if scripts == SCRIPTS:
        return _repository()
    return script_flags.invocations(scripts, [scripts / "systemd", *UNIT_FOLDERS[1:]])


@functools.cache
def _repository() -> list[script_flags.Invocation]:
    return script_flags.invocations(SCRIPTS, UNIT_FOLDERS)


def test_scripts_and_units_pass_only_what_the_pinned_releases_accept() -> None:
    invocations = found()
    assert script_flags.problems(invocations) == []
    covered = {(i.where.split(" ")[0], i.binary) for i in invocations}
    assert covered >= {
        ("kube-master-setup.sh", "kube-apiserver"),
        ("kube-master-setup.sh", "kube-controller-manager"),
        ("kube-master-setup.sh", "kube-scheduler"),
        ("kube-node-setup.sh", "kubelet"), ("kube-node-setup.sh", "kube-proxy"),
        ("gateway-setup.sh", "kube-proxy"), ("gateway-setup.sh", "confd"),
        ("etcd-master-setup.sh", "etcd"), ("etcd-member-setup.sh", "etcd"),
        ("flannel-node-setup.sh", "flanneld"), ("calico-node-setup.sh", "calico-node")}
    # both the package's units and the image's own units get the same command lines
    through = {i.where.rsplit(" -> ", 1)[-1] for i in invocations if " -> " in i.where}
    assert any("elements/muranokit-kubernetes" in w for w in through)
    assert any("Resources/scripts/systemd" in w for w in through)


def test_every_call_of_a_checked_binary_is_seen() -> None:
    checked = "|".join(flag_check.binaries())
    direct = {i.where for i in found() if "(runs /opt/bin/" in i.where}
    for script in SCRIPTS.glob("*.sh"):
        for line in script.read_text().splitlines():
            called = re.search(rf"/opt/bin/({checked})\b", line)
            if called and not line.lstrip().startswith("#"):
                assert f"{script.name} (runs /opt/bin/{called.group(1)})" in direct, line
    written = set()
    for script in SCRIPTS.glob("*.sh"):
        written |= set(re.findall(r"> /etc/default/([\w.-]+)", script.read_text()))
    units = script_flags.units(UNIT_FOLDERS)
    assert written - {"docker"} <= set(units), "an /etc/default file without a unit"


def test_the_api_server_is_told_what_it_requires_and_nothing_insecure() -> None:
    (apiserver,) = [i for i in found() if i.binary == "kube-apiserver"
                    and "Resources/scripts/systemd" in i.where]
    flags = dict(arg[2:].split("=", 1) for arg in apiserver.argv)
    assert flags["secure-port"] == "6443" and "insecure-port" not in flags
    assert {"service-account-issuer", "service-account-signing-key-file",
            "service-account-key-file", "client-ca-file", "tls-cert-file",
            "kubelet-certificate-authority"} <= set(flags)
    assert flags["authorization-mode"] == "Node,RBAC"
    (kubelet,) = [i for i in found() if i.binary == "kubelet"
                  and "Resources/scripts/systemd" in i.where]
    kubelet_flags = dict(arg[2:].split("=", 1) for arg in kubelet.argv)
    assert kubelet_flags["anonymous-auth"] == "false"
    assert kubelet_flags["read-only-port"] == "0"
    assert kubelet_flags["authorization-mode"] == "Webhook"


@pytest.fixture
def scripts_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "scripts"
    shutil.copytree(SCRIPTS, copy)
    return copy


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize("script, old, new, error", [
    ("kube-master-setup.sh", "--secure-port=6443",
     "--secure-port=6443 --insecure-bind-address=0.0.0.0 --insecure-port=8080",
     "kube-apiserver v1.21.14 exits 1: Error: invalid port value 8080: only zero is allowed"),
    ("kube-master-setup.sh", "    --service-account-issuer=https://kubernetes.default.svc.cluster.local\n",
     "", "service-account-issuer is a required flag"),
    ("kube-node-setup.sh", "--read-only-port=0", "--cadvisor-port=4194",
     'kubelet v1.21.14 exits 1: "Failed to parse kubelet flag" err="unknown flag: '
     '--cadvisor-port"'),
    ("kube-master-setup.sh", "--port=0", "--port=0 --algorithm-providr=DefaultProvider",
     "Error: unknown flag: --algorithm-providr"),
    ("etcd-master-setup.sh", "ETCD_INITIAL_CLUSTER_STATE=new",
     "ETCD_INITIAL_CLUSTER_STATE=new\nETCD_LISTEN_CLIENT_URL=http://$ip:2379",
     "[WARNING] unrecognized environment variable ETCD_LISTEN_CLIENT_URL"),
    ("flannel-node-setup.sh", "-ip-masq", "-ip-masq -etcd-endpoint=x",
     "flanneld v0.25.0 exits 2: flag provided but not defined: -etcd-endpoint"),
    ("calico-node-setup.sh", "CALICO_IPV4POOL_IPIP=Never", "CALICO_IPV4POOL_IPIP_MODE=Never",
     "calico/node v3.20.0 reads no CALICO_IPV4POOL_IPIP_MODE"),
    ("gateway-setup.sh", "-onetime -backend etcdv3", "-onetime -backend etcdv3 -keys /murano",
     "confd 0.16.0 exits 2: flag provided but not defined: -keys"),
])
def test_a_script_that_drifts_from_the_release_is_caught(scripts_copy: Path, script: str,
                                                          old: str, new: str,
                                                          error: str) -> None:
    edit(scripts_copy / script, old, new)
    reported = script_flags.problems(found(scripts_copy))
    assert any(error in line and script in line for line in reported), reported
