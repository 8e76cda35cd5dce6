"""The zipped packages pass the upstream validator and load in python-muranoclient."""

import shutil
import subprocess

import pytest
from k8s_package_helpers import PACKAGES, SUITE, build_zip, manifest


@pytest.fixture(scope="module")
def zips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("zips")
    return {package: build_zip(package, folder) for package in SUITE}


@pytest.mark.skipif(shutil.which("murano-pkg-check") is None,
                    reason="murano-pkg-check is not installed")
@pytest.mark.parametrize("package", SUITE)
def test_murano_pkg_check_clean(zips, package):
    result = subprocess.run(["murano-pkg-check", str(zips[package])],
                            capture_output=True, text=True)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "No errors found!" in output, output


@pytest.mark.parametrize("package", SUITE)
def test_muranoclient_loads_with_requirements(zips, package):
    from muranoclient.common import utils

    loaded = utils.Package.from_file(str(zips[package]))
    assert loaded.manifest["FullName"] == manifest(package)["FullName"]
    resolved = loaded.requirements(base_url="", path=str(zips[package].parent))
    wanted = {manifest(package)["FullName"], *(manifest(package).get("Require") or {})}
    assert set(resolved) == wanted
    for fqn, dependency in resolved.items():
        assert dependency.manifest["FullName"] == fqn


def test_muranokit_validate_is_clean(capsys):
    from muranokit.tools.cli import main

    code = main(["validate", *(str(PACKAGES / package) for package in SUITE)])
    output = capsys.readouterr()
    assert code == 0, output.out + output.err
