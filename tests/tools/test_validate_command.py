"""``muranokit validate``: output formats, exit codes, zips, the package set."""

from __future__ import annotations

import json

from packaging_helpers import FIXTURE_NAMES, FIXTURES, copy_fixtures, run_cli


def fixture_paths(*names):
    return [str(FIXTURES / name) for name in (names or FIXTURE_NAMES)]


def test_fixtures_are_clean(capsys):
    result = run_cli(capsys, "validate", *fixture_paths())
    assert result.code == 0
    assert result.out == ""
    assert "3 packages checked: 0 errors, 0 warnings" in result.err


def test_zips_validate_like_folders(tmp_path, capsys):
    assert run_cli(capsys, "build", "-q", *fixture_paths(), "-o", str(tmp_path)).code == 0
    zips = sorted(str(p) for p in tmp_path.glob("*.zip"))
    result = run_cli(capsys, "validate", "-q", *zips)
    assert result.code == 0 and result.out == "" and result.err == ""


def test_require_resolved_within_the_set(capsys):
    alone = run_cli(capsys, "validate", *fixture_paths("FixtureApp"))
    assert alone.code == 1
    assert ("FixtureApp/manifest.yaml:15: S002 requires com.example.fixture.Library, "
            "which no package in the set provides") in alone.out
    together = run_cli(capsys, "validate", *fixture_paths("FixtureApp", "FixtureLibrary"))
    assert together.code == 0


def test_json_format(tmp_path, capsys):
    copies = copy_fixtures(tmp_path, ["FixtureLegacy"])
    (copies["FixtureLegacy"] / "LICENSE").unlink()
    (copies["FixtureLegacy"] / "logo.png").write_bytes(b"GIF89a")
    result = run_cli(capsys, "validate", "--format", "json", str(copies["FixtureLegacy"]),
                     str(tmp_path / "missing"))
    assert result.code == 2  # an unusable input wins over findings
    report = json.loads(result.out)
    assert report["errors"] == 1 and report["warnings"] == 1
    assert report["packages"] == [{"name": "com.example.fixture.Legacy",
                                   "path": str(copies["FixtureLegacy"]), "version": "0.9"}]
    by_code = {f["code"]: f for f in report["findings"]}
    assert by_code["A002"] == {"code": "A002", "severity": "error", "line": 0,
                               "path": f"{copies['FixtureLegacy']}/logo.png",
                               "message": "logo is not a PNG image: no PNG signature"}
    assert by_code["A003"]["severity"] == "warning"
    assert report["unusable"][0]["path"] == str(tmp_path / "missing")
    assert "no such file or folder" in report["unusable"][0]["message"]


def test_warnings_exit_zero_unless_strict(tmp_path, capsys):
    copies = copy_fixtures(tmp_path, ["FixtureLegacy"])
    (copies["FixtureLegacy"] / "LICENSE").unlink()
    lenient = run_cli(capsys, "validate", str(copies["FixtureLegacy"]))
    assert lenient.code == 0
    assert lenient.out == f"{copies['FixtureLegacy']}: A003 no LICENSE file\n"
    assert run_cli(capsys, "validate", "--strict", str(copies["FixtureLegacy"])).code == 1


def test_default_is_every_package_under_packages(tmp_path, capsys, monkeypatch):
    copy_fixtures(tmp_path / "packages" / "apps", ["FixtureApp"])
    monkeypatch.chdir(tmp_path)
    result = run_cli(capsys, "validate")
    assert result.code == 1
    assert result.out.startswith("packages/apps/FixtureApp/manifest.yaml:15: S002")
    copy_fixtures(tmp_path / "packages", ["FixtureLibrary"])
    assert run_cli(capsys, "validate").code == 0


def test_no_packages_at_all(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run_cli(capsys, "validate")
    assert result.code == 2 and "no package folders" in result.err
