"""Upstream Murano behaviour that muranokit once lacked; each test here began as a
strict xfail and now passes.

Every fixture is original; the comment on each test names the upstream test
or meta class (openstack/murano, murano/tests/unit/dsl/) showing the behaviour.
A newly found gap goes here as a ``pytest.mark.xfail(strict=True, reason=...)`` test;
when the engine closes it, drop the marker (or move the test to
test_upstream_regressions.py).
"""

from upstream_shapes_support import Shapes


# upstream: DerivedFrom2Classes.yaml testPropertyMerge
# (test_property_access.py::test_property_merge: the cast() view applies its own contract)
def test_cast_view_reads_property_through_its_own_contract():
    assert Shapes("ownership").run("shapes.owning.Merged", "views") == [7, "7", 7]


# upstream core library: io.murano.configuration.Linux (runCommand, putFile), used by
# murano-apps CassandraNode.yaml and the io.murano.applications library
def test_configuration_linux_class_exists():
    assert Shapes("static_resources").run("shapes.res.Reader", "linuxHelper") == \
        "io.murano.configuration.Linux"


# upstream: test_concurrency.py::test_isolated / test_isolated_default (a method call holds
# its object: pselect() over one object's method runs the calls one after another)
def test_same_object_method_calls_are_isolated():
    s = Shapes("locking")
    s.run("shapes.locking.Worker", "sameObject")
    pairs = [s.notes[i:i + 2] for i in range(0, len(s.notes), 2)]
    assert len(pairs) == 3
    assert all(a.split("-")[0] == b.split("-")[0] and a.endswith("in") and b.endswith("out")
               for a, b in pairs)


# upstream: test_meta.py (Usage: Meta classes; typeinfo(...).meta gives their instances)
def test_class_meta_through_typeinfo():
    assert Shapes("reflection").run("shapes.mirror.Tagged", "labels") == ["first", "unnamed"]


def _model_objects(node, found):
    """Every object-model dict (with a '?' header) inside ``node``, by id."""
    if isinstance(node, dict):
        head = node.get("?")
        if isinstance(head, dict) and "id" in head:
            found[head["id"]] = node
        for value in node.values():
            _model_objects(value, found)
    elif isinstance(node, list):
        for value in node:
            _model_objects(value, found)
    return found


# upstream: CreatedClass1.createClass2 (test_construction.py::test_new_with_ownership: an object
# owned by the root but kept only in a child's property is serialised where it is referenced)
def test_object_kept_away_from_its_owner_is_serialised():
    s = Shapes("serialize")
    holder = s.rt.load_model({"?": {"type": "shapes.keep.Holder", "id": "holder"}})
    s.rt.call(holder, "fillBox")
    objects = s.rt.serialize()["Objects"]
    ref = objects["box"]["item"]
    ref_id = ref if isinstance(ref, str) else ref["?"]["id"]
    kept = _model_objects(objects, {})
    assert ref_id in kept
    assert kept[ref_id]["label"] == "deep"


# upstream: test_gc.py::test_collect_with_subscription / test_destruction_dependencies_
# serialization (every subscription handler of the doomed set runs before any .destroy)
def test_gc_runs_all_handlers_before_destroy_methods():
    s = Shapes("gc")
    s.run("shapes.gc.Sweeper", "watchTree")
    assert s.notes == ["handler parent", "handler child", "gone child", "gone parent"]


# upstream: TestGC.yaml TestGCNode2.destroy (test_gc.py::test_is_doomed: the owner collected
# in the same pass is doomed)
def test_owner_collected_in_the_same_pass_is_doomed():
    s = Shapes("gc")
    s.run("shapes.gc.Sweeper", "doomedTogether")
    assert s.notes == [["child", True], ["parent", False]]
