"""Extension methods (``Usage: Extension``) and ``Import:``: method syntax on any value
whose type fits the first argument, lookup order (receiver's class, own class, imports in
order, yaql), static calls, and clear errors for unknown imported classes."""

import pytest
from core_support import fixture, line_of

from muranokit.engine import MuranoPlError, Runtime
from muranokit.engine.expressions import expression as yaql_engine


@pytest.fixture(params=[True, False], ids=["fastpath", "yaql-only"])
def rt(request, monkeypatch, make_runtime):
    """The same classes run with the fast path on and with every expression through yaql."""
    monkeypatch.setattr(yaql_engine, "FAST_PATH", request.param)
    return make_runtime("extensions")


@pytest.fixture
def user(rt):
    return rt.new("test.ext.User")


def test_imported_extension_on_object_positional_keyword_and_default(rt, user):
    assert rt.call(user, "onObject", 3) == {"default": [10, 10], "positional": [15, 15],
                                            "keyword": [15, 15]}


def test_nullable_first_argument_accepts_null_receiver(rt, user):
    assert rt.call(user, "onNull") == [7, None]


def test_extension_on_strings(rt, user):
    assert rt.call(user, "onString") == ["HELLO!", "HELLO!!!", "ABC!!"]


def test_inherited_extensions_of_an_imported_class(rt, user):
    assert rt.call(user, "inherited") == [["a", "b", "a", "b"], "cba"]


def test_own_extension_wins_over_imported(rt, user):
    assert rt.call(user, "precedence") == "own"


def test_method_of_receiver_class_wins(rt, user):
    assert rt.call(user, "receiverMethodWins") == 7


def test_first_argument_contract_chooses_between_extension_and_yaql(rt, user):
    assert rt.call(user, "layersByContract") == ["ABC", 400]


def test_extensions_are_callable_as_statics(rt, user):
    assert rt.call(user, "asStatic") == ["helpers", "cba", [30, 30]]
    assert rt.call("test.ext.Helpers", "exclaim", "hi", 2) == "HI!!"


def test_receiver_counts_as_first_argument(rt, user):
    with pytest.raises(MuranoPlError) as info:
        rt.call(user, "staticCallOnInstance")
    assert info.value.type_name == "NoMatchingMethodException"


def test_receiver_failing_first_contract_finds_no_method(rt, user):
    with pytest.raises(MuranoPlError) as info:
        rt.call(user, "wrongReceiver")
    # yaql's own exception, named by its module as upstream names Python exceptions
    assert info.value.type_name == "yaql.language.exceptions.NoMatchingMethodException"
    assert "times" in info.value.message


def test_non_extension_methods_are_not_offered(rt, user):
    with pytest.raises(MuranoPlError) as info:
        rt.call(user, "notAnExtension")
    assert info.value.type_name == "NoMethodFound"
    assert "ordinary" in info.value.message


def test_extension_inside_yaql_lambdas(rt, user):
    assert rt.call(user, "inExpressionChain") == ["ONE!"]


def test_subclass_sees_parent_extensions_but_not_parent_imports(rt):
    child = rt.new("test.ext.Child")
    assert rt.call(child, "viaParentMethod") == ["HELLO!", "HELLO!!!", "ABC!!"]
    assert rt.call(child, "parentExtension") == "own"
    with pytest.raises(MuranoPlError) as info:
        rt.call(child, "ownImportsOnly")
    assert "exclaim" in info.value.message


def _bad():
    return Runtime([fixture("extensions_bad"), fixture("extensions")])


def test_unknown_imported_class_is_reported_with_position():
    with pytest.raises(MuranoPlError) as info:
        _bad().new("test.extbad.MissingImport")
    err = info.value
    assert err.type_name == "NoClassFound"
    assert "test.ext.Nowhere" in err.message and "MissingImport" in err.message
    frame = err.stack[-1]
    assert frame.file.endswith("Bad.yaml")
    assert frame.line == line_of("extensions_bad/Bad.yaml", "- test.ext.Nowhere")


def test_unknown_namespace_prefix_in_import_is_reported_with_position():
    with pytest.raises(MuranoPlError) as info:
        _bad().new("test.extbad.BadPrefix")
    err = info.value
    assert err.type_name == "NoClassFound" and "zz" in err.message
    assert err.stack[-1].line == line_of("extensions_bad/Bad.yaml", "Import: zz:Thing")


def test_import_entry_must_be_a_name():
    with pytest.raises(MuranoPlError) as info:
        _bad().new("test.extbad.NotAName")
    assert info.value.type_name == "DslSyntaxError"
    assert info.value.stack[-1].line == line_of("extensions_bad/Bad.yaml", "Import: [{a: b}]")
