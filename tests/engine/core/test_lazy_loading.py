"""Manifest packages read a class file when its class is first needed (as upstream);
``eager=True`` reads them all when the Runtime starts."""

import pytest

from muranokit.engine import MuranoPlError, Runtime

MANIFEST = """\
Format: 1.4
Type: Library
FullName: test.lazy
Classes:
  test.lazy.Good: Good.yaml
  test.lazy.Broken: Broken.yaml
"""
GOOD = """\
Namespaces:
  =: test.lazy
Name: Good
Methods:
  hello:
    Body:
      Return: hi
"""
BROKEN = """\
Namespaces:
  =: test.lazy
Name: Broken
Methods:
  oops:
    Body: [
"""


@pytest.fixture
def package(tmp_path):
    (tmp_path / "Classes").mkdir()
    (tmp_path / "manifest.yaml").write_text(MANIFEST)
    (tmp_path / "Classes" / "Good.yaml").write_text(GOOD)
    (tmp_path / "Classes" / "Broken.yaml").write_text(BROKEN)
    return str(tmp_path)


def test_unused_broken_class_file_does_not_stop_the_runtime(package):
    rt = Runtime([package])
    assert rt.call(rt.new("test.lazy.Good"), "hello") == "hi"
    assert "test.lazy.Broken" in rt.packages[0].documents


def test_broken_class_file_is_reported_when_its_class_is_needed(package):
    rt = Runtime([package])
    with pytest.raises(MuranoPlError) as info:
        rt.new("test.lazy.Broken")
    assert info.value.type_name == "DslSyntaxError"
    assert info.value.file.endswith("Broken.yaml")
    assert info.value.line == 7


def test_eager_mode_reports_the_broken_file_at_start(package):
    with pytest.raises(MuranoPlError) as info:
        Runtime([package], eager=True)
    assert info.value.file.endswith("Broken.yaml")


def test_class_names_come_from_the_manifest_without_reading_files(package):
    rt = Runtime([package])
    assert sorted(rt.packages[0].documents) == ["test.lazy.Broken", "test.lazy.Good"]
