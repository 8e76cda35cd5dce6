"""Signals as exceptions, and sections of work that must not be cut short.

``muranokit`` turns SIGTERM into :class:`Terminated`, a :class:`KeyboardInterrupt`, so that
every cleanup written for Ctrl-C (temporary files removed, a replaced catalog package put
back) runs for a ``kill`` or a CI timeout too. :func:`held_signals` is for the few steps that
leave something broken if they stop half-way: the signals that arrive are held back until
the section ends, except that one of them may cut short the part marked
:meth:`Held.cancellable`.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: The signals that stop a command.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: stop as Ctrl-C does."""

    def __init__(self, signum: int = signal.SIGTERM) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def interruption(signum: int) -> KeyboardInterrupt:
    """The exception that a stop signal raises."""
    return KeyboardInterrupt() if signum == signal.SIGINT else Terminated(signum)


def exit_code(exc: KeyboardInterrupt) -> int:
    """The shell's exit code for a command stopped by ``exc``: 130 (SIGINT), 143 (SIGTERM)."""
    return 128 + getattr(exc, "signum", signal.SIGINT)


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextmanager
def terminate_as_exception() -> Iterator[None]:
    """Inside the block, SIGTERM raises :class:`Terminated` (outside the main thread,
    where Python cannot handle signals, nothing changes)."""
    if not _in_main_thread():
        yield
        return

    def raise_terminated(signum, frame):
        raise Terminated(signum)

    previous = signal.signal(signal.SIGTERM, raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class Held:
    """The state of a :func:`held_signals` section."""

    def __init__(self, note: Callable[[int], None]) -> None:
        self._note = note
        self._armed = False
        self.held: list[int] = []
        self.raised = False

    def _handler(self, signum, frame) -> None:
        if self._armed and not self.raised:
            self._armed = False  # before raising: whoever catches it is no longer cancellable
            self.raised = True
            raise interruption(signum)
        self.held.append(signum)
        try:
            self._note(signum)
        except Exception:  # noqa: BLE001 - a note must never break what it protects
            pass

    @contextmanager
    def cancellable(self) -> Iterator[None]:
        """The first stop signal inside this block (and only the first one of the section)
        raises at once instead of waiting for the section's end."""
        if self.held and not self.raised:  # one arrived before: stop here, nothing started
            self.raised = True
            raise interruption(self.held.pop(0))
        self._armed = True
        try:
            yield
        finally:
            self._armed = False


def say(message: str) -> None:
    """Write a line to stderr from a signal handler: straight to the descriptor, since the
    handler may run while ``sys.stderr`` is in the middle of a write."""
    try:
        os.write(2, f"muranokit: {message}\n".encode("utf-8", "backslashreplace"))
    except OSError:
        pass


@contextmanager
def held_signals(note: Callable[[int], None]) -> Iterator[Held]:
    """Hold SIGINT and SIGTERM back until the block ends; ``note(signum)`` is told of each
    (from the signal handler: write with :func:`say`).

    A signal held back is raised when the block ends normally. When the block ends with an
    exception, that exception goes on and the held signals are dropped (the command is
    stopping anyway).
    """
    state = Held(note)
    if not _in_main_thread():
        yield state
        return
    previous = {signum: signal.signal(signum, state._handler) for signum in STOP_SIGNALS}
    try:
        yield state
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if state.held:
        raise interruption(state.held[0])


__all__ = ["STOP_SIGNALS", "Held", "Terminated", "exit_code", "held_signals", "interruption",
           "say", "terminate_as_exception"]
