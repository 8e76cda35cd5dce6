"""One command at a time on a --state folder (a lock, waited for within bounds), and a state
saved as a whole: concurrent commands lose nothing, an interrupted save leaves the previous
state, a malformed state is named and left untouched."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from dryrun_support import APP_ID, HELLO_PKG, load_json, snapshot

from muranokit.tools import state

PASSWORD = "secret-pass-1"


def _muranokit(*args: str | os.PathLike, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "muranokit", *map(str, args)], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(procs: list[subprocess.Popen]) -> list[tuple[int, str]]:
    results = []
    for proc in procs:
        _out, err = proc.communicate(timeout=300)
        results.append((proc.returncode, err))
    return results


def _add_app(name: str, folder: Path) -> list[str]:
    return ["deploy", "-p", str(HELLO_PKG), "--app", "com.example.HelloWorld",
            "--set", f"name={name}", "--set", f"adminPassword={PASSWORD}",
            "--set", f"unitNamingPattern={name}-#", "--state", str(folder)]


def test_concurrent_deploys_into_one_state_lose_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "st"
    procs = [_muranokit(*_add_app(f"app{n}", folder), cwd=tmp_path) for n in range(3)]
    results = _finish(procs)
    assert [code for code, _ in results] == [0, 0, 0], results
    model = load_json(folder / "model.json")
    names = sorted(app["name"] for app in model["Objects"]["applications"])
    assert names == ["app0", "app1", "app2"]   # each deploy continued from the one before
    saved = state.load(str(folder))
    assert [h["command"] for h in saved.history] == ["deploy"] * 3
    assert not [p for p in folder.iterdir() if p.name.startswith(".generation-")
                and p.name != os.readlink(folder / ".current")]


def test_concurrent_actions_on_one_state_all_count(cli, hello: Path, tmp_path: Path) -> None:
    folder = tmp_path / "st"
    assert cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--state", folder).code == 0
    procs = [_muranokit("action", APP_ID, "restart", "--state", folder, cwd=tmp_path)
             for _ in range(4)]
    assert [code for code, _ in _finish(procs)] == [0, 0, 0, 0]
    app = load_json(folder / "model.json")["Objects"]["applications"][0]
    assert app["restarts"] == 4
    assert len(state.load(str(folder)).history) == 5


def test_a_second_writer_waits_then_gives_up_clearly(cli, hello: Path, tmp_path: Path) -> None:
    folder = tmp_path / "st"
    assert cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--state", folder).code == 0
    before = snapshot(folder)
    code = ("import sys\n"
            "from muranokit.tools.state import StateLock\n"
            f"lock = StateLock({str(folder)!r}).acquire()\n"
            "print('locked', flush=True)\n"
            "sys.stdin.readline()\n")
    holder = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        run = cli("action", APP_ID, "restart", "--state", folder, "--lock-wait", "0.3")
        assert run.code == 2
        assert f"waiting for {folder}: in use by another command (process {holder.pid}" \
            in run.err
        assert "the state folder is in use by another command" in run.err
        assert "waited 0.3 s" in run.err and "Traceback" not in run.err
        assert snapshot(folder) == before
    finally:
        holder.communicate("\n", timeout=30)
    assert cli("action", APP_ID, "restart", "--state", folder).code == 0


def test_a_failed_first_command_leaves_no_folder(cli, tmp_path: Path) -> None:
    folder = tmp_path / "new-state"
    run = cli("deploy", "-p", HELLO_PKG, tmp_path / "absent.json", "--state", folder)
    assert run.code == 2
    assert not folder.exists()


def test_an_interrupted_save_leaves_the_previous_state_whole(cli, hello: Path, tmp_path: Path,
                                                             monkeypatch) -> None:
    folder = tmp_path / "st"
    assert cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--state", folder).code == 0
    names = ("state.json", "model.json", "heat-templates.yaml")
    before = {name: (folder / name).read_bytes() for name in names}
    written = []
    real_write = state.write_file

    def interrupted(path, text, **kwargs):
        if written:   # the second file of the new state: stop as Ctrl-C or SIGTERM would
            raise KeyboardInterrupt
        written.append(path)
        real_write(path, text, **kwargs)

    monkeypatch.setattr(state, "write_file", interrupted)
    run = cli("action", APP_ID, "restart", "--state", folder)
    assert run.code == 130 and written
    assert {name: (folder / name).read_bytes() for name in names} == before
    assert state.load(str(folder)).history == [{"command": "deploy", "status": "ok"}]
    monkeypatch.undo()
    assert cli("action", APP_ID, "restart", "--state", folder).code == 0
    generations = [p.name for p in folder.iterdir() if p.name.startswith(".generation-")]
    assert generations == [os.readlink(folder / ".current")]   # the stray one is gone
    assert load_json(folder / "model.json")["Objects"]["applications"][0]["restarts"] == 1


def test_a_state_saved_as_plain_files_is_read_and_then_saved_whole(
        cli, hello: Path, tmp_path: Path) -> None:
    folder = tmp_path / "st"
    assert cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--state", folder).code == 0
    plain = tmp_path / "plain"   # the layout before generations: three plain files
    plain.mkdir()
    for name in ("state.json", "model.json", "heat-templates.yaml"):
        (plain / name).write_bytes((folder / name).read_bytes())
    assert cli("action", APP_ID, "restart", "--state", plain).code == 0
    assert (plain / "model.json").is_symlink()
    assert load_json(plain / "model.json")["Objects"]["applications"][0]["restarts"] == 1


def test_a_state_folder_copied_through_its_symlinks_still_works(
        cli, hello: Path, tmp_path: Path) -> None:
    import shutil
    folder = tmp_path / "st"
    assert cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--state", folder).code == 0
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)   # follows symlinks: .current and the names become copies
    assert not (copy / ".current").is_symlink()
    assert cli("action", APP_ID, "restart", "--state", copy).code == 0
    assert (copy / ".current").is_symlink() and (copy / "state.json").is_symlink()
    assert load_json(copy / "model.json")["Objects"]["applications"][0]["restarts"] == 1
    assert sorted(p.name for p in copy.iterdir() if p.name.startswith(".")) == [
        ".current", os.readlink(copy / ".current"), ".lock"]
    assert load_json(folder / "model.json")["Objects"]["applications"][0]["restarts"] == 0


# --- malformed states ----------------------------------------------------------------------
def _tamper(folder: Path, change) -> None:
    """Change the body of a saved state and give it a valid checksum again."""
    path = folder / "state.json"
    document = json.loads(path.read_text())
    change(document["body"])
    canonical = json.dumps(document["body"], sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"))
    document["sha256"] = hashlib.sha256(canonical.encode()).hexdigest()
    path.write_text(json.dumps(document))


@pytest.mark.parametrize("change, message", [
    (lambda b: b["model"].update(Objects="garbage"), "model Objects must be an object"),
    (lambda b: b["model"].update(Attributes="garbage"), "model Attributes must be a list"),
    (lambda b: b["model"].update(Attributes=[1, ["x"]]), "model Attributes must be a list"),
    (lambda b: b["model"].update(ObjectsCopy=[1]), "model ObjectsCopy must be an object"),
    (lambda b: b.update(packages="abc"), "packages must be a list of paths"),
    (lambda b: b["cloud"].update(stacks="abc"), "stacks has the wrong shape"),
    (lambda b: b["cloud"]["allocator"].update(networks={"n": {"cidr": "x", "owners": {}}}),
     "allocator networks has the wrong shape"),
    (lambda b: b["model"]["Objects"]["applications"][0].update(instance="garbage"),
     'Object "garbage" is not found'),
    (lambda b: b["model"]["Objects"]["applications"][0]["?"].update(type="no.Such"),
     'Class "no.Such" is not found'),
], ids=["objects", "attributes", "attribute-entries", "objects-copy", "packages",
        "cloud-stacks", "cloud-networks", "object-reference", "object-type"])
@pytest.mark.parametrize("command", ["action", "redeploy"])
def test_a_malformed_state_is_named_and_left_untouched(cli, hello: Path, tmp_path: Path,
                                                       change, message, command) -> None:
    folder = tmp_path / "st"
    assert cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--state", folder).code == 0
    _tamper(folder, change)
    before = snapshot(folder)
    args = ("action", APP_ID, "restart") if command == "action" else ("deploy",)
    run = cli(*args, "-p", HELLO_PKG, "--state", folder) if command != "action" \
        else cli(*args, "--state", folder)
    assert run.code == 2, run.err
    assert run.err.startswith(f"muranokit: error: {folder / 'state.json'}: ")
    assert message in run.err and "left as it is" in run.err
    assert "Traceback" not in run.err
    assert snapshot(folder) == before
