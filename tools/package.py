"""Packages as build, validate, upload and deploy take them, and where they are found.

A package is a :class:`muranokit.engine.files.Package` (folder or zip alike); the tools
need one with a manifest, every member read up front (an unreadable file stops the work
before anything is written), and problems reported as :class:`InputError` (exit 2).

Packages nobody named are found in one place for every command: the package folders under
``./packages`` (:func:`default_package_dirs`). ``deploy`` loads them all after its ``-p``
packages; ``validate`` and ``build`` resolve the ``Require`` of the packages they check
against them, then against what ``--in-catalog FQN[=VERSION]`` declares to be in the
catalog already (:func:`outside_providers`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from muranokit.engine.files import (
    MANIFEST,
    Package,
    SourceError,
    find_package_dirs,
    is_dotted_name,
)
from muranokit.engine.files.versions import version_key
from muranokit.tools.exceptions import InputError

#: Where packages nobody named are found (relative to the working folder).
PACKAGES_ROOT = "packages"


def load_package(path: str) -> Package:
    """The package folder or zip at ``path``, every member read. Raises InputError when it
    cannot be used at all."""
    try:
        package = Package.open(path)
        if package.manifest is None:
            raise InputError(f"missing {MANIFEST}: not a Murano package", path)
        return package.read_all()
    except SourceError as exc:
        raise InputError.from_source(exc) from None


def select_package_paths(paths: list[str] | None, root: str = PACKAGES_ROOT) -> list[str]:
    """The paths given, or every package folder under ``root`` when none are.

    Raises InputError when nothing is given and ``root`` holds no package.
    """
    if paths:
        return list(paths)
    found = find_package_dirs(root) if os.path.isdir(root) else []
    if not found:
        raise InputError(f"no package folders (with {MANIFEST}) found under {root}/; "
                         "name the packages to use", root)
    return found


def default_package_dirs(root: str = PACKAGES_ROOT) -> list[str]:
    """Every package folder under ``root`` of the working folder, as absolute paths."""
    if not os.path.isdir(root):
        return []
    return [os.path.abspath(p) for p in find_package_dirs(root)]


@dataclass(frozen=True)
class Provider:
    """A package outside the checked set that provides a required FullName."""

    version: str | None   # None: any version (--in-catalog FQN without a version)
    where: str            # its folder, or "--in-catalog"


def parse_in_catalog(items: list[str] | None) -> dict[str, Provider]:
    """``--in-catalog FQN[=VERSION]`` values as {FQN: Provider}; InputError when one is not
    a dotted name with an optional version."""
    declared: dict[str, Provider] = {}
    for item in items or []:
        fqn, sep, version = item.partition("=")
        fqn, version = fqn.strip(), version.strip()
        if not is_dotted_name(fqn) or (sep and version_key(version) is None) or \
                (sep and not re.match(r"^\d", version)):
            raise InputError(f"--in-catalog {item!r}: expected FQN or FQN=VERSION "
                             "(e.g. io.murano.apps.docker.Interfaces=1.2.0)")
        declared[fqn] = Provider(version if sep else None, "--in-catalog")
    return declared


def outside_providers(packages: list[Package], in_catalog: dict[str, Provider] | None = None,
                      root: str = PACKAGES_ROOT) -> dict[str, Provider]:
    """Providers of the ``Require`` names the set ``packages`` does not provide itself:
    what ``--in-catalog`` declares, else a package folder under ``root`` (where deploy
    would load it from). Folders are only looked into when something is missing."""
    provided = {p.full_name for p in packages}
    missing = {name for p in packages for name in p.requires} - provided
    found = {name: provider for name, provider in (in_catalog or {}).items()
             if name in missing}
    if missing - set(found):
        given = {os.path.realpath(p.location) for p in packages}
        for folder in default_package_dirs(root):
            if os.path.realpath(folder) in given:
                continue
            try:
                package = Package.open(folder)   # lists the folder, reads the manifest
            except SourceError:
                continue   # not ours to report: it is not being checked
            name = package.full_name
            if name in missing and name not in found:
                found[name] = Provider(package.version, folder)
    return found
