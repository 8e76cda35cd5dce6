"""Shared helpers of the build/validate tests: fixture copies and in-process CLI runs."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from muranokit.tools.cli import main

DATA = Path(__file__).resolve().parents[1] / "data"
FIXTURES = DATA / "packages"
BAD_CASES = DATA / "bad"
FIXTURE_NAMES = {
    "FixtureApp": "com.example.fixture.App",
    "FixtureLegacy": "com.example.fixture.Legacy",
    "FixtureLibrary": "com.example.fixture.Library",
}


@dataclass
class Result:
    """Exit code and captured output of one in-process ``muranokit`` run."""

    code: int
    out: str
    err: str


def run_cli(capsys, *argv: str) -> Result:
    """Run ``muranokit ARGV`` in this process; return code, stdout and stderr."""
    capsys.readouterr()
    code = main(list(argv))
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


def copy_fixtures(dest: Path, names=None) -> dict[str, Path]:
    """Copy fixture packages (all by default) under ``dest``; return name -> folder."""
    copies = {}
    for name in names or FIXTURE_NAMES:
        target = dest / name
        shutil.copytree(FIXTURES / name, target, symlinks=True)
        copies[name] = target
    return copies


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of ``old`` in the file ``path`` by ``new``."""
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new))


def tree_snapshot(root: Path) -> dict[str, bytes]:
    """Relative path -> bytes of every file under ``root``."""
    return {str(p.relative_to(root)): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


def chdir(path: Path):
    """``os.chdir`` returning the previous folder (for tests that cannot use monkeypatch)."""
    previous = os.getcwd()
    os.chdir(path)
    return previous
