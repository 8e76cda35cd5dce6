"""Meta on packages, classes, properties, methods and arguments (issue 10 item 5), as the
MuranoPL reference's metadata chapter describes it: which meta an entity has once
inheritance, Cardinality and Inherited are applied, reflection over meta classes and
packages, the io.murano.metadata classes, and what is refused when a class loads."""

import pytest
from realworld_support import Engine, fixture

from muranokit.engine import MuranoPlError


@pytest.fixture(scope="module")
def rules():
    return Engine("metarules")


def test_class_meta_merges_along_a_diamond(rules):
    # own entries always; a parent's only when Inherited and not shadowed by a nearer
    # Cardinality One entry; the common root's entries once
    assert rules.run("rw.metarules.Leaf", "classMeta") == [
        ["Note", 70], ["Badge", 71], ["Stamp", 72], ["Note", 30], ["Note", 1], ["Note", 50]]


@pytest.mark.parametrize(("name", "expected"), [
    ("Right", [["Note", 50], ["Sticker", 51], ["Note", 1]]),
    ("Root", [["Note", 1], ["Badge", 2], ["Sticker", 4]]),
])
def test_class_meta_of_a_parent(rules, name, expected):
    assert rules.run("rw.metarules.Leaf", "parentMeta", name) == expected


def test_method_meta_inherits_from_overridden_methods(rules):
    # Stamp is shadowed by Leaf's own; StampPlus (derived from Stamp) is another class
    assert rules.run("rw.metarules.Leaf", "methodMeta") == [
        ["Note", 90], ["Stamp", 91], ["Note", 40], ["Note", 20], ["StampPlus", 22]]


def test_argument_meta_is_its_own(rules):
    assert rules.run("rw.metarules.Leaf", "argumentMeta") == [
        ["Badge", 92], ["Note", 93], ["Stamp", 3]]


def test_property_meta_inherits_from_redeclared_properties(rules):
    assert rules.run("rw.metarules.Leaf", "propertyMeta") == [
        "rw.metarules.Leaf", [["Note", 80], ["Note", 11]]]


def test_meta_values_may_be_objects_in_any_model_form(rules):
    assert rules.run("rw.metarules.Leaf", "parts") == [
        ["rw.metarules.Part", 1], ["rw.metarules.Part", 2], ["rw.metarules.Part", 3]]


def test_meta_class_reflection(rules):
    assert rules.run("rw.metarules.Leaf", "metaClassFacts") == {
        "usage": "Meta", "cardinality": "Many", "inherited": True,
        "targets": ["Argument", "Method", "Package", "Property", "Type"],
        "stickerTargets": ["Type"], "stickerCardinality": "One", "leafUsage": "Class"}


def test_package_reflection_and_meta(rules):
    facts = rules.run("rw.metarules.Leaf", "packageFacts")
    assert facts["name"] == "rw.metarules"
    assert (facts["version"], facts["major"], facts["minor"], facts["patch"]) == \
        ("2.1.3", 2, 1, 3)
    assert "rw.metarules.Leaf" in facts["types"] and "rw.metarules.Note" in facts["types"]
    assert facts["meta"] == [42, 7]


def test_core_metadata_classes(rules):
    assert rules.run("rw.metarules.Core", "facts") == {
        "title": "Core title", "description": "What it does",
        "sections": [["main", "main", None], ["extra", "Extras", 2]],
        "position": [1, "main"], "hidden": False, "help": "How big", "builder": True,
        "sync": [False, ["key"]], "argument": 3}


# -- refused when the class loads ------------------------------------------------------------

@pytest.fixture(scope="module")
def errors():
    return Engine("metaerrors")


def _line_of(text: str) -> int:
    lines = open(fixture("metaerrors", "Errors.yaml")).read().splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


@pytest.mark.parametrize(("name", "type_name", "at", "words"), [
    ("NotMeta", "ValueError", "Meta: Plain", "not a meta class"),
    ("WrongPlace", "ValueError", "Meta: Mark", "not applicable to a Type"),
    ("Twice", "ValueError", "Meta: [Single, Single]", "cannot be attached more than once"),
    ("Unknown", "NoClassFound", "- Nowhere:", "Nowhere"),
    ("FromMeta", "InvalidInheritanceError", "Extends: Mark", "Usage Meta"),
])
def test_bad_meta_is_refused_at_class_load(errors, name, type_name, at, words):
    with pytest.raises(MuranoPlError) as info:
        errors.rt.load_class(f"rw.metaerr.{name}")
    err = info.value
    assert err.type_name == type_name
    assert words in err.message
    assert err.file.endswith("Errors.yaml") and err.line == _line_of(at)


def test_two_parents_handing_down_one_meta_conflict(errors):
    with pytest.raises(MuranoPlError) as info:
        errors.run("rw.metaerr.BothParents", "meta")
    assert info.value.type_name == "ValueError"
    assert "Cardinality One" in info.value.message


def test_own_meta_overrides_what_parents_hand_down(errors):
    assert errors.run("rw.metaerr.Overrides", "meta") == [3]
