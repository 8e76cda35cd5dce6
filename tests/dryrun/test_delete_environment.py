"""`deploy {"Objects": null} --state DIR`: the environment is deleted as Murano deletes it."""

from __future__ import annotations

from pathlib import Path

from dryrun_support import (
    APP_ID,
    BONJOUR_ID,
    FRAGILE_MODEL,
    FRAGILE_PKG,
    HELLO_PKG,
    load_json,
    snapshot,
)


def test_every_object_is_destroyed_and_the_stack_deleted(cli, hello: Path,
                                                         tmp_path: Path) -> None:
    state = tmp_path / "state"
    assert cli("deploy", "-p", HELLO_PKG, hello / "model-two-apps.json",
               "--state", state).code == 0
    env_id = load_json(state / "model.json")["Objects"]["?"]["id"]
    run = cli("deploy", hello / "delete-environment.json", "--state", state,
              "--report", "json")
    assert run.code == 0, run.err
    events = run.events()
    assert not [e for e in events if e["kind"] == "object.destroy_failed"]
    assert sorted(e["vm"] for e in events if e["kind"] == "vm_deleted") == \
        ["bonjour-1", "hello-1"]
    destroyed = [e["id"] for e in events if e["kind"] == "object.destroyed"]
    assert {APP_ID, BONJOUR_ID, env_id} <= set(destroyed)
    assert destroyed[-1] == env_id                        # the environment goes last
    assert [e["stack"] for e in events if e["kind"] == "heat_delete"] == [f"murano-{env_id}"]
    assert run.result()["model"]["Objects"] is None and run.result()["templates"] == {}
    saved = load_json(state / "model.json")
    assert saved == {"Attributes": [], "Objects": None, "ObjectsCopy": None}
    assert (state / "heat-templates.yaml").read_text() == "{}\n"
    allocator = load_json(state / "state.json")["body"]["cloud"]["allocator"]
    assert "hello-1" not in str(allocator) and "bonjour-1" not in str(allocator)


def test_after_deletion_nothing_is_left_to_run(cli, hello: Path, tmp_path: Path) -> None:
    state = tmp_path / "state"
    assert cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--state", state).code == 0
    assert cli("deploy", hello / "delete-environment.json", "--state", state).code == 0
    before = snapshot(state)
    run = cli("deploy", "--state", state)
    assert run.code == 2 and "nothing to deploy" in run.err
    run = cli("action", "--state", state, APP_ID, "restart")
    assert run.code == 2 and "it was deleted" in run.err
    assert snapshot(state) == before
    # the same folder takes a new deployment: the VM is created again
    run = cli("deploy", hello / "model.json", "--state", state, "--report", "json")
    assert run.code == 0, run.err
    assert [e["vm"] for e in run.events() if e["kind"] == "vm_created"] == ["hello-1"]


def test_an_empty_model_without_a_state_is_refused(cli, hello: Path) -> None:
    run = cli("deploy", "-p", HELLO_PKG, hello / "delete-environment.json")
    assert run.code == 2
    assert f"{hello / 'delete-environment.json'}: the object model has no objects" in run.err


def test_a_failing_destroy_is_reported_and_deletion_carries_on(cli, tmp_path: Path) -> None:
    state = tmp_path / "state"
    assert cli("deploy", "-p", FRAGILE_PKG, FRAGILE_MODEL, "--state", state).code == 0
    empty = tmp_path / "empty.json"
    empty.write_text('{"Objects": null}')
    run = cli("deploy", empty, "--state", state)
    assert run.code == 0, run.err                      # Murano mutes .destroy errors
    assert "warning: .destroy failed" in run.err
    assert "com.example.Fragile 5e1f0a9c2b7d4e3f8a6b1c0d9e8f7a61: com.example.CleanupBroken: " \
           "the clean-up of Fragile always fails" in run.err
    assert "object.destroy_failed" in run.out
    assert load_json(state / "model.json")["Objects"] is None
