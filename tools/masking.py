"""The secret masker of the running command: nothing muranokit prints shows a secret.

Each command runs inside :func:`command_masker` (``cli.main`` opens it): one
:class:`~muranokit.engine.events.Masker` that the dry-run session fills (secret names of the
packages' forms, the values given under secret names in models, ``--set`` and ``--arg``) and
hands to the engine (contract errors), the cloud (the trace), the report writers and
``--model-out``; standard output and error go through it as well (:mod:`.streams`), so error
messages and warnings are masked wherever they were raised. Saved state files keep the real
values (they are readable by their owner only).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

from muranokit.engine.events import Masker

_CURRENT: ContextVar[Masker | None] = ContextVar("muranokit_masker", default=None)


@contextlib.contextmanager
def command_masker() -> Iterator[Masker]:
    """A fresh masker for the command run inside the block."""
    token = _CURRENT.set(Masker())
    try:
        yield _CURRENT.get()
    finally:
        _CURRENT.reset(token)


def current_masker() -> Masker:
    """The running command's masker; outside a command (the API, tests), a new one."""
    return _CURRENT.get() or Masker()


def masked(text: str) -> str:
    """``text`` with the secrets the running command knows shown as ``***``."""
    masker = _CURRENT.get()
    return masker.mask(text) if masker is not None else text


__all__ = ["command_masker", "current_masker", "masked"]
