"""tools/state.py: saving, reading back and refusing unusable state folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dryrun_support import snapshot

from muranokit.engine.files import write_file
from muranokit.tools import state
from muranokit.tools.exceptions import InputError


def sample() -> state.SavedState:
    model = {"Objects": {"?": {"id": "e1", "type": "io.murano.Environment"}, "name": "x"},
             "Attributes": [["e1", "io.murano.Environment", "k", 1]],
             "ObjectsCopy": {"?": {"id": "e1", "type": "io.murano.Environment"}, "name": "x"}}
    cloud = {"version": 1, "stacks": {"murano-e1": {"deployed": {"resources": {
        "vm": {"type": "OS::Nova::Server"}}}}}, "agents": {"history": {"vm": []}}}
    return state.SavedState(["/pkgs/a", "/pkgs/b.zip"], model, cloud, "ok",
                            [{"command": "deploy", "status": "ok"}])


def test_round_trip_keeps_everything(tmp_path: Path) -> None:
    folder = tmp_path / "st"
    state.save(str(folder), sample())
    back = state.load(str(folder))
    assert back == sample()
    assert json.loads((folder / "model.json").read_text()) == sample().model
    assert "OS::Nova::Server" in (folder / "heat-templates.yaml").read_text()
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_saving_again_replaces_the_state(tmp_path: Path) -> None:
    folder = tmp_path / "st"
    state.save(str(folder), sample())
    changed = sample()
    changed.status = "failed"
    state.save(str(folder), changed)
    assert state.load(str(folder)).status == "failed"


def _saved(tmp_path: Path) -> Path:
    folder = tmp_path / "st"
    state.save(str(folder), sample())
    return folder


def _edit(folder: Path, change) -> None:
    document = json.loads((folder / "state.json").read_text())
    change(document)
    (folder / "state.json").write_text(json.dumps(document))


@pytest.mark.parametrize("change, message", [
    (lambda d: d.update(version=99), "format version 99 is not supported"),
    (lambda d: d.update(format="something-else"), "not a muranokit dry-run state"),
    (lambda d: d["body"]["model"].update(Objects=None), "checksum mismatch"),
])
def test_incompatible_or_tampered_state_is_refused(tmp_path: Path, change, message) -> None:
    folder = _saved(tmp_path)
    _edit(folder, change)
    before = snapshot(folder)
    with pytest.raises(InputError, match=message) as info:
        state.load(str(folder))
    assert info.value.exit_code == 2
    assert snapshot(folder) == before


def test_half_written_state_file_is_refused_with_its_line(tmp_path: Path) -> None:
    folder = _saved(tmp_path)
    text = (folder / "state.json").read_text()
    (folder / "state.json").write_text(text[: len(text) // 2])
    with pytest.raises(InputError, match="half-written") as info:
        state.load(str(folder))
    assert info.value.path.endswith("state.json") and info.value.line > 1


def test_folder_with_companions_but_no_state_file_is_half_written(tmp_path: Path) -> None:
    folder = tmp_path / "st"   # as an interrupted save of a plain-files state left it
    folder.mkdir()
    (folder / "model.json").write_text("{}")
    (folder / "heat-templates.yaml").write_text("{}")
    with pytest.raises(InputError, match="half-written"):
        state.check_usable(str(folder))
    with pytest.raises(InputError, match="half-written"):
        state.save(str(folder), sample())
    assert not (folder / "state.json").exists()


def test_foreign_folder_and_file_are_refused(tmp_path: Path) -> None:
    foreign = tmp_path / "docs"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="not a muranokit state folder"):
        state.check_usable(str(foreign))
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(InputError, match="must be a folder"):
        state.check_usable(str(a_file))
    assert (foreign / "notes.txt").read_text() == "mine"


def test_new_or_empty_folder_is_usable_and_has_no_state(tmp_path: Path) -> None:
    state.check_usable(str(tmp_path / "new"))
    (tmp_path / "empty").mkdir()
    state.check_usable(str(tmp_path / "empty"))
    assert not state.exists(str(tmp_path / "empty"))
    with pytest.raises(InputError, match="no saved state"):
        state.load(str(tmp_path / "empty"))


def test_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "out.txt"
    target.write_text("old")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr("os.replace", broken_replace)
    with pytest.raises(OSError):
        write_file(str(target), "new")
    assert target.read_text() == "old"
    assert [p.name for p in folder.iterdir()] == ["out.txt"]
