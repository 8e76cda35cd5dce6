"""How VMs and brokers are started: loopback only, private credentials, bounded TCG cache."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from muranokit.tools.localcloud import broker, procs, vm


def spec(tmp_path: Path) -> vm.VmSpec:
    return vm.VmSpec("vm1", "muranokit-lc-abc-vm1", tmp_path / "img.qcow2",
                     tmp_path / "disk.qcow2", tmp_path / "drive.img", tmp_path / "console.log",
                     tmp_path / "agent.log", tmp_path / "qemu.pid", tmp_path / "m.qmp",
                     [("fa:16:3e:00:00:01", tmp_path / "net0.sock")], "52:54:00:00:00:09",
                     ("127.0.0.1", 45672), [vm.Forward(40022, 22, "ssh"),
                                            vm.Forward(40080, 8080, "floating IP")])


def netdevs(argv: list[str]) -> list[str]:
    return [argv[i + 1] for i, a in enumerate(argv) if a == "-netdev"]


def test_tcg_bounds_its_code_cache(tmp_path: Path) -> None:
    argv = vm.qemu_argv(spec(tmp_path), "tcg")
    assert argv[argv.index("-accel") + 1] == f"tcg,tb-size={vm.TCG_CODE_CACHE_MIB}"
    assert "muranokit-lc-abc-vm1" in argv[argv.index("-name") + 1]


def test_guests_reach_only_their_segment_and_the_broker(tmp_path: Path) -> None:
    segment, user = netdevs(vm.qemu_argv(spec(tmp_path), "tcg"))
    assert segment.startswith("stream,") and "addr.type=unix" in segment
    options = user.split(",")
    assert "restrict=on" in options
    assert f"guestfwd=tcp:{vm.BROKER_GUEST_IP}:{vm.BROKER_GUEST_PORT}" \
           "-cmd:socat STDIO TCP:127.0.0.1:45672" in options
    forwards = [o for o in options if o.startswith("hostfwd=")]
    assert forwards == ["hostfwd=tcp:127.0.0.1:40022-:22", "hostfwd=tcp:127.0.0.1:40080-:8080"]


def test_macs_are_stable_and_locally_administered() -> None:
    assert vm.mac_for("a", "b") == vm.mac_for("a", "b") != vm.mac_for("a", "c")
    assert vm.mac_for("a", "b").startswith("52:54:00:")


def test_broker_url_round_trip_and_refusal() -> None:
    info = broker.parse_url("amqp://u%40x:p%2Fw@10.1.2.3:5673/v%2Fh")
    assert (info.login, info.password, info.host, info.port, info.virtual_host) == (
        "u@x", "p/w", "10.1.2.3", 5673, "v/h")
    assert not info.managed
    assert broker.parse_url(info.url).to_state() == info.to_state()
    assert broker.parse_url("amqp://h").virtual_host == "/"
    with pytest.raises(broker.BrokerError):
        broker.parse_url("http://example.com")


def test_broker_config_listens_on_loopback_only(tmp_path: Path) -> None:
    text = broker._config(5999, "murano", "s3cret", tmp_path / "log")
    listeners = [line for line in text.splitlines() if line.startswith("listeners.")]
    assert listeners == ["listeners.tcp.1 = 127.0.0.1:5999", "listeners.ssl = none"]


def test_processes_are_recognised_by_marker_before_being_signalled(tmp_path: Path) -> None:
    proc = procs.spawn([sys.executable, "-c", "import time; time.sleep(60)",
                        "marker-123"], tmp_path / "log")
    try:
        deadline = time.monotonic() + 10       # until the child has exec'd
        while not procs.carries(proc.pid, "marker-123") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert procs.carries(proc.pid, "marker-123")
        assert not procs.carries(proc.pid, "another-marker")
        assert proc.pid in procs.find("marker-123")
        assert not procs.stop(proc.pid, "another-marker")    # not ours: left alone
        assert proc.poll() is None
        assert procs.stop(proc.pid, "marker-123")
        assert proc.wait(timeout=5) is not None
        assert not procs.carries(proc.pid, "marker-123")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert not procs.carries(None, "x")
