"""An installed muranokit (a real wheel, not the editable checkout) finds its elements and
says clearly what is missing outside a source tree. Builds the wheel: about 10 s."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from muranokit.tools.image_elements import SOURCE_ELEMENTS

REPO = SOURCE_ELEMENTS.parent
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The wheel built from this checkout, unpacked into a folder of its own."""
    base = tmp_path_factory.mktemp("wheel")
    # build from a copy: pip builds a local folder in place and would leave build/ and
    # *.egg-info in the checkout
    source = base / "src"
    shutil.copytree(REPO, source, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".tox", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w",
                            str(base / "dist"), str(source)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-3000:]
    wheel = next((base / "dist").glob("muranokit-*.whl"))
    target = base / "site"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                           "--target", str(target), str(wheel)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return target


def run(installed: Path, cwd: Path, *args: str, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "MURANOKIT_ELEMENTS"}
    environment.update(env or {}, PYTHONPATH=str(installed))
    return subprocess.run([sys.executable, *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_installed_package_finds_its_own_elements(installed: Path, tmp_path: Path) -> None:
    done = run(installed, tmp_path, "-c",
               "import muranokit; from muranokit.tools.image_elements import find_elements; "
               "print(muranokit.__file__); print(find_elements())")
    assert done.returncode == 0, done.stderr
    module, elements = done.stdout.split()
    assert module.startswith(str(installed))  # the wheel, not the checkout
    elements = Path(elements)
    assert elements == installed / "muranokit" / "elements"
    ours = sorted(p.relative_to(SOURCE_ELEMENTS) for p in SOURCE_ELEMENTS.rglob("*")
                  if p.is_file())
    shipped = sorted(p.relative_to(elements) for p in elements.rglob("*") if p.is_file())
    assert shipped == ours
    for hook in elements.glob("*/*.d/*"):
        if hook.parent.name.endswith("install.d") or hook.parent.name == "extra-data.d":
            assert os.access(hook, os.X_OK), f"{hook} lost its executable bit"


def test_installed_image_command_checks_arguments_with_its_elements(
        installed: Path, tmp_path: Path) -> None:
    done = run(installed, tmp_path, "-m", "muranokit.tools.cli", "image", "-o",
               str(tmp_path / "x.qcow2"), "--cache", str(tmp_path / "absent"))
    assert done.returncode == 2 and "does not exist" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_missing_elements_say_how_to_point_at_them(installed: Path, tmp_path: Path) -> None:
    elements = installed / "muranokit" / "elements"
    hidden = installed / "muranokit" / "elements-hidden"
    elements.rename(hidden)
    try:
        done = run(installed, tmp_path, "-m", "muranokit.tools.cli", "image", "-o",
                   str(tmp_path / "x.qcow2"))
        assert done.returncode == 2, done.stderr
        assert "MURANOKIT_ELEMENTS=DIR" in done.stderr and "Traceback" not in done.stderr
        done = run(installed, tmp_path, "-m", "muranokit.tools.cli", "image", "-o",
                   str(tmp_path / "x.qcow2"), "--cache", str(tmp_path / "absent"),
                   env={"MURANOKIT_ELEMENTS": str(hidden)})
        assert done.returncode == 2 and "does not exist" in done.stderr, done.stderr
    finally:
        hidden.rename(elements)


def test_build_without_arguments_outside_a_source_tree(installed: Path, tmp_path: Path) -> None:
    done = run(installed, tmp_path, "-m", "muranokit.tools.cli", "build")
    assert done.returncode == 2, done.stderr
    assert "no package folders" in done.stderr and "name the packages" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "dist").exists()
