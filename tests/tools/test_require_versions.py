"""Murano's reading of Require version specs (engine/files/versions.py) and S004."""

from __future__ import annotations

import pytest
from packaging_helpers import FIXTURES, copy_fixtures, edit, run_cli

from muranokit.engine.files.versions import describe, parse_spec, satisfies, version_key


@pytest.mark.parametrize("version, spec, expected", [
    ("0.3.1", None, True), ("1.0.0", None, False),          # empty: the latest 0.x.y
    ("1.4.2", "1", True), ("2.0.0", "1", False),            # partial: same major
    ("1.2.9", "1.2", True), ("1.3.0", "1.2", False),        # partial: same minor
    ("1.2.3", "1.2.3", True), ("1.2.4", "1.2.3", False),    # full: exactly
    ("1.2.0", ">=1.0.0", True), ("0.9.9", ">=1.0.0", False),
    ("1.3.0", ">1.2", True), ("1.2.9", ">1.2", False),      # > partial: the next minor
    ("1.9.9", "<=1", True), ("2.0.0", "<=1", False),
    ("0.9", "<1", True), ("1.0.0", "<1", False),
    ("1.0", ">=0.0.1, <2", True), ("2.1", ">=0.0.1,<2", False),
    ("1.0.0-rc1", ">=1.0.0", False), ("1.0.0", ">=1.0.0-rc1", True),
    (1.5, 1, True), ("x", "1", None), ("1.0.0", "~1", None),
])
def test_satisfies(version, spec, expected):
    assert satisfies(version, spec) is expected


def test_parse_and_describe():
    assert describe(parse_spec(None)) == ">=0.0.0, <1.0.0"
    assert describe(parse_spec("==1.2")) == ">=1.2.0, <1.3.0"
    assert parse_spec("about one") is None
    assert version_key(None) == version_key("0.0.0")


def test_unsatisfied_require_is_s004(tmp_path, capsys):
    copies = copy_fixtures(tmp_path, ["FixtureApp", "FixtureLibrary"])
    manifest = copies["FixtureApp"] / "manifest.yaml"
    edit(manifest, "com.example.fixture.Library: '>=1.0.0'", "com.example.fixture.Library:")
    result = run_cli(capsys, "validate", *map(str, copies.values()))
    assert result.code == 1
    assert result.out == (
        f"{manifest}:15: S004 requires com.example.fixture.Library with an empty spec "
        "(any 0.x.y), which Murano reads as >=0.0.0, <1.0.0, but the set has version 1.2.0\n")
    edit(manifest, "com.example.fixture.Library:", "com.example.fixture.Library: '1.2'")
    assert run_cli(capsys, "validate", *map(str, copies.values())).code == 0


def test_core_library_needs_no_package(tmp_path, capsys):
    copies = copy_fixtures(tmp_path, ["FixtureLegacy"])
    with open(copies["FixtureLegacy"] / "manifest.yaml", "a") as handle:
        handle.write("Require:\n  io.murano: 0\n")
    assert run_cli(capsys, "validate", str(copies["FixtureLegacy"])).code == 0
    assert run_cli(capsys, "validate", str(FIXTURES / "FixtureLegacy")).code == 0
