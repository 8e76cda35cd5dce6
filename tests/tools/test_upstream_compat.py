"""Our zips against upstream tools: murano-pkg-check and python-muranoclient."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from packaging_helpers import FIXTURE_NAMES, FIXTURES, copy_fixtures, run_cli

PKG_CHECK = shutil.which("murano-pkg-check")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    from muranokit.tools.cli import main
    assert main(["build", "-q", *[str(FIXTURES / n) for n in FIXTURE_NAMES],
                 "-o", str(out)]) == 0
    return out


@pytest.mark.skipif(PKG_CHECK is None, reason="murano-pkg-check is not installed")
@pytest.mark.parametrize("fqn", sorted(FIXTURE_NAMES.values()))
def test_murano_pkg_check_finds_no_errors(built, fqn):
    proc = subprocess.run([PKG_CHECK, str(built / f"{fqn}.zip")], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No errors found!" in proc.stdout


@pytest.mark.skipif(PKG_CHECK is None, reason="murano-pkg-check is not installed")
def test_murano_pkg_check_sees_what_we_see(tmp_path, capsys):
    """Both tools flag a package without LICENSE (so the check above is not vacuous)."""
    copies = copy_fixtures(tmp_path / "src", ["FixtureLegacy"])
    (copies["FixtureLegacy"] / "LICENSE").unlink()
    result = run_cli(capsys, "build", str(copies["FixtureLegacy"]), "-o", str(tmp_path))
    assert result.code == 0 and "A003" in result.err
    proc = subprocess.run([PKG_CHECK, str(tmp_path / "com.example.fixture.Legacy.zip")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and "LICENSE" in proc.stdout


@pytest.mark.parametrize("fqn", sorted(FIXTURE_NAMES.values()))
def test_muranoclient_loads_the_zip(built, fqn):
    from muranoclient.common import utils

    package = utils.Package.from_file(str(built / f"{fqn}.zip"))
    assert package.manifest["FullName"] == fqn
    assert set(package.classes) == set(package.manifest["Classes"])
