"""One Package for folders and zips: the same questions get the same answers from both."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from muranokit.engine import MuranoPlError, Runtime
from muranokit.engine.files import Package, SourceError, members
from muranokit.engine.loader import open_package
from muranokit.tools.package import load_package
from muranokit.tools.zipper import zip_bytes

FIXTURE_APP = Path(__file__).resolve().parents[2] / "data" / "packages" / "FixtureApp"

MANIFEST = """\
Format: 1.4
Type: Library
FullName: com.example.multi
Classes:
  com.example.multi.First: Both.yaml
  com.example.multi.Second: Both.yaml
"""
BOTH = """\
Namespaces:
  =: com.example.multi
---
Name: First
Methods:
  hello:
    Body:
      - Return: 'first'
---
Name: Second
Extends: First
"""


def _zip(folder: Path, dest: Path) -> Path:
    with zipfile.ZipFile(dest, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return dest


@pytest.fixture(params=["folder", "zip"])
def fixture_app(request, tmp_path) -> Package:
    if request.param == "folder":
        return Package.open(str(FIXTURE_APP))
    return Package.open(str(_zip(FIXTURE_APP, tmp_path / "app.zip")))


@pytest.fixture(params=["folder", "zip"])
def multi(request, tmp_path) -> Package:
    folder = tmp_path / "multi"
    (folder / "Classes").mkdir(parents=True)
    (folder / "manifest.yaml").write_text(MANIFEST)
    (folder / "Classes" / "Both.yaml").write_text(BOTH)
    if request.param == "folder":
        return Package.open(str(folder))
    return Package.open(str(_zip(folder, tmp_path / "multi.zip")))


def test_identity_manifest_and_require(fixture_app):
    assert fixture_app.full_name == fixture_app.name == "com.example.fixture.App"
    assert (fixture_app.version, fixture_app.format, fixture_app.type) == (
        "2.0.1", (1, 4), "Application")
    assert fixture_app.requires == {"com.example.fixture.Library": ">=1.0.0"}
    assert fixture_app.classes == {"com.example.fixture.App": "App.yaml",
                                   "com.example.fixture.AppPort": "AppPort.yaml"}
    assert fixture_app.manifest.key_line("Classes") == 11


def test_members_and_resources(fixture_app):
    assert list(fixture_app.files) == sorted(fixture_app.files)
    assert fixture_app.files["Resources/scripts/deploy.sh"].executable
    assert fixture_app.resource_exists("scripts/deploy.sh")
    assert fixture_app.read_resource("scripts/lib/../deploy.sh") == (
        FIXTURE_APP / "Resources/scripts/deploy.sh").read_bytes()
    assert not fixture_app.resource_exists("../manifest.yaml/../../../etc/passwd")
    assert not fixture_app.resource_exists("missing.sh")
    assert "Deploy.template" in fixture_app.resource_names()
    with pytest.raises(KeyError):
        fixture_app.read_resource("../../outside")


def test_ui_form_and_logo(fixture_app):
    assert (fixture_app.ui_path, fixture_app.logo_path) == ("UI/ui.yaml", "logo.png")
    ui = fixture_app.ui()
    assert ui["Version"] == 2.2 and ui.key_line("Forms") == ui.line_of("Forms") - 1
    assert fixture_app.read("logo.png").startswith(b"\x89PNG")


def test_class_documents_are_read_lazily_and_located(fixture_app):
    documents = open_package(fixture_app, eager=False).documents
    assert list(documents) == ["com.example.fixture.App", "com.example.fixture.AppPort"]
    doc, path = documents["com.example.fixture.App"]
    assert path == fixture_app.display_path("Classes/App.yaml")
    assert doc["Name"] == "App" and doc.line == 1
    assert doc == fixture_app.yaml_documents("Classes/App.yaml")[0]


def test_multi_document_class_file_with_a_namespace_header(multi):
    documents = open_package(multi).documents
    first, _ = documents["com.example.multi.First"]
    second, path = documents["com.example.multi.Second"]
    assert path.endswith("Classes/Both.yaml")
    assert second["Namespaces"] == {"=": "com.example.multi"} and second.line == 10


def test_engine_runs_folder_and_zip_packages_alike(multi):
    runtime = Runtime([multi])
    assert runtime.packages[0] is multi
    obj = runtime.new("com.example.multi.Second")
    assert runtime.call(obj, "hello") == "first"


def test_a_broken_class_file_is_reported_at_its_place_by_the_engine(tmp_path):
    folder = tmp_path / "broken"
    (folder / "Classes").mkdir(parents=True)
    (folder / "manifest.yaml").write_text(MANIFEST)
    (folder / "Classes" / "Both.yaml").write_text(BOTH + "Methods:\n  a: 1\n  a: 2\n")
    for source in (str(folder), str(_zip(folder, tmp_path / "broken.zip"))):
        with pytest.raises(MuranoPlError) as info:
            Runtime([source], eager=True)
        assert info.value.type_name == "DslSyntaxError"
        assert info.value.file == f"{source}/Classes/Both.yaml"
        assert (info.value.line, info.value.stack[-1].column) == (14, 3)
        assert "duplicate key 'a'" in info.value.message


def test_tools_and_engine_share_one_reading(tmp_path):
    loaded = load_package(str(FIXTURE_APP))
    again = load_package(str(_zip(FIXTURE_APP, tmp_path / "app.zip")))
    assert loaded.files == again.files
    assert zip_bytes(loaded) == zip_bytes(again)
    runtime = Runtime([loaded])
    assert runtime.packages[0] is loaded


@pytest.mark.parametrize("cap, value, message", [
    ("MAX_MEMBER_BYTES", 1000, "inflates to"),
    ("MAX_TOTAL_BYTES", 1500, "inflates to"),
    ("MAX_RATIO", 10, "times its compressed size"),
])
def test_zip_bombs_are_refused(tmp_path, monkeypatch, cap, value, message):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        handle.writestr("manifest.yaml", "FullName: com.example.Bomb\n")
        handle.writestr("Resources/a.bin", b"\0" * 1200)
        handle.writestr("Resources/b.bin", b"\0" * 1200)
    Package.open(str(archive))
    monkeypatch.setattr(members, "RATIO_FLOOR_BYTES", 100)
    monkeypatch.setattr(members, cap, value)
    with pytest.raises(SourceError, match=message) as info:
        Package.open(str(archive))
    assert info.value.path == str(archive) and "zip bomb" in info.value.message


def test_a_zip_with_two_members_of_one_name_is_refused(tmp_path):
    archive = tmp_path / "twice.zip"
    with pytest.warns(UserWarning), zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("manifest.yaml", "FullName: com.example.A\n")
        handle.writestr("manifest.yaml", "FullName: com.example.B\n")
    with pytest.raises(SourceError, match="two members named manifest.yaml"):
        Package.open(str(archive))
