"""How muranokit words things for people: counted nouns, objects, MuranoPL stack frames.

Every report, summary and error message says these the same way through the functions here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SHORT_ID = 8
"""Characters of an object id shown beside its name (ids are 32 hex digits)."""


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``1 node``, ``2 nodes``, ``0 VMs``; ``many`` is the plural when it is not noun + s."""
    return f"{count} {noun if count == 1 else many or noun + 's'}"


def object_label(object_id: Any, type_name: Any = None, name: Any = None) -> str:
    """An object as people tell it apart: ``KubernetesCluster minimal (ead28b39)`` (the short
    class name, the object's name, the start of its id); parts not known are left out."""
    words = []
    if type_name:
        words.append(str(type_name).rsplit(".", 1)[-1])
    if name:
        words.append(str(name))
    if object_id:
        short = str(object_id)[:SHORT_ID]
        words.append(f"({short})" if words else short)
    return " ".join(words) or "-"


def frame_text(frame: Mapping[str, Any] | Any) -> str:
    """One MuranoPL stack frame: ``Classes/App.yaml:12 in deploy of com.example.App``; a
    frame of a Python-backed (native) method says ``native`` where its file would be."""
    if not isinstance(frame, Mapping):
        return str(frame)
    file, line = frame.get("file"), frame.get("line")
    where = "native" if not file else f"{file}:{line}" if line else str(file)
    method, owner = frame.get("method"), frame.get("type")
    if method and owner:
        return f"{where} in {method} of {owner}"
    return f"{where} in {method or owner}" if method or owner else where


__all__ = ["SHORT_ID", "frame_text", "object_label", "plural"]
