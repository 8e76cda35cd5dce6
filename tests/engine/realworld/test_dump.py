"""dump() in its three forms (issue 10 item 5), as upstream's dump() writes objects: the
header, which properties, where nested objects go, Serialize meta, upcasts."""

import pytest
from realworld_support import Engine

from muranokit.engine import MuranoPlError

ITEM = "rw.dumps.Item"
TYPE = "rw.dumps.Item/1.2.0@rw.dumps"


@pytest.fixture(scope="module")
def dumps():
    engine = Engine("dumps", class_configs={ITEM: {"setting": "from-config"}})
    engine.probe = engine.rt.new("rw.dumps.Probe")
    return engine


def _item(dumps, **props):
    return dumps.rt.new(ITEM, **props)


def test_serializable_header_and_properties(dumps):
    item = _item(dumps, label="x", tags=["a"])
    assert dumps.rt.call(dumps.probe, "dumpOf", item, "Serializable") == {
        "label": "x", "tags": ["a"],
        "?": {"type": TYPE, "id": item.id, "name": None, "metadata": None}}


def test_dicts_and_lists_of_properties_are_written_as_data(dumps):
    bag = dumps.rt.new("rw.dumps.Bag", data={"a": [1, {"b": "c"}]}, pairs=[["x", "y"]])
    result = dumps.rt.call(dumps.probe, "dumpOf", bag, "Serializable")
    assert (result["data"], result["pairs"]) == ({"a": [1, {"b": "c"}]}, [["x", "y"]])


def test_model_metadata_and_name_are_kept():
    engine = Engine("dumps")
    root = engine.rt.load_model({"Objects": {
        "?": {"type": ITEM, "id": "i1", "name": "first",
              "metadata": {"color": "red"}}, "label": "m"}})
    head = engine.rt.call(engine.rt.new("rw.dumps.Probe"), "dumpOf", root, "Serializable")["?"]
    assert (head["name"], head["metadata"]) == ("first", {"color": "red"})


def test_inline_puts_the_properties_under_the_type(dumps):
    item = _item(dumps, label="y")
    result = dumps.rt.call(dumps.probe, "dumpOf", item, "Inline")
    assert result == {ITEM: {"label": "y", "tags": []}, "id": item.id, "name": None,
                      "metadata": None}


def test_mixed_and_inline_keep_type_information(dumps):
    assert dumps.rt.call(dumps.probe, "mixedAndInlineTypes") == {
        "mixed": ITEM, "mixedIsInfo": True, "inlineKey": ITEM, "serializable": TYPE}


def test_an_object_is_written_once_then_by_id(dumps):
    result = dumps.run("rw.dumps.Holder", "sameItemThrice")
    first = result["first"]
    assert first["label"] == "one"
    assert result["second"] == first["?"]["id"]
    assert result["many"] == [first["?"]["id"]]
    assert result["third"] is None


def test_objects_owned_elsewhere_are_ids_unowned_ones_are_written_once(dumps):
    result = dumps.run("rw.dumps.Holder", "ownedElsewhere")
    assert isinstance(result["first"], str)              # owned by another holder
    assert result["second"]["label"] == "unowned"        # no owner: written where first met
    assert result["third"] == result["second"]["?"]["id"]


def test_serialize_meta_writes_a_reference(dumps):
    result, referenced_id = dumps.rt.call(dumps.probe, "references")
    assert result["copied"]["label"] == "c"
    assert result["referenced"] == referenced_id


@pytest.mark.parametrize(("ignore", "key", "has_extra"), [
    (True, "rw.dumps.Special", True), (False, ITEM, False)])
def test_upcasts(dumps, ignore, key, has_extra):
    special = dumps.rt.new("rw.dumps.Special", label="s", extra="e")
    result = dumps.rt.call(dumps.probe, "dumpAsParent", special, ignore)
    assert ("extra" in result[key]) is has_extra
    assert result[key]["label"] == "s"


def test_unknown_form_is_a_value_error(dumps):
    with pytest.raises(MuranoPlError) as info:
        dumps.rt.call(dumps.probe, "dumpOf", _item(dumps, label="z"), "Pretty")
    assert info.value.type_name == "ValueError"
