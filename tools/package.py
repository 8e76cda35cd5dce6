"""Packages as build, validate and upload take them.

A package is a :class:`muranokit.engine.files.Package` (folder or zip alike); the tools
need one with a manifest, every member read up front (an unreadable file stops the work
before anything is written), and problems reported as :class:`InputError` (exit 2).
"""

from __future__ import annotations

import os

from muranokit.engine.files import MANIFEST, Package, SourceError, find_package_dirs
from muranokit.tools.exceptions import InputError


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


def select_package_paths(paths: list[str] | None, root: str = "packages") -> list[str]:
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
