"""Paths and names ``build`` and ``validate`` meet: a bundle name that leaves the output
folder, file names that are not UTF-8 (refused alike by both, naming the file), package
folders whose own name is not UTF-8 (fine, and printable)."""

from __future__ import annotations

import os

import pytest
from packaging_helpers import copy_fixtures, run_cli


@pytest.mark.parametrize("name", ["../x.json", "sub/x.json", "/tmp/x.json", "..", "."])
def test_a_bundle_name_that_leaves_the_output_folder_is_refused(tmp_path, capsys, name):
    copies = copy_fixtures(tmp_path / "src", ["FixtureLibrary"])
    dist = tmp_path / "work" / "dist"
    dist.mkdir(parents=True)
    before = set(os.listdir(tmp_path)), set(os.listdir(tmp_path / "work"))
    result = run_cli(capsys, "build", *map(str, copies.values()), "-o", str(dist),
                     "--bundle", name)
    assert result.code == 2
    assert result.err == (f"muranokit: error: --bundle {name!r} must be a file name inside "
                          "the output folder (no folder part, not '.' or '..')\n")
    assert (set(os.listdir(tmp_path)), set(os.listdir(tmp_path / "work"))) == before
    assert os.listdir(dist) == []


def test_a_plain_bundle_name_is_written_inside_the_output_folder(tmp_path, capsys):
    copies = copy_fixtures(tmp_path / "src", ["FixtureLibrary"])
    result = run_cli(capsys, "build", *map(str, copies.values()), "-o", str(tmp_path / "d"),
                     "--bundle", "suite.json")
    assert result.code == 0, result.err
    assert (tmp_path / "d" / "suite.json").is_file()


@pytest.fixture
def non_utf8_member(tmp_path):
    """A package holding Resources/bad<0xff>.txt; the name as printed."""
    [folder] = copy_fixtures(tmp_path / "src", ["FixtureLibrary"]).values()
    (folder / "Resources").mkdir(exist_ok=True)
    with open(os.path.join(os.fsencode(folder / "Resources"), b"bad\xff.txt"), "w") as handle:
        handle.write("data\n")
    return folder, f"{folder}/Resources/bad\\xff.txt"


@pytest.mark.parametrize("verb", ["build", "validate"])
def test_a_file_name_that_is_not_utf8_is_refused_by_build_and_validate(
        tmp_path, capsys, non_utf8_member, verb):
    folder, shown = non_utf8_member
    argv = [verb, str(folder)] + (["-o", str(tmp_path / "dist")] if verb == "build" else [])
    result = run_cli(capsys, *argv)
    assert result.code == 2
    assert f"muranokit: error: {shown}: file name is not valid UTF-8; rename it\n" in result.err
    assert "Traceback" not in result.err
    assert not (tmp_path / "dist").exists() or os.listdir(tmp_path / "dist") == []


def test_a_package_folder_whose_name_is_not_utf8_builds_and_prints(tmp_path, capsys):
    [folder] = copy_fixtures(tmp_path / "src", ["FixtureLibrary"]).values()
    odd = os.fsdecode(os.path.join(os.fsencode(tmp_path / "src"), b"Lib\xff"))
    os.rename(folder, odd)
    (tmp_path / "src" / "Lib\udcff" / "stray.txt").write_text("x\n")  # a finding naming it
    result = run_cli(capsys, "validate", odd)
    assert result.code == 0, result.err
    assert "Lib\\udcff/stray.txt: P002" in result.out
    result = run_cli(capsys, "build", odd, "-o", str(tmp_path / "dist"))
    assert result.code == 0, result.err
