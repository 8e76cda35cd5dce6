"""Package Format decides legacy or non-legacy yaql, per package."""

import shutil

import pytest
from compat_support import FIXTURES, Harness

from muranokit.engine import MuranoPlError, Runtime


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


JOINER = "compat.joins.Joiner"


@pytest.mark.parametrize("fmt", ["1.0", "1.1", "1.2", "1.3", "1.4"])
def test_join_method_spellings_work_in_every_format(fmt):
    h = Harness("joinforms", default_format=fmt)
    assert h.run(JOINER, "onSequence") == "a+b+c"
    assert h.run(JOINER, "onSeparator") == "a+b+c"


@pytest.mark.parametrize("fmt", ["1.0", "1.1"])
def test_join_function_spellings_in_legacy_formats(fmt):
    h = Harness("joinforms", default_format=fmt)
    assert h.run(JOINER, "separatorFirst") == "a+b+c"
    assert h.run(JOINER, "sequenceFirst") == "a+b+c"


# Upstream Murano gives Format 1.2 and later yaql's standard library, where yaql 2.0.0 (as 3.x)
# declares both string joins method-only, and adds function forms of join only for runtime
# versions up to 1.1; so join(',', $list) failed there too, with this yaql exception.
@pytest.mark.parametrize("fmt", ["1.2", "1.3", "1.4"])
@pytest.mark.parametrize(("method", "line"), [("separatorFirst", 25), ("sequenceFirst", 29)])
def test_join_function_spellings_fail_from_format_12(fmt, method, line):
    h = Harness("joinforms", default_format=fmt)
    with pytest.raises(MuranoPlError) as info:
        h.run(JOINER, method)
    assert info.value.type_name == "yaql.language.exceptions.NoFunctionRegisteredException"
    assert info.value.message == 'Unknown function "join"'
    frame = info.value.stack[-1]
    assert frame.file.endswith("Joiner.yaml") and frame.line == line
    assert frame.method == method
