"""The rest of the language (issue 10 item 5): dump(), Meta, Synchronize, reflection,
namespace lookup and property Usage rules, as the MuranoPL reference describes them."""

import pytest
from realworld_support import Engine, gap

from muranokit.engine import MuranoPlError

# -- dump() -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dumps():
    return Engine("dump")


@gap("the dump() function is missing")
def test_dump_serializable(dumps):
    node = dumps.rt.new("rw.dump.Node")
    result = dumps.rt.call(node, "dumpAs", "Serializable")
    assert result["?"]["id"] == node.id
    assert result["?"]["type"].startswith("rw.dump.Node")
    assert result["value"] == 1
    assert result["child"]["value"] == 2
    assert result["child"]["?"]["type"].startswith("rw.dump.Node")
    assert "scratch" not in result          # Runtime properties are not serialised


@gap("the dump() function is missing")
def test_dump_default_mode_is_serializable(dumps):
    node = dumps.rt.new("rw.dump.Node")
    assert dumps.rt.call(node, "dumpDefault")["?"]["id"] == node.id
    assert dumps.rt.call(node, "typeIsString", "Serializable") is True


@gap("the dump() function is missing (Inline mode)")
def test_dump_inline(dumps):
    node = dumps.rt.new("rw.dump.Node")
    result = dumps.rt.call(node, "dumpAs", "Inline")
    assert "?" not in result
    assert result["id"] == node.id
    assert result["child"]["id"] != node.id


@gap("the dump() function is missing (Mixed mode)")
def test_dump_mixed_keeps_type_objects(dumps):
    node = dumps.rt.new("rw.dump.Node")
    assert dumps.rt.call(node, "typeIsString", "Mixed") is False


@gap("the dump() function is missing (unknown modes are a ValueError upstream)")
def test_dump_unknown_mode_is_a_value_error(dumps):
    node = dumps.rt.new("rw.dump.Node")
    with pytest.raises(MuranoPlError) as info:
        dumps.rt.call(node, "dumpAs", "Sideways")
    assert "ValueError" in info.value.names


# -- Meta ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def meta():
    return Engine("metapkg")


def test_class_meta(meta):
    assert meta.run("rw.meta.Tagged", "classText") == "class-level"


@gap("reflection PropertyInfo has no meta")
def test_property_meta_with_cardinality_many(meta):
    assert meta.run("rw.meta.Tagged", "propertyMeta") == {
        "tag": "property-level", "weights": [2, 3]}


@gap("reflection MethodInfo has no meta (and io.murano.metadata.Title is missing)")
def test_method_meta_and_core_title(meta):
    assert meta.run("rw.meta.Tagged", "methodMeta") == {
        "tag": "method-level", "title": "Say hello"}


@gap("reflection ArgumentInfo has no meta")
def test_argument_meta(meta):
    assert meta.run("rw.meta.Tagged", "argumentText") == "argument-level"


@gap("package reflection has no meta (#property#meta unknown)")
def test_package_meta(meta):
    assert meta.run("rw.meta.Tagged", "packageText") == "package-level"


def test_inherited_meta_reaches_the_child(meta):
    assert meta.run("rw.meta.Child", "inheritedText") == ["class-level"]


# -- io.murano.metadata.engine.Synchronize ------------------------------------------------


@gap("Synchronize onArgs is ignored: calls with equal arguments interleave")
def test_synchronize_on_args_serialises_equal_arguments():
    engine = Engine("sync")
    engine.run("rw.sync.Locker", "sameKey")
    assert engine.notes == ["a1-in", "a1-out", "a2-in", "a2-out"]


def test_synchronize_on_args_lets_different_arguments_interleave():
    engine = Engine("sync")
    engine.run("rw.sync.Locker", "differentKeys")
    assert engine.notes[:2] == ["11-in", "22-in"]
    assert sorted(engine.notes) == ["11-in", "11-out", "22-in", "22-out"]


# -- reflection -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shapes():
    return Engine("reflection")


@gap("reflection ArgumentInfo has no declaringMethod")
def test_typeinfo_members(shapes):
    info = shapes.run("rw.refl.Shape", "info")
    assert info["name"] == "rw.refl.Shape"
    assert info["methods"] == ["area", "info"]
    assert info["properties"] == ["label", "size"]
    assert info["argName"] == "factor"
    assert info["argHasDefault"] is True
    assert info["argOwner"] == "area"
    assert info["methodOwner"] == "rw.refl.Shape"
    assert info["propUsage"] == "InOut"
    assert info["propOwner"] == "rw.refl.Shape"
    assert "io.murano.Object" in info["ancestors"]


def test_method_invoke(shapes):
    assert shapes.run("rw.refl.Shape", "invokeArea") == 18


def test_property_get_and_set_value(shapes):
    assert shapes.run("rw.refl.Shape", "reflectProperty") == ["via reflection",
                                                              "via reflection"]


@gap("typeinfo(obj).type (the type reference) is missing")
def test_new_from_typeinfo_type(shapes):
    assert shapes.run("rw.refl.Shape", "createSame") == ["rw.refl.Shape", 5]


def test_typeinfo_of_a_class_reference(shapes):
    assert shapes.run("rw.refl.Shape", "byName") == "rw.refl.Shape"


# -- class lookup through namespace prefixes -----------------------------------------------


def test_namespace_prefixes_in_new_is_and_static_calls():
    engine = Engine("namespaces")
    assert engine.run("rw.ns.app.User", "check") == [True, True, False, "rw.ns.lib.Widget",
                                                    "base"]


# -- property Usage --------------------------------------------------------------------------


@pytest.fixture
def accounts():
    engine = Engine("usage")
    return engine, engine.rt.new("rw.usage.Account", owner="ann")


@pytest.mark.parametrize("method", ["setOwner", "setLimit"])
def test_in_and_const_properties_are_read_only_in_workflows(accounts, method):
    engine, account = accounts
    with pytest.raises(MuranoPlError) as info:
        engine.rt.call(account, method)
    assert info.value.type_name == "NoWriteAccessError"


def test_out_and_inout_properties_are_writable_by_the_class(accounts):
    engine, account = accounts
    assert engine.rt.call(account, "deposit") == [5, "deposited"]


def test_private_properties(accounts):
    engine, account = accounts
    assert engine.rt.call(account, "keepSecret") == 42


def test_other_classes_cannot_write_properties(accounts):
    engine, account = accounts
    stranger = engine.rt.new("rw.usage.Stranger")
    with pytest.raises(MuranoPlError) as info:
        engine.rt.call(stranger, "writeNotes", account)
    assert info.value.type_name == "NoWriteAccessError"
    assert engine.rt.call(stranger, "readBalance", account) == 0
