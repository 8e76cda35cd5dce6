"""Fixtures of the dry-run command tests: run the CLI in-process from an empty folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from dryrun_support import HELLO, Result

from muranokit.tools.cli import main
from muranokit.tools.package import load_package
from muranokit.tools.zipper import write_zip


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


@pytest.fixture(params=["folder", "zip"])
def as_given(request, tmp_path):
    """A package as a folder, or as the zip `muranokit build` would make of it."""
    def give(folder: Path) -> Path:
        if request.param == "folder":
            return folder
        dest = tmp_path / f"{folder.name}.zip"
        write_zip(load_package(str(folder)), str(dest))
        return dest
    return give
