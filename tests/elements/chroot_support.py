"""Runs one element's install-phase scripts in a chroot the way diskimage-builder does."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from muranokit.tools.image import REPO_ELEMENTS
from muranokit.tools.image_standins import standin_content

HOOKS = Path("tmp/in_target.d")

# run by tox -e elements, which sets MURANOKIT_ELEMENT_TESTS=1 and fails them without
# root or debootstrap (MURANOKIT_REQUIRE, tests/conftest.py)
needs_chroot = [
    pytest.mark.skipif(os.environ.get("MURANOKIT_ELEMENT_TESTS") != "1",
                       reason="chroot tests run in tox -e elements (MURANOKIT_ELEMENT_TESTS=1)"),
    pytest.mark.needs("root", "debootstrap"),
]
SYSTEMCTL_RECORDER = """#!/bin/sh
# test stub: records systemctl calls instead of touching units
echo "$*" >> /var/log/systemctl-calls
"""


def stage_element(root: Path, element: str) -> None:
    """Copy an element's folders into <root>/tmp/in_target.d, as DIB's hook copy does."""
    hooks = root / HOOKS
    for item in (REPO_ELEMENTS / element).iterdir():
        if item.is_dir():
            shutil.copytree(item, hooks / item.name, dirs_exist_ok=True, symlinks=True)


def stage_files(root: Path, names: list[str]) -> Path:
    """Put stand-in release files where muranokit-fetch would have staged them."""
    files = root / HOOKS / "muranokit-files"
    files.mkdir(parents=True, exist_ok=True)
    for name in names:
        (files / name).write_bytes(standin_content(name))
    return files


def stub_systemctl(root: Path) -> Path:
    """Install a systemctl that records its arguments; returns the record file."""
    stub = root / "usr/local/sbin/systemctl"
    stub.parent.mkdir(parents=True, exist_ok=True)
    stub.write_text(SYSTEMCTL_RECORDER)
    stub.chmod(0o755)
    return root / "var/log/systemctl-calls"


def stub_command(root: Path, path: str) -> None:
    """A placeholder executable at ``path`` inside the chroot (for package-provided tools)."""
    target = root / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("#!/bin/sh\nexit 0\n")
    target.chmod(0o755)


def run_phase_script(root: Path, script: str, env: dict[str, str] | None = None
                     ) -> subprocess.CompletedProcess:
    """Run ``<phase>.d/<script>`` inside the chroot after sourcing every environment.d file."""
    command = (
        "for f in /tmp/in_target.d/environment.d/*; do [ -f \"$f\" ] && . \"$f\"; done; "
        f"exec /tmp/in_target.d/{script}"
    )
    clean_env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                 "HOME": "/root", "LANG": "C.UTF-8", **(env or {})}
    return subprocess.run(["chroot", str(root), "/bin/bash", "-c", command], env=clean_env,
                          capture_output=True, text=True)


def in_root(root: Path, path: str) -> Path:
    return root / path.lstrip("/")


def run_in_root(root: Path, *argv: str) -> str:
    done = subprocess.run(["chroot", str(root), *argv], capture_output=True, text=True,
                          check=True, env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})
    return done.stdout


def stub_recorder(root: Path, command: str, extra: str = "") -> Path:
    """A stub ``command`` (first on PATH) that appends its arguments to a record file."""
    record = root / f"var/log/{command}-calls"
    stub = root / "usr/local/sbin" / command
    stub.parent.mkdir(parents=True, exist_ok=True)
    stub.write_text(f"#!/bin/sh\n# test stub\necho \"$*\" >> /var/log/{command}-calls\n{extra}")
    stub.chmod(0o755)
    return record


def starting_systemctl(root: Path) -> Path:
    """A systemctl that starts stand-in units as systemd would; returns the call record."""
    from muranokit.tools.image_standins import systemctl_standin

    stub = root / "usr/local/sbin/systemctl"
    stub.parent.mkdir(parents=True, exist_ok=True)
    stub.write_bytes(systemctl_standin())
    stub.chmod(0o755)
    return root / "var/log/systemctl-calls"


def install_static_units(root: Path, element: str) -> None:
    """The element's static/ files where DIB's install-static puts them."""
    static = REPO_ELEMENTS / element / "static"
    if static.is_dir():
        shutil.copytree(static, root, dirs_exist_ok=True, symlinks=True)


def systemctl(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["chroot", str(root), "systemctl", *args], capture_output=True,
                          text=True,
                          env={"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:"
                                       "/bin"})
