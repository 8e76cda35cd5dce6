"""The guards a runtime enforces on MuranoPL code: :class:`Limits` and a run's :class:`Budget`.

Per call and per loop: the call depth and the iterations of one loop. Per value, as upstream
Murano sets yaql's options: a collection a yaql function takes, or a lazy sequence made
into a value, holds at most ``max_collection`` items (upstream: 2000), and a value a yaql
function returns takes at most ``max_value_bytes`` (upstream: 512 KiB, measured as yaql
does, ``sys.getsizeof``). For the whole run: ``max_steps`` steps (statements, loop
iterations, method calls and yaql function calls), and
``max_seconds`` of the engine's own time (time spent in native methods, where a cloud is
waited for, does not count). Each exceeded is a MuranoPL error with its stack.

The budget of the run being executed is the *active* one (:func:`active`): the
interpreter activates its budget while it runs MuranoPL, and yaql's own limits
(:class:`LiveOptions`) and :func:`~.values.freeze` read it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from .exceptions import EngineFault

POLL_EVERY = 1024
"""Steps (or yaql calls) between two looks at the clock."""

BUDGET_ERRORS = frozenset({"StepBudgetExceeded", "TimeBudgetExceeded"})
"""The MuranoPL error types of a whole-run budget exceeded."""


class Limits:
    """Configurable guards (``None`` or a negative number: no limit, for the whole-run
    budgets)."""

    def __init__(self, max_depth: int = 200, max_iterations: int = 100_000,
                 max_steps: int | None = 1_000_000, max_collection: int = 2000,
                 max_value_bytes: int = 512 * 1024,
                 max_seconds: float | None = 60.0) -> None:
        self.max_depth = max_depth
        self.max_iterations = max_iterations
        self.max_steps = max_steps
        self.max_collection = max_collection
        self.max_value_bytes = max_value_bytes
        self.max_seconds = max_seconds

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"Limits({fields})"


def _bounded(value: float | None) -> bool:
    return value is not None and value >= 0


class Budget:
    """What one run has spent of its :class:`Limits`: steps, and the engine's own time."""

    __slots__ = ("limits", "steps", "countdown", "_chunk", "elapsed", "_since", "_running",
                 "_paused", "peak_collection", "exceeded")

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.steps = 0                 # counted so far (up to the last poll)
        self._chunk = self.countdown = self._next_chunk()   # steps until the next poll
        self.elapsed = 0.0             # engine time of finished running periods
        self._since: float | None = None
        self._running = 0
        self._paused = 0
        self.peak_collection = 0       # the largest collection met by freeze (measurement)
        self.exceeded: str | None = None   # why the run was stopped, once it was

    # -- time ------------------------------------------------------------------------------
    def seconds(self) -> float:
        """Engine time spent so far."""
        if self._since is None:
            return self.elapsed
        return self.elapsed + time.monotonic() - self._since

    def _start_clock(self) -> None:
        self._since = time.monotonic()

    def _stop_clock(self) -> None:
        if self._since is not None:
            self.elapsed += time.monotonic() - self._since
            self._since = None

    @contextmanager
    def running(self) -> Iterator[Budget]:
        """Make this the active budget and run its clock (nests)."""
        global _active
        previous = _active
        _active = self
        self._running += 1
        if self._running == 1 and not self._paused:
            self._start_clock()
        try:
            yield self
        finally:
            self._running -= 1
            if self._running == 0:
                self._stop_clock()
            _active = previous

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Stop the clock while native code runs (a cloud backend may wait there)."""
        self._paused += 1
        if self._paused == 1:
            self._stop_clock()
        try:
            yield
        finally:
            self._paused -= 1
            if self._paused == 0 and self._running:
                self._start_clock()

    # -- steps -----------------------------------------------------------------------------
    def step(self) -> None:
        """One step: a statement, a loop iteration, a method call or a yaql function call
        (cheap: the real check runs every POLL_EVERY steps, and at the step that goes over
        the budget)."""
        self.countdown -= 1
        if self.countdown <= 0:
            self.poll()

    def _next_chunk(self) -> int:
        """Steps until the next poll: POLL_EVERY, or fewer to stop right at the budget."""
        limit = self.limits.max_steps
        if _bounded(limit):
            return max(1, min(POLL_EVERY, limit - self.steps + 1))
        return POLL_EVERY

    def poll(self) -> None:
        """Count the steps since the last poll and look at the clock."""
        self.steps += self._chunk - self.countdown
        self._chunk = self.countdown = self._next_chunk()
        limits = self.limits
        if self.exceeded is not None:
            raise EngineFault(*self.exceeded)
        if _bounded(limits.max_steps) and self.steps > limits.max_steps:
            self._stop("StepBudgetExceeded",
                       f"the run exceeded its budget of {limits.max_steps} steps "
                       "(statements, loop iterations, method calls and yaql function "
                       "calls): a loop that never ends?")
        if _bounded(limits.max_seconds) and self.seconds() > limits.max_seconds:
            self._stop("TimeBudgetExceeded",
                       f"the run exceeded its budget of {limits.max_seconds:g} s of engine "
                       "time")

    def _stop(self, type_name: str, message: str) -> None:
        self.exceeded = (type_name, message)
        self._chunk = self.countdown = 1   # every later step fails too (a Catch cannot go on)
        raise EngineFault(type_name, message)

    def total_steps(self) -> int:
        """Steps counted so far, including those since the last poll."""
        return self.steps + self._chunk - self.countdown

    # -- values ----------------------------------------------------------------------------
    def collection(self, count: int) -> None:
        """A collection of ``count`` items is being made (CollectionTooLarge beyond the
        limit, as yaql's)."""
        if count > self.peak_collection:
            self.peak_collection = count
        limit = self.limits.max_collection
        if 0 <= limit < count:
            from yaql.language.exceptions import CollectionTooLargeException
            raise CollectionTooLargeException(limit)


_active: Budget | None = None
_IDLE = Budget(Limits(max_steps=None, max_seconds=None))


def active() -> Budget:
    """The budget of the run being executed (an unlimited-time idle one outside runs)."""
    return _active if _active is not None else _IDLE


class LiveOptions(Mapping):
    """yaql engine options whose limits are the active budget's (yaql reads its options on
    every function call: the clock is looked at from here too, every POLL_EVERY calls)."""

    LIMIT_KEYS = ("yaql.limitIterators", "yaql.memoryQuota")

    def __init__(self, base: Mapping) -> None:
        self._base = {k: v for k, v in base.items() if k not in self.LIMIT_KEYS}

    def get(self, key: str, default: Any = None) -> Any:
        if key == "yaql.memoryQuota":
            budget = active()
            budget.countdown -= 1
            if budget.countdown <= 0:
                budget.poll()
            return budget.limits.max_value_bytes
        if key == "yaql.limitIterators":
            return active().limits.max_collection
        return self._base.get(key, default)

    def __getitem__(self, key: str) -> Any:
        value = self.get(key, _MISSING)
        if value is _MISSING:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter([*self._base, *self.LIMIT_KEYS])

    def __len__(self) -> int:
        return len(self._base) + len(self.LIMIT_KEYS)


_MISSING = object()
