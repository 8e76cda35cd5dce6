"""Object model: load, owners and find, serialise with Attributes, destruction."""

import copy

import pytest
from compat_support import Harness

from muranokit.engine import MuranoPlError
from muranokit.tools.exceptions import MuranokitError


def member(oid, **props):
    return {"?": {"type": "compat.model.Member", "id": oid}, "name": oid, **props}


def part(oid):
    return {"?": {"type": "compat.model.Part", "id": oid}, "name": oid}


def root_object(*members):
    return {"?": {"type": "compat.model.Root", "id": "root"}, "name": "r", "members": list(members)}


def full_model():
    return {
        "Objects": root_object(
            member("m1", parts=[part("p1")], peer="m2"),
            member("m2", peer="m1"),
        ),
        "Attributes": [],
    }


def destroys(traces):
    return [t for t in traces if isinstance(t, str) and t.startswith("destroy ")]


@pytest.fixture
def h():
    return Harness("model")


def test_load_model_returns_root_and_runs_init(h):
    root = h.rt.load_model(full_model())
    assert root.id == "root"
    assert root.type_name == "compat.model.Root"
    assert sorted(h.traces) == ["init m1", "init m2", "init p1", "init r"]


def test_owned_objects_init_before_their_owner(h):
    h.rt.load_model(full_model())
    order = h.traces
    assert order.index("init p1") < order.index("init m1") < order.index("init r")
    assert order.index("init m2") < order.index("init r")


def test_init_sees_properties_of_objects_defined_later(h):
    def linked(oid, other, children=()):
        return {"?": {"type": "compat.model.Linked", "id": oid}, "name": oid, "other": other,
                "children": list(children)}

    h.rt.load_model(linked("a", "c", [linked("b", "c"), linked("c", "a")]))
    assert sorted(h.traces) == ["a->c", "b->c", "c->a"]
    assert h.traces[-1] == "a->c"


def test_runtime_and_config_properties_are_not_serialised():
    h = Harness("classes")
    h.rt.load_model({"?": {"type": "compat.classes.Usages", "id": "u"}, "inProp": 4})
    objects = h.rt.serialize()["Objects"]
    assert objects["inProp"] == 4
    assert objects["inoutProp"] == 3 and objects["constProp"] == 5
    assert "runtimeProp" not in objects
    assert "configProp" not in objects


def test_undeclared_and_runtime_values_in_the_model_are_ignored():
    h = Harness("classes")
    obj = h.rt.load_model({"?": {"type": "compat.classes.Usages", "id": "u"},
                           "bogus": 1, "runtimeProp": 99, "configProp": 98})
    assert obj.get_property("runtimeProp") == 4  # its Default, not the model's value
    assert h.call(obj, "readAll") == [1, 3, 5, 6]
    assert "bogus" not in h.rt.serialize()["Objects"]


def test_objects_without_id_get_one(h):
    model = full_model()
    del model["Objects"]["members"][0]["parts"][0]["?"]["id"]
    h.rt.load_model(model)
    first = h.rt.serialize()["Objects"]["members"][0]["parts"][0]["?"]["id"]
    second = h.rt.serialize()["Objects"]["members"][0]["parts"][0]["?"]["id"]
    assert isinstance(first, str) and first and first == second
    assert h.rt.get_object(first).get_property("name") == "p1"


def test_bare_root_object_loads(h):
    root = h.rt.load_model(full_model()["Objects"])
    assert h.call(root, "memberNames") == ["m1", "m2"]


@pytest.mark.parametrize(
    "header",
    [
        {"type": "compat.model.Part/0.0.0@model", "id": "px"},
        {"type": "compat.model.Part", "classVersion": "0.0.0", "package": "model", "id": "px"},
    ],
    ids=["type-string", "class-version-keys"],
)
def test_versioned_type_headers_load(h, header):
    part_obj = h.rt.load_model({"?": header, "name": "px"})
    assert part_obj.type_name == "compat.model.Part"
    assert h.traces == ["init px"]


def test_object_name_from_header(h):
    model = full_model()
    model["Objects"]["members"][0]["parts"][0]["?"]["name"] = "Pretty part"
    h.rt.load_model(model)
    assert h.call(h.rt.get_object("p1"), "objectName") == "Pretty part"
    saved = h.rt.serialize()["Objects"]["members"][0]["parts"][0]
    assert saved["?"]["name"] == "Pretty part"


def test_owners_and_references(h):
    h.rt.load_model(full_model())
    assert h.call(h.rt.get_object("p1"), "ownerNames") == ["m1", "r"]
    assert h.call(h.rt.get_object("m2"), "rootName") == "r"
    assert h.call(h.rt.get_object("m1"), "peerName") == "m2"
    assert h.call(h.rt.get_object("m2"), "peerName") == "m1"


def test_find_looks_at_owners_only(h):
    h.rt.load_model(full_model())
    assert h.call(h.rt.get_object("m1"), "findOwnType") is None


def test_serialize_shape(h):
    root = h.rt.load_model(full_model())
    assert h.call(root, "annotate") == 1
    model = h.rt.serialize()
    objects = model["Objects"]
    assert objects["?"]["id"] == "root"
    # Murano writes either the bare name or "name/version@package"
    assert objects["?"]["type"].split("/")[0] == "compat.model.Root"
    header = objects["?"]
    # a manifest-less folder is a package named after the folder, version 0.0.0
    assert (header.get("package"), header.get("classVersion")) == ("model", "0.0.0") or \
        header["type"] == "compat.model.Root/0.0.0@model"
    assert objects["name"] == "r"
    assert objects["note"] == "annotated"
    assert "cache" not in objects  # Runtime properties are not stored
    first, second = objects["members"]
    assert first["?"]["id"] == "m1" and second["?"]["id"] == "m2"
    assert first["peer"] == "m2" and second["peer"] == "m1"
    assert first["parts"][0]["?"]["id"] == "p1"
    entries = [list(a) for a in model["Attributes"]]
    assert ["root", "compat.model.Root", "visits", 1] in entries


def test_objects_created_at_runtime_are_serialised_under_their_owner(h):
    root = h.rt.load_model(full_model())
    assert h.call(root, "addMember", "m3") == 3
    members = h.rt.serialize()["Objects"]["members"]
    assert [m["name"] for m in members] == ["m1", "m2", "m3"]
    assert members[2]["?"]["type"].split("/")[0] == "compat.model.Member"
    assert members[2]["?"]["id"] == root.get_property("members")[2].id


def test_object_valued_properties_come_back_as_proxies(h):
    root = h.rt.load_model(full_model())
    members = root.get_property("members")
    assert [m.id for m in members] == ["m1", "m2"]
    assert members[0].get_property("peer").id == "m2"


def test_attributes_given_with_the_model_are_used(h):
    model = full_model()
    model["Attributes"] = [["root", "compat.model.Root", "visits", 41]]
    root = h.rt.load_model(model)
    assert h.call(root, "annotate") == 42


def test_attributes_survive_round_trip(h):
    root = h.rt.load_model(full_model())
    h.call(root, "annotate")
    saved = copy.deepcopy(h.rt.serialize())

    again = Harness("model")
    root2 = again.rt.load_model(copy.deepcopy(saved))
    assert again.call(root2, "annotate") == 2
    assert again.rt.serialize()["Objects"] == saved["Objects"]


def test_objects_removed_from_model_are_destroyed_children_first(h):
    old = full_model()["Objects"]
    new = root_object(member("m2"))
    h.rt.load_model({"Objects": new, "ObjectsCopy": old, "Attributes": []})
    assert destroys(h.traces) == ["destroy p1", "destroy m1"]
    assert h.call(h.rt.get_object("root"), "memberNames") == ["m2"]


def test_object_moved_to_another_owner_survives(h):
    old = full_model()["Objects"]
    new = root_object(member("m2", parts=[part("p1")]))
    h.rt.load_model({"Objects": new, "ObjectsCopy": old, "Attributes": []})
    assert destroys(h.traces) == ["destroy m1"]
    assert h.call(h.rt.get_object("p1"), "ownerNames") == ["m2", "r"]


def test_empty_model_destroys_everything_owner_last(h):
    h.rt.load_model({"Objects": None, "ObjectsCopy": full_model()["Objects"], "Attributes": []})
    gone = destroys(h.traces)
    assert sorted(gone) == ["destroy m1", "destroy m2", "destroy p1", "destroy r"]
    assert gone[-1] == "destroy r"
    assert gone.index("destroy p1") < gone.index("destroy m1")


def test_finalize_destroys_live_objects_in_dependency_order(h):
    h.rt.load_model(full_model())
    h.traces.clear()
    h.rt.finalize()
    gone = destroys(h.traces)
    assert sorted(gone) == ["destroy m1", "destroy m2", "destroy p1", "destroy r"]
    assert gone[-1] == "destroy r"
    assert gone.index("destroy p1") < gone.index("destroy m1")


def test_failing_destroy_does_not_stop_the_others(h):
    model = full_model()
    model["Objects"]["members"][0]["parts"][0]["fragile"] = True
    h.rt.load_model(model)
    h.traces.clear()
    h.rt.finalize()
    assert sorted(destroys(h.traces)) == ["destroy m1", "destroy m2", "destroy p1", "destroy r"]


def load_error(h, model):
    with pytest.raises((MuranoPlError, MuranokitError)) as info:
        h.rt.load_model(model)
    return info.value


def test_dangling_reference_is_an_error(h):
    model = full_model()
    model["Objects"]["members"][1]["peer"] = "ghost"
    err = load_error(h, model)
    assert "ghost" in str(err)


def test_duplicate_ids_are_an_error(h):
    model = {"Objects": root_object(member("m1"), member("m1")), "Attributes": []}
    err = load_error(h, model)
    assert "m1" in str(err)


def test_unknown_class_in_model(h):
    model = full_model()
    model["Objects"]["members"][0]["?"]["type"] = "compat.model.Nope"
    err = load_error(h, model)
    if isinstance(err, MuranoPlError):
        assert err.type_name == "NoPackageForClassFound"
    assert "compat.model.Nope" in str(err)
