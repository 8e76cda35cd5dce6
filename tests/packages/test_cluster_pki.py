"""The cluster's certificate scripts with the real openssl: a node's keys stay on the node,
the master signs only requests with the signature and the exact subject a role allows, and
a node installs only certificates that match its keys and the cluster CA."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "packages" / "KubernetesCluster" / \
    "Resources" / "scripts"


def run(script: str, pki: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(["bash", str(SCRIPTS / script), *args], capture_output=True,
                          text=True, env={"PATH": "/usr/bin:/bin", "KUBE_PKI_DIR": str(pki)})
    if check:
        assert done.returncode == 0, done.stderr
    return done


def lib(pki: Path, commands: str) -> str:
    done = subprocess.run(["bash", "-c", f"source {SCRIPTS / 'kube-pki.sh'}; {commands}"],
                          capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "KUBE_PKI_DIR": str(pki)})
    assert done.returncode == 0, done.stderr
    return done.stdout


def openssl(*args: str, stdin: str | None = None) -> str:
    return subprocess.run(["openssl", *args], input=stdin, capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture
def master(tmp_path: Path) -> Path:
    pki = tmp_path / "master"
    lib(pki, "pki_init; pki_ca")
    return pki


def test_node_certificates_round_trip(master: Path, tmp_path: Path) -> None:
    node = tmp_path / "node"
    requests = run("kube-node-keys.sh", node, "murano-kube-2", "node").stdout
    assert "PRIVATE KEY" not in requests and requests.count("CERTIFICATE REQUEST-----") == 6
    signed = run("kube-sign-node.sh", master, "murano-kube-2", "10.0.0.12", "node",
                 requests).stdout
    assert "PRIVATE KEY" not in signed
    run("kube-install-certs.sh", node, signed, "kubelet-client", "kubelet", "kube-proxy")
    assert (node / "ca.crt").read_text() == (master / "ca.crt").read_text()
    subject = openssl("x509", "-in", str(node / "kubelet-client.crt"), "-noout", "-subject",
                      "-nameopt", "RFC2253")
    assert subject.strip() == "subject=CN=system:node:murano-kube-2,O=system:nodes"
    serving = openssl("x509", "-in", str(node / "kubelet.crt"), "-noout", "-text")
    assert "DNS:murano-kube-2, IP Address:10.0.0.12" in serving
    assert "TLS Web Server Authentication" in serving
    assert "TLS Web Client Authentication" in openssl(
        "x509", "-in", str(node / "kube-proxy.crt"), "-noout", "-text")
    assert not (master / "kubelet.key").exists(), "the node's keys never reach the master"
    again = run("kube-node-keys.sh", node, "murano-kube-2", "node").stdout
    assert openssl("req", "-noout", "-pubkey", stdin=again.split("# kubelet\n")[1]) == \
        openssl("pkey", "-in", str(node / "kubelet.key"), "-pubout"), "keys are kept"


def test_gateway_gets_a_read_only_identity(master: Path, tmp_path: Path) -> None:
    gateway = tmp_path / "gateway"
    requests = run("kube-node-keys.sh", gateway, "murano-gateway-1", "gateway").stdout
    signed = run("kube-sign-node.sh", master, "murano-gateway-1", "10.0.0.13", "gateway",
                 requests).stdout
    run("kube-install-certs.sh", gateway, signed, "kube-proxy", "gateway")
    subject = openssl("x509", "-in", str(gateway / "gateway.crt"), "-noout", "-subject",
                      "-nameopt", "RFC2253")
    assert subject.strip() == "subject=CN=murano:gateway:murano-gateway-1,O=murano:gateways"


def test_master_refuses_a_request_for_another_identity(master: Path, tmp_path: Path) -> None:
    node = tmp_path / "node"
    run("kube-node-keys.sh", node, "murano-kube-2", "node")
    # a node asking to be a cluster administrator
    lib(node, 'pki_csr kubelet-client "/O=system:masters/CN=system:node:murano-kube-2"; '
              "for l in kubelet-client kubelet kube-proxy; do bundle_add $l $PKI/$l.csr; done "
              "> $PKI/requests")
    done = run("kube-sign-node.sh", master, "murano-kube-2", "10.0.0.12", "node",
               (node / "requests").read_text(), check=False)
    assert done.returncode == 1
    assert "refusing kubelet-client request of murano-kube-2 for " \
           "'CN=system:node:murano-kube-2,O=system:masters'" in done.stderr
    done = run("kube-sign-node.sh", master, "murano-kube-2", "10.0.0.12", "node", "",
               check=False)
    assert done.returncode == 1 and "no valid kubelet-client certificate request" in done.stderr
    done = run("kube-sign-node.sh", master, "murano-kube-2", "10.0.0.12", "admin", "",
               check=False)
    assert done.returncode == 2


def test_node_refuses_certificates_that_are_not_its_own(master: Path, tmp_path: Path) -> None:
    node, other = tmp_path / "node", tmp_path / "other"
    run("kube-node-keys.sh", node, "murano-kube-2", "node")
    requests = run("kube-node-keys.sh", other, "murano-kube-2", "node").stdout
    signed = run("kube-sign-node.sh", master, "murano-kube-2", "10.0.0.12", "node",
                 requests).stdout
    done = run("kube-install-certs.sh", node, signed, "kubelet-client", check=False)
    assert done.returncode == 1 and "does not match this node's key" in done.stderr
    assert not (node / "kubelet-client.crt").exists()
    assert run("kube-install-certs.sh", node, "", "kubelet-client",
               check=False).returncode == 1


def test_api_server_certificate_names_every_way_to_reach_it(tmp_path: Path) -> None:
    pki = tmp_path / "pki"
    lib(pki, 'pki_init; pki_ca; ip=$(first_service_ip 10.254.0.0/16); '
             'pki_cert apiserver /CN=kube-apiserver server '
             '"DNS:kubernetes,IP:$ip,IP:10.0.0.11,IP:172.24.4.10"')
    text = openssl("x509", "-in", str(pki / "apiserver.crt"), "-noout", "-text")
    assert "IP Address:10.254.0.1" in text and "IP Address:172.24.4.10" in text
    openssl("verify", "-CAfile", str(pki / "ca.crt"), str(pki / "apiserver.crt"))
    assert oct((pki / "apiserver.key").stat().st_mode & 0o777) == "0o600"


def test_kubeconfig_embeds_ca_certificate_and_key(master: Path, tmp_path: Path) -> None:
    import base64

    import yaml
    lib(master, 'pki_init; pki_cert admin "/O=system:masters/CN=kubernetes-admin" client; '
                f'kubeconfig_write {tmp_path}/admin.conf https://10.0.0.11:6443 '
                "kubernetes-admin admin")
    config = yaml.safe_load((tmp_path / "admin.conf").read_text())
    cluster = config["clusters"][0]["cluster"]
    assert cluster["server"] == "https://10.0.0.11:6443"
    assert base64.b64decode(cluster["certificate-authority-data"]).decode() == \
        (master / "ca.crt").read_text()
    user = config["users"][0]["user"]
    assert base64.b64decode(user["client-key-data"]).decode() == \
        (master / "admin.key").read_text()
    assert oct((tmp_path / "admin.conf").stat().st_mode & 0o777) == "0o600"
