"""Loading package folders and zips (engine/files/package.py through tools/package.py)."""

from __future__ import annotations

import os
import zipfile

import pytest
from packaging_helpers import FIXTURES, copy_fixtures

from muranokit.engine.files import find_package_dirs, is_dotted_name, is_junk, parse_format
from muranokit.tools.exceptions import InputError
from muranokit.tools.package import load_package, select_package_paths
from muranokit.tools.zipper import zip_bytes


def test_folder_files_sorted_with_modes():
    package = load_package(str(FIXTURES / "FixtureApp"))
    assert not package.is_zip
    assert list(package.files) == sorted(package.files)
    assert package.full_name == "com.example.fixture.App"
    assert package.version == "2.0.1" and package.format == (1, 4)
    assert package.requires == {"com.example.fixture.Library": ">=1.0.0"}
    assert package.files["Resources/scripts/deploy.sh"].executable
    assert not package.files["Resources/scripts/index.html"].executable
    assert package.under("Classes") == ["Classes/App.yaml", "Classes/AppPort.yaml"]


def test_junk_is_left_out(tmp_path):
    folder = copy_fixtures(tmp_path, ["FixtureLibrary"])["FixtureLibrary"]
    junk = [".git/config", "Classes/__pycache__/x.cpython-311.pyc", "Classes/Service.yaml~",
            "Classes/.Service.yaml.swp", ".DS_Store", "Resources/old.pyc", "#notes#",
            ".gitignore"]
    for rel in junk:
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text("junk")
    package = load_package(str(folder))
    assert not set(junk) & set(package.files)
    assert set(package.files) == set(load_package(str(FIXTURES / "FixtureLibrary")).files)
    assert is_junk("x.orig") and not is_junk("deploy.sh")


def test_symlink_inside_package_is_followed(tmp_path):
    folder = copy_fixtures(tmp_path, ["FixtureLibrary"])["FixtureLibrary"]
    os.symlink("common.sh", folder / "Resources/scripts/alias.sh")
    package = load_package(str(folder))
    assert package.read("Resources/scripts/alias.sh") == package.read(
        "Resources/scripts/common.sh")


def test_symlink_escaping_is_refused(tmp_path):
    folder = copy_fixtures(tmp_path, ["FixtureLibrary"])["FixtureLibrary"]
    (tmp_path / "secret").write_text("outside")
    link = folder / "Resources/scripts/secret"
    os.symlink("../../../secret", link)
    with pytest.raises(InputError) as info:
        load_package(str(folder))
    assert info.value.path == str(link)
    assert "outside the package" in info.value.message


def test_broken_symlink_and_symlink_loop(tmp_path):
    folder = copy_fixtures(tmp_path, ["FixtureLibrary"])["FixtureLibrary"]
    os.symlink("nowhere.sh", folder / "Resources/scripts/broken.sh")
    with pytest.raises(InputError, match="broken symlink"):
        load_package(str(folder))
    os.unlink(folder / "Resources/scripts/broken.sh")
    os.symlink("..", folder / "Resources/scripts/up")
    with pytest.raises(InputError, match="symlink loop"):
        load_package(str(folder))


def test_zip_loads_like_its_folder(tmp_path):
    folder = load_package(str(FIXTURES / "FixtureApp"))
    archive = tmp_path / "app.zip"
    archive.write_bytes(zip_bytes(folder))
    package = load_package(str(archive))
    assert package.is_zip
    assert package.files == folder.files
    assert package.display_path("manifest.yaml") == f"{archive}/manifest.yaml"


@pytest.mark.parametrize("member", ["../evil.sh", "Resources/../../evil.sh", "/etc/evil",
                                    "C:/evil.sh"])
def test_zip_slip_members_are_refused(tmp_path, member):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("manifest.yaml", "FullName: com.example.Evil\n")
        handle.writestr(member, "x")
    with pytest.raises(InputError, match="zip-slip"):
        load_package(str(archive))


def test_unusable_inputs(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_package(str(tmp_path / "absent"))
    (tmp_path / "text.zip").write_text("not a zip")
    with pytest.raises(InputError, match="not a zip"):
        load_package(str(tmp_path / "text.zip"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="missing manifest.yaml"):
        load_package(str(tmp_path / "empty"))
    (tmp_path / "empty/manifest.yaml").write_text("just a string\n")
    with pytest.raises(InputError, match="not a string"):
        load_package(str(tmp_path / "empty"))


def test_find_package_dirs_recurses_into_apps(tmp_path):
    root = tmp_path / "packages"
    copy_fixtures(root, ["FixtureLibrary"])
    copy_fixtures(root / "apps", ["FixtureApp"])
    (root / "apps/FixtureApp/Resources/nested").mkdir()
    (root / "apps/FixtureApp/Resources/nested/manifest.yaml").write_text("ignored: true\n")
    (root / "notes").mkdir()
    assert find_package_dirs(str(root)) == [str(root / "FixtureLibrary"),
                                            str(root / "apps/FixtureApp")]


def test_select_package_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert select_package_paths(["a", "b"]) == ["a", "b"]
    with pytest.raises(InputError, match="no package folders"):
        select_package_paths([])
    copy_fixtures(tmp_path / "packages", ["FixtureLegacy"])
    assert select_package_paths([]) == ["packages/FixtureLegacy"]


@pytest.mark.parametrize("value, expected", [
    (None, (1, 0)), (1.4, (1, 4)), ("1.3", (1, 3)), ("MuranoPL/1.2", (1, 2)),
    ("MuranoPL/1.4.0", (1, 4)), ("Heat.HOT/1.0", None), ("one", None), (True, None)])
def test_parse_format(value, expected):
    assert parse_format(value) == expected


def test_dotted_names():
    assert is_dotted_name("com.example.App") and is_dotted_name("a.b")
    assert not any(is_dotted_name(v) for v in ("App", "com..x", "com.1x", "a b.c", 3, None))
