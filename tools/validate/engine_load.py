"""Classes as the engine loads them: what a deployment would raise, reported as E001.

The rule checks of :mod:`.classes` read each file on its own; some problems only show when
the engine builds a class among the others (a ``Meta:`` entry naming a class that is not a
meta class or is attached twice, an ``Extends`` cycle, a class no package of the set
provides). So every class the rules found is also built and compiled through the engine's
public API (:meth:`muranokit.engine.Runtime.compile_class`), over the whole package set
with the core library, and what the engine raises becomes a finding - one definition of
loading, not a second rule set.

The classes built are those the manifest names (the engine looks classes up by them; other
classes of their files are built when used). Said once: a file that already has an error
finding is left to it (the engine would stop at the same problem); a class that is not
found is reported only when every package the class's package requires is in the set
(else it may come from the catalog: S002 says so).
"""

from __future__ import annotations

from typing import Any

from muranokit.engine.files import Package
from muranokit.tools.validate.findings import ERROR, Finding

#: Errors of a class that is not there (the engine's and upstream's names for it).
_NOT_FOUND = frozenset({"NoClassFound", "NoPackageForClassFound"})
#: The core library's package name: never in the set, always there.
_CORE = "io.murano"


def check(packages: list[Package], classes: dict[int, dict[str, str]],
          findings: list[Finding]) -> None:
    """Build every class of ``classes`` (``id(package)`` -> {FQN: file}) of ``packages``
    in one engine runtime; append an E001 finding for each class the engine refuses."""
    from muranokit.engine import MuranoPlError, Runtime  # yaql: only when validating
    try:
        runtime = Runtime(packages)
    except MuranoPlError:
        return  # a package the engine cannot open at all: its own findings say why
    with runtime:
        names = {p.full_name for p in packages}
        erroneous = {f.path for f in findings if f.severity == ERROR}
        for package in packages:
            complete = all(req == _CORE or req in names for req in package.requires)
            for fqn in sorted(classes.get(id(package), {})):
                if package.manifest is not None and fqn not in package.classes:
                    continue   # not a class the engine looks up by name (built if used)
                finding = _load(runtime, package, fqn, complete)
                if finding is not None and finding.path not in erroneous:
                    findings.append(finding)


def _load(runtime: Any, package: Package, fqn: str, complete: bool) -> Finding | None:
    from muranokit.engine import MuranoPlError
    try:
        runtime.compile_class(fqn)
    except MuranoPlError as exc:
        if exc.type_name in _NOT_FOUND and not complete:
            return None
        path = exc.file or package.display_path(f"Classes/{package.classes.get(fqn, '')}")
        return Finding(path, exc.line or 0, "E001",
                       f"the engine refuses class {fqn}: {exc.type_name}: {exc.message}")
    except Exception as exc:  # noqa: BLE001 - an engine bug: said, not a crash of validate
        path = package.display_path(f"Classes/{package.classes.get(fqn, '')}")
        return Finding(path, 0, "E001", f"the engine fails on class {fqn} with "
                                        f"{type(exc).__name__}: {exc} (a muranokit bug)")
    return None
