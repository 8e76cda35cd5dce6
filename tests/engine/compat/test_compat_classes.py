"""Classes: multi-document files, Namespaces, Extends/MRO, Properties/Usage, Methods."""

import pytest
from compat_support import Harness

from muranokit.engine import MuranoPlError


@pytest.fixture
def h():
    return Harness("classes")


def test_init_runs_once_per_class_parents_first(h):
    h.new("compat.classes.Diamond")
    assert h.traces == ["init Base", "init Left", "init Right", "init Diamond"]


def test_method_resolution_prefers_overriding_sibling(h):
    obj = h.new("compat.classes.Diamond")
    # Left does not override who(); Right does, and Right's override wins over Base.
    assert h.call(obj, "callWho") == "Right"
    assert h.call(obj, "describe") == "Right/plain"


def test_cast_selects_a_parent_view(h):
    obj = h.new("compat.classes.Diamond")
    assert h.call(obj, "viaLeft") == "Base"


def test_super_calls_every_parent(h):
    obj = h.new("compat.classes.Diamond")
    assert sorted(h.call(obj, "superWho")) == ["Base", "Right"]


def test_ambiguous_method_name(h):
    obj = h.new("compat.classes.Diamond")
    with pytest.raises(MuranoPlError) as info:
        h.call(obj, "callClash")
    assert info.value.type_name == "AmbiguousMethodName"


def test_property_declared_by_two_parents(h):
    with pytest.raises(MuranoPlError) as info:
        h.run("compat.classes.PropBoth", "readShared")
    assert info.value.type_name == "AmbiguousPropertyNameError"
    assert h.run("compat.classes.PropResolved", "readShared") == 3
    assert h.call(h.new("compat.classes.PropResolved", shared="7"), "readShared") == 7


def test_inherited_method_and_property_default(h):
    obj = h.new("compat.classes.Left", label="custom")
    assert h.call(obj, "side") == "left"
    assert h.call(obj, "describe") == "Base/custom"
    assert obj.get_property("label") == "custom"


def test_class_without_namespaces_uses_full_name(h):
    obj = h.new("compat.plain.NoNamespace", label="ü")
    assert h.call(obj, "describe") == "plain/ü"
    assert h.call(obj, "unicode") == "ä→ü"
    assert h.traces == ["init Base"]


def test_proxy_identity_fields(h):
    obj = h.new("compat.classes.Right")
    assert obj.type_name == "compat.classes.Right"
    assert obj.type.name == "compat.classes.Right"
    assert hash(obj.type) == hash(h.new("compat.classes.Right").type)
    assert isinstance(obj.id, str) and obj.id
    assert h.rt.get_object(obj.id).id == obj.id


def test_namespace_aliases_in_expressions_and_contracts(h):
    obj = h.new("compat.classes.Aliased")
    assert h.call(obj, "makeHelper") == ["made", True, False, True]
    assert h.call(obj, "staticViaAlias") == 42


def test_alias_contract_accepts_model_dict(h):
    obj = h.new(
        "compat.classes.Aliased",
        helper={"?": {"type": "compat.classes.extra.Helper", "id": "helper-1"}, "tag": "given"},
    )
    assert h.call(obj, "helperTag") == "given"


def test_extends_through_alias(h):
    obj = h.new("compat.classes.Aliased", label="via-alias")
    assert h.call(obj, "describe") == "Base/via-alias"
    assert h.traces == ["init Base"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("out", [1, 7, 3, 4, 5, 6]),
        ("inout", [1, None, 7, 4, 5, 6]),
        ("runtime", [1, None, 3, 7, 5, 6]),
        # upstream's dsl_types.PropertyUsages.Writable has Config (and Static) too
        ("config", [1, None, 3, 4, 5, 7]),
    ],
)
def test_writable_usages(h, name, expected):
    obj = h.new("compat.classes.Usages")
    assert h.call(obj, "write", name, 7) == expected


@pytest.mark.parametrize("name", ["in", "const"])
def test_read_only_usages_reject_writes(h, name):
    obj = h.new("compat.classes.Usages")
    with pytest.raises(MuranoPlError) as info:
        h.call(obj, "write", name, 7)
    assert info.value.type_name == "NoWriteAccessError"


def test_property_writes_go_through_the_contract(h):
    obj = h.new("compat.classes.Usages")
    assert h.call(obj, "write", "inout", "42")[2] == 42
    with pytest.raises(MuranoPlError) as info:
        h.call(obj, "write", "out", "not a number")
    assert info.value.type_name == "ContractViolationException"
    assert "outProp" in info.value.message


def test_property_default_may_use_another_property(h):
    assert h.call(h.new("compat.classes.Derived"), "values") == [2, 20]
    assert h.call(h.new("compat.classes.Derived", unit=3), "values") == [3, 30]
    assert h.call(h.new("compat.classes.Derived", unit=3, total=1), "values") == [3, 1]


def test_circular_property_defaults(h):
    with pytest.raises(MuranoPlError) as info:
        h.new("compat.classes.CircularDefaults")
    assert info.value.type_name == "CircularExpressionDependenciesError"
    assert h.new("compat.classes.CircularDefaults", first=1).get_property("second") == 2


def test_other_class_cannot_write_property(h):
    target = h.new("compat.classes.Usages")
    outsider = h.new("compat.classes.Outsider")
    with pytest.raises(MuranoPlError) as info:
        h.call(outsider, "poke", target)
    assert info.value.type_name == "NoWriteAccessError"
    assert target.get_property("inoutProp") == 3


def test_uninitialized_private_property(h):
    obj = h.new("compat.classes.Usages")
    with pytest.raises(MuranoPlError) as info:
        h.call(obj, "readPrivate")
    assert info.value.type_name == "UninitializedPropertyAccessError"
    assert "neverSet" in info.value.message


def test_private_property_write_then_read(h):
    obj = h.new("compat.classes.Usages")
    assert h.call(obj, "writePrivate") == 11


def test_in_properties_from_creation_and_config_ignores_model(h):
    obj = h.new("compat.classes.Usages", inProp="9", configProp=99, constProp=8)
    # In and Const take model values (after the int() contract); Config never does.
    assert h.call(obj, "readAll") == [9, 3, 8, 6]


def test_init_arguments_come_from_the_model_but_are_not_properties(h):
    assert h.new("compat.classes.InitArgs", seed="4").get_property("doubled") == 8
    assert h.new("compat.classes.InitArgs").get_property("doubled") == 2
    h.rt.load_model({"?": {"type": "compat.classes.InitArgs", "id": "ia"}, "seed": 5})
    objects = h.rt.serialize()["Objects"]
    assert objects["doubled"] == 10
    assert "seed" not in objects


def test_argument_defaults_including_expression_default(h):
    obj = h.new("compat.classes.Methods", base=77)
    assert h.call(obj, "withDefaults", 1) == [1, 2, 77]
    assert h.call(obj, "withDefaults", 1, "5") == [1, 5, 77]
    assert h.call(obj, "withDefaults", a=3, c=4) == [3, 2, 4]


def test_argument_mapping_and_body_shapes(h):
    obj = h.new("compat.classes.Methods")
    assert h.call(obj, "mappingArguments", "1") == [1, "two"]
    assert h.call(obj, "mappingArguments", 1, second=2) == [1, "2"]
    assert h.call(obj, "scalarBody") is None
    assert h.call(obj, "noBody") is None


def test_varargs_and_kwargs(h):
    obj = h.new("compat.classes.Methods")
    assert h.call(obj, "callVarKw") == [[1, [2, 3]], [4, {"x": "5", "y": "six"}]]


def test_varargs_and_kwargs_from_api(h):
    obj = h.new("compat.classes.Methods")
    assert h.call(obj, "varArgs", 1, "2", 3) == [1, [2, 3]]
    assert h.call(obj, "kwArgs", first=1, a=2, b="x") == [1, {"a": "2", "b": "x"}]


def test_varargs_contract_applies_to_each_item(h):
    obj = h.new("compat.classes.Methods")
    with pytest.raises(MuranoPlError) as info:
        h.call(obj, "callBadVarArg")
    assert info.value.type_name == "ContractViolationException"


def test_static_methods_from_instance_alias_and_type(h):
    obj = h.new("compat.classes.Methods")
    assert h.call(obj, "callStatic") == [9, 16, 25]


def test_static_method_called_by_class_name(h):
    assert h.call("compat.classes.Methods", "square", 12) == 144
    assert h.call("compat.classes.Methods", "square", n=5) == 25


def test_missing_static_property(h):
    with pytest.raises(MuranoPlError) as info:
        h.run("compat.classes.Methods", "readMissingStatic")
    assert info.value.type_name == "NoPropertyFound"
    assert "nothingHere" in info.value.message


def test_invalid_assignment_target(h):
    with pytest.raises(MuranoPlError) as info:
        h.run("compat.classes.Methods", "assignToCall")
    assert info.value.type_name == "InvalidLhsTargetError"


def test_any_scope_callable_from_api(h):
    obj = h.new("compat.classes.Methods")
    assert h.call(obj, "sessionOnly") == "session"
    assert h.call(obj, "publicAction", what="restart") == "restart"
    assert h.call(obj, "publicAction") == "nothing"
    assert h.traces == ["action restart", "action nothing"]


def test_meta_and_import_are_parsed(h):
    obj = h.new("compat.classes.WithImportAndMeta")
    assert h.call(obj, "ping") == "pong"
    assert obj.get_property("described") == "meta"
    assert h.run("compat.classes.Methods", "withMeta") == "meta ok"


def test_config_property_from_class_configs():
    h = Harness("classes", class_configs={"compat.classes.Configured": {"fromConfig": "987"}})
    obj = h.new("compat.classes.Configured", fromConfig=5)
    assert h.call(obj, "values") == [987, "plain"]


def test_config_property_default_when_not_configured(h):
    obj = h.new("compat.classes.Configured", fromConfig=5)
    assert h.call(obj, "values") == [123, "plain"]


def test_config_overrides_default_of_normal_property_only():
    h = Harness("classes", class_configs={"compat.classes.Configured": {"normal": "custom"}})
    assert h.call(h.new("compat.classes.Configured"), "values") == [123, "custom"]
    assert h.call(h.new("compat.classes.Configured", normal="given"), "values") == [123, "given"]


def test_private_property_of_other_object_cannot_be_read(h):
    target = h.new("compat.classes.Usages")
    assert h.call(target, "writePrivate") == 11
    with pytest.raises(MuranoPlError) as info:
        h.call(h.new("compat.classes.Outsider"), "peekPrivate", target)
    assert info.value.type_name == "PropertyReadError"
    assert 'Property "scratch"' in info.value.message


def test_undeclared_property_of_other_object_cannot_be_written(h):
    target = h.new("compat.classes.Usages")
    with pytest.raises(MuranoPlError) as info:
        h.call(h.new("compat.classes.Outsider"), "writeUndeclared", target)
    assert info.value.type_name == "PropertyWriteError"
    assert 'Property "brandNew"' in info.value.message


def test_workflow_spelling_with_initialize_and_destroy(h):
    obj = h.new("compat.classes.OldStyle")
    assert h.call(obj, "ping") == "old pong"
    h.rt.finalize()
    assert h.traces == ["old init", "old destroy"]
