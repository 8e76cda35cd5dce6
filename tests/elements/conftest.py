"""Fixtures for the element tests: the elements folder and throw-away chroots.

The chroot tests need root and debootstrap; they run when MURANOKIT_ELEMENT_TESTS=1 (the
``elements`` tox env sets it) and are skipped otherwise. A minimal Debian root file system is
debootstrapped once into ~/.cache/muranokit/test-rootfs/<release> and every test works on a
throw-away overlay (or copy) of it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from muranokit.tools.image import REPO_ELEMENTS

RELEASE = os.environ.get("DIB_RELEASE", "bookworm")
MIRROR = os.environ.get("DIB_DISTRIBUTION_MIRROR", "http://deb.debian.org/debian")
ROOTFS_CACHE = Path(os.environ.get("MURANOKIT_TEST_ROOTFS_CACHE",
                                   Path.home() / ".cache" / "muranokit" / "test-rootfs"))

@pytest.fixture(scope="session")
def elements_dir() -> Path:
    return REPO_ELEMENTS


@pytest.fixture(scope="session")
def base_rootfs() -> Path:
    """A minimal Debian root file system, debootstrapped once and kept in a cache folder."""
    target = ROOTFS_CACHE / RELEASE
    if (target / "bin" / "bash").exists():
        return target
    ROOTFS_CACHE.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f"{RELEASE}.", dir=ROOTFS_CACHE))
    done = subprocess.run(["debootstrap", "--variant=minbase", RELEASE, str(partial), MIRROR],
                          capture_output=True, text=True)
    if done.returncode != 0:
        shutil.rmtree(partial, ignore_errors=True)
        pytest.fail(f"debootstrap failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    return target


@pytest.fixture
def chroot(base_rootfs: Path, tmp_path: Path) -> Iterator[Path]:
    """A throw-away root file system: an overlay on the cached one, or a copy of it."""
    upper, work, merged = tmp_path / "upper", tmp_path / "work", tmp_path / "root"
    for folder in (upper, work, merged):
        folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "overlay", "overlay", "-o",
         f"lowerdir={base_rootfs},upperdir={upper},workdir={work}", str(merged)],
        capture_output=True).returncode == 0
    if not mounted:
        merged.rmdir()
        subprocess.run(["cp", "-a", str(base_rootfs), str(merged)], check=True)
    try:
        yield merged
    finally:
        if mounted:
            subprocess.run(["umount", str(merged)], check=True)
