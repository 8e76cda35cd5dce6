"""The newcomer's path: README's two set-up commands work on a Python that refuses
``pip install`` outside a virtual environment (Debian's), CI runs exactly the second one,
and a test skipped for want of something on the machine is named at the end of the run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_STEP = "python3 -m venv .venv && . .venv/bin/activate && "


def _setup_commands() -> list[str]:
    readme = (ROOT / "README.rst").read_text(encoding="utf-8")
    section = readme[readme.index("\nSet-up\n"):readme.index("\nCommands\n")]
    return re.findall(r"::\n\n    (.+)\n", section)


def test_both_setup_commands_work_inside_a_venv():
    install, tests = _setup_commands()
    assert install == VENV_STEP + "pip install -e . && muranokit build"
    assert tests == VENV_STEP + "pip install tox && tox"


def test_ci_runs_exactly_the_readme_test_command():
    commands = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
    assert commands[-1] == _setup_commands()[1]
    assert any("python3-venv" in line for line in commands if line.startswith("apt-get"))


_SKIPPING = '''
import pytest

@pytest.mark.skipif(True, reason="needs root, loop devices and sfdisk")
def test_partitions(): pass

@pytest.mark.skipif(True, reason="image builds run when MURANOKIT_IMAGE_TESTS=1 (tox -e image)")
def test_build(): pass

def test_mirror(): pytest.skip("mirror unreachable")

def test_runs(): pass
'''


def _pytest_summary(folder: Path, tox_env: str | None) -> str:
    (folder / "conftest.py").write_text((ROOT / "tests" / "conftest.py").read_text())
    (folder / "test_skips.py").write_text(_SKIPPING)
    env = {k: v for k, v in os.environ.items() if k != "TOX_ENV_NAME"}
    if tox_env:
        env["TOX_ENV_NAME"] = tox_env
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(folder)], cwd=folder, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_tests_skipped_for_want_of_the_machine_are_named_at_the_end(tmp_path):
    out = _pytest_summary(tmp_path, None)
    tail = out[out.index("did NOT run"):].splitlines()
    assert "2 tests did NOT run on this machine" in out
    assert tail[1:6] == ["1 skipped: mirror unreachable",
                         "    test_skips.py::test_mirror",
                         "1 skipped: needs root, loop devices and sfdisk",
                         "    test_skips.py::test_partitions",
                         "left to their own tox environments: 1 to image"]


def test_inside_its_own_tox_env_a_gated_skip_is_named_too(tmp_path):
    out = _pytest_summary(tmp_path, "image")
    assert "3 tests did NOT run on this machine" in out
    assert "    test_skips.py::test_build" in out
    assert "left to their own tox environments" not in out
