"""Helpers of the real-world MuranoPL suite (issue 10 behaviours, written from the docs).

Tests build a ``Runtime`` over fixture folders under ``fixtures/`` (public engine API only)
or run the ``muranokit`` command in-process; MuranoPL code reports through ``note()``.
"""

from __future__ import annotations

import collections.abc  # noqa: F401  (yaql 3 needs it imported first)
import pathlib
from typing import Any

FIXTURES = pathlib.Path(__file__).parent / "fixtures"


def gap(reason: str):
    """Mark a test of a behaviour the engine lacks today (flips when it is fixed)."""
    import pytest
    return pytest.mark.xfail(strict=True, reason="issue 10: " + reason)


def fixture(*parts: str) -> str:
    """Absolute path of a fixture folder or file."""
    return str(FIXTURES.joinpath(*parts))


class Engine:
    """A Runtime over fixture folders; ``notes`` collects what ``note()`` was given."""

    def __init__(self, *folders: str, functions: dict | None = None, **kwargs: Any) -> None:
        from muranokit.engine import Runtime

        self.notes: list[Any] = []
        funcs = {"note": self.notes.append}
        funcs.update(functions or {})
        self.rt = Runtime([fixture(f) for f in folders], functions=funcs, **kwargs)

    def run(self, type_name: str, method: str, *args: Any, **kwargs: Any) -> Any:
        """Create a fresh ``type_name`` object and call ``method`` on it."""
        return self.rt.call(self.rt.new(type_name), method, *args, **kwargs)


def environment(*applications: dict) -> dict:
    """An object model: an Environment with a Neutron network and the given applications."""
    return {"Objects": {
        "?": {"id": "e0000000000000000000000000000001", "type": "io.murano.Environment"},
        "name": "realworld",
        "defaultNetworks": {
            "environment": {"?": {"id": "e0000000000000000000000000000002",
                                  "type": "io.murano.resources.NeutronNetwork"},
                            "name": "realworld-net"},
            "flat": None},
        "applications": list(applications)}, "Attributes": []}


def instance(oid: str, kind: str = "io.murano.resources.LinuxMuranoInstance") -> dict:
    """An instance object of the model."""
    return {"?": {"id": oid, "type": kind}, "name": f"vm-{oid[-4:]}", "flavor": "m1.small",
            "image": "probe-image", "assignFloatingIp": False}


def walk_values(value: Any):
    """Every scalar and container inside ``value`` (depth first)."""
    yield value
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from walk_values(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from walk_values(item)
