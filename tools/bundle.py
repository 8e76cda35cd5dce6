"""The Murano bundle file: ``{"Packages": [{"Name": FQN, "Version": V}, ...]}``.

Packages are listed dependencies first (from ``Require``), ties by name, so that a
catalog importing the bundle in order never meets a package before what it needs.
"""

from __future__ import annotations

import json
import os

from muranokit.engine.files import Package
from muranokit.tools.exceptions import InputError


def check_bundle_name(name: str) -> str:
    """``name`` if it names a file directly inside the output folder (no folder part, not
    ``.`` or ``..``); else InputError: ``../x.json`` or ``/etc/x`` would write outside it."""
    separators = [os.sep] + ([os.altsep] if os.altsep else [])
    if name in (".", "..") or "\0" in name or any(sep in name for sep in separators):
        raise InputError(f"--bundle {name!r} must be a file name inside the output folder "
                         "(no folder part, not '.' or '..')")
    return name


def dependency_order(packages: list[Package]) -> list[Package]:
    """``packages`` sorted so every package comes after the ones it requires.

    Requirements outside the list are ignored; a cycle is broken by name order.
    """
    by_name = {p.full_name: p for p in packages if p.full_name}
    ordered: list[Package] = []
    placed: set[str] = set()
    visiting: set[str] = set()

    def place(name: str) -> None:
        if name in placed or name in visiting:
            return
        visiting.add(name)
        for required in sorted(by_name[name].requires):
            if required in by_name:
                place(required)
        visiting.discard(name)
        placed.add(name)
        ordered.append(by_name[name])

    for name in sorted(by_name):
        place(name)
    return ordered


def bundle_text(packages: list[Package]) -> str:
    """The bundle file's text (JSON, dependencies first, newline-terminated)."""
    entries = [{"Name": p.full_name, "Version": p.version}
               for p in dependency_order(packages)]
    return json.dumps({"Packages": entries}, indent=2) + "\n"
