"""The simulated murano-agent: v2 plans as upstream builds them, history, rule answers."""

import base64

import pytest

from muranokit.engine.corelib.cloud import Cloud
from muranokit.engine.corelib.cloud.backend import AgentFailure, PlanError
from muranokit.engine.corelib.cloud.rules import parse_rules


def deploy_template(**extra):
    template = {
        "FormatVersion": "2.1.0", "Version": "1.0.0", "Name": "Deploy App",
        "Parameters": {"port": 8080, "password": "hunter2!"},
        "Body": "return deploy('{0} {1}'.format(args.port, args.password)).stdout",
        "Scripts": {"deploy": {"Type": "Application", "Version": "1.0.0",
                               "EntryPoint": "deploy.sh", "Files": ["common.sh", "<blob.bin>"],
                               "Options": {"captureStdout": True}}}}
    template.update(extra)
    return template


def test_plan_has_v2_shape_with_file_contents(package):
    cloud = Cloud()
    plan = cloud.agents.build_plan("vm1", deploy_template(), package)
    assert plan["FormatVersion"] == "2.1.0"
    assert plan["Action"] == "Execute" and plan["Stamp"] == 1 and len(plan["ID"]) == 32
    files = plan["Files"]
    by_name = {f["Name"]: (fid, f) for fid, f in files.items()}
    assert set(by_name) == {"deploy.sh", "common.sh", "blob.bin"}
    script = plan["Scripts"]["deploy"]
    assert script["EntryPoint"] == by_name["deploy.sh"][0]
    assert script["Files"] == [by_name["common.sh"][0], by_name["blob.bin"][0]]
    assert by_name["deploy.sh"][1] == {"Name": "deploy.sh", "BodyType": "Text",
                                       "Body": "#!/bin/sh\necho deploying \"$1\"\n"}
    blob = by_name["blob.bin"][1]
    assert blob["BodyType"] == "Base64"
    assert base64.b64decode(blob["Body"]) == b"\x00\x01\x02binary"
    assert plan["Parameters"] == {"port": 8080, "password": "hunter2!"}


def test_downloadable_files_and_shared_entries(package):
    template = deploy_template()
    template["Scripts"]["deploy"]["Files"] = [{"tool.tgz": "https://example.org/x/tool.tgz"}]
    template["Scripts"]["again"] = {"Type": "Application", "Version": "1.0.0",
                                    "EntryPoint": "deploy.sh", "Files": [], "Options": {}}
    plan = Cloud().agents.build_plan("vm1", template, package)
    names = sorted(f["Name"] for f in plan["Files"].values())
    assert names == ["deploy.sh", "tool.tgz"]  # deploy.sh placed once, shared
    url = next(f for f in plan["Files"].values() if f["Name"] == "tool.tgz")
    assert url == {"Name": "tool.tgz", "URL": "https://example.org/x/tool.tgz",
                   "Type": "Downloadable"}
    assert plan["Scripts"]["again"]["EntryPoint"] == plan["Scripts"]["deploy"]["EntryPoint"]


def test_missing_file_names_the_package_and_path(package):
    template = deploy_template()
    template["Scripts"]["deploy"]["Files"] = ["nope.sh"]
    with pytest.raises(PlanError, match="Resources/scripts/nope.sh .* com.example.Test"):
        Cloud().agents.build_plan("vm1", template, package)


@pytest.mark.parametrize("bad, message", [
    ({"FormatVersion": "1.0.0", "Scripts": ["a.sh"]}, "FormatVersion '1.0.0'"),
    ({"FormatVersion": "2.0.0", "Scripts": {"x": {"Type": "Application"}}}, "no entry point"),
    ("not a dict", "must be a mapping"),
])
def test_bad_templates_are_refused(package, bad, message):
    with pytest.raises(PlanError, match=message):
        Cloud().agents.build_plan("vm1", bad, package)


def test_default_answer_is_success_with_empty_output_and_is_recorded(package):
    cloud = Cloud()
    plan = cloud.agents.build_plan("vm1", deploy_template(), package)
    assert cloud.agents.execute("vm1", "host-id", plan) == ""
    assert cloud.agents.history["vm1"][0]["status"] == "ok"
    event = cloud.events[-1]
    assert event["kind"] == "agent_plan" and event["vm"] == "vm1"
    assert event["scripts"] == ["deploy"]
    assert [f["name"] for f in event["files"]] == ["blob.bin", "common.sh", "deploy.sh"]
    assert event["parameters"] == {"port": 8080, "password": "***"}
    assert "hunter2!" not in repr(cloud.events)
    # the next plan on the same VM gets the next stamp and another id
    second = cloud.agents.build_plan("vm1", deploy_template(), package)
    assert second["Stamp"] == 2 and second["ID"] != plan["ID"]


def test_rules_answer_by_plan_script_and_vm(package):
    rules = parse_rules("""
agent:
  - plan: "Deploy*"
    vm: "master-*"
    stdout: "master ready"
  - script: "deploy.sh"
    body: {nodes: 3}
""")
    cloud = Cloud(rules=rules)
    for vm, expected in (("master-1", "master ready"), ("minion-1", {"nodes": 3})):
        plan = cloud.agents.build_plan(vm, deploy_template(), package)
        assert cloud.agents.execute(vm, None, plan) == expected


def test_failure_rule_raises_for_call_and_not_for_send(package):
    rules = parse_rules("agent:\n  - plan: Deploy App\n    fail: disk full\n    times: 2\n")
    cloud = Cloud(rules=rules)
    plan = cloud.agents.build_plan("vm1", deploy_template(), package)
    with pytest.raises(AgentFailure) as info:
        cloud.agents.execute("vm1", None, plan)
    assert info.value.error["message"] == "disk full"
    assert cloud.agents.execute("vm1", None, plan, mode="send") is None
    assert [e["status"] for e in cloud.events] == ["failed", "failed"]
    assert cloud.agents.execute("vm1", None, plan) == ""  # times: 2 used up


def test_nonzero_exit_code_fails_the_plan(package):
    cloud = Cloud(rules=parse_rules("agent:\n  - script: deploy\n    exitCode: 3\n"
                                    "    stderr: boom\n"))
    plan = cloud.agents.build_plan("vm1", deploy_template(), package)
    with pytest.raises(AgentFailure, match="exited with code 3: boom"):
        cloud.agents.execute("vm1", None, plan)
