"""Core-library members catalog packages call (issue 10 item 4), per upstream's io.murano."""

import pytest
from realworld_support import Engine, environment, fixture, gap, instance

from muranokit.engine import MuranoPlError

APP = "a0000000000000000000000000000001"
VM = "a0000000000000000000000000000002"


def probe(kind: str = "io.murano.resources.LinuxMuranoInstance") -> Engine:
    engine = Engine("corepkg")
    engine.rt.load_model(environment(
        {"?": {"id": APP, "type": "rw.core.Probe"}, "instance": instance(VM, kind)}))
    return engine


@gap("io.murano.resources.Instance has no getRegion() (io.murano.CloudResource missing)")
def test_instance_get_region_returns_the_cloud_region():
    assert probe().rt.call(APP, "region") == [True, ""]


@gap("io.murano.resources.Instance has no joinedNetworks property")
def test_joined_networks_after_deploy():
    assert probe().rt.call(APP, "joined") == [["io.murano.resources.NeutronNetwork", 1]]


@gap("NeutronNetwork.describe() lacks subnetId (and gateway, dns)")
def test_network_describe_has_subnet_and_gateway():
    described = probe().rt.call(APP, "describeNetwork")
    assert described["provider"] == "Neutron"
    assert described["netName"] == "probe-net"
    for key in ("netId", "subnetId", "cidr", "gateway", "dns", "floatingIpNetId"):
        assert key in described


@gap("io.murano.resources.WindowsInstance does not exist")
def test_windows_instance_opens_rdp():
    template = probe("io.murano.resources.WindowsInstance").rt.call(APP, "windowsTemplate")
    servers = [r for r in template["resources"].values() if r["type"] == "OS::Nova::Server"]
    assert len(servers) == 1
    rules = [rule for r in template["resources"].values()
             if r["type"] == "OS::Neutron::SecurityGroup"
             for rule in r["properties"].get("rules", [])]
    assert any(rule.get("port_range_min") == 3389 for rule in rules)


@gap("agent execution plans of FormatVersion 1.x are refused")
def test_agent_accepts_a_format_1_plan():
    assert probe().rt.call(APP, "agentV1") is None


@gap("encryptData()/decryptData() are not yaql functions of the engine")
def test_encrypt_and_decrypt_round_trip():
    assert probe().rt.call(APP, "crypto") == [True, "s3cret"]


@gap("the global logger() function is missing")
def test_logger_function_returns_a_logger():
    assert probe().rt.call(APP, "logs") == "io.murano.system.Logger"


def test_format_1_workflow_section():
    engine = Engine("workflow10", default_format="1.0")
    assert engine.run("rw.legacy.Old", "double") == 4


def test_unknown_core_class_is_an_error_not_a_crash():
    engine = Engine("corepkg")
    with pytest.raises(MuranoPlError):
        engine.rt.load_model(environment(
            {"?": {"id": APP, "type": "rw.core.Probe"},
             "instance": instance(VM, "io.murano.resources.NoSuchInstance")}))


@gap("the test runner's global inject() function is missing")
def test_runner_inject_mocks_classes_and_objects(cli):
    result = cli("test", fixture("testpkg"))
    assert result.code == 0, result.out + result.err
    assert "2 passed, 0 failed" in result.out
