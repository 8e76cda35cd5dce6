"""A local cloud's life without VMs: nothing on disk until something starts, registry
entries, leftovers found by marker and removed."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from muranokit.tools.localcloud import leftovers, procs, registry
from muranokit.tools.localcloud.lifecycle import LocalCloud, LocalCloudError


@pytest.fixture(autouse=True)
def private_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))


@pytest.fixture
def image(tmp_path: Path) -> Path:
    path = tmp_path / "image.qcow2"
    path.write_bytes(b"not really an image")
    return path


def test_a_new_cloud_leaves_nothing_until_something_starts(tmp_path: Path, image: Path,
                                                            monkeypatch) -> None:
    monkeypatch.setattr("muranokit.tools.localcloud.vm.check_tools", lambda: None)
    cloud = LocalCloud.create(image, tmp_path / "state" / "localcloud",
                              state_dir=str(tmp_path / "state"))
    assert not (tmp_path / "state").exists()
    assert not cloud.runtime.exists()
    assert registry.entries() == []
    cloud.teardown()
    assert not (tmp_path / "state").exists()
    again = LocalCloud.from_state(cloud.to_state())
    assert again.id == cloud.id and again.image == image.resolve()


def test_missing_image_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LocalCloudError, match="does not exist"):
        LocalCloud.create(tmp_path / "nope.qcow2")


def test_an_existing_broker_url_is_used_as_given(tmp_path: Path, image: Path,
                                                  monkeypatch) -> None:
    monkeypatch.setattr("muranokit.tools.localcloud.vm.check_tools", lambda: None)
    cloud = LocalCloud.create(image, amqp_url="amqp://u:p@127.0.0.1:5999/")
    assert cloud.broker.port == 5999 and not cloud.broker.managed
    assert cloud.ensure_broker(wait=False) is cloud.broker       # nothing started
    assert cloud.problems() == []


def test_registry_entries_are_private_and_forgotten() -> None:
    registry.record({"id": "0123456789", "vms": {}})
    (path,) = registry.folder().glob("*.json")
    assert path.stat().st_mode & 0o777 == 0o600
    assert [e["id"] for e in registry.entries()] == ["0123456789"]
    registry.forget("0123456789")
    assert registry.entries() == []


def test_stray_processes_are_listed_and_removed(tmp_path: Path) -> None:
    cloud_id = "0a1b2c3d4e"
    env = {**os.environ, "RABBITMQ_NODENAME": f"muranokit-lc-{cloud_id}@localhost"}
    proc = procs.spawn([sys.executable, "-c", "import time; time.sleep(120)"],
                       tmp_path / "log", env)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(
                s.id == cloud_id for s in leftovers.survey()):
            time.sleep(0.1)
        (stray,) = [s for s in leftovers.survey() if s.id == cloud_id]
        assert not stray.recorded and proc.pid in stray.pids
        assert leftovers.remove(cloud_id)
        assert proc.wait(timeout=10) is not None
        assert not any(s.id == cloud_id for s in leftovers.survey())
        assert not leftovers.remove(cloud_id)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _entry(tmp_path: Path, cloud_id: str, state_dir: Path | None) -> dict:
    return {"id": cloud_id, "folder": str(tmp_path / "lc"), "runtime": str(tmp_path / "rt"),
            "image": str(tmp_path / "image.qcow2"), "temporary": False,
            "state_dir": str(state_dir) if state_dir else None, "vms": {}, "segments": {}}


def test_removing_a_cloud_whose_state_is_in_use_is_refused(tmp_path: Path) -> None:
    from muranokit.tools.exceptions import InputError
    from muranokit.tools.state import StateLock
    state = tmp_path / "state"
    state.mkdir()
    registry.record(_entry(tmp_path, "1122334455", state))
    with StateLock(str(state), wait=0):
        with pytest.raises(InputError, match="in use by another command"):
            leftovers.remove("1122334455")
        assert [e["id"] for e in registry.entries()] == ["1122334455"]
    assert leftovers.remove("1122334455")
    assert registry.entries() == []


def test_teardown_stops_processes_started_but_never_recorded(tmp_path: Path) -> None:
    """A command interrupted between starting a process and writing it down."""
    cloud = LocalCloud.from_state(_entry(tmp_path, "5566778899", None))
    env = {**os.environ, "RABBITMQ_NODENAME": "muranokit-lc-5566778899@localhost"}
    proc = procs.spawn([sys.executable, "-c", "import time; time.sleep(120)"],
                       tmp_path / "log", env)
    try:
        deadline = time.monotonic() + 10
        while not procs.find("muranokit-lc-5566778899") and time.monotonic() < deadline:
            time.sleep(0.05)
        cloud.teardown()
        assert proc.wait(timeout=10) is not None
        assert procs.find("muranokit-lc-5566778899") == []
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
