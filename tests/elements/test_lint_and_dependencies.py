"""The elements pass dib-lint and shellcheck, and expand to a complete, conflict-free set."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import diskimage_builder
import pytest

from muranokit.tools.image import DMSHIM_DIR, IMAGE_ELEMENTS, REPO_ELEMENTS

DIB_ELEMENTS = Path(diskimage_builder.__file__).parent / "elements"
OURS = sorted(p.name for p in REPO_ELEMENTS.iterdir() if p.is_dir())
# what disk-image-create adds on its own for a vm image
BUILD_ELEMENTS = [*IMAGE_ELEMENTS, "block-device-mbr"]


def expand(elements: list[str], elements_path: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "diskimage_builder.element_dependencies", *elements],
        env={**os.environ, "ELEMENTS_PATH": elements_path}, capture_output=True, text=True)


def test_dib_lint_is_clean(tmp_path: Path) -> None:
    dib_lint = shutil.which("dib-lint")
    assert dib_lint, "dib-lint (from diskimage-builder) must be on PATH"
    done = subprocess.run([dib_lint], cwd=REPO_ELEMENTS.parent, capture_output=True, text=True,
                          env={**os.environ, "ELEMENTS_DIR": "elements",
                               "LIB_DIR": str(tmp_path)})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "PASS" in done.stdout


@pytest.mark.needs("shellcheck")
def test_shellcheck_is_clean() -> None:
    scripts = [p for p in REPO_ELEMENTS.glob("*/*.d/*") if p.is_file()]
    scripts += [p for p in DMSHIM_DIR.iterdir() if p.is_file()]
    assert len(scripts) >= 12
    done = subprocess.run(["shellcheck", "-x", *map(str, scripts)], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stdout


def test_every_element_documents_itself_and_declares_dependencies() -> None:
    for name in OURS:
        element = REPO_ELEMENTS / name
        assert (element / "README.rst").is_file(), name
        if name != "muranokit-fetch":  # a library element: no dependencies, no packages
            assert (element / "element-deps").is_file(), name
            assert (element / "package-installs.yaml").is_file(), name


def test_dependencies_expand_without_missing_elements() -> None:
    done = expand(BUILD_ELEMENTS, f"{REPO_ELEMENTS}:{DIB_ELEMENTS}")
    assert done.returncode == 0, done.stderr[-2000:]
    expanded = set(done.stdout.split())
    assert set(OURS) <= expanded, set(OURS) - expanded
    for needed in ("package-installs", "install-static", "cloud-init-datasources",
                   "openssh-server", "debootstrap"):
        assert needed in expanded


def test_expansion_fails_loudly_for_an_unknown_element() -> None:
    done = expand([*BUILD_ELEMENTS, "muranokit-no-such-element"],
                  f"{REPO_ELEMENTS}:{DIB_ELEMENTS}")
    assert done.returncode != 0
    assert "muranokit-no-such-element" in done.stderr


def test_no_element_overrides_one_of_diskimage_builders() -> None:
    theirs = {p.name for p in DIB_ELEMENTS.iterdir() if p.is_dir()}
    assert not set(OURS) & theirs
    done = expand(BUILD_ELEMENTS, f"{REPO_ELEMENTS}:{DIB_ELEMENTS}")
    assert "overrides" not in done.stderr


def test_override_detection_would_catch_a_shadowing_element(tmp_path: Path) -> None:
    # the check above is meaningful: a folder named like a DIB element is reported
    shadow = tmp_path / "docker"
    shadow.mkdir()
    (shadow / "README.rst").write_text("shadow\n")
    done = expand(BUILD_ELEMENTS, f"{tmp_path}:{REPO_ELEMENTS}:{DIB_ELEMENTS}")
    assert "overrides" in done.stderr
