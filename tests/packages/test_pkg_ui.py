"""UI forms: the fields the issue lists, and the object model the forms produce.

The Application templates are evaluated with yaql the way the dashboard does
(plain scalars that parse are expressions, `$` is the submitted forms and
`$<template>` a Templates entry), from field values given here.
"""

import re

import pytest
import yaml
from k8s_package_helpers import ENGINE, PACKAGES, is_expression, parse_yaql
from yaql import create_context
from yaql.language import specs
from yaql.language import utils as yaql_utils

_constructor = yaml.constructor.SafeConstructor()


def _to_data(node):
    """A YAML node tree to Python data, plain expression scalars kept as str wrappers."""
    if isinstance(node, yaml.MappingNode):
        return {_to_data(k): _to_data(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_to_data(item) for item in node.value]
    if node.style is None and is_expression(node.value):
        return Expression(node.value)
    return _constructor.construct_object(node)


class Expression(str):
    """A yaql expression of a UI template."""


def _evaluate(value, context):
    if isinstance(value, Expression):
        result = parse_yaql(value).evaluate(context=context)
        return _evaluate(yaql_utils.convert_output_data(result, list, ENGINE), context)
    if isinstance(value, dict):
        return {_evaluate(k, context): _evaluate(v, context) for k, v in value.items()}
    if isinstance(value, list):
        return [_evaluate(item, context) for item in value]
    return value


def _form(package):
    with open(PACKAGES / package / "UI" / "ui.yaml") as fh:
        return _to_data(yaml.compose(fh, Loader=yaml.SafeLoader))


def _fields(form):
    return {field["name"]: field for named in form["Forms"] for body in named.values()
            for field in body["fields"]}


def _application(package, values):
    """The Application template evaluated as the dashboard does: Templates go into
    the context unevaluated, and results that hold expressions are evaluated again."""
    form = _form(package)
    context = create_context()
    context["$"] = yaql_utils.convert_input_data(values)

    @specs.parameter("times", int)
    def repeat(context, template, times):  # the dashboard's repeat()
        copies = []
        for index in range(1, times + 1):
            child = context.create_child_context()
            child["index"] = index
            copies.append(_evaluate(template, child))
        return copies

    def generate_hostname(pattern, number):  # the dashboard's generateHostname()
        return pattern.replace("#", str(number))

    context.register_function(repeat, "repeat")
    context.register_function(generate_hostname, "generateHostname")
    for name, template in (form.get("Templates") or {}).items():
        context[name] = template
    return _evaluate(form["Application"], context)


@pytest.mark.parametrize("package", ["DockerStandaloneHost", "KubernetesCluster", "KubernetesPod"])
def test_version_2(package):
    assert str(_form(package)["Version"]).startswith("2.")


def test_cluster_form_fields():
    fields = _fields(_form("KubernetesCluster"))
    for name in ("name", "maxMinionCount", "minionCount", "maxGatewayCount", "gatewayCount",
                 "flavor", "osImage", "keyPair", "availabilityZone", "assignFloatingIpToMaster",
                 "assignFloatingIpToMinions", "assignFloatingIpToGateways", "dockerRegistry",
                 "dockerMirror", "gcloudKey", "useFlannel", "enableKubeDns", "enableDashboard"):
        assert name in fields, name
    assert fields["osImage"]["initial"] == "debian8-x64-kubernetes.qcow2"
    assert fields["gcloudKey"]["type"] == "password"
    assert fields["flavor"]["type"] == "flavor" and fields["keyPair"]["type"] == "keypair"
    for flag in ("useFlannel", "enableKubeDns", "enableDashboard"):
        assert fields[flag]["type"] == "boolean"


CLUSTER_VALUES = {
    "appConfiguration": {
        "name": "k8s", "maxMinionCount": 3, "minionCount": 2, "maxGatewayCount": 2,
        "gatewayCount": 1, "assignFloatingIpToMaster": True, "assignFloatingIpToMinions": False,
        "assignFloatingIpToGateways": True, "useFlannel": True, "enableKubeDns": True,
        "enableDashboard": False,
    },
    "dockerConfiguration": {"dockerRegistry": "registry.local:5000", "dockerMirror": "",
                            "gcloudKey": ""},
    "instanceConfiguration": {"flavor": "m1.medium", "osImage": "debian8-x64-kubernetes.qcow2",
                              "keyPair": "mykey", "availabilityZone": "nova"},
}


def test_cluster_form_builds_the_object_model():
    app = _application("KubernetesCluster", CLUSTER_VALUES)
    assert app["?"]["type"] == "com.mirantis.docker.kubernetes.KubernetesCluster"
    assert (app["nodeCount"], app["gatewayCount"], app["useFlannel"]) == (2, 1, True)
    assert app["dockerRegistry"] == "registry.local:5000"
    master = app["masterNode"]
    assert master["?"]["type"].endswith("KubernetesMasterNode")
    assert master["instance"]["name"] == "murano-kube-1"
    assert master["instance"]["assignFloatingIp"] is True
    assert [n["instance"]["name"] for n in app["minionNodes"]] == [
        "murano-kube-2", "murano-kube-3", "murano-kube-4"]
    assert {n["?"]["type"] for n in app["minionNodes"]} == {
        "com.mirantis.docker.kubernetes.KubernetesMinionNode"}
    assert [n["instance"]["name"] for n in app["gatewayNodes"]] == [
        "murano-gateway-1", "murano-gateway-2"]
    assert all(n["instance"]["assignFloatingIp"] for n in app["gatewayNodes"])
    first = app["minionNodes"][0]["instance"]
    assert first["?"]["type"] == "io.murano.resources.LinuxMuranoInstance"
    assert (first["flavor"], first["image"], first["keyname"]) == (
        "m1.medium", "debian8-x64-kubernetes.qcow2", "mykey")


def test_pod_form():
    fields = _fields(_form("KubernetesPod"))
    pattern = re.compile(fields["name"]["regexpValidator"])
    assert pattern.match("web-1") and not pattern.match("Web_1") and not pattern.match("web-")
    labels = re.compile(fields["labels"]["regexpValidator"])
    assert labels.match("tier=front;app=shop") and labels.match("") and not labels.match("tier")
    assert fields["replicas"]["minValue"] == 0
    assert fields["kubernetesCluster"]["type"] == "com.mirantis.docker.kubernetes.KubernetesCluster"
    app = _application("KubernetesPod", {"appConfiguration": {
        "name": "web", "labels": "tier=front", "replicas": 2, "kubernetesCluster": "cluster-id"}})
    assert app == {"?": {"type": "com.mirantis.docker.kubernetes.KubernetesPod"}, "name": "web",
                   "labels": "tier=front", "replicas": 2, "kubernetesCluster": "cluster-id"}


def test_standalone_host_form():
    app = _application("DockerStandaloneHost", {
        "appConfiguration": {"name": "h", "assignFloatingIP": True, "dockerRegistry": "",
                             "dockerMirror": "http://mirror:5000", "gcloudKey": ""},
        "instanceConfiguration": {"flavor": "m1.small", "osImage": "img", "keyPair": "",
                                  "availabilityZone": "nova", "unitNamingPattern": "docker-host"}})
    assert app["?"]["type"] == "com.mirantis.docker.DockerStandaloneHost"
    assert app["dockerMirror"] == "http://mirror:5000"
    assert app["instance"]["assignFloatingIp"] is True
    assert app["instance"]["name"] == "docker-host"
