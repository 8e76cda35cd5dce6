"""Reproducible zips and atomic writes (tools/zipper.py)."""

from __future__ import annotations

import hashlib
import os
import shutil
import zipfile

import pytest
from packaging_helpers import FIXTURES

from muranokit.tools.exceptions import OperationFailed
from muranokit.tools.package import load_package
from muranokit.tools.zipper import write_output, write_zip, zip_bytes


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_entries_sorted_with_fixed_time_and_normalised_modes(tmp_path):
    dest = tmp_path / "app.zip"
    write_zip(load_package(str(FIXTURES / "FixtureApp")), str(dest))
    with zipfile.ZipFile(dest) as archive:
        infos = archive.infolist()
        assert archive.testzip() is None
    names = [i.filename for i in infos]
    assert names == sorted(names) and "manifest.yaml" in names
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    modes = {i.filename: i.external_attr >> 16 for i in infos}
    assert modes["Resources/scripts/deploy.sh"] == 0o100755
    assert modes["Classes/App.yaml"] == 0o100644
    assert set(modes.values()) == {0o100644, 0o100755}
    assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in infos)


def test_same_bytes_after_copy_touch_and_chmod(tmp_path):
    original = zip_bytes(load_package(str(FIXTURES / "FixtureApp")))
    copy = tmp_path / "elsewhere" / "FixtureApp"
    shutil.copytree(FIXTURES / "FixtureApp", copy)
    for path in copy.rglob("*"):
        if path.is_file():
            os.utime(path, (1_900_000_000, 1_900_000_000))
            os.chmod(path, 0o700 if os.access(path, os.X_OK) else 0o600)
    assert sha(zip_bytes(load_package(str(copy)))) == sha(original)
    assert zip_bytes(load_package(str(FIXTURES / "FixtureApp"))) == original


def test_content_or_exec_bit_change_changes_the_zip(tmp_path):
    copy = tmp_path / "FixtureLibrary"
    shutil.copytree(FIXTURES / "FixtureLibrary", copy)
    before = zip_bytes(load_package(str(copy)))
    os.chmod(copy / "Resources/scripts/common.sh", 0o755)
    after_chmod = zip_bytes(load_package(str(copy)))
    assert after_chmod != before
    (copy / "LICENSE").write_text("changed\n")
    assert zip_bytes(load_package(str(copy))) not in (before, after_chmod)


def test_failed_write_keeps_the_previous_file(tmp_path):
    dest = tmp_path / "pkg.zip"
    dest.write_bytes(b"previous good zip")

    def chunks():
        yield b"partial"
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        write_output(str(dest), chunks())
    assert dest.read_bytes() == b"previous good zip"
    assert os.listdir(tmp_path) == ["pkg.zip"]


def test_write_replaces_atomically_and_returns_sha(tmp_path):
    dest = tmp_path / "pkg.zip"
    dest.write_bytes(b"old")
    digest = write_output(str(dest), iter([b"new ", b"bytes"]))
    assert dest.read_bytes() == b"new bytes" and digest == sha(b"new bytes")
    assert oct(dest.stat().st_mode & 0o777) == "0o644"
    assert os.listdir(tmp_path) == ["pkg.zip"]


def test_unwritable_destination(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(OperationFailed, match="cannot write"):
        write_output(str(tmp_path / "file" / "pkg.zip"), iter([b"x"]))
