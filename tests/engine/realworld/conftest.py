"""pytest set-up of the real-world MuranoPL suite (helpers live in realworld_support)."""

from __future__ import annotations

import collections.abc  # noqa: F401  (yaql 3 needs it before yaql is imported)
import os
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass
class CliResult:
    """Exit code and output of one in-process ``muranokit`` run."""

    code: int
    out: str
    err: str


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture):
    """Run ``muranokit ARGS...`` in this process from an empty folder."""
    from muranokit.tools.cli import main

    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)

    def run(*args: str | os.PathLike) -> CliResult:
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)
    return run
