"""DryRunSession: deploy, save, continue from state, actions, failures, bad state folders."""

import json
import sys
from pathlib import Path

import pytest

from muranokit.engine.corelib.cloud.rules import parse_rules
from muranokit.engine.corelib.session import STATE_FILE, DryRunSession, StateError, read_state

sys.path.insert(0, str(Path(__file__).parent))
from engine_fixtures import make_package, model, web_app  # noqa: E402


@pytest.fixture
def pkg(tmp_path):
    return make_package(tmp_path / "pkgs")


def deploy(pkg, state, *apps, rules=""):
    session = DryRunSession([str(pkg)], parse_rules(rules), state_dir=state)
    session.load(model(*apps)["Objects"] if apps else None)
    ok = session.deploy()
    session.save(state)
    return session, ok


def test_state_round_trip_and_redeploy_with_removal(pkg, tmp_path):
    state = tmp_path / "state"
    first, ok = deploy(pkg, state, web_app("a", "web-1"), web_app("b", "web-2"))
    assert ok and (state / STATE_FILE).is_file()
    saved = read_state(state)
    assert saved["packages"] == [str(pkg)]
    second, ok = deploy(pkg, state, web_app("b", "web-2"))
    assert ok
    kinds = [e["kind"] for e in second.runtime.events]
    assert "vm_deleted" in kinds and "vm_created" not in kinds
    resources = read_state(state)["cloud"]["stacks"]["murano-env-1"]["deployed"]["resources"]
    assert "web-2" in resources and "web-1" not in resources
    # the second plan on web-2 continues its history
    plans = [e for e in second.runtime.events if e["kind"] == "agent_plan"]
    assert [p["stamp"] for p in plans] == [2]


def test_failure_is_an_event_and_state_keeps_what_was_deployed(pkg, tmp_path):
    state = tmp_path / "state"
    rules = "heat:\n  - resource: web-2\n    fail: quota exceeded\n"
    session, ok = deploy(pkg, state, web_app("a", "web-1"), web_app("b", "web-2"),
                         rules=rules)
    assert not ok and session.status == "failed"
    last = session.runtime.events[-1]
    assert last["kind"] == "exception" and last["type"] == "io.murano.system.HeatStackError"
    assert any(frame["method"] == "deploy" for frame in last["stack"])
    resources = read_state(state)["cloud"]["stacks"]["murano-env-1"]["deployed"]["resources"]
    assert "web-1" in resources and "web-2" not in resources
    trace = session.trace()
    assert trace.status == "failed" and "murano-env-1" in trace.templates


def test_action_runs_only_methods_marked_action(pkg, tmp_path):
    state = tmp_path / "state"
    deploy(pkg, state, web_app("a", "web-1"))
    session = DryRunSession([], state_dir=state)
    session.load()
    assert session.action("a", "restart", {"reason": "operator asked"})
    assert session.runtime.events[-1]["text"] == "operator asked"
    with pytest.raises(StateError, match="is not an action"):
        session.action("a", "readAll", {})
    with pytest.raises(StateError, match="has no method 'nope'"):
        session.action("a", "nope", {})
    with pytest.raises(StateError, match="no object with id zzz"):
        session.action("zzz", "restart", {})


@pytest.mark.parametrize("content, message", [
    ('{"format": "muranokit-dry-run-state", "version": 99}', "version 99"),
    ('{"format": "muranokit-dry-run-state", "ver', "half-written"),
    ('{"format": "something-else"}', "not a muranokit dry-run state"),
    ('{"format": "muranokit-dry-run-state", "version": 1, "packages": []}', "lacks 'model'"),
])
def test_unusable_state_folders_are_refused_untouched(tmp_path, content, message):
    state = tmp_path / "state"
    state.mkdir()
    (state / STATE_FILE).write_text(content)
    with pytest.raises(StateError, match=message):
        DryRunSession([], state_dir=state)
    assert (state / STATE_FILE).read_text() == content


def test_a_folder_of_other_files_is_not_a_state(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(StateError, match="not a muranokit state folder"):
        read_state(tmp_path)


def test_saved_state_is_json_with_sorted_keys(pkg, tmp_path):
    state = tmp_path / "state"
    deploy(pkg, state, web_app("a", "web-1"))
    text = (state / STATE_FILE).read_text()
    assert json.loads(text)["format"] == "muranokit-dry-run-state"
    assert "Secr3t-pw" in text  # the state is the model itself, secrets included
    assert not list(state.glob(".state-*"))  # no temporary file left behind
