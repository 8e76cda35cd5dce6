"""Fixtures of the dry-run command tests: run the CLI in-process from an empty folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from dryrun_support import HELLO, Result

from muranokit.tools.cli import main


@pytest.fixture(autouse=True)
def _empty_workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every test from an empty folder: no ./packages/ is picked up by default."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture):
    """Run ``muranokit ARGS...`` in this process; returns a Result."""
    def run(*args: str | os.PathLike) -> Result:
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)
    return run


@pytest.fixture
def hello(tmp_path: Path) -> Path:
    """A copy of examples/hello (models, rules) to edit freely."""
    target = tmp_path / "hello"
    shutil.copytree(HELLO, target)
    return target
