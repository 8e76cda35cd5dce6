"""`muranokit action`: Usage: Action methods on a saved deployment."""

from __future__ import annotations

from pathlib import Path

from dryrun_support import APP_ID, HELLO_PKG, load_json


def _app(state: Path) -> dict:
    return load_json(state / "model.json")["Objects"]["applications"][0]


def test_action_runs_saves_state_and_builds_on_it(cli, hello: Path, tmp_path: Path) -> None:
    state = tmp_path / "state"
    assert cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--state", state).code == 0
    assert _app(state)["restarts"] == 0
    run = cli("action", "--state", state, APP_ID, "restart", "--report", "json")
    assert run.code == 0, run.err
    events = run.events()
    assert [e["text"] for e in events if e["kind"] == "report"] == ["Restarting hello"]
    plan, = [e for e in events if e["kind"] == "agent_plan"]
    assert plan["vm"] == "hello-1" and plan["name"] == "Restart"
    assert plan["stamp"] == 2                    # second plan this VM received
    assert _app(state)["restarts"] == 1
    assert cli("action", "--state", state, APP_ID, "restart").code == 0
    assert _app(state)["restarts"] == 2
    history = load_json(state / "state.json")["body"]["history"]
    assert [h["command"] for h in history] == ["deploy", "action restart", "action restart"]
    # a later deploy continues from the state the actions left
    again = cli("deploy", hello / "model.json", "--state", state)
    assert again.code == 0 and _app(state)["restarts"] == 2


def test_failing_action_exits_1_and_keeps_the_state(cli, hello: Path, tmp_path: Path) -> None:
    state = tmp_path / "state"
    assert cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--state", state).code == 0
    rules = hello / "restart-fails.yaml"
    rules.write_text('agent:\n  - plan: Restart\n    exitCode: 3\n    stderr: "no service"\n')
    run = cli("action", "--state", state, APP_ID, "restart", "--agent-rules", rules)
    assert run.code == 1
    assert "action restart failed: io.murano.system.AgentException" in run.err
    assert "HelloWorld.yaml" in run.err
    assert _app(state)["restarts"] == 0
    assert load_json(state / "state.json")["body"]["status"] == "failed"
    assert _app(state)["instance"]["ipAddresses"]
