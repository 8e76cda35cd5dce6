"""Processes a local cloud starts: start detached, recognise later, stop for sure.

A local cloud outlives the command that started it (``action`` and deleting the environment
come later, from other processes), so its processes are recorded by id together with a
*marker*: a string their command line or environment holds (a socket path, a node name).
A recorded id whose process no longer carries the marker belongs to someone else now and is
never signalled.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _read(pid: int, what: str) -> bytes:
    try:
        return Path(f"/proc/{pid}/{what}").read_bytes()
    except OSError:
        return b""


def carries(pid: int | None, marker: str) -> bool:
    """True if process ``pid`` runs and its command line or environment holds ``marker``."""
    if not pid or pid <= 0:
        return False
    needle = marker.encode()
    if needle in _read(pid, "cmdline") or needle in _read(pid, "environ"):
        stat = _read(pid, "stat").decode(errors="replace")
        state = stat.rsplit(")", 1)[-1].split()[:1]
        return state != ["Z"]
    return False


def find(marker: str) -> list[int]:
    """Ids of every live process whose command line or environment holds ``marker``."""
    return sorted(int(entry.name) for entry in Path("/proc").iterdir()
                  if entry.name.isdigit() and int(entry.name) != os.getpid()
                  and carries(int(entry.name), marker))


def describe(pid: int) -> str:
    """A process's command line and environment as text (empty when it is gone)."""
    raw = _read(pid, "cmdline") + b"\0" + _read(pid, "environ")
    return raw.replace(b"\0", b" ").decode(errors="replace")


def spawn(argv: Sequence[str], log: Path, env: dict[str, str] | None = None,
          cwd: Path | None = None) -> subprocess.Popen:
    """Start ``argv`` in its own session (Ctrl-C at the terminal does not reach it), output
    to ``log``."""
    with open(log, "ab") as out:
        return subprocess.Popen(list(argv), stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, env=env, cwd=cwd,
                                start_new_session=True, close_fds=True)


def stop(pid: int | None, marker: str, timeout: float = 15.0, group: bool = True) -> bool:
    """SIGTERM ``pid`` (its process group when ``group``), SIGKILL after ``timeout``.

    Does nothing unless the process carries ``marker``. Returns True if it was running.
    """
    if not carries(pid, marker):
        return False
    assert pid is not None
    target = pid
    try:
        if group and os.getpgid(pid) == pid:
            os.killpg(pid, signal.SIGTERM)
        else:
            group = False
            os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _reap(target)
        if not carries(target, marker):
            return True
        time.sleep(0.1)
    try:
        if group:
            os.killpg(target, signal.SIGKILL)
        else:
            os.kill(target, signal.SIGKILL)
    except ProcessLookupError:
        return True
    for _ in range(50):
        _reap(target)
        if not carries(target, marker):
            break
        time.sleep(0.1)
    return True


def _reap(pid: int) -> None:
    """Collect ``pid`` if it is our child (so it does not linger as a zombie)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
