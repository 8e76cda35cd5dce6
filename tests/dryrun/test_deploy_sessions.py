"""`deploy --state`: sessions continue, removed objects are destroyed, failures keep state."""

from __future__ import annotations

import json
from pathlib import Path

from dryrun_support import APP_ID, BONJOUR_ID, HELLO_PKG, load_json


def _servers(state: Path) -> set[str]:
    document = load_json(state / "state.json")
    stacks = document["body"]["cloud"]["stacks"]
    return {name for s in stacks.values() for name, r in
            (s["deployed"].get("resources") or {}).items() if r["type"] == "OS::Nova::Server"}


def test_second_session_deploys_only_what_is_new(cli, hello: Path, tmp_path: Path) -> None:
    state = tmp_path / "state"
    first = cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--state", state,
                "--report", "json")
    assert first.code == 0, first.err
    assert _servers(state) == {"hello-1"}
    saved = load_json(state / "state.json")["body"]
    assert saved["packages"] == [str(HELLO_PKG)]
    assert saved["model"]["Objects"]["applications"][0]["instance"]["ipAddresses"]

    second = cli("deploy", hello / "model-two-apps.json", "--state", state,
                 "--report", "json")
    assert second.code == 0, second.err
    plans = [e for e in second.events() if e["kind"] == "agent_plan"]
    assert [p["vm"] for p in plans] == ["bonjour-1"]      # hello-1 is not configured twice
    created = [e["vm"] for e in second.events() if e["kind"] == "vm_created"]
    assert created == ["bonjour-1"]
    assert _servers(state) == {"hello-1", "bonjour-1"}
    # hello keeps the address it got in the first session
    apps = {a["name"]: a for a in second.result()["model"]["Objects"]["applications"]}
    assert apps["hello"]["instance"]["ipAddresses"] == \
        first.result()["model"]["Objects"]["applications"][0]["instance"]["ipAddresses"]


def test_removed_application_is_destroyed_and_its_resources_released(cli, hello: Path,
                                                                      tmp_path: Path) -> None:
    state = tmp_path / "state"
    assert cli("deploy", "-p", HELLO_PKG, hello / "model-two-apps.json",
               "--state", state).code == 0
    run = cli("deploy", hello / "model-bonjour-only.json", "--state", state, "--report", "json")
    assert run.code == 0, run.err
    events = run.events()
    assert [e["vm"] for e in events if e["kind"] == "vm_deleted"] == ["hello-1"]
    destroyed = {e["id"] for e in events if e["kind"] == "object.destroyed"}
    assert APP_ID in destroyed
    push = next(e for e in events if e["kind"] == "heat_push")
    assert "hello-1" in push["removed"] and push["added"] == []
    assert _servers(state) == {"bonjour-1"}
    ids = json.dumps(load_json(state / "model.json"))
    assert APP_ID not in ids and BONJOUR_ID in ids
    # its floating IP went back to the pool
    allocator = load_json(state / "state.json")["body"]["cloud"]["allocator"]
    assert "hello-1" not in json.dumps(allocator)


def test_redeploy_without_a_model_uses_the_saved_one(cli, hello: Path, tmp_path: Path) -> None:
    state = tmp_path / "state"
    assert cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--state", state).code == 0
    run = cli("deploy", "--state", state, "--report", "json")
    assert run.code == 0, run.err
    assert not [e for e in run.events() if e["kind"] in ("vm_created", "agent_plan")]


def test_failed_agent_plan_keeps_what_was_deployed_and_recovers(cli, hello: Path,
                                                                tmp_path: Path) -> None:
    state = tmp_path / "state"
    run = cli("deploy", "-p", HELLO_PKG, hello / "model-two-apps.json", "--state", state,
              "--agent-rules", hello / "agent-rules-fail.yaml", "--report", "json")
    assert run.code == 1
    assert "deployment failed: io.murano.system.AgentException" in run.err
    assert "MuranoPL stack" in run.err and "HelloWorld.yaml:" in run.err
    exception = run.events()[-1]
    assert exception["kind"] == "exception"
    assert exception["type"] == "io.murano.system.AgentException"
    assert any(f["method"] == "deploy" and f["type"] == "com.example.HelloWorld"
               for f in exception["stack"])
    assert run.result()["status"] == "failed"
    saved = load_json(state / "state.json")["body"]
    assert saved["status"] == "failed"
    assert _servers(state) == {"hello-1", "bonjour-1"}   # both VMs exist before the failure
    # the next session (the rule fired its one time) finishes only what failed
    again = cli("deploy", hello / "model-two-apps.json", "--state", state,
                "--agent-rules", hello / "agent-rules-fail.yaml", "--report", "json")
    assert again.code == 0, again.err
    plans = [(e["vm"], e["status"]) for e in again.events() if e["kind"] == "agent_plan"]
    assert plans == [("bonjour-1", "ok")]
    assert load_json(state / "state.json")["body"]["status"] == "ok"


def test_heat_failure_is_reported_and_retried(cli, hello: Path, tmp_path: Path) -> None:
    state = tmp_path / "state"
    run = cli("deploy", "-p", HELLO_PKG, hello / "model-two-apps.json", "--state", state,
              "--agent-rules", hello / "heat-rules-fail.yaml", "--report", "json")
    assert run.code == 1
    failed = [e for e in run.events() if e["kind"] == "heat_push" and e["status"] == "failed"]
    assert len(failed) == 1 and "No valid host was found" in failed[0]["error"]
    assert "io.murano.system.HeatStackError" in run.err
    assert _servers(state) == {"hello-1"}
    again = cli("deploy", hello / "model-two-apps.json", "--state", state,
                "--agent-rules", hello / "heat-rules-fail.yaml")
    assert again.code == 0, again.err
    assert _servers(state) == {"hello-1", "bonjour-1"}
