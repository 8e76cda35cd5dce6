"""Reflection through typeinfo(): own properties and methods, invoke, getValue/setValue."""


def test_listing_of_a_class(make_runtime):
    rt = make_runtime("reflect")
    assert rt.call(rt.new("test.reflect.Mirror"), "listing") == {
        "parents": ["io.murano.Object"], "props": ["hidden", "shade"],
        "usages": [["hidden", "Static"], ["shade", "InOut"]]}


def test_invoke_and_property_values(make_runtime):
    rt = make_runtime("reflect")
    obj = rt.new("test.reflect.Mirror")
    assert rt.call(obj, "via") == ["ab", "gold", ["left", "right"], 5, "test.reflect.Mirror"]
    assert obj.get_property("shade") == "gold"


def test_class_meta_objects(make_runtime):
    """Many-cardinality inherited meta accumulates; One-cardinality keeps the nearest (own)
    entry and is not inherited; values go through the meta class's contracts."""
    rt = make_runtime("reflect")
    assert rt.call(rt.new("test.reflect.Derived"), "notes") == [["plain", "from base"], [2]]
