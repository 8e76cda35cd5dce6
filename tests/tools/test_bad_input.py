"""Every bad-input case under tests/data/bad/: clear message, exit code, nothing lost.

Each case folder holds ``case.yaml`` (command, expected exit code, a regular
expression the output must match, optional setup) beside its data. The case is run on
a copy, in-process and through the installed console script.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml
from packaging_helpers import BAD_CASES, run_cli, tree_snapshot

CASES = sorted(p.name for p in BAD_CASES.iterdir() if (p / "case.yaml").is_file())


def prepare(name, tmp_path):
    """Copy the case to tmp_path/case, apply its setup, and return (folder, spec)."""
    folder = tmp_path / "case"
    shutil.copytree(BAD_CASES / name, folder, symlinks=True)
    spec = yaml.safe_load((folder / "case.yaml").read_text())
    setup = spec.get("setup")
    if setup:
        action, rel = setup.split()
        assert action == "unreadable"
        target = folder / rel
        if os.geteuid() == 0:  # root reads any regular file: put a FIFO there
            target.unlink()
            os.mkfifo(target)
        else:
            target.chmod(0)
    if "build" in spec["command"]:  # a previous good build must survive
        dist = folder / "dist"
        dist.mkdir(exist_ok=True)
        (dist / "previous.zip").write_bytes(b"a previous good zip")
    return folder, spec


def test_every_required_case_is_present():
    required = {"missing-manifest", "manifest-yaml-error", "class-yaml-error", "alias-bomb",
                "manifest-not-mapping", "unknown-format", "fullname-missing",
                "fullname-not-dotted", "class-name-mismatch", "duplicate-fqn",
                "require-missing", "symlink-escape", "unreadable-file",
                "output-not-writable", "zip-slip", "not-a-zip"}
    assert required <= set(CASES)


@pytest.mark.parametrize("name", CASES)
def test_case_in_process(name, tmp_path, capsys, monkeypatch):
    folder, spec = prepare(name, tmp_path)
    monkeypatch.chdir(folder)
    before = tree_snapshot(folder / "dist") if (folder / "dist").exists() else None
    result = run_cli(capsys, *spec["command"])
    output = result.out + result.err
    assert result.code == spec["exit"], output
    assert re.search(spec["output"], output), output
    assert "Traceback" not in output
    if before is not None:
        assert tree_snapshot(folder / "dist") == before
        assert not [p for p in os.listdir(folder / "dist") if p.endswith(".tmp")]


@pytest.mark.parametrize("name", ["manifest-yaml-error", "symlink-escape", "zip-slip",
                                  "alias-bomb"])
def test_case_through_the_console_script(name, tmp_path):
    folder, spec = prepare(name, tmp_path)
    proc = subprocess.run([sys.executable, "-m", "muranokit", *spec["command"]], cwd=folder,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == spec["exit"]
    assert re.search(spec["output"], proc.stdout + proc.stderr)
    assert "Traceback" not in proc.stderr


@pytest.mark.unprivileged  # as root: run without the powers that write into a 0555 folder
def test_read_only_output_folder(tmp_path, capsys):
    folder, _ = prepare("output-not-writable", tmp_path)
    out = folder / "readonly"
    out.mkdir()
    out.chmod(0o555)
    result = run_cli(capsys, "build", str(folder / "pkg"), "-o", str(out))
    out.chmod(0o755)
    assert result.code == 2 and "output folder is not writable" in result.err
