"""Reading zips for upload and ordering them dependencies first."""

from __future__ import annotations

import pytest
from upload_support import make_zip

from muranokit.tools.exceptions import InputError
from muranokit.tools.upload_order import (
    Archive,
    external_requirements,
    find_archives,
    read_archive,
    upload_order,
)


def _archive(fqn: str, *requires: str) -> Archive:
    return Archive(path=f"{fqn}.zip", fqn=fqn, version="1.0.0", requires=requires)


def _names(archives: list[Archive]) -> list[str]:
    return [a.fqn for a in archives]


def test_read_archive_takes_name_version_and_requirements(tmp_path):
    path = make_zip(tmp_path, "com.example.App", requires=("com.example.Lib", "io.murano"),
                    version="2.1.0")
    archive = read_archive(str(path))
    assert archive.fqn == "com.example.App"
    assert archive.version == "2.1.0"
    assert archive.requires == ("com.example.Lib", "io.murano")


def test_dependencies_come_first_and_given_order_is_kept_otherwise():
    given = [_archive("a.App", "a.Mid"), _archive("a.Other"), _archive("a.Mid", "a.Base"),
             _archive("a.Base")]
    assert _names(upload_order(given)) == ["a.Base", "a.Mid", "a.App", "a.Other"]


def test_every_package_follows_all_it_requires():
    given = [_archive("x.D", "x.B", "x.C"), _archive("x.C", "x.A"), _archive("x.B", "x.A"),
             _archive("x.A")]
    ordered = _names(upload_order(given))
    for archive in given:
        for name in archive.requires:
            assert ordered.index(name) < ordered.index(archive.fqn)


def test_a_cycle_is_refused_and_named():
    given = [_archive("c.A", "c.B"), _archive("c.B", "c.C"), _archive("c.C", "c.A")]
    with pytest.raises(InputError, match=r"Require cycle: c\.A -> c\.B -> c\.C -> c\.A"):
        upload_order(given)


def test_a_package_requiring_itself_is_a_cycle():
    with pytest.raises(InputError, match="cycle"):
        upload_order([_archive("s.Self", "s.Self")])


def test_two_zips_with_one_full_name_are_refused():
    with pytest.raises(InputError, match="also the FullName of"):
        upload_order([_archive("d.Same"), _archive("d.Same")])


def test_external_requirements_leave_out_the_set_and_the_core_library():
    given = [_archive("e.App", "e.Lib", "e.Elsewhere", "io.murano"), _archive("e.Lib"),
             _archive("e.Other", "e.Elsewhere")]
    assert external_requirements(given) == {"e.Elsewhere": ["e.App", "e.Other"]}


def test_find_archives_expands_folders_to_their_zips_in_name_order(tmp_path):
    make_zip(tmp_path / "dist", "f.B")
    make_zip(tmp_path / "dist", "f.A")
    (tmp_path / "dist" / "notes.txt").write_text("not a zip")
    single = make_zip(tmp_path, "f.C")
    found = find_archives([str(tmp_path / "dist"), str(single), str(tmp_path / "dist")])
    assert [p.rsplit("/", 1)[-1] for p in found] == ["f.A.zip", "f.B.zip", "f.C.zip"]


def test_find_archives_refuses_missing_paths_empty_folders_and_sources(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        find_archives([str(tmp_path / "missing.zip")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no .zip files"):
        find_archives([str(tmp_path / "empty")])
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "manifest.yaml").write_text("FullName: a.B\n")
    with pytest.raises(InputError, match="muranokit build"):
        find_archives([str(tmp_path / "src")])


def test_not_a_zip_is_refused_with_its_path(tmp_path):
    path = tmp_path / "bad.zip"
    path.write_text("hello")
    with pytest.raises(InputError, match="not a zip") as caught:
        read_archive(str(path))
    assert caught.value.path == str(path)


@pytest.mark.parametrize(("manifest", "message", "line"), [
    ("Format: 1.3\nName: x\n", "no FullName", 1),
    ("Format: 1.3\nFullName: not dotted!\n", "not a dotted name", 2),
    ("Format: 1.3\nFullName: a.B\nRequire: [a.C]\n", "Require must be a mapping", 3),
    ("Format: 1.3\nFullName: a.B\nRequire:\n  a.C:\n  '1 2':\n", "not a package FullName", 5),
    ("Format: 1.3\nFullName: [a\n", "YAML error", 3),
])
def test_manifest_problems_name_file_and_line(tmp_path, manifest, message, line):
    path = make_zip(tmp_path, "a.B", manifest=manifest)
    with pytest.raises(InputError, match=message) as caught:
        read_archive(str(path))
    assert caught.value.path.endswith("a.B.zip/manifest.yaml")
    assert caught.value.line == line
