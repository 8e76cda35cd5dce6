"""Package Format decides legacy or non-legacy yaql, per package."""

import shutil

import pytest
from compat_support import FIXTURES, Harness

from muranokit.engine import Runtime


def test_manifestless_folder_runs_newest_format():
    h = Harness("modern")
    assert h.run("compat.modern.New", "rangeTake") == [0, 1]


def test_default_format_selects_legacy_yaql():
    legacy = Harness("oldfolder", default_format="1.0")
    assert legacy.run("compat.oldfolder.Folded", "rangeTake") == [3, 4]
    assert legacy.run("compat.oldfolder.Folded", "typeName") == "compat.oldfolder.Folded"
    modern = Harness("oldfolder")
    assert modern.run("compat.oldfolder.Folded", "rangeTake") == [0, 1]


@pytest.fixture
def mixed():
    return Harness("legacypkg", "modern")


def test_each_package_keeps_its_own_format(mixed):
    assert mixed.run("compat.modern.New", "rangeTake") == [0, 1]
    assert mixed.run("compat.legacy.Old", "rangeTake") == [3, 4]
    assert mixed.run("compat.modern.New", "oldRangeTake") == [3, 4]


def test_format_is_kept_across_calls_between_packages(mixed):
    old = mixed.new("compat.legacy.Old")
    assert mixed.call(mixed.new("compat.modern.New"), "bothViaPython", old) == [[0, 1], [3, 4]]


def test_legacy_functions(mixed):
    old = mixed.new("compat.legacy.Old")
    assert mixed.call(old, "typeName") == "compat.legacy.Old"
    assert mixed.call(old, "idTwice") == old.id * 2
    assert mixed.call(old, "typeViaMethod") == "compat.legacy.Old"
    assert mixed.call(old, "formats") == "a-1|2"


def test_package_zip_loads(tmp_path):
    archive = shutil.make_archive(str(tmp_path / "compat.legacy"), "zip", FIXTURES / "legacypkg")
    rt = Runtime([archive])
    assert rt.call(rt.new("compat.legacy.Old"), "rangeTake") == [3, 4]


def test_format_13_is_non_legacy_but_type_gives_name():
    h = Harness("format13pkg")
    assert h.run("compat.f13.Thirteen", "rangeTake") == [0, 1]
    assert h.run("compat.f13.Thirteen", "typeName") == "compat.f13.Thirteen"


def test_inherited_methods_run_with_their_own_package_format():
    h = Harness("legacypkg", "childpkg")
    young = h.new("compat.child.Young")
    assert h.call(young, "ownRangeTake") == [0, 1]
    assert h.call(young, "rangeTake") == [3, 4]
