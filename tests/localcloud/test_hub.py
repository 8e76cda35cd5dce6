"""The segment switch: frames between the ports of a segment, learned, never across segments."""

from __future__ import annotations

import socket
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from muranokit.tools.localcloud import procs

BROADCAST = b"\xff" * 6


def frame(dest: bytes, src: bytes, payload: bytes = b"hello") -> bytes:
    body = dest + src + b"\x08\x00" + payload
    return struct.pack(">I", len(body)) + body


def mac(n: int) -> bytes:
    return bytes([0x52, 0x54, 0, 0, 0, n])


def receive(sock: socket.socket, timeout: float = 2.0) -> bytes | None:
    sock.settimeout(timeout)
    try:
        head = sock.recv(4, socket.MSG_WAITALL)
    except TimeoutError:
        return None
    if len(head) < 4:
        return None
    (size,) = struct.unpack(">I", head)
    return sock.recv(size, socket.MSG_WAITALL)


@pytest.fixture
def switch(tmp_path: Path):
    """A switch process with two segments; yields their socket paths."""
    paths = [tmp_path / "a.sock", tmp_path / "b.sock"]
    proc = subprocess.Popen([sys.executable, "-m", "muranokit.tools.localcloud.hub",
                             *map(str, paths)])
    deadline = time.monotonic() + 10
    while not all(p.exists() for p in paths):
        assert proc.poll() is None and time.monotonic() < deadline, "switch did not start"
        time.sleep(0.05)
    yield paths
    procs.stop(proc.pid, str(paths[0]), group=False)
    proc.wait(timeout=10)
    assert not any(p.exists() for p in paths), "the switch left its sockets behind"


def connect(path: Path) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(str(path))
    return sock


def test_sockets_are_private(switch) -> None:
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in switch)


def test_broadcast_reaches_the_segment_only_and_unicast_is_learned(switch) -> None:
    a, b = switch
    one, two, three, other = connect(a), connect(a), connect(a), connect(b)
    time.sleep(0.2)
    one.sendall(frame(BROADCAST, mac(1), b"who-has"))
    assert receive(two)[12:] == b"\x08\x00who-has"
    assert receive(three)[12:] == b"\x08\x00who-has"
    assert receive(other, 0.5) is None          # another segment hears nothing
    assert receive(one, 0.3) is None            # nor does the sender
    two.sendall(frame(mac(1), mac(2), b"reply"))
    assert receive(one)[12:] == b"\x08\x00reply"
    assert receive(three, 0.5) is None          # mac 1 was learned: no flooding
    for sock in (one, two, three, other):
        sock.close()


def test_a_frame_split_across_writes_arrives_whole(switch) -> None:
    a, _ = switch
    one, two = connect(a), connect(a)
    time.sleep(0.2)
    data = frame(BROADCAST, mac(7), b"x" * 3000)
    one.sendall(data[:3])
    time.sleep(0.1)
    one.sendall(data[3:1000])
    time.sleep(0.1)
    one.sendall(data[1000:])
    assert receive(two) == data[4:]
    one.close()
    two.close()


def test_a_peer_that_is_not_qemu_is_dropped(switch) -> None:
    a, _ = switch
    bad, good = connect(a), connect(a)
    time.sleep(0.2)
    bad.sendall(struct.pack(">I", 10_000_000) + b"junk")
    bad.settimeout(2)
    assert bad.recv(10) == b""                  # closed by the switch
    good.sendall(frame(BROADCAST, mac(3)))      # the switch still serves others
    good.close()
