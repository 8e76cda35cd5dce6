"""Validation checks, one module per family; :func:`validate_packages` runs them all.

Families: ``manifest`` (manifest.yaml), ``classes`` (MuranoPL class files, with yaql
compile checks from ``yaqlcheck``), ``resources`` (Resources calls, execution plans),
``ui`` (dynamic UI forms), ``assets`` (logo, LICENSE, UI file, stray files) and
``suite`` (across packages: duplicates, Require). Findings are
:class:`~muranokit.tools.validate.findings.Finding` objects with stable codes.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import gc
from collections.abc import Callable, Iterator

from muranokit.engine.files import Package
from muranokit.tools.validate import assets, classes, manifest, resources, suite, ui
from muranokit.tools.validate.context import PackageCheck
from muranokit.tools.validate.findings import CODES, ERROR, WARNING, Finding

__all__ = ["CODES", "ERROR", "WARNING", "Finding", "validate_package", "validate_packages"]


def validate_package(package: Package, findings: list[Finding]) -> dict[str, str]:
    """Run the per-package checks; append findings; return {class FQN: file}."""
    ctx = PackageCheck(package, findings)
    manifest.check(ctx)
    found = classes.check(ctx)
    resources.check(ctx)
    ui.check(ctx)
    assets.check(ctx)
    return found


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector (it is restored, as it was, afterwards).

    Parsing YAML and yaql allocates tens of thousands of short-lived objects, which
    makes the collector run over and over (several % of a validation) while the
    trees it would scan hold no garbage cycles worth collecting before the end.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@functools.cache
def _no_cycle_collection_at_exit() -> None:
    """Have the interpreter's exit skip collecting what validation left behind.

    Python ends with full cycle collections over every live object; after a validation
    (yaql's function tables, parsed documents) they take tens of ms and find nothing
    the operating system would not reclaim anyway. Frozen objects are left out of them;
    streams are still flushed and atexit/finalizers of the program still run.
    """
    atexit.register(gc.freeze)


def validate_packages(packages: list[Package],
                      progress: Callable[[int, Package], None] | None = None) -> list[Finding]:
    """Validate each package and the set as a whole; findings sorted by place."""
    _no_cycle_collection_at_exit()
    with _cyclic_gc_paused():
        return _validate_packages(packages, progress)


def _validate_packages(packages: list[Package],
                       progress: Callable[[int, Package], None] | None) -> list[Finding]:
    findings: list[Finding] = []
    found: dict[int, dict[str, str]] = {}
    for index, package in enumerate(packages):
        if progress:
            progress(index, package)
        try:
            found[id(package)] = validate_package(package, findings)
        except RecursionError:  # YAML depth is capped, so only absurd code gets here
            findings.append(Finding(package.location, 0, "P001",
                                    "structures nested too deeply to check"))
    suite.check(packages, found, findings)
    return sorted(set(findings))
