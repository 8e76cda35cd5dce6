"""Test data for the upload tests: small package zips written with zipfile."""

from __future__ import annotations

import zipfile
from pathlib import Path

TOKEN = "secret-token"


def manifest_text(fqn: str, requires: tuple[str, ...] = (), version: str = "1.0.0") -> str:
    """A manifest that python-muranoclient's own check accepts."""
    lines = [
        "Format: 1.3",
        "Type: Library",
        f"FullName: {fqn}",
        f"Name: {fqn.rsplit('.', 1)[-1]}",
        f"Version: {version}",
        "Description: test package",
        "Author: muranokit tests",
        "Tags: [test]",
        "Classes:",
        f"  {fqn}: Main.yaml",
    ]
    if requires:
        lines.append("Require:")
        lines.extend(f"  {name}:" for name in requires)
    return "\n".join(lines) + "\n"


def make_zip(folder: Path, fqn: str, requires: tuple[str, ...] = (), version: str = "1.0.0",
             manifest: str | None = None, filename: str | None = None) -> Path:
    """Write ``folder/<fqn>.zip`` (or ``filename``) holding a manifest and one class file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (filename or f"{fqn}.zip")
    namespace, _, name = fqn.rpartition(".")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("manifest.yaml", manifest if manifest is not None
                         else manifest_text(fqn, requires, version))
        archive.writestr("Classes/Main.yaml",
                         f"Namespaces:\n  =: {namespace}\nName: {name}\n"
                         f"Methods:\n  run:\n    Body:\n      - Return: {version}\n")
    return path
