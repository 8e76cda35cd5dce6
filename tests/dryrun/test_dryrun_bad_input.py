"""Unusable input to deploy/action: a clear message with file and line, exit 2, state intact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dryrun_support import APP_ID, BONJOUR_ID, HELLO_PKG, load_json, snapshot, write_json


@pytest.fixture
def deployed(cli, hello: Path, tmp_path: Path) -> Path:
    """A state folder holding a successful deployment of examples/hello/model.json."""
    state = tmp_path / "state"
    assert cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--state", state).code == 0
    return state


def _app(model: dict) -> dict:
    return model["Objects"]["applications"][0]


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_invalid_json(cli, hello: Path, deployed: Path) -> None:
    bad = hello / "bad.json"
    bad.write_text((hello / "model.json").read_text().replace('"flat": null', '"flat": nul'))
    before = snapshot(deployed)
    run = cli("deploy", bad, "--state", deployed)
    assert run.code == 2
    assert f"{bad}:{_line_of(bad, 'nul')}: invalid JSON" in run.err
    assert "Traceback" not in run.err
    assert snapshot(deployed) == before


def test_unknown_class_names_its_line(cli, hello: Path, deployed: Path) -> None:
    model = load_json(hello / "model.json")
    _app(model)["?"]["type"] = "com.example.NoSuchApp"
    bad = write_json(hello / "unknown.json", model)
    before = snapshot(deployed)
    run = cli("deploy", "-p", HELLO_PKG, bad)
    assert run.code == 2
    assert f"{bad}:{_line_of(bad, 'NoSuchApp')}:" in run.err
    assert 'Class "com.example.NoSuchApp" is not found' in run.err
    run = cli("deploy", bad, "--state", deployed)
    assert run.code == 2 and f"{bad}:{_line_of(bad, 'NoSuchApp')}:" in run.err
    assert snapshot(deployed) == before


def test_missing_required_property(cli, hello: Path, deployed: Path) -> None:
    model = load_json(hello / "model.json")
    del _app(model)["adminPassword"]
    bad = write_json(hello / "missing.json", model)
    run = cli("deploy", "-p", HELLO_PKG, bad)
    assert run.code == 2
    assert "com.example.HelloWorld.adminPassword: value must not be null" in run.err
    assert f"{bad}:" in run.err


def test_dangling_reference(cli, hello: Path, deployed: Path) -> None:
    model = load_json(hello / "model.json")
    _app(model)["instance"] = "0123456789abcdef0123456789abcdef"
    bad = write_json(hello / "dangling.json", model)
    run = cli("deploy", "-p", HELLO_PKG, bad)
    assert run.code == 2
    assert "0123456789abcdef0123456789abcdef" in run.err and "not found" in run.err
    assert f"{bad}:{_line_of(bad, '0123456789abcdef')}:" in run.err


def test_bad_state_folders(cli, hello: Path, deployed: Path, tmp_path: Path) -> None:
    document = load_json(deployed / "state.json")
    document["version"] = 0
    (deployed / "state.json").write_text(json.dumps(document))
    before = snapshot(deployed)
    run = cli("deploy", hello / "model.json", "--state", deployed)
    assert run.code == 2 and "format version 0 is not supported" in run.err
    assert snapshot(deployed) == before
    (deployed / "state.json").write_text('{"format": "muranokit-dryrun-state", "vers')
    run = cli("action", "--state", deployed, APP_ID, "restart")
    assert run.code == 2 and "half-written" in run.err
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("precious")
    run = cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--state", foreign)
    assert run.code == 2 and "not a muranokit state folder" in run.err
    assert snapshot(foreign) == {"thesis.tex": b"precious"}


def test_malformed_agent_rules(cli, hello: Path, deployed: Path) -> None:
    rules = hello / "rules.yaml"
    rules.write_text("agent:\n  - plan: Say hello\n    exitcode: 3\n")
    before = snapshot(deployed)
    run = cli("deploy", hello / "model.json", "--state", deployed, "--agent-rules", rules)
    assert run.code == 2
    assert f"{rules}:2: agent rule 1: unknown key(s) exitcode" in run.err
    rules.write_text("agent: [\n")
    run = cli("deploy", hello / "model.json", "--state", deployed, "--agent-rules", rules)
    assert run.code == 2 and "invalid YAML" in run.err
    assert snapshot(deployed) == before


def test_unknown_method_and_non_action_are_refused(cli, deployed: Path) -> None:
    before = snapshot(deployed)
    run = cli("action", "--state", deployed, APP_ID, "greet", "--arg", "who=you")
    assert run.code == 2
    assert "com.example.HelloWorld.greet is not an action (Usage: Runtime)" in run.err
    assert "its actions: restart" in run.err
    run = cli("action", "--state", deployed, APP_ID, "explode")
    assert run.code == 2 and "has no method 'explode'" in run.err
    run = cli("action", "--state", deployed, "nobody", "restart")
    assert run.code == 2 and "no object 'nobody'" in run.err and APP_ID in run.err
    run = cli("action", "--state", deployed, APP_ID, "restart", "--arg", "no-equals")
    assert run.code == 2 and "expected name=value" in run.err
    assert snapshot(deployed) == before


def test_argument_mistakes(cli, hello: Path, tmp_path: Path) -> None:
    assert "nothing to deploy" in cli("deploy").err
    run = cli("deploy", hello / "model.json", "--app", "com.example.NoSuchApp")
    assert run.code == 2 and "--app com.example.NoSuchApp: no such package" in run.err
    run = cli("deploy", "-p", tmp_path / "nope", hello / "model.json")
    assert run.code == 2 and "package folder or zip not found" in run.err
    run = cli("action", "--state", tmp_path / "none", APP_ID, "restart")
    assert run.code == 2 and "does not exist" in run.err
    out = tmp_path / "no" / "such" / "dir" / "r.txt"
    run = cli("deploy", "-p", HELLO_PKG, hello / "model.json", "-o", out)
    assert run.code == 2 and "cannot write the report" in run.err


def test_missing_property_of_a_new_object_names_that_object(cli, hello: Path,
                                                           deployed: Path) -> None:
    model = load_json(hello / "model-two-apps.json")
    del model["Objects"]["applications"][1]["adminPassword"]       # bonjour, not yet deployed
    bad = write_json(hello / "missing-new.json", model)
    before = snapshot(deployed)
    run = cli("deploy", bad, "--state", deployed)
    assert run.code == 2 and "adminPassword: value must not be null" in run.err
    bonjour_head = _line_of(bad, BONJOUR_ID) - 1                   # the line of its "?"
    assert f"{bad}:{bonjour_head}:" in run.err
    assert "Traceback" not in run.err and snapshot(deployed) == before


def test_dangling_reference_leaves_the_state_alone(cli, hello: Path, deployed: Path) -> None:
    model = load_json(hello / "model.json")
    _app(model)["instance"] = "0123456789abcdef0123456789abcdef"
    bad = write_json(hello / "dangling.json", model)
    before = snapshot(deployed)
    run = cli("deploy", bad, "--state", deployed)
    assert run.code == 2 and f"{bad}:{_line_of(bad, '0123456789abcdef')}:" in run.err
    assert snapshot(deployed) == before


def test_unknown_class_in_a_bare_root_file_names_its_line(cli, hello: Path) -> None:
    root = load_json(hello / "model.json")["Objects"]
    _app({"Objects": root})["?"]["type"] = "com.example.NoSuchApp"
    bad = write_json(hello / "bare.json", root)
    run = cli("deploy", "-p", HELLO_PKG, bad)
    assert run.code == 2
    assert f"{bad}:{_line_of(bad, 'NoSuchApp')}:" in run.err


def test_half_written_state_is_refused_by_deploy(cli, hello: Path, deployed: Path) -> None:
    text = (deployed / "state.json").read_text()
    (deployed / "state.json").write_text(text[: len(text) // 2])
    before = snapshot(deployed)
    run = cli("deploy", hello / "model.json", "--state", deployed)
    assert run.code == 2 and "half-written or corrupt" in run.err
    assert f"{deployed / 'state.json'}:" in run.err
    assert "Traceback" not in run.err and snapshot(deployed) == before


def test_malformed_agent_rules_for_an_action(cli, hello: Path, deployed: Path) -> None:
    rules = hello / "rules.yaml"
    rules.write_text("agent:\n  - plan: Restart\n    stdout: fine\n  - 42\n")
    before = snapshot(deployed)
    run = cli("action", "--state", deployed, APP_ID, "restart", "--agent-rules", rules)
    assert run.code == 2 and f"{rules}:4: agent rule 2: expected a mapping" in run.err
    assert "Traceback" not in run.err
    assert snapshot(deployed) == before
