"""Checks across the whole package set: duplicate FQNs and classes, unmet Require."""

from __future__ import annotations

from typing import Any

from muranokit.engine.files import MANIFEST, Package
from muranokit.engine.files.versions import describe, parse_spec, satisfies
from muranokit.tools.validate.findings import Finding

#: Provided by the engine (Murano's core library), never by a package of the set.
CORE_LIBRARY = "io.murano"


def check(packages: list[Package], classes: dict[int, dict[str, str]],
          findings: list[Finding], outside: dict[str, Any] | None = None) -> None:
    """``classes`` maps ``id(package)`` to {class FQN: file} found in it; ``outside``
    FullName -> provider (``version``, ``where``) of packages outside the set that may
    meet a Require (:func:`muranokit.tools.package.outside_providers`)."""
    outside = outside or {}
    by_name: dict[str, Package] = {}
    for package in packages:
        name = package.full_name
        if not name:
            continue
        first = by_name.setdefault(name, package)
        if first is not package:
            findings.append(Finding(
                package.display_path(MANIFEST), package.manifest.key_line("FullName", 1),
                "S001", f"FullName {name} is also the FullName of {first.location}"))
    for package in packages:
        lines = package.manifest.get("Require")
        for fqn, spec in package.requires.items():
            line = lines.key_line(fqn, 1)
            if fqn == CORE_LIBRARY:
                continue
            provider = by_name.get(fqn) or outside.get(fqn)
            if provider is None:
                findings.append(Finding(
                    package.display_path(MANIFEST), line, "S002",
                    f"requires {fqn}, which no package in the set provides (nor one under "
                    f"./packages/); check its folder too, or declare it with --in-catalog "
                    f"{fqn}[=VERSION] if the catalog has it"))
            elif provider.version is not None and satisfies(provider.version, spec) is False:
                wanted = "with an empty spec (any 0.x.y)" if spec is None else repr(spec)
                where = "the set has" if fqn in by_name else f"{provider.where} gives"
                findings.append(Finding(
                    package.display_path(MANIFEST), line, "S004",
                    f"requires {fqn} {wanted}, which Murano reads as "
                    f"{describe(parse_spec(spec))}, but {where} version {provider.version}"))
    owners: dict[str, tuple[Package, str]] = {}
    for package in packages:
        if by_name.get(package.full_name or "") is not package:
            continue  # a duplicate package: already reported
        for fqn, rel in sorted(classes.get(id(package), {}).items()):
            owner = owners.setdefault(fqn, (package, rel))
            if owner[0] is not package:
                findings.append(Finding(
                    package.display_path(rel), 0, "S003",
                    f"class {fqn} is also defined by {owner[0].label} ({owner[1]})"))
