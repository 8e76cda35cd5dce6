"""SIGTERM ends every command the way Ctrl-C does (exit 143, no temporary file left, every
earlier output intact), and a reader that went away changes neither the exit code nor what
the command saves. Each test sends a real signal to a real ``muranokit`` process, stopped at
a chosen call (``interrupt_support``)."""

from __future__ import annotations

import ast
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from interrupt_support import PausedRun, leftovers
from packaging_helpers import copy_fixtures, run_cli, tree_snapshot
from upload_support import TOKEN

from muranokit.tools.cli import main
from muranokit.tools.interrupts import Terminated, held_signals, terminate_as_exception

pytestmark = [
    pytest.mark.filterwarnings("ignore:keystoneclient.adapter.Adapter is deprecated"),
    pytest.mark.filterwarnings("ignore:Support for InfluxDB"),
]

REPO = Path(__file__).resolve().parents[2]
HELLO = REPO / "examples" / "hello"
HELLO_ID = "7c1a0c3e5c3b4c0e9d1c6a2b3e4f5a62"  # "hello" in examples/hello/model.json


def _terminated(ended) -> None:
    assert ended.code == 128 + signal.SIGTERM, ended.err
    assert ended.err.rstrip().endswith("muranokit: terminated"), ended.err
    assert "Traceback" not in ended.err


# --- SIGTERM ------------------------------------------------------------------------------------
def test_sigterm_during_build_keeps_every_earlier_zip(tmp_path, capsys):
    copies = copy_fixtures(tmp_path / "src")
    dist = tmp_path / "dist"
    assert run_cli(capsys, "build", *map(str, copies.values()), "-o", str(dist)).code == 0
    before = tree_snapshot(dist)
    for folder in copies.values():  # every zip changes
        (folder / "Resources").mkdir(exist_ok=True)
        (folder / "Resources" / "note.txt").write_text("changed\n")

    run = PausedRun(["build", *copies.values(), "-o", dist], "os:replace", 2,
                    tmp_path / "paused")
    paused_on = Path(ast.literal_eval(run.wait_paused())[1]).name  # (temporary, zip) files
    run.signal()
    _terminated(run.ended())

    assert leftovers(tmp_path) == []
    after = tree_snapshot(dist)
    assert sorted(after) == sorted(before)
    assert after[paused_on] == before[paused_on]  # not replaced, not removed
    assert after["bundle.json"] == before["bundle.json"]
    changed = [name for name in after if after[name] != before[name]]
    assert len(changed) == 1  # the one zip renamed into place before the signal
    with zipfile.ZipFile(dist / changed[0]) as archive:
        assert archive.testzip() is None and "Resources/note.txt" in archive.namelist()


@pytest.fixture
def deployed(tmp_path):
    """A state folder with examples/hello/model.json deployed, and its files' bytes."""
    state = tmp_path / "st"
    assert main(["deploy", "-p", str(HELLO / "HelloWorld"), str(HELLO / "model.json"),
                 "--state", str(state), "-o", str(tmp_path / "first.txt")]) == 0
    return state, tree_snapshot(state)


def test_sigterm_during_deploy_keeps_the_saved_state_and_the_report(tmp_path, deployed):
    state, before = deployed
    report = tmp_path / "report.txt"
    run = PausedRun(["deploy", HELLO / "model-two-apps.json", "--state", state, "-o", report],
                    "os:replace", 2, tmp_path / "paused")  # 1: the report, 2: the state
    assert "model.json" in run.wait_paused()
    run.signal()
    _terminated(run.ended())

    assert tree_snapshot(state) == before
    assert leftovers(tmp_path) == []
    assert "bonjour" in report.read_text()  # written before the signal, and whole


def test_sigterm_during_action_keeps_the_saved_state(tmp_path, deployed):
    state, before = deployed
    run = PausedRun(["action", "--state", state, HELLO_ID, "restart"], "os:replace", 1,
                    tmp_path / "paused")
    assert "model.json" in run.wait_paused()
    run.signal()
    _terminated(run.ended())
    assert tree_snapshot(state) == before
    assert leftovers(tmp_path) == []


def test_sigterm_during_new_app_leaves_no_half_package(tmp_path):
    target = tmp_path / "pkgs" / "Nginx"
    run = PausedRun(["new-app", "nginx:1.27", "--port", "80", "-o", target], "os:rename", 1,
                    tmp_path / "paused", cwd=tmp_path)
    run.wait_paused()
    run.signal()
    _terminated(run.ended())
    assert not target.exists()
    assert leftovers(tmp_path) == []


def test_sigterm_during_new_app_force_puts_the_old_folder_back(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # away from the checkout's packages/apps/Nginx
    target = tmp_path / "pkgs" / "Nginx"
    assert run_cli(capsys, "new-app", "nginx:1.27", "-o", str(target)).code == 0
    before = tree_snapshot(target)
    run = PausedRun(["new-app", "nginx:1.27", "--port", "80", "-o", target, "--force"],
                    "os:rename", 2, tmp_path / "paused", cwd=tmp_path)  # 1: the old aside
    run.wait_paused()
    run.signal()
    _terminated(run.ended())
    assert tree_snapshot(target) == before
    assert leftovers(tmp_path) == []


def _upload_update(server, new) -> PausedRun:
    env = {**os.environ, "OS_AUTH_TOKEN": TOKEN, "MURANO_URL": server.url}
    return PausedRun(["upload", new, "--exists-action", "update"], None, 0, Path(), env=env)


def test_sigterm_during_update_puts_the_old_package_back(server, existing, no_credentials):
    old, new = existing
    arrived, gate = server.hold_next("POST", after=1)  # after the 409: the new package
    run = _upload_update(server, new)
    try:
        assert arrived.wait(60), "the new package's upload never came"
        assert server.packages() == []  # the window: the old one is deleted
        run.signal()
        ended = run.ended()
    finally:
        gate.set()  # the held upload now meets the restored package: 409
    _terminated(ended)
    assert "previous version was restored" in ended.out
    time.sleep(0.2)
    assert server.archive_of("com.example.Lib") == old.read_bytes()


def test_a_second_sigterm_waits_for_the_old_package_to_be_back(server, existing,
                                                               no_credentials):
    old, new = existing
    new_arrived, new_gate = server.hold_next("POST", after=1)
    restore_arrived, restore_gate = server.hold_next("POST")
    run = _upload_update(server, new)
    try:
        assert new_arrived.wait(60)
        run.signal()  # stops the new upload: the old one is being put back ...
        assert restore_arrived.wait(60)
        run.signal()  # ... and this one must not stop that
        time.sleep(0.5)
        assert run.proc.poll() is None, "the second SIGTERM stopped the restore"
        restore_gate.set()
        ended = run.ended()
    finally:
        restore_gate.set()
        new_gate.set()
    _terminated(ended)
    assert "putting the previous com.example.Lib back into the catalog first" in ended.err
    assert "previous version was restored" in ended.out
    time.sleep(0.2)
    assert server.archive_of("com.example.Lib") == old.read_bytes()


# --- a reader that went away, a closed descriptor --------------------------------------------
def _run_with_stdout(argv, stdout, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "muranokit", *map(str, argv)], stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=300, **kwargs)


def _closed_reader_pipe() -> int:
    """The write end of a pipe whose reader is already gone (writing raises EPIPE)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    return write_end


def _close_stdout() -> None:
    os.close(1)


@pytest.fixture
def strict_findings(tmp_path, capsys):
    """A package whose only finding is a warning: ``validate --strict`` exits 1 on it."""
    [folder] = copy_fixtures(tmp_path / "src", ["FixtureLibrary"]).values()
    (folder / "stray.txt").write_text("not part of a package\n")
    result = run_cli(capsys, "validate", "--strict", str(folder))
    assert result.code == 1 and "P002" in result.out
    return folder


@pytest.mark.parametrize("how", ["closed reader", "closed descriptor"])
def test_validate_keeps_its_exit_code_when_nobody_reads(strict_findings, how):
    argv = ["validate", "--strict", strict_findings]
    if how == "closed reader":
        pipe = _closed_reader_pipe()
        done = _run_with_stdout(argv, pipe)
        os.close(pipe)
    else:
        done = _run_with_stdout(argv, None, preexec_fn=_close_stdout)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr


@pytest.mark.parametrize("how", ["closed reader", "closed descriptor"])
def test_deploy_saves_its_state_when_nobody_reads_the_report(tmp_path, how):
    state = tmp_path / "st"
    argv = ["deploy", "-p", HELLO / "HelloWorld", HELLO / "model.json", "--state", state,
            "--report", "json"]
    if how == "closed reader":
        pipe = _closed_reader_pipe()
        done = _run_with_stdout(argv, pipe)
        os.close(pipe)
    else:
        done = _run_with_stdout(argv, None, preexec_fn=_close_stdout)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    saved = json.loads((state / "state.json").read_text())
    assert saved["body"]["status"] == "ok"


# --- held signals, in this process -------------------------------------------------------------
def _send(signum: int) -> None:
    os.kill(os.getpid(), signum)
    time.sleep(0.01)  # the handler runs at the next bytecode boundary


def test_signals_in_a_held_section_are_raised_when_it_ends():
    notes: list[int] = []
    done = []
    with pytest.raises(Terminated), terminate_as_exception(), held_signals(notes.append):
        _send(signal.SIGTERM)
        _send(signal.SIGINT)
        done.append("the section finished")
    assert done == ["the section finished"]
    assert notes == [signal.SIGTERM, signal.SIGINT]


def test_the_first_signal_cancels_the_cancellable_part_and_no_later_one_does():
    notes: list[int] = []
    steps = []
    with pytest.raises(KeyboardInterrupt), held_signals(notes.append) as section:
        try:
            with section.cancellable():
                _send(signal.SIGINT)
                steps.append("not reached")
        except KeyboardInterrupt:
            _send(signal.SIGTERM)  # during the clean-up: held
            steps.append("cleaned up")
            raise
    assert steps == ["cleaned up"] and notes == [signal.SIGTERM]
