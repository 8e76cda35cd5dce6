"""The rest of the language (issue 10 item 5): dump(), Meta, Synchronize, reflection,
namespace lookup and property Usage rules, as the MuranoPL reference describes them."""

import pytest
from realworld_support import Engine

from muranokit.engine import MuranoPlError

# -- dump() -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dumps():
    return Engine("dump")


def test_dump_serializable(dumps):
    node = dumps.rt.new("rw.dump.Node")
    result = dumps.rt.call(node, "dumpAs", "Serializable")
    assert result["?"]["id"] == node.id
    assert result["?"]["type"].startswith("rw.dump.Node")
    assert result["value"] == 1
    assert result["child"]["value"] == 2
    assert result["child"]["?"]["type"].startswith("rw.dump.Node")
    assert "scratch" not in result          # Runtime properties are not serialised


def test_dump_default_mode_is_serializable(dumps):
    node = dumps.rt.new("rw.dump.Node")
    assert dumps.rt.call(node, "dumpDefault")["?"]["id"] == node.id
    assert dumps.rt.call(node, "typeIsString", "Serializable") is True


def test_dump_inline(dumps):
    node = dumps.rt.new("rw.dump.Node")
    result = dumps.rt.call(node, "dumpAs", "Inline")
    assert "?" not in result
    assert result["id"] == node.id
    body = result["rw.dump.Node"]          # the properties sit under the type (information)
    assert body["value"] == 1
    assert body["child"]["id"] != node.id
    assert body["child"]["rw.dump.Node"]["value"] == 2


def test_dump_mixed_keeps_type_objects(dumps):
    node = dumps.rt.new("rw.dump.Node")
    assert dumps.rt.call(node, "typeIsString", "Mixed") is False


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


def test_property_meta_with_cardinality_many(meta):
    assert meta.run("rw.meta.Tagged", "propertyMeta") == {
        "tag": "property-level", "weights": [2, 3]}


def test_method_meta_and_core_title(meta):
    assert meta.run("rw.meta.Tagged", "methodMeta") == {
        "tag": "method-level", "title": "Say hello"}


def test_argument_meta(meta):
    assert meta.run("rw.meta.Tagged", "argumentText") == "argument-level"


def test_package_meta(meta):
    assert meta.run("rw.meta.Tagged", "packageText") == "package-level"


def test_inherited_meta_reaches_the_child(meta):
    assert meta.run("rw.meta.Child", "inheritedText") == ["class-level"]


# -- io.murano.metadata.engine.Synchronize ------------------------------------------------


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


SERIAL = ["1-in", "1-out", "2-in", "2-out"]
TOGETHER = ["1-in", "2-in", "1-out", "2-out"]


@pytest.mark.parametrize(("case", "order"), [
    ("plain", SERIAL),          # no meta: one call at a time per object
    ("twoObjects", TOGETHER),   # ... but calls on two objects run together
    ("defaults", SERIAL),       # Synchronize with its defaults: onThis true
    ("free", TOGETHER),         # onThis false, no onArgs: no lock at all
    ("sameFlag", SERIAL),       # onArgs: equal values wait for each other
    ("otherFlags", TOGETHER),   # ... different values do not, even on one object
    ("nullFlags", SERIAL),      # a null value is left out: both lock on the object
    ("sameObject", SERIAL),     # objects as onArgs values: the same object
    ("otherObjects", TOGETHER),
    ("static", SERIAL),         # a static method locks on its class
    ("parallel", SERIAL),       # the same from the branches of a Parallel block
    ("parallelFree", TOGETHER),
])
def test_synchronize_decides_which_calls_wait(case, order):
    engine = Engine("sync")
    engine.run("rw.sync.Calls", "run", case)
    assert engine.notes == order


def test_synchronize_meta_is_inherited_by_an_overriding_method():
    engine = Engine("sync")
    engine.run("rw.sync.Overriding", "runFree")
    assert engine.notes == TOGETHER


# -- undeclared properties are per class; declared ones along a hierarchy --------------------


@pytest.fixture
def family():
    engine = Engine("usage")
    return engine, engine.rt.new("rw.usage.Child"), engine.rt.new("rw.usage.Peer")


def test_init_and_what_it_calls_may_write_in_properties(family):
    _engine, child, _peer = family
    assert child.get_property("fixed") == "set_by_helper"


def test_in_property_is_read_only_after_init(family):
    engine, child, _peer = family
    with pytest.raises(MuranoPlError) as info:
        engine.rt.call(child, "writeFixedLater")
    assert info.value.type_name == "NoWriteAccessError"


def test_each_class_keeps_its_own_undeclared_properties(family):
    engine, child, _peer = family
    assert engine.rt.call(child, "baseSecret") == "from_base"
    with pytest.raises(MuranoPlError) as info:
        engine.rt.call(child, "childReadsBaseSecret")
    assert info.value.type_name == "UninitializedPropertyAccessError"
    assert engine.rt.call(child, "ownSecret") == ["from_child", "from_base"]


def test_a_parent_does_not_see_properties_its_child_declares(family):
    engine, child, _peer = family
    with pytest.raises(MuranoPlError) as info:
        engine.rt.call(child, "readChildProperty")
    assert info.value.type_name == "UninitializedPropertyAccessError"


@pytest.mark.parametrize(("method", "type_name"), [
    ("readSecret", "PropertyReadError"), ("writeSecret", "PropertyWriteError")])
def test_other_classes_cannot_reach_undeclared_properties(family, method, type_name):
    engine, child, peer = family
    with pytest.raises(MuranoPlError) as info:
        engine.rt.call(peer, method, child)
    assert info.value.type_name == type_name


def test_other_classes_read_any_declared_property(family):
    engine, child, peer = family
    assert engine.rt.call(peer, "readRuntime", child) == ["runtime_default", "set_by_helper"]


def test_a_class_writes_its_static_property(family):
    engine, child, _peer = family
    assert engine.rt.call(child, "bump") == engine.rt.call(child, "bump") - 1


def test_every_place_a_class_name_is_written_uses_the_namespaces():
    engine = Engine("nsall")
    box = engine.rt.new("rw.nsall.app.Box", gear={"size": 2})
    assert engine.rt.call(box, "check") == {
        "is": [True, True, True, False],
        "static": "part 2",
        "staticProperty": 10,
        "defaultStatic": "part 4",
        "type": "rw.nsall.lib.Gear",
        "typeOfObject": True,
        "cast": "rw.nsall.lib.Part",
        "find": True,
        "names": ["rw.nsall.lib.Gear", "rw.nsall.lib.Gear", "rw.nsall.app.Box"],
        "template": ["rw.nsall.lib.Gear", 5],
        "spec": ["rw.nsall.lib.Gear", 6],
        "meta": "boxed",
        "contract": "rw.nsall.lib.Gear"}
    assert engine.rt.call(box, "catchIt") == "rw.nsall.lib.Broken"
    assert engine.rt.call(box, "throwIt") == "caught"
