"""``muranokit image`` checks every argument before it starts anything: clear errors, exit 2,
no traceback, nothing written (the work folder stays empty, no log, no image)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from muranokit.tools.image_standins import write_standins


@pytest.fixture
def place() -> Iterator[Path]:
    """A scratch folder of its own (tests look for stray files in it)."""
    folder = Path(tempfile.mkdtemp(prefix="muranokit-args-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def setup(place: Path) -> tuple[Path, dict[str, str]]:
    cache = place / "cache"
    overrides = write_standins(cache)
    work = place / "work"
    work.mkdir()
    env = {**os.environ, "DIB_MURANOKIT_OFFLINE": "1", "MURANOKIT_WORK_DIR": str(work),
           "DIB_MURANOKIT_PINS_OVERRIDE": str(overrides), "HOME": str(place)}
    return cache, env


def run_image(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "muranokit.tools.cli", "image", *args]
    return subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=60)


def assert_refused(done: subprocess.CompletedProcess, *fragments: str) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    for fragment in fragments:
        assert fragment in done.stderr, done.stderr


def assert_nothing_written(place: Path) -> None:
    assert list((place / "work").iterdir()) == []
    assert not list(place.rglob("*.qcow2")) and not list(place.rglob("*.log"))


def test_output_under_a_regular_file(place: Path, setup) -> None:
    cache, env = setup
    (place / "plain").write_text("not a folder")
    done = run_image(["-o", str(place / "plain" / "x.qcow2"), "--cache", str(cache)], env,
                     place)
    assert_refused(done, "is not a folder", str(place / "plain"))
    assert_nothing_written(place)


def test_output_that_is_a_folder(place: Path, setup) -> None:
    cache, env = setup
    (place / "images").mkdir()
    done = run_image(["-o", str(place / "images"), "--cache", str(cache)], env, place)
    assert_refused(done, "-o names a folder")
    assert_nothing_written(place)


@pytest.mark.unprivileged  # as root, the body runs without root's powers over file modes
def test_unwritable_output_folder(place: Path, setup) -> None:
    cache, env = setup
    locked = place / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    done = run_image(["-o", str(locked / "x.qcow2"), "--cache", str(cache)], env, place)
    assert_refused(done, "is not writable", str(locked))
    assert_nothing_written(place)


def test_home_that_is_not_a_folder(place: Path, setup) -> None:
    _, env = setup
    (place / "home-file").write_text("")
    env = {**env, "HOME": str(place / "home-file")}
    done = run_image(["-o", str(place / "x.qcow2")], env, place)
    assert_refused(done, f"HOME={place / 'home-file'} is not a folder")
    assert_nothing_written(place)


def test_release_with_spaces(place: Path, setup) -> None:
    cache, env = setup
    done = run_image(["-o", str(place / "x.qcow2"), "--cache", str(cache),
                      "--release", "book worm"], env, place)
    assert_refused(done, "--release 'book worm' is not a Debian release name")
    assert_nothing_written(place)


def test_mirror_that_is_not_a_url(place: Path, setup) -> None:
    cache, env = setup
    env = {**env, "DIB_DISTRIBUTION_MIRROR": "deb.debian.org/debian"}
    done = run_image(["-o", str(place / "x.qcow2"), "--cache", str(cache)], env, place)
    assert_refused(done, "DIB_DISTRIBUTION_MIRROR='deb.debian.org/debian' is not a mirror URL")
    assert_nothing_written(place)


def test_missing_elements_path(place: Path, setup) -> None:
    cache, env = setup
    done = run_image(["-o", str(place / "x.qcow2"), "--cache", str(cache),
                      "--elements-path", str(place / "absent")], env, place)
    assert_refused(done, "--elements-path does not exist", str(place / "absent"))
    assert_nothing_written(place)


def test_binary_pins_override_file(place: Path, setup) -> None:
    cache, env = setup
    binary = place / "pins.bin"
    binary.write_bytes(bytes(range(256)))
    env = {**env, "DIB_MURANOKIT_PINS_OVERRIDE": str(binary)}
    done = run_image(["-o", str(place / "x.qcow2"), "--cache", str(cache)], env, place)
    assert_refused(done, "is not a text file", str(binary))
    assert_nothing_written(place)


def test_cache_that_is_a_file(place: Path, setup) -> None:
    _, env = setup
    (place / "cache-file").write_text("")
    done = run_image(["-o", str(place / "x.qcow2"), "--cache", str(place / "cache-file")], env,
                     place)
    assert_refused(done, "is not a folder")
    assert_nothing_written(place)


def test_elements_variable_that_holds_no_elements(place: Path, setup) -> None:
    cache, env = setup
    env = {**env, "MURANOKIT_ELEMENTS": str(place)}
    done = run_image(["-o", str(place / "x.qcow2"), "--cache", str(cache)], env, place)
    assert_refused(done, f"MURANOKIT_ELEMENTS={place} does not hold the muranokit elements")
