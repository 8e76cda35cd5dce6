"""Deterministic cooperative concurrency for ``Parallel``, ``pselect`` and ``psuper``.

Branches run as greenlets, round-robin in declaration order; a branch gives up control only
at a cooperative point (``sleep()``, a native ``ctx.yield_()``), so the same model always
produces the same interleaving. A failure in a branch is re-raised (the first failing branch
by order) after every branch has finished, with the branch's own MuranoPL stack.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

import greenlet

from .exceptions import EngineFault


class _Task:
    __slots__ = ("glet", "result", "error", "done")

    def __init__(self) -> None:
        self.glet = None
        self.result = None
        self.error: BaseException | None = None
        self.done = False


class Scheduler:
    """Runs groups of branches; nests (a branch may start its own Parallel)."""

    def __init__(self) -> None:
        self._tasks: dict[Any, _Task] = {}    # greenlet -> task (only branch greenlets)
        self._locks: dict[Any, list] = {}     # lock key -> [(argument values, holder)]
        self.switches = 0

    @property
    def active(self) -> bool:
        """True while branches of some Parallel/pselect are running."""
        return bool(self._tasks)

    def acquire(self, key: Any, values: dict, patience: int, what: str) -> Any:
        """Take the method lock ``key`` for the current branch, as upstream's executor does:
        a lock is held per distinct ``values`` (the Synchronize onArgs argument values), so
        a call waits only for one holding equal values. Re-entrant for the branch and the
        branches it started; waits at cooperative points; returns a token for
        :meth:`release` (None when nothing was taken)."""
        current = greenlet.getcurrent()
        if current not in self._tasks:
            return None
        waited = 0
        while True:
            held = self._locks.setdefault(key, [])
            holder = next((entry for entry in held if entry[0] == values), None)
            if holder is None:
                entry = (values, current)
                held.append(entry)
                return key, entry
            node = current
            while node is not None:
                if node is holder[1]:
                    return None          # held by this branch or one that started it
                node = node.parent
            waited += 1
            if waited > patience:
                raise EngineFault("DeadlockError", f"{what}: gave up waiting for the method "
                                                   f"lock after {patience} turns")
            self.yield_()

    def release(self, token: Any) -> None:
        key, entry = token
        held = self._locks.get(key)
        if held is None:
            return
        for i, other in enumerate(held):
            if other is entry:
                del held[i]
                break
        if not held:
            del self._locks[key]

    def _in_branch(self) -> bool:
        return greenlet.getcurrent() in self._tasks

    def yield_(self) -> None:
        """A cooperative point: let other branches of the enclosing Parallel run."""
        current = greenlet.getcurrent()
        if current in self._tasks:
            self.switches += 1
            current.parent.switch()

    def sleep(self, seconds: float) -> None:
        self.yield_()

    def run_all(self, funcs: list[Callable[[], Any]], limit: int | None = None) -> list:
        """Run every function as a branch; return results in order."""
        if not funcs:
            return []
        limit = len(funcs) if not limit or limit < 1 else int(limit)
        tasks = [_Task() for _ in funcs]
        waiting = deque(range(len(funcs)))
        active: deque[int] = deque()

        def start(i: int) -> None:
            task = tasks[i]
            func = funcs[i]

            def body():
                try:
                    task.result = func()
                except BaseException as exc:  # noqa: BLE001 - re-raised by the parent
                    task.error = exc
                finally:
                    task.done = True
            task.glet = greenlet.greenlet(body)
            self._tasks[task.glet] = task
            active.append(i)

        while waiting and len(active) < limit:
            start(waiting.popleft())
        while active:
            i = active.popleft()
            task = tasks[i]
            task.glet.switch()
            if task.done:
                self._tasks.pop(task.glet, None)
                if waiting:
                    start(waiting.popleft())
            else:
                active.append(i)
            if active and self._in_branch():
                # nested group: give the enclosing group a turn after each step
                self.yield_()
        for task in tasks:
            if task.error is not None:
                raise task.error
        return [task.result for task in tasks]

    def map(self, func: Callable[[Any], Any], items: list) -> list:
        return self.run_all([(lambda item=item: func(item)) for item in items])
