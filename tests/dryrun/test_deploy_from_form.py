"""`deploy --app FQN --set ...`: the model is built from the package's ui.yaml."""

from __future__ import annotations

from pathlib import Path

from dryrun_support import HELLO_PKG


def test_form_values_and_defaults_reach_the_deployment(cli, tmp_path: Path) -> None:
    run = cli("deploy", "-p", HELLO_PKG, "--app", "com.example.HelloWorld",
              "--set", "adminPassword=hunter2hunter2", "--set", "greeting=Hey",
              "--report", "json")
    assert run.code == 0, run.err
    events = run.events()
    plan = next(e for e in events if e["kind"] == "agent_plan")
    assert plan["vm"] == "hello-1"                       # generateHostname('hello-#', 1)
    assert plan["parameters"] == {"greeting": "Hey", "adminPassword": "***"}
    assert "hunter2hunter2" not in run.out
    app = run.result()["model"]["Objects"]["applications"][0]
    assert app["?"]["type"] == "com.example.HelloWorld"
    assert app["instance"]["flavor"] == "m1.small" and app["instance"]["image"] == "debian-12"
    assert app["instance"]["floatingIpAddress"] is None  # assignFloatingIP defaults to false


def test_form_model_is_deterministic_and_continues_with_state(cli, tmp_path: Path) -> None:
    args = ("deploy", "-p", HELLO_PKG, "--app", "com.example.HelloWorld",
            "--set", "adminPassword=hunter2hunter2", "--report", "json")
    first, second = cli(*args), cli(*args)
    assert first.out == second.out and first.code == 0
    state = tmp_path / "state"
    assert cli(*args, "--state", state).code == 0
    again = cli(*args, "--state", state)
    assert again.code == 0
    assert not [e for e in again.events() if e["kind"] in ("vm_created", "agent_plan")]


def test_form_validators_refuse_bad_values(cli) -> None:
    base = ("deploy", "-p", HELLO_PKG, "--app", "com.example.HelloWorld")
    run = cli(*base)
    assert run.code == 2 and "adminPassword: this field is required" in run.err
    assert "ui.yaml:" in run.err
    run = cli(*base, "--set", "adminPassword=short")
    assert run.code == 2 and "At least 8 characters." in run.err
    run = cli(*base, "--set", "adminPassword=hunter2hunter2", "--set", "name=Bad Name")
    assert run.code == 2 and "appConfiguration.name" in run.err
    run = cli(*base, "--set", "adminPassword=hunter2hunter2", "--set", "greeting=" + "x" * 41)
    assert run.code == 2 and "maxLength 40" in run.err
    run = cli(*base, "--set", "colour=red")
    assert run.code == 2 and "--set colour: no such field" in run.err
    run = cli("deploy", "-p", HELLO_PKG, "--app", "com.example.Nothing")
    assert run.code == 2 and "no such package loaded" in run.err
    run = cli("deploy", "-p", HELLO_PKG, "--set", "a=b", "x.json")
    assert run.code == 2 and "--set needs --app" in run.err
