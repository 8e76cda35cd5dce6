"""Validation checks, one module per family; :func:`validate_packages` runs them all.

Families: ``manifest`` (manifest.yaml), ``classes`` (MuranoPL class files, with yaql
compile checks from ``yaqlcheck``), ``resources`` (Resources calls, execution plans),
``ui`` (dynamic UI forms), ``assets`` (logo, LICENSE, UI file, stray files) and
``suite`` (across packages: duplicates, Require). Findings are
:class:`~muranokit.tools.validate.findings.Finding` objects with stable codes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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


def validate_packages(packages: list[Package],
                      progress: Callable[[int, Package], None] | None = None,
                      outside: dict[str, Any] | None = None) -> list[Finding]:
    """Validate each package and the set as a whole (``outside``: providers of required
    packages outside the set, see :func:`muranokit.tools.package.outside_providers`);
    findings sorted by place."""
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
    suite.check(packages, found, findings, outside)
    return sorted(set(findings))
