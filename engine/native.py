"""Python-backed ("native") MuranoPL classes: how to write one.

A Python class decorated with :func:`native_class` becomes (or extends) the MuranoPL class of
that name: public methods are MuranoPL methods of the same name, ``@staticmethod`` ones are
static methods receiving a :class:`~muranokit.engine.bridge.NativeContext` first. One Python
instance is made per MuranoPL object, with the object's (contract-checked) properties as
keyword arguments that its ``__init__`` accepts (and ``ctx``, the object's context, first).
Values cross the boundary as plain data; objects as proxies. Raise :class:`NativeThrow` to
throw a specific MuranoPL exception type. :mod:`~muranokit.engine.bridge` does the calling.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .exceptions import MuranoPlError

NATIVE_CLASSES: dict[str, tuple[type, str | None]] = {}


def native_class(full_name: str, extends: str | list[str] | None = None) -> Callable[[type], type]:
    """Register ``cls`` as the Python implementation of MuranoPL class ``full_name``."""
    def decorate(cls: type) -> type:
        NATIVE_CLASSES[full_name] = (cls, extends)
        cls.__murano_name__ = full_name
        return cls
    return decorate


class NativeThrow(MuranoPlError):
    """Raise from a native method to throw MuranoPL exception ``type_name``."""

    def __init__(self, type_name: str, message: str, extra: Any = None) -> None:
        super().__init__(type_name, message, extra)
