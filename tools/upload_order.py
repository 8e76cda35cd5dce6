"""Which package zips to upload, and in which order.

Arguments name zips or folders of zips. Each zip's manifest (read with
:func:`muranokit.tools.package.load_package`) gives its ``FullName`` and the packages it
``Require``s; :func:`upload_order` puts every package after the packages it requires that
are in the same set (a depth-first topological sort that keeps the given order where it can)
and refuses cycles. Requirements outside the set are returned by
:func:`external_requirements` for the caller to look up in the catalog.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

from muranokit.engine.files import MANIFEST, is_dotted_name, line_of
from muranokit.tools.exceptions import InputError
from muranokit.tools.package import load_package

#: The Murano core library: every catalog has it, so nobody needs to upload it.
CORE_LIBRARY = "io.murano"


@dataclass(frozen=True)
class Archive:
    """A package zip about to be uploaded."""

    path: str
    fqn: str
    version: str
    requires: tuple[str, ...]


def find_archives(arguments: Iterable[str]) -> list[str]:
    """The zip paths that ``arguments`` name: a file as it is, a folder as its ``*.zip``
    files in name order. Each file appears once."""
    found: list[str] = []
    seen: set[str] = set()
    for argument in arguments:
        if os.path.isdir(argument):
            if os.path.exists(os.path.join(argument, MANIFEST)):
                raise InputError("is a package source folder, not a folder of zips; "
                                 "run `muranokit build` and upload the zips", argument)
            try:
                names = sorted(n for n in os.listdir(argument) if n.endswith(".zip"))
            except OSError as exc:
                raise InputError(f"cannot list folder: {exc.strerror}", argument) from None
            if not names:
                raise InputError("no .zip files in this folder", argument)
            paths = [os.path.join(argument, name) for name in names]
        elif os.path.lexists(argument):
            paths = [argument]
        else:
            raise InputError("no such file or folder", argument)
        for path in paths:
            key = os.path.realpath(path)
            if key not in seen:
                seen.add(key)
                found.append(path)
    return found


def read_archive(path: str) -> Archive:
    """Read a zip's manifest. Raises InputError (with file and line) when the zip cannot be
    uploaded: not a zip, no manifest, bad YAML, FullName or Require unusable."""
    if os.path.isdir(path):
        raise InputError("is a folder; upload takes package zips", path)
    package = load_package(path)
    manifest = package.manifest
    manifest_path = package.display_path(MANIFEST)
    fqn = manifest.get("FullName")
    if fqn is None:
        raise InputError("the manifest has no FullName", manifest_path, 1)
    if not is_dotted_name(fqn):
        raise InputError(f"FullName {fqn!r} is not a dotted name such as com.example.App",
                         manifest_path, line_of(manifest, "FullName", 1))
    require = manifest.get("Require")
    line = line_of(manifest, "Require", 1)
    if require is None:
        requires: tuple[str, ...] = ()
    elif isinstance(require, dict):
        requires = tuple(require)
    else:
        raise InputError("Require must be a mapping of FullName to version", manifest_path,
                         line)
    for name in requires:
        if not is_dotted_name(name):
            raise InputError(f"Require names {name!r}, which is not a package FullName",
                             manifest_path, line_of(require, name, line))
    return Archive(path=path, fqn=fqn, version=package.version, requires=requires)


def upload_order(archives: list[Archive]) -> list[Archive]:
    """``archives`` with every package after the ones it requires (given order otherwise).

    Raises InputError for two zips with one FullName and for a cycle of requirements.
    """
    by_fqn: dict[str, Archive] = {}
    for archive in archives:
        other = by_fqn.get(archive.fqn)
        if other is not None:
            raise InputError(f"{archive.fqn} is also the FullName of {other.path}",
                             archive.path)
        by_fqn[archive.fqn] = archive

    ordered: list[Archive] = []
    done: set[str] = set()
    active: list[str] = []  # the chain of requirements being followed

    def visit(archive: Archive) -> None:
        if archive.fqn in done:
            return
        if archive.fqn in active:
            cycle = active[active.index(archive.fqn):] + [archive.fqn]
            raise InputError("Require cycle: " + " -> ".join(cycle), archive.path)
        active.append(archive.fqn)
        for name in archive.requires:
            if name in by_fqn:
                visit(by_fqn[name])
        active.pop()
        done.add(archive.fqn)
        ordered.append(archive)

    for archive in archives:
        visit(archive)
    return ordered


def external_requirements(archives: list[Archive]) -> dict[str, list[str]]:
    """Required FullNames that no archive in the set provides (the core library aside),
    each with the FullNames of the packages requiring it."""
    provided = {archive.fqn for archive in archives}
    missing: dict[str, list[str]] = {}
    for archive in archives:
        for name in archive.requires:
            if name not in provided and name != CORE_LIBRARY:
                missing.setdefault(name, []).append(archive.fqn)
    return missing
