"""The core library on the engine: a dry-run deployment of a small application end to end."""

import json
import sys
from pathlib import Path

import pytest

from muranokit.engine import MuranoPlError

sys.path.insert(0, str(Path(__file__).parent))
from engine_fixtures import Deployment, make_package, model, web_app  # noqa: E402


@pytest.fixture
def pkg(tmp_path):
    return make_package(tmp_path)


def test_deploy_builds_network_server_and_runs_the_plan(pkg):
    run = Deployment([pkg], model(web_app("app-1", "web-1")))
    run.deploy()
    template = run.stack().deployed
    res = template["resources"]
    assert res["web-1"]["type"] == "OS::Nova::Server"
    assert res["web-1"]["properties"]["user_data_format"] == "RAW"
    assert res["network-net-1"]["type"] == "OS::Neutron::Net"
    assert res["port-net-1-web-1"]["properties"]["security_groups"] == [
        {"get_resource": "MuranoSecurityGroup-demo"}]
    rules = res["MuranoSecurityGroup-demo"]["properties"]["rules"]
    assert {"protocol": "tcp", "ethertype": "IPv4", "port_range_min": 22,
            "port_range_max": 22, "remote_ip_prefix": "0.0.0.0/0"} in rules
    plan = next(e for e in run.events if e["kind"] == "agent_plan")
    assert plan["vm"] == "web-1" and plan["name"] == "Deploy Web"
    assert plan["parameters"] == {"port": 80, "password": "***"}
    assert sorted(f["name"] for f in plan["files"]) == ["common.sh", "deploy.sh"]
    reports = [e["text"] for e in run.events if e["kind"] == "report"]
    assert reports == ["Creating VM", "Web is at 10.0.0.3"]
    instance = run.app("app-1")["instance"]
    assert instance["ipAddresses"] == ["10.0.0.3", "172.24.4.10"]
    assert instance["floatingIpAddress"] == "172.24.4.10"
    assert instance["openstackId"] == run.stack().attributes["web-1"]["id"]
    assert run.app("app-1")["status"] == ""


def test_secrets_never_reach_the_trace(pkg):
    run = Deployment([pkg], model(web_app("app-1", "web-1")))
    run.cloud.masker.learn(run.runtime.serialize())
    run.deploy()
    assert "Secr3t-pw" not in json.dumps(run.events)


def test_same_model_same_trace(pkg):
    def trace():
        run = Deployment([pkg], model(web_app("a", "web-1"), web_app("b", "web-2")))
        run.deploy()
        return json.dumps(run.events, sort_keys=True), run.runtime.serialize()["Objects"]
    assert trace() == trace()


def test_agent_failure_is_caught_by_muranopl_try_catch(pkg):
    rules = "agent:\n  - vm: web-1\n    plan: Deploy Web\n    fail: apt-get failed\n"
    run = Deployment([pkg], model(web_app("app-1", "web-1")), rules)
    run.deploy()
    errors = [e for e in run.events if e["kind"] == "report" and e["level"] == "error"]
    assert [e["text"] for e in errors] == ["Deploy failed - web-1: apt-get failed"]
    assert run.app("app-1")["status"] == "failed"


def test_missing_script_fails_with_the_file_name(pkg):
    run = Deployment([pkg], model(web_app("app-1", "web-1", script="Broken.template")))
    run.deploy()  # AgentException is caught by the application
    error = next(e for e in run.events if e["kind"] == "report" and e["level"] == "error")
    assert "Resources/scripts/missing.sh" in error["text"]
    assert "com.example.Web" in error["text"]


def test_heat_fault_surfaces_as_muranopl_exception_then_recovers(pkg):
    rules = "heat:\n  - resource: web-1\n    fail: No valid host was found\n    times: 1\n"
    run = Deployment([pkg], model(web_app("app-1", "web-1")), rules)
    with pytest.raises(MuranoPlError) as info:
        run.deploy()
    assert info.value.type_name == "io.murano.system.HeatStackError"
    assert "No valid host was found" in info.value.message
    frames = [(f.type, f.method) for f in info.value.stack]
    assert frames[:4] == [("io.murano.Environment", "deploy"), ("com.example.Web", "deploy"),
                          ("io.murano.resources.Instance", "deploy"),
                          ("io.murano.resources.Instance", "endDeploy")]
    assert frames[-1] == ("io.murano.system.HeatStack", "push")
    # the network's push created the stack; the push adding the server failed
    assert [e["status"] for e in run.events if e["kind"] == "heat_push"] == ["ok", "failed"]
    assert run.stack().status == "UPDATE_FAILED"
    state = run.cloud.to_state()
    previous = run.runtime.serialize()
    again = Deployment([pkg], model(web_app("app-1", "web-1"), previous=previous), rules,
                       cloud_state=state)
    again.deploy()
    assert again.stack().status == "UPDATE_COMPLETE"  # the existing stack is updated
    assert "web-1" in again.stack().deployed["resources"]


def test_redeploy_with_a_removed_application_releases_its_resources(pkg):
    first = Deployment([pkg], model(web_app("a", "web-1"), web_app("b", "web-2")))
    first.deploy()
    previous = first.runtime.serialize()
    ips_b = first.app("b")["instance"]["ipAddresses"]
    second = Deployment([pkg], model(previous["Objects"]["applications"][1],
                                     previous=previous), cloud_state=first.cloud.to_state())
    second.deploy()
    resources = second.stack().deployed["resources"]
    assert "web-1" not in resources and "port-net-1-web-1" not in resources
    assert "fip-net-1-web-1" not in resources
    assert "web-2" in resources
    assert {"kind": "vm_deleted", "vm": "web-1", "stack": "murano-env-1"} in second.events
    assert second.app("b")["instance"]["ipAddresses"] == ips_b  # kept its addresses
    # the network was deployed once and is not pushed again
    assert [e for e in second.events if e["kind"] == "heat_push"
            and "network-net-1" in e["added"]] == []


def test_instance_on_an_existing_network(pkg):
    app = web_app("app-1", "web-1", instance={
        "assignFloatingIp": False,
        "networks": {"useEnvironmentNetwork": False, "useFlatNetwork": False,
                     "customNetworks": [{"?": {"id": "ext",
                                               "type": "io.murano.resources."
                                                       "ExistingNeutronNetwork"},
                                         "internalNetworkName": "corp-net"}],
                     "primaryNetwork": None}})
    run = Deployment([pkg], model(app))
    run.deploy()
    port = run.stack().deployed["resources"]["port-ext-web-1"]
    assert port["properties"]["network"] == "corp-net"
    assert "network-net-1" not in run.stack().deployed["resources"]
    ips = run.app("app-1")["instance"]["ipAddresses"]
    assert len(ips) == 1 and ips[0].startswith("192.168.")


def test_resources_and_logger(pkg):
    run = Deployment([pkg], model(web_app("app-1", "web-1")))
    assert run.runtime.call("app-1", "readAll") == {"text": "hello notes\n",
                                                   "data": {"a": [1, 2]}}
    run.runtime.call("app-1", "log", "hello log")
    assert run.events[-1] == {"kind": "log", "level": "info", "logger": "web",
                              "message": "hello log"}


def test_shared_ip_is_a_port_on_the_environment_network(pkg):
    run = Deployment([pkg], model(web_app("app-1", "web-1")))
    vip, fip, ref = run.runtime.call("app-1", "shareIp")
    assert vip.startswith("10.0.0.") and fip.startswith("172.24.4.")
    port = run.stack().deployed["resources"][ref["get_resource"]]
    assert port["properties"]["network"] == {"get_resource": "network-net-1"}


@pytest.mark.parametrize("method, type_name, message", [
    ("readMissing", "io.murano.system.ResourceNotFound",
     "package com.example.Web has no file Resources/nope.txt"),
    ("badTemplate", "io.murano.system.HeatStackError",
     "updateTemplate needs a mapping, got list"),
])
def test_misuse_gives_muranopl_exceptions_with_clear_messages(pkg, method, type_name,
                                                              message):
    run = Deployment([pkg], model(web_app("app-1", "web-1")))
    with pytest.raises(MuranoPlError) as info:
        run.runtime.call("app-1", method)
    assert info.value.type_name == type_name
    assert message in info.value.message
    assert info.value.stack[0].method == method
