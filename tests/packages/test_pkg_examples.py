"""examples/kubernetes/*.json are Murano object models the suite's classes accept."""

import json
import re
import shlex

import pytest
from k8s_package_helpers import EXAMPLES, REPO, class_chain, suite_classes

from muranokit.tools.cli import main

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.json"))
INSTANCE_PROPERTIES = {"name", "flavor", "image", "keyname", "availabilityZone", "assignFloatingIp"}
K8S = "com.mirantis.docker.kubernetes."


def _objects(node, found):
    if isinstance(node, dict):
        if "?" in node:
            found.append(node)
        for value in node.values():
            _objects(value, found)
    elif isinstance(node, list):
        for item in node:
            _objects(item, found)
    return found


def _declared(fqn, classes):
    props = {}
    for doc in reversed(class_chain(fqn, classes)):
        props.update(doc.get("Properties") or {})
    return props


def _load(name):
    return json.loads((EXAMPLES / name).read_text())


def _apps(model, type_name):
    return [a for a in model["Objects"]["applications"] if a["?"]["type"] == type_name]


def test_examples_exist():
    assert {p.name for p in EXAMPLE_FILES} >= {
        "minimal-cluster.json", "flannel-cluster.json", "cluster-with-pod.json"}


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[p.name for p in EXAMPLE_FILES])
def test_object_model_matches_the_classes(path):
    model = json.loads(path.read_text())
    assert set(model) == {"Objects", "Attributes"} and model["Attributes"] == []
    root = model["Objects"]
    assert root["?"]["type"] == "io.murano.Environment"
    objects = _objects(root, [])
    ids = [o["?"]["id"] for o in objects]
    assert len(ids) == len(set(ids)), "object ids must be unique"
    classes = suite_classes()
    for obj in objects:
        type_name = obj["?"]["type"]
        given = set(obj) - {"?"}
        if type_name in classes:
            declared = _declared(type_name, classes)
            assert given <= set(declared), f"{type_name}: unknown {sorted(given - set(declared))}"
            required = {name for name, prop in declared.items()
                        if "Default" not in prop and "notNull()" in str(prop.get("Contract"))
                        and prop.get("Usage") not in ("Out", "Runtime")}
            assert required <= given, f"{type_name}: missing {sorted(required - given)}"
        elif type_name == "io.murano.resources.LinuxMuranoInstance":
            assert given <= INSTANCE_PROPERTIES
            assert obj["image"] == "debian8-x64-kubernetes.qcow2"
        else:
            assert type_name.startswith("io.murano."), type_name
    for obj in objects:
        if obj["?"]["type"] == K8S + "KubernetesPod":
            assert obj["kubernetesCluster"] in ids


@pytest.mark.parametrize("name, minions, gateways, flannel", [
    ("minimal-cluster.json", 1, 1, False),
    ("flannel-cluster.json", 3, 1, True),
    ("cluster-with-pod.json", 1, 1, False),
    ("scaling-cluster.json", 1, 1, False),
])
def test_cluster_layout(name, minions, gateways, flannel):
    (cluster,) = _apps(_load(name), K8S + "KubernetesCluster")
    layout = (cluster["nodeCount"], cluster["gatewayCount"], cluster["useFlannel"])
    assert layout == (minions, gateways, flannel)
    assert cluster["masterNode"]["instance"]["name"] == "murano-kube-1"
    assert [n["instance"]["name"] for n in cluster["minionNodes"]] == [
        f"murano-kube-{i}" for i in range(2, len(cluster["minionNodes"]) + 2)]
    assert [n["instance"]["name"] for n in cluster["gatewayNodes"]] == [
        f"murano-gateway-{i}" for i in range(1, len(cluster["gatewayNodes"]) + 1)]
    assert cluster["nodeCount"] <= len(cluster["minionNodes"])
    assert cluster["gatewayCount"] <= len(cluster["gatewayNodes"])


def test_pod_example():
    model = _load("cluster-with-pod.json")
    (pod,) = _apps(model, K8S + "KubernetesPod")
    (cluster,) = _apps(model, K8S + "KubernetesCluster")
    assert pod["kubernetesCluster"] == cluster["?"]["id"]
    assert re.match(r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$", pod["name"])
    assert pod["replicas"] >= 1 and "=" in pod["labels"]


def _scaling_example(readme) -> list[str]:
    """The commands of a README's literal block that scales a cluster up on the simulated
    cloud (the README's --cloud qemu example runs in tox -e localcloud)."""
    blocks = re.findall(r"::\n\n((?:    .*\n)+)", readme.read_text(encoding="utf-8"))
    (block,) = [b for b in blocks if "scaleNodesUp" in b and "--cloud qemu" not in b]
    return [line.strip() for line in block.splitlines() if line.strip()]


@pytest.mark.parametrize("readme", [REPO / "README.rst", EXAMPLES / "README.rst"],
                         ids=["README", "examples-README"])
def test_the_readme_scaling_example_adds_a_node(readme, tmp_path, monkeypatch, capsys):
    """The README's own commands, run from the checkout (only the state folder is moved
    under the test's temporary folder)."""
    commands = _scaling_example(readme)
    assert [shlex.split(c)[:2] for c in commands] == [["muranokit", "deploy"],
                                                      ["muranokit", "action"]]
    monkeypatch.chdir(REPO)
    state = tmp_path / "k8s"
    counts, outputs = [], []
    for command in commands:
        argv = [str(state) if arg == "/tmp/k8s" else arg for arg in shlex.split(command)[1:]]
        assert main(argv) == 0, capsys.readouterr().err
        outputs.append(capsys.readouterr().out)
        saved = json.loads((state / "model.json").read_text())
        (cluster,) = _apps(saved, K8S + "KubernetesCluster")
        counts.append(cluster["nodeCount"])
    assert counts == [1, 2]
    assert "vm created murano-kube-3" in outputs[1] and "murano-kube-3" not in outputs[0]
