"""What every bench does with a result it timed: check it, and stop loudly when it is wrong.

A figure is only worth printing if the work it times was done right: a broken loop is fast.
Each bench checks every timed result (and every command it runs) with these helpers; a wrong
one ends the bench with exit status 1 and a ``bench failed: ...`` line, before any figure.
"""

from __future__ import annotations

import subprocess
from typing import Any

# how a bench labels a figure it prints but did not measure: upstream Murano's timings,
# taken once on this kind of machine and written into the bench as constants
RECORDED = "upstream, recorded 2026-11-26, not measured here"


class BenchFailure(SystemExit):
    """A timed result or a command was wrong: exit status 1 with a clear message."""

    def __init__(self, message: str) -> None:
        super().__init__(f"bench failed: {message}")
        self.message = message


def expect(what: str, got: Any, want: Any) -> None:
    """Stop the bench unless ``got == want``."""
    if got != want:
        raise BenchFailure(f"{what}: got {got!r}, expected {want!r}")


def run_checked(argv: list[str], what: str, **kwargs: Any) -> subprocess.CompletedProcess:
    """Run a command; stop the bench, with the end of its output, when it exits non-zero."""
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    done = subprocess.run(argv, check=False, **kwargs)
    if done.returncode != 0:
        output = "\n".join(part[-3000:] for part in (done.stdout, done.stderr)
                           if isinstance(part, str) and part)
        raise BenchFailure(f"{what} exited {done.returncode}:\n{output}")
    return done
