"""Manifests, class files and the public names existing catalogs rely on."""

import struct

import pytest
from k8s_package_helpers import (
    PACKAGES,
    SUITE,
    class_chain,
    class_files,
    fqn_of,
    load_all,
    manifest,
    resolve,
    suite_classes,
)

FULL_NAMES = {
    "DockerInterfacesLibrary": "com.mirantis.docker.Interfaces",
    "DockerStandaloneHost": "com.mirantis.docker.DockerStandaloneHost",
    "KubernetesCluster": "com.mirantis.docker.kubernetes.KubernetesCluster",
    "KubernetesPod": "com.mirantis.docker.kubernetes.KubernetesPod",
}
K8S = "com.mirantis.docker.kubernetes."
DOCKER = "com.mirantis.docker."


def _methods(fqn, classes):
    names = set()
    for doc in class_chain(fqn, classes):
        names.update((doc.get("Methods") or {}).keys())
    return names


def _properties(fqn, classes):
    props = {}
    for doc in reversed(class_chain(fqn, classes)):
        props.update(doc.get("Properties") or {})
    return props


@pytest.mark.parametrize("package", SUITE)
def test_manifest_fields(package):
    data = manifest(package)
    assert data["FullName"] == FULL_NAMES[package]
    assert str(data["Format"]) == "1.3"
    assert data["Type"] == ("Library" if package == "DockerInterfacesLibrary" else "Application")
    for key in ("Name", "Description", "Author", "Version"):
        assert data[key], key
    assert isinstance(data["Tags"], list) and data["Tags"]
    requires = set((data.get("Require") or {}).keys())
    assert requires <= set(FULL_NAMES.values()) - {data["FullName"]}


@pytest.mark.parametrize("package", SUITE)
def test_classes_map_to_their_files(package):
    listed = manifest(package)["Classes"]
    assert sorted(listed.values()) == sorted(p.name for p in class_files(package))
    for fqn, fname in listed.items():
        docs = load_all(PACKAGES / package / "Classes" / fname)
        assert len(docs) == 1
        assert fqn_of(docs[0]) == fqn


def test_extends_resolve_to_known_classes():
    classes = suite_classes()
    for fqn, doc in classes.items():
        extends = doc.get("Extends") or []
        for parent in [extends] if isinstance(extends, str) else extends:
            target = resolve(doc, parent)
            assert target in classes or target.startswith("io.murano."), (fqn, target)


def test_requirements_cover_referenced_packages():
    owner = {fqn: package for package in SUITE for fqn in manifest(package)["Classes"]}
    for package in SUITE:
        required = set((manifest(package).get("Require") or {}).keys())
        for path in class_files(package):
            doc = load_all(path)[0]
            for alias, namespace in (doc.get("Namespaces") or {}).items():
                used = {fqn for fqn in owner if fqn.startswith(namespace + ".")
                        and owner[fqn] != package and fqn.count(".") == namespace.count(".") + 1}
                text = path.read_text()
                for fqn in used:
                    if f"{alias}:{fqn.rsplit('.', 1)[1]}" in text:
                        assert FULL_NAMES[owner[fqn]] in required, (package, fqn)


def test_library_interface():
    classes = suite_classes()
    for name in ("DockerContainerHost", "DockerContainer", "DockerApplication", "ApplicationPort",
                 "DockerHelpers", "DockerVolume", "DockerHostVolume", "DockerTempVolume"):
        assert DOCKER + name in classes
    assert {"hostContainer", "deleteContainer", "getEndpoints", "getInternalScopeId"} <= _methods(
        DOCKER + "DockerContainerHost", classes)
    assert {"deploy", "getConnectionTo", "getContainer"} <= _methods(
        DOCKER + "DockerApplication", classes)
    assert set(_properties(DOCKER + "ApplicationPort", classes)) == {"port", "scope", "protocol"}
    assert {"labels2Map", "map2labels"} <= _methods(DOCKER + "DockerHelpers", classes)


def test_cluster_public_names():
    classes = suite_classes()
    props = _properties(K8S + "KubernetesCluster", classes)
    assert {"name", "masterNode", "minionNodes", "nodeCount", "gatewayNodes", "gatewayCount",
            "dockerRegistry", "dockerMirror", "gcloudKey", "serviceEndpoints", "useFlannel",
            "enableKubeDns", "enableDashboard"} <= set(props)
    assert props["serviceEndpoints"]["Usage"] == "Out"
    assert props["nodeCount"]["Usage"] == props["gatewayCount"]["Usage"] == "InOut"
    assert {"isAvailable", "deploy", "getIp", "createPod", "createReplicationController",
            "deleteReplicationController", "deletePods", "createService", "deleteServices",
            "scaleRc", "restartContainers"} <= _methods(K8S + "KubernetesCluster", classes)
    for node in ("Master", "Minion", "Gateway"):
        fqn = f"{K8S}Kubernetes{node}Node"
        assert "instance" in _properties(fqn, classes)
        assert {"getIp", "deployInstance", "setupEtcd", "setupNode", "removeFromCluster",
                "restartContainers"} <= _methods(fqn, classes)
    assert "isAvailable" in _methods(K8S + "KubernetesMasterNode", classes)


@pytest.mark.parametrize("fqn, actions", [
    (K8S + "KubernetesCluster",
     {"scaleNodesUp", "scaleNodesDown", "scaleGatewaysUp", "scaleGatewaysDown"}),
    (K8S + "KubernetesPod", {"scalePodUp", "scalePodDown", "recreatePod", "restartContainers"}),
    (DOCKER + "DockerStandaloneHost", set()),
])
def test_actions_are_exactly_the_documented_ones(fqn, actions):
    """Format 1.3 marks actions with `Usage: Action` (no `Scope`, which is 1.4)."""
    doc = suite_classes()[fqn]
    marked = {name for name, method in doc["Methods"].items()
              if (method or {}).get("Usage") == "Action"}
    assert marked == actions
    assert not any("Scope" in (m or {}) for m in doc["Methods"].values())


def test_pod_implements_container_host():
    classes = suite_classes()
    chain = [fqn_of(doc) for doc in class_chain(K8S + "KubernetesPod", classes)]
    assert DOCKER + "DockerContainerHost" in chain
    props = _properties(K8S + "KubernetesPod", classes)
    assert {"name", "kubernetesCluster", "labels", "replicas"} <= set(props)
    assert {"hostContainer", "deleteContainer", "getEndpoints", "getInternalScopeId"} <= set(
        classes[K8S + "KubernetesPod"]["Methods"])


@pytest.mark.parametrize("package", SUITE)
def test_license_and_logo(package):
    folder = PACKAGES / package
    assert "Apache License" in (folder / "LICENSE").read_text()
    data = (folder / "logo.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (256, 256)
