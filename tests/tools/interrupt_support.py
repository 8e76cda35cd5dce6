"""Run ``muranokit`` in a child process that stops at a chosen call until it gets a signal.

The child replaces one function (``os:replace``, ``os:rename``, ...) by one that, at its N-th
call, writes a marker file and sleeps; the test waits for the marker, sends a real signal and
reads how the command ended. Everything else in the child is the real command.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

_CHILD = r"""
import importlib, sys, time
spec, marker, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
target, _, nth = spec.partition("#")
module_name, _, name = target.partition(":")
module = importlib.import_module(module_name)
real = getattr(module, name)
calls = 0

def paused(*args, **kwargs):
    global calls
    calls += 1
    if calls == int(nth or 1):
        with open(marker, "w") as handle:
            handle.write(repr(args))
        time.sleep(120)
    return real(*args, **kwargs)

setattr(module, name, paused)
from muranokit.tools.cli import main
sys.exit(main(argv))
"""


@dataclass
class Ended:
    """How the child ended."""

    code: int
    out: str
    err: str


class PausedRun:
    """``muranokit ARGV`` stopped at the ``nth`` call of ``target`` (``module:function``);
    with no target, just ``muranokit ARGV`` in a child process."""

    def __init__(self, argv: list, target: str | None, nth: int, marker: Path,
                 cwd: Path | None = None, env: dict | None = None) -> None:
        self.marker = marker
        command = ([sys.executable, "-c", _CHILD, f"{target}#{nth}", str(marker)] if target
                   else [sys.executable, "-m", "muranokit"])
        self.proc = subprocess.Popen(
            [*command, *map(str, argv)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, cwd=cwd, env=env if env is not None else os.environ.copy())

    def wait_paused(self, timeout: float = 120) -> str:
        """Wait until the child sits in the paused call; the call's arguments (repr)."""
        end = time.monotonic() + timeout
        while not self.marker.exists():
            if self.proc.poll() is not None:
                out, err = self.proc.communicate()
                raise AssertionError(f"ended (exit {self.proc.returncode}) before pausing:\n"
                                     f"{out}\n{err}")
            if time.monotonic() > end:
                self.proc.kill()
                raise AssertionError("never reached the paused call")
            time.sleep(0.02)
        time.sleep(0.05)  # the marker is written just before the sleep starts
        return self.marker.read_text()

    def signal(self, signum: int = signal.SIGTERM) -> None:
        self.proc.send_signal(signum)

    def ended(self, timeout: float = 120) -> Ended:
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
            raise AssertionError(f"still running after the signal:\n{out}\n{err}") from None
        return Ended(self.proc.returncode, out, err)


def leftovers(*folders: Path) -> list[str]:
    """Temporary files and folders (``.NAME.xxx.tmp``, ``.NAME.new-xxx``, ``.NAME.old-xxx``)
    found under ``folders``."""
    found = []
    for folder in folders:
        for path in folder.rglob(".*"):
            if path.name.endswith(".tmp") or ".new-" in path.name or ".old-" in path.name:
                found.append(str(path))
    return found
