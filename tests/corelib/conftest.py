"""Shared fixtures of the core-library tests: a package folder with Resources/scripts."""

from __future__ import annotations

from pathlib import Path

import pytest


class FolderPackage:
    """A package folder on disk, read the way the engine's package objects are read."""

    def __init__(self, root: Path, name: str = "com.example.Test") -> None:
        self.root = root
        self.name = name

    def resource_exists(self, relpath: str) -> bool:
        return (self.root / "Resources" / relpath).is_file()

    def read_resource(self, relpath: str) -> bytes:
        return (self.root / "Resources" / relpath).read_bytes()


@pytest.fixture
def package(tmp_path: Path) -> FolderPackage:
    scripts = tmp_path / "Resources" / "scripts"
    scripts.mkdir(parents=True)
    (scripts / "deploy.sh").write_text("#!/bin/sh\necho deploying \"$1\"\n")
    (scripts / "common.sh").write_text("log() { echo \"$@\"; }\n")
    (scripts / "blob.bin").write_bytes(b"\x00\x01\x02binary")
    return FolderPackage(tmp_path)
