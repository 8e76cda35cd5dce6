"""Bad input: each problem is a MuranoPlError (or a clear load error) with a position."""

import pytest
from compat_support import Harness, line_of, murano_frames

from muranokit.engine import MuranoPlError
from muranokit.tools.exceptions import MuranokitError


def failure(folder, type_name, method, *args):
    """The error of loading ``folder`` and calling ``type_name.method``."""
    with pytest.raises((MuranoPlError, MuranokitError)) as info:
        h = Harness(folder)
        h.run(type_name, method, *args)
    err = info.value
    assert not isinstance(err, RecursionError)
    return err


def assert_located(err, file_name, line):
    """The error names ``file_name`` and ``line``: as path/line, in a frame or in its text."""
    if isinstance(err, MuranokitError) and err.path:
        if err.path.endswith(file_name) and err.line == line:
            return
    if isinstance(err, MuranoPlError) and (file_name, line) in [f[:2] for f in murano_frames(err)]:
        return
    assert f"{file_name}:{line}" in str(err), f"{file_name}:{line} not in {str(err)!r}"


def test_yaql_syntax_error_names_file_line_and_expression():
    err = failure("badsyntax", "compat.bad.BrokenExpression", "broken")
    assert_located(err, "syntax.yaml", line_of("badsyntax/syntax.yaml", "(2 * 3"))
    assert "$x + (2 * 3" in str(err) + getattr(err, "message", "")


def test_unknown_macro_key():
    err = failure("badmacro", "compat.bad.BrokenMacro", "broken", True)
    if isinstance(err, MuranoPlError):
        assert err.type_name == "DslSyntaxError"
    assert_located(err, "macro.yaml", line_of("badmacro/macro.yaml", "- If: $x"))
    assert "Otherwise" in str(err) + getattr(err, "message", "")


def test_cyclic_extends():
    err = failure("badextends", "compat.bad.Chicken", "hello")
    text = str(err) + getattr(err, "message", "")
    assert "compat.bad.Chicken" in text or "compat.bad.Egg" in text
    assert "cycle.yaml" in text or any(f[0] == "cycle.yaml" for f in _frames(err))


def _frames(err):
    return murano_frames(err) if isinstance(err, MuranoPlError) else []


def test_unknown_parent_class():
    err = failure("badclass", "compat.bad.Orphan", "anything")
    if isinstance(err, MuranoPlError):
        assert err.type_name == "NoPackageForClassFound"
    assert "NoSuchParent" in str(err) + getattr(err, "message", "")


def test_new_of_unknown_class_from_muranopl():
    h = Harness("badclass")
    obj = h.new("compat.bad.MakesGhost")
    with pytest.raises(MuranoPlError) as info:
        h.call(obj, "makeGhost")
    assert info.value.type_name == "NoPackageForClassFound"
    assert "NoSuchClass" in info.value.message
    line = line_of("badclass/unknown.yaml", "new(NoSuchClass)")
    assert ("unknown.yaml", line, "makeGhost", "compat.bad.MakesGhost") in murano_frames(info.value)


def test_unknown_class_from_api():
    h = Harness("classes")
    with pytest.raises(MuranoPlError) as info:
        h.new("compat.classes.DoesNotExist")
    assert info.value.type_name == "NoPackageForClassFound"
    assert "compat.classes.DoesNotExist" in info.value.message


def test_unknown_method_from_api():
    h = Harness("classes")
    with pytest.raises(MuranoPlError) as info:
        h.run("compat.classes.Base", "noSuchMethod")
    assert info.value.type_name == "NoMethodFound"
    assert "noSuchMethod" in info.value.message


def test_contract_that_is_not_an_expression():
    err = failure("badcontract", "compat.bad.BrokenContract", "hello")
    assert_located(err, "contract.yaml", line_of("badcontract/contract.yaml", "$.int(.notNull()"))


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [((), {}), ((1, 2, 3, 4), {}), ((1,), {"unknownArgument": 5})],
    ids=["missing", "too-many", "unknown-keyword"],
)
def test_method_called_with_wrong_arguments(args, kwargs):
    h = Harness("classes")
    obj = h.new("compat.classes.Methods")
    with pytest.raises(MuranoPlError) as info:
        h.call(obj, "withDefaults", *args, **kwargs)
    assert "withDefaults" in info.value.message
