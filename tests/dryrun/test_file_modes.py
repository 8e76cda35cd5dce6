"""Reports follow the user's umask; the state folder, which keeps unmasked secrets, is private."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from dryrun_support import HELLO_PKG


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_report_and_model_follow_the_umask(cli, hello: Path, tmp_path: Path, umask_022) -> None:
    report, model = tmp_path / "report.html", tmp_path / "model.json"
    run = cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--report", "html",
              "-o", report, "--model-out", model)
    assert run.code == 0, run.err
    assert _mode(report) == 0o644
    assert _mode(model) == 0o644


def test_state_files_are_readable_by_their_owner_only(cli, hello: Path, tmp_path: Path,
                                                       umask_022) -> None:
    state = tmp_path / "state"
    assert cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--state", state).code == 0
    files = sorted(p for p in state.rglob("*") if p.is_file())
    assert files, "the state folder is empty"
    assert {p.name: _mode(p) for p in files} == {p.name: 0o600 for p in files}
    folders = [state, *(p for p in state.rglob("*") if p.is_dir())]
    assert {str(p): _mode(p) for p in folders} == {str(p): 0o700 for p in folders}
