"""Safety of the qemu cloud without booting a VM: the broker it starts listens on 127.0.0.1
only and keeps its files private; the broker's password never reaches a report, the
terminal or --model-out; the state files stay private."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from localcloud_support import HERE, LOOPBACK, REPO, listening

from muranokit.tools.localcloud import broker, procs

PROBE = HERE / "packages" / "LocalProbe"


@pytest.mark.needs("rabbitmq-server", "ss")
def test_the_broker_listens_on_loopback_only_and_keeps_its_files_private(tmp_path: Path):
    name = f"muranokit-lc-{secrets.token_hex(5)}"
    info = broker.start(tmp_path / "broker", name)
    try:
        pids = set(procs.find(name))
        sockets = listening(pids)
        assert ("127.0.0.1", info.port) in sockets
        assert all(host in LOOPBACK for host, _port in sockets), sockets
        folder = Path(info.folder)
        assert folder.stat().st_mode & 0o777 == 0o700
        for secret in ("rabbitmq.conf", "broker.json"):
            assert (folder / secret).stat().st_mode & 0o777 == 0o600, secret
        assert info.password in (folder / "rabbitmq.conf").read_text()
    finally:
        broker.stop(info)
    assert procs.find(name) == []


@pytest.mark.needs("qemu-system-x86_64", "qemu-img", "socat", "mcopy", "mkfs.vfat",
                   "ssh-keygen")
def test_the_broker_password_is_masked_everywhere_and_state_files_are_private(
        tmp_path: Path) -> None:
    """A deployment on an existing broker (--amqp) whose first VM cannot start: the
    password is in the user data of the pushed template and in the agent settings, and is
    shown as *** in the report, the model and the messages."""
    password = "Br0kerPassw0rd" + secrets.token_hex(4)
    image = tmp_path / "not-an-image.qcow2"
    image.write_bytes(b"QFI\xfb\x00\x00\x00\x09 a qcow2 header of no known version")
    state, report, model = tmp_path / "state", tmp_path / "report.jsonl", tmp_path / "m.json"
    env = {**os.environ, "MURANOKIT_ACCEL": "tcg", "XDG_STATE_HOME": str(tmp_path / "xdg")}
    done = subprocess.run(
        [sys.executable, "-m", "muranokit.tools.cli", "deploy", str(HERE / "probe-model.json"),
         "-p", str(PROBE), "--cloud", "qemu", "--image", str(image),
         "--amqp", f"amqp://murano:{password}@127.0.0.1:1/", "--state", str(state),
         "--report", "json", "-o", str(report), "--model-out", str(model)],
        cwd=REPO, capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 1, done.stderr[-2000:]
    assert "not a usable disk image" in done.stderr
    written = report.read_text()
    pushes = [e for e in map(json.loads, written.splitlines()) if e["kind"] == "heat_push"]
    assert pushes and "password = ***" in json.dumps(pushes)
    for text in (written, model.read_text(), done.stdout, done.stderr):
        assert password not in text
    for name in ("state.json", "model.json", "heat-templates.yaml"):
        assert (state / name).stat().st_mode & 0o777 == 0o600, name
    assert not (state / "localcloud").exists()
    assert not list((tmp_path / "xdg").glob("muranokit/clouds/*.json"))
