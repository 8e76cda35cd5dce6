"""The user data the core library writes for a murano-agent instance, as upstream Murano does.

A MIME multipart built by Heat (OS::Heat::MultipartMime) from a cloud-config part (the host
name) and a boot script (OS::Heat::SoftwareConfig) that writes murano-agent's configuration
with the VM's input queue and the environment's result queue; the three resources leave the
stack with the server. Checked on the simulated cloud, whose report shows the template.
"""

from __future__ import annotations

import json
from pathlib import Path

from muranokit.tools.cli import main

REPO = Path(__file__).resolve().parents[2]
HELLO = REPO / "examples" / "hello"


def deploy(tmp_path: Path, model: Path, state: Path) -> dict:
    report = tmp_path / f"report-{len(list(tmp_path.iterdir()))}.jsonl"
    code = main(["deploy", str(model), "-p", str(HELLO / "HelloWorld"), "--state", str(state),
                 "--report", "json", "-o", str(report)])
    assert code == 0
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    return lines[-1]["templates"]


def test_agent_user_data_is_a_multipart_of_cloud_config_and_boot_script(tmp_path: Path) -> None:
    state = tmp_path / "state"
    (template,) = deploy(tmp_path, HELLO / "model.json", state).values()
    resources = template["resources"]
    server = resources["hello-1"]["properties"]
    assert server["user_data"] == {"get_resource": "user_data-hello-1"}
    assert server["user_data_format"] == "RAW"
    assert resources["user_data-hello-1"] == {
        "type": "OS::Heat::MultipartMime", "properties": {"parts": [
            {"config": {"get_resource": "boot_config-hello-1"}},
            {"config": {"get_resource": "boot_script_hello-1"}}]}}
    assert resources["boot_config-hello-1"]["properties"]["cloud_config"] == {
        "hostname": "hello-1"}
    script = resources["boot_script_hello-1"]["properties"]["config"]
    assert resources["boot_script_hello-1"]["properties"]["group"] == "ungrouped"
    assert script.startswith("#!/bin/sh\n")
    config = script.split("<<'MURANO_AGENT_CONF'\n", 1)[1].split("\nMURANO_AGENT_CONF\n")[0]
    assert "[rabbitmq]" in config and "storage = /var/murano/plans" in config
    env_id, host_id = "7c1a0c3e5c3b4c0e9d1c6a2b3e4f5a60", "7c1a0c3e5c3b4c0e9d1c6a2b3e4f5a63"
    assert f"input_queue = e{env_id}-h{host_id}" in config
    assert f"result_routing_key = -execution-results-murano-{env_id}" in config
    assert "systemctl restart murano-agent" in script

    deleted = tmp_path / "no-apps.json"
    model = json.loads((HELLO / "model.json").read_text())
    model["Objects"]["applications"] = []
    deleted.write_text(json.dumps(model))
    (template,) = deploy(tmp_path, deleted, state).values() or ({},)
    names = set((template or {}).get("resources") or {})
    assert not names & {"hello-1", "user_data-hello-1", "boot_config-hello-1",
                        "boot_script_hello-1"}


def test_stand_in_binaries_carry_the_marker_the_guest_looks_for() -> None:
    from muranokit.tools.image_standins import standin_script
    from muranokit.tools.localcloud import guestlog
    assert guestlog.STANDIN_MARKER in standin_script("kubectl", "v1.23.17").decode()
    assert guestlog.standins("x\nmuranokit-standins: kubectl confd \n2026-...") == [
        "confd", "kubectl"]
