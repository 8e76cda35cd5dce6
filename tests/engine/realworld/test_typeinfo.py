"""Reflection (issue 10 item 5) as upstream's typeinfo() gives it: inherited members,
argument usages and owners, statics through property and method objects, the type
reference apart from the type information, and assignment rules kept by setValue."""

import pytest
from realworld_support import Engine

from muranokit.engine import MuranoPlError


@pytest.fixture(scope="module")
def solids():
    return Engine("reflection")


def test_members_include_inherited_ones(solids):
    assert solids.run("rw.refl.Solid", "members") == {
        "properties": [["counter", "rw.refl.Solid"], ["depth", "rw.refl.Solid"],
                       ["fixed", "rw.refl.Solid"], ["label", "rw.refl.Shape"],
                       ["size", "rw.refl.Shape"]],
        "methods": ["area", "faces", "members", "nameOfReference", "newFromInfo", "statics",
                    "twice", "volume"],
        "ancestors": ["rw.refl.Shape", "io.murano.Object"],
        "version": ["0.0.0", 0],
        "package": "reflection",
        "volumeArgs": [["scale", "Standard", False, "volume"],
                       ["rest", "VarArgs", False, "volume"]]}


def test_static_members_through_reflection(solids):
    assert solids.run("rw.refl.Solid", "statics") == [7, 8, 8, 42]


def test_type_information_is_not_the_type_reference(solids):
    assert solids.run("rw.refl.Solid", "faces") == {
        "sameInfo": True, "infoIsNotRef": False, "refOfInfo": True,
        "byName": "rw.refl.Solid", "made": "rw.refl.Solid", "isRef": True}


def test_a_type_reference_has_no_reflection_members(solids):
    with pytest.raises(MuranoPlError) as info:
        solids.run("rw.refl.Solid", "nameOfReference")
    assert info.value.type_name == "NoPropertyFound"


def test_new_needs_the_reference_not_the_information(solids):
    with pytest.raises(MuranoPlError):
        solids.run("rw.refl.Solid", "newFromInfo")


def test_set_value_keeps_the_assignment_rules(solids):
    target = solids.rt.new("rw.refl.Solid")
    outsider = solids.rt.new("rw.refl.Outsider")
    assert solids.rt.call(outsider, "readFixed", target) == "set"
    with pytest.raises(MuranoPlError) as info:
        solids.rt.call(outsider, "setFixed", target)
    assert info.value.type_name == "NoWriteAccessError"
