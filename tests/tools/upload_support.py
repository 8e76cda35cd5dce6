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


AUTH_VARIABLES = ("OS_CLOUD", "OS_AUTH_URL", "OS_AUTH_TOKEN", "OS_AUTH_TYPE", "OS_USERNAME",
                  "OS_PASSWORD", "OS_PROJECT_NAME", "OS_PROJECT_ID", "OS_USER_DOMAIN_NAME",
                  "OS_PROJECT_DOMAIN_NAME", "OS_REGION_NAME", "OS_INTERFACE", "MURANO_URL",
                  "OS_CLIENT_CONFIG_FILE")


def upload(capsys, *argv) -> tuple[int, str, str]:
    """Run ``muranokit upload ARGV`` in this process: exit code, stdout, stderr."""
    from muranokit.tools.cli import main

    code = main(["upload", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def row(out: str, fqn: str) -> list[str]:
    """The summary-table row of ``fqn`` split into columns."""
    for line in out.splitlines():
        if line.startswith(fqn + " "):
            return line.split()
    raise AssertionError(f"no row for {fqn} in:\n{out}")


def preload(server, path, fqn, **meta) -> str:
    """Put a package into the catalog directly with python-muranoclient; its id."""
    from muranoclient.v1.client import Client

    with open(path, "rb") as handle:
        return Client(endpoint=server.url, token=TOKEN).packages.create(meta, {fqn: handle}).id
