"""Core-library members packages call (issue 10 item 4), each run from our own MuranoPL
fixture (tests/corelib/fixtures/members) against the simulated cloud."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from muranokit.engine import MuranoPlError, Runtime
from muranokit.engine.corelib.cloud import Cloud

MEMBERS = str(Path(__file__).parent / "fixtures" / "members")
APP = "c0000000000000000000000000000001"


def environment(region_configs: dict | None = None) -> tuple[Runtime, Cloud]:
    cloud = Cloud()
    configs = {"io.murano.Environment": {"regionConfigs": region_configs}} \
        if region_configs else None
    rt = Runtime([MEMBERS], cloud=cloud, class_configs=configs)
    rt.load_model({"Objects": {
        "?": {"id": "e0000000000000000000000000000001", "type": "io.murano.Environment"},
        "name": "members",
        "defaultNetworks": {"environment": {
            "?": {"id": "n0000000000000000000000000000001",
                  "type": "io.murano.resources.NeutronNetwork"}, "name": "members-net"},
            "flat": None},
        "applications": [{
            "?": {"id": APP, "type": "cm.Members"},
            "server": {"?": {"id": "s0000000000000000000000000000001", "type": "cm.Server"},
                       "name": "srv", "flavor": "m1.small", "image": "debian",
                       "assignFloatingIp": True}}]}})
    return rt, cloud


def call(method: str, **kwargs):
    rt, _cloud = environment(**kwargs)
    return rt.call(APP, method)


def test_regions_of_the_environment_and_its_resources():
    configs = {"RegionTwo": {"agentRabbitMq": {"host": "mq2", "login": "u", "password": "p"}}}
    result = call("regions", region_configs=configs)
    assert result == {"serverRegion": "", "sameObject": True, "stackShared": True,
                      "keys": ["", "RegionTwo"], "config": "localhost", "home": ""}


def test_an_unknown_region_is_a_key_error_naming_it():
    with pytest.raises(MuranoPlError) as info:
        call("unknownRegion")
    assert info.value.type_name == "KeyError"
    assert '"Nowhere"' in info.value.message


def test_deploy_joins_networks_and_reads_addresses_back():
    result = call("deployServer")
    # Nova lists the floating IP with the network too
    assert result["joined"] == [["io.murano.resources.NeutronNetwork",
                                 ["10.0.0.3", "172.24.4.10"]]]
    assert result["ips"] == ["10.0.0.3", "172.24.4.10"]
    server = result["template"]["resources"]["srv"]
    assert server["properties"]["metadata"] == {"overridden": "marked"}   # prepareStackTemplate
    assert server["properties"]["networks"] == [
        {"port": {"get_resource": "port-n0000000000000000000000000000001-srv"}}]


def test_network_describe_has_subnet_gateway_and_dns():
    described = call("describeNetwork")
    assert described["provider"] == "Neutron"
    assert described["cidr"] == "10.0.0.0/24" and described["gateway"] == "10.0.0.1"
    assert described["subnetId"] and described["netId"] and described["floatingIpNetId"]
    assert described["dns"] == []


def test_existing_network_is_described_by_name():
    described = call("describeExisting")
    assert described["netName"] == described["netId"] == "corp-net"


def test_windows_instance_opens_rdp_and_boots_the_windows_agent():
    rt, cloud = environment()
    result = rt.call(APP, "windows")
    server = result["template"]["resources"]["win"]["properties"]
    assert server["user_data_format"] == "HEAT_CFNTOOLS"
    assert server["user_data"].startswith("#ps1_sysnative")
    config = base64.b64decode(server["user_data"].split("'")[1]).decode()
    assert "rabbitmq.inputQueue" in config and "-hx" not in config
    rules = result["template"]["resources"]["MuranoSecurityGroup-members"]["properties"]
    assert any(r.get("port_range_min") == 3389 for r in rules["rules"])
    assert result["answer"] is None
    plan = [e for e in rt.events if e["kind"] == "agent_plan"][-1]
    assert plan["scripts"] == ["setup.ps1"]
    assert base64.b64decode(plan["files"][0]["body"]).decode().startswith("function Install")


def test_encrypted_data_round_trips_and_stays_masked():
    rt, cloud = environment()
    key, value = rt.call(APP, "secrets")
    assert value == "Pa55-word-x" and key != value and len(key) == 36
    state = json.dumps(cloud.to_state())
    assert "Pa55-word-x" not in state and key in state
    assert cloud.masker.mask("the value Pa55-word-x") == "the value ***"
    again = Cloud(state=json.loads(state))
    assert again.read_secret(key) == "Pa55-word-x"


def test_logger_function_formats_and_warns_on_bad_formats():
    rt, _cloud = environment()
    assert rt.call(APP, "logs") == "io.murano.system.Logger"
    logs = [(e["level"], e["logger"], e["message"]) for e in rt.events if e["kind"] == "log"
            and e["logger"] == "applications.probe"]
    assert logs == [("info", "applications.probe", "1 and two"),
                    ("warning", "applications.probe", "Can not format string: {broken"),
                    ("warning", "applications.probe", "{broken")]


def test_config_gives_engine_settings_and_refuses_unknown_options():
    assert call("configs") == [5672, 3600, None]
    with pytest.raises(MuranoPlError) as info:
        call("badConfig")
    assert info.value.type_name == "NoSuchOptError"


def test_project_and_user_come_from_the_cloud():
    assert call("identity") == ["dry-run", "Default", "dry-run", "io.murano.Project"]


def test_missing_class_is_catchable_as_no_package_for_class_found():
    assert call("missingClass") == ["caught", "murano.dsl.exceptions.NoPackageForClassFound"]


def test_is_object_and_metadata():
    assert call("objects") == [True, True, False, None]


def test_shared_ip_range_and_shared_ip():
    cidr, ref, vip, fip = call("shared")
    assert cidr == "10.20.0.0/28" and ref["get_attr"][1] == "cidr"
    assert vip.startswith("10.0.0.") and fip.startswith("172.24.4.")


def test_volumes_and_affinity_groups_join_the_server():
    resources = call("volumes")["resources"]
    attachment = next(r for r in resources.values()
                      if r["type"] == "OS::Cinder::VolumeAttachment")
    assert attachment["properties"]["mountpoint"] == "/dev/vdb"
    volume = next(r for r in resources.values() if r["type"] == "OS::Cinder::Volume")
    assert volume["properties"] == {"size": 2, "name": "data"}
    group = next(r for r in resources.values() if r["type"] == "OS::Nova::ServerGroup")
    assert group["properties"]["policies"] == ["affinity"]
    hints = resources["vol-vm"]["properties"]["scheduler_hints"]
    assert hints["group"]["get_resource"] == group["properties"]["name"]


def test_heat_software_config_instance():
    resources = call("softwareConfig")["resources"]
    assert resources["sw-install"]["properties"] == {"group": "script", "config": "echo hi"}
    assert resources["sw-install-deployment"]["properties"]["server"] == {"get_resource": "sw"}
    assert resources["sw"]["properties"]["user_data_format"] == "SOFTWARE_CONFIG"


def test_nova_network_uses_aws_security_groups():
    name, described, group = call("nova")
    assert name == "io.murano.system.AwsSecurityGroupManager"
    assert described == {"provider": "NovaNetwork"}
    assert group["type"] == "AWS::EC2::SecurityGroup"
    assert {"FromPort": "80", "ToPort": "80", "IpProtocol": "tcp", "CidrIp": "0.0.0.0/0"} in \
        group["properties"]["SecurityGroupIngress"]


def test_network_explorer_lists_what_the_cloud_has():
    result = call("explorer")
    assert "security-group" in result["extensions"]
    assert result["networks"][0] == "public" and result["external"] is True


def test_mistral_and_metadef_browser_offline():
    assert call("services") == [{}, "wf-execution", False]


def test_linux_run_command_takes_a_timeout():
    assert call("linuxTimeout") == ""


def test_attributes_of_another_class():
    assert call("attributes") == ["none", 7]


def test_runner_inject_forms():
    from muranokit.tools.testrunner import discover, run_case
    cases = discover([MEMBERS])
    results = {c.method: run_case([MEMBERS], c) for c in cases if c.class_name == "cm.Mocks"}
    assert len(results) == 3
    for method, result in results.items():
        assert result.passed, (method, result.error)


def test_templates_in_a_model_are_data_even_with_ids():
    """The dashboard gives every ``?`` an id, templates included; they stay templates."""
    template = {"?": {"type": "io.murano.resources.LinuxMuranoInstance", "id": "tpl-1"},
                "flavor": "m1.small", "image": "debian"}
    rt = Runtime([MEMBERS], cloud=Cloud())
    factory = rt.load_model({"Objects": {
        "?": {"id": "f0000000000000000000000000000001", "type": "cm.Factory"},
        "template": template, "templates": [dict(template, **{"?": {
            "type": "io.murano.resources.LinuxMuranoInstance", "id": "tpl-2"}})]}})
    assert rt.get_object("tpl-1") is None and rt.get_object("tpl-2") is None
    made = rt.call(factory, "make", "vm-a")
    assert made.type_name == "io.murano.resources.LinuxMuranoInstance"
    assert made.get_property("name") == "vm-a" and made.id != "tpl-1"


def test_templates_with_one_id_in_several_places_load_from_objects_and_objects_copy():
    """A model written back (--model-out) holds a template shared by two properties twice,
    with its id, in Objects and in ObjectsCopy: it loads again, the template stays data."""
    template = {"?": {"type": "io.murano.resources.LinuxMuranoInstance", "id": "tpl-1"},
                "flavor": "m1.small", "image": "debian"}
    factory = {"?": {"id": "f0000000000000000000000000000001", "type": "cm.Factory"},
               "template": template, "templates": [template, template]}
    rt = Runtime([MEMBERS], cloud=Cloud())
    loaded = rt.load_model({"Objects": factory, "ObjectsCopy": json.loads(json.dumps(factory))})
    assert rt.get_object("tpl-1") is None
    assert rt.call(loaded, "make", "vm-b").get_property("name") == "vm-b"
