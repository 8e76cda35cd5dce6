"""Behaviour upstream Murano's DSL unit tests expect and muranokit already matches.

Every fixture is original; the comment on each test names the upstream test
(openstack/murano, murano/tests/unit/dsl/) whose expectation it re-checks.
"""

import pytest
from upstream_shapes_support import Shapes

from muranokit.engine import MuranoPlError

FLOW = "shapes.flow.Flow"


# upstream: test_macros.py::test_break / test_continue
@pytest.mark.parametrize(("method", "events"), [
    ("stopOutsideLoop", [1, "stop", "after"]),
    ("skipOutsideLoop", [1, 3, 4, "after"]),
])
def test_loop_control_outside_a_loop_is_an_invalid_operation(method, events):
    s = Shapes("flow")
    with pytest.raises(MuranoPlError) as info:
        s.run(FLOW, method)
    assert info.value.type_name == "DslInvalidOperationError"
    assert s.notes == events


# upstream: test_macros.py::test_switch / test_switch_with_default
@pytest.mark.parametrize(("level", "events"), [
    (10, ["aboveOne"]),
    (100, ["aboveOne", "aboveFifty"]),
    (-3, ["negative"]),
    (1, ["fallback"]),
])
def test_switch_runs_every_true_case_and_default_only_when_none_is(level, events):
    s = Shapes("flow")
    assert s.run(FLOW, "allMatching", level) is None
    assert sorted(s.notes) == sorted(events)


# upstream: test_macros.py::test_parallel_with_limit
def test_parallel_limit_runs_branches_in_batches():
    s = Shapes("flow")
    s.run(FLOW, "batches")
    assert s.notes[:2] == ["a1", "b1"]
    assert sorted(s.notes[2:4]) == ["a2", "b2"]
    assert s.notes[4:] == ["c1", "c2"]


# upstream: test_macros.py::test_scope_within_macro
def test_blocks_share_the_method_scope():
    assert Shapes("flow").run(FLOW, "sharedScope") == 21221


# upstream: test_exceptions.py::test_throw_catch / test_catch_all_catch / test_no_throw
@pytest.mark.parametrize(("which", "events"), [
    (1, ["start", "recovered", "disk nearly full", "cleanup"]),
    (3, ["start", "other", "cleanup"]),
    (4, ["start", "noError", "elseBlock", "cleanup"]),
])
def test_try_catch_else_finally(which, events):
    s = Shapes("flow")
    s.run(FLOW, "guarded", which)
    assert s.notes == events


# upstream: test_exceptions.py::test_rethrow
def test_rethrow_keeps_names_and_message():
    s = Shapes("flow")
    with pytest.raises(MuranoPlError) as info:
        s.run(FLOW, "guarded", 2)
    assert info.value.names == ["shapes.Fatal"]
    assert info.value.message == "disk gone"
    assert s.notes == ["start", "passOn", "cleanup"]


CHECKER = "shapes.contracts.Checker"


# upstream: test_contracts.py::test_string_from_number_contract, test_bool_from_*,
# test_list_contract_from_scalar / _from_null, test_dict_expressions_contract
@pytest.mark.parametrize(("method", "arg", "expected"), [
    ("asText", 42, "42"),
    ("asText", None, None),
    ("asFlag", 0, False),
    ("asFlag", "word", True),
    ("asNumbers", "7", [7]),
    ("asNumbers", None, []),
    ("asNumbers", ["1", 2], [1, 2]),
    ("asRecord", {"host": "h", "port": "80", "junk": 1}, {"host": "h", "port": 80}),
    ("asRecord", {"host": "h"}, {"host": "h", "port": None}),
    ("asIndexed", {"5": "five", "6": "six"}, {5: "five", 6: "six"}),
    ("asFixed", "strict", "strict"),
])
def test_contracts_coerce_values(method, arg, expected):
    result = Shapes("contracts").run(CHECKER, method, arg)
    assert result == expected
    assert type(result) is type(expected)


# upstream: test_contracts.py::test_*_failure
@pytest.mark.parametrize(("method", "arg"), [
    ("asBoundedList", []),
    ("asBoundedList", ["a", "b", "c"]),
    ("asRecord", "not a dict"),
    ("asRecord", {"port": 1}),
    ("asIndexed", {"five": "x"}),
    ("asFixed", "loose"),
])
def test_contract_violations(method, arg):
    with pytest.raises(MuranoPlError) as info:
        Shapes("contracts").run(CHECKER, method, arg)
    assert info.value.type_name == "ContractViolationException"


# upstream: test_contracts.py::test_default_expression
def test_argument_default_may_read_a_property():
    s = Shapes("contracts")
    assert s.run(CHECKER, "withDefault") == "fallback_label"
    assert s.run(CHECKER, "withDefault", "given") == "given"


# upstream: test_contracts.py::test_template_contract_with_property_exclusion
def test_template_contract_drops_excluded_properties():
    model = {"?": {"type": "shapes.contracts.Target"}, "name": "n", "size": "not a number"}
    assert Shapes("contracts").run(CHECKER, "asTemplate", model) == ["?", "name"]


# upstream: test_varkwargs.py::test_args / test_varargs_contract
def test_varargs_and_kwargs_with_contracts():
    s = Shapes("contracts")
    assert s.run(CHECKER, "callCollect") == [1, [2, 3], {"a": "x", "b": "5"}]


# upstream: test_contracts.py::TestContractsTransform::test_argument
def test_iterator_argument_is_materialised_for_a_list_contract():
    assert Shapes("contracts").run(CHECKER, "listFromIterator") == [4, 5]


BOTH = "shapes.objects.Both"


# upstream: test_multiple_inheritance.py::test_specialized_mixin_override
def test_cast_views_pick_the_overriding_method():
    s = Shapes("objects")
    s.run(BOTH, "viaViews")
    assert s.notes == ["Right.describe", "|", "Base.describe", "|", "Base.describe", "|",
                       "Right.describe"]


# upstream: test_multiple_inheritance.py::test_super / test_psuper
@pytest.mark.parametrize("method", ["parents", "parentsInParallel"])
def test_super_calls_every_parent(method):
    s = Shapes("objects")
    s.run(BOTH, method)
    assert sorted(s.notes) == ["Base.describe", "Right.describe"]


# upstream: test_multiple_inheritance.py::test_root_method_resolution
def test_method_of_the_common_root_sees_the_property():
    s = Shapes("objects")
    s.rt.call(s.rt.new(BOTH, origin="root-value"), "showOrigin")
    assert s.notes == ["root-value"]


# upstream: test_property_access.py::test_property_usage
@pytest.mark.parametrize(("name", "writable"), [
    ("fixedIn", False), ("open", True), ("output", True), ("frozen", False),
])
def test_property_usage_decides_write_access(name, writable):
    s = Shapes("objects")
    if writable:
        assert s.run(BOTH, "write", name) == name
    else:
        with pytest.raises(MuranoPlError) as info:
            s.run(BOTH, "write", name)
        assert info.value.type_name == "NoWriteAccessError"


# upstream: test_assignments.py::test_assignment / test_assign_by_copy
def test_path_assignments_build_nested_data():
    assert Shapes("objects").run(BOTH, "nested") == {
        "items": ["a", "b", ["C", "d"]],
        "meta": {"owner": "me", "extra": {"EXTRA": "Y"}},
    }


def test_assignment_copies_lists():
    assert Shapes("objects").run(BOTH, "copyOnAssign", [1, 2]) == [[1, 2], [99, 2]]


# upstream: test_engine_yaql_functions.py::test_is_operator
def test_is_operator_follows_inheritance():
    assert Shapes("objects").run(BOTH, "kind") == [True, True, True, False, False]


FUNCS = "shapes.functions.Functions"


# upstream: test_engine_yaql_functions.py::test_pselect / test_skip_take / test_aggregate
def test_collection_functions():
    s = Shapes("functions")
    assert s.run(FUNCS, "squares", [2, 3, 4]) == [4, 9, 16]
    assert s.run(FUNCS, "window", [2, 3, 4, 5]) == [[3, 4], [4], 120]


# upstream: test_engine_yaql_functions.py::test_bind
def test_bind_fills_a_template():
    shape = {"plain": "$one", "$key": True, "deep": {"x": "$spaced name"}, "list": ["$n-{tail}"]}
    values = {"one": 1, "key": "renamed", "spaced name": "s", "tail": 9}
    assert Shapes("functions").run(FUNCS, "filled", shape, values) == {
        "plain": 1, "renamed": True, "deep": {"x": "s"}, "list": ["n-9"]}


# upstream: test_engine_yaql_functions.py::test_join ... test_int
def test_string_and_scalar_functions():
    assert Shapes("functions").run(FUNCS, "basics") == [
        "a-1", ["p", "q", "r"], 6, "", "secret", "x1y2", "a+b", "1 2", "null", "true", 0]


# upstream: test_engine_yaql_functions.py::test_id / test_type / test_is_operator
def test_identity_and_type_functions():
    s = Shapes("functions")
    assert s.run(FUNCS, "identity") == [True, FUNCS]
    assert s.run(FUNCS, "typeTest") == [True, True, False]


# upstream: test_gc.py::test_model_destroyed
def test_objects_only_in_objects_copy_are_destroyed_dependents_first():
    s = Shapes("gc")
    linked = "shapes.gc.Linked"
    s.rt.load_model({"Objects": None, "ObjectsCopy": {
        "?": {"type": linked, "id": "top"}, "tag": "top",
        "links": [
            {"?": {"type": linked, "id": "left"}, "tag": "left", "links": ["top", "right"]},
            {"?": {"type": linked, "id": "right"}, "tag": "right", "links": ["top", "left"]},
        ]}})
    assert sorted(s.notes[:2]) == ["left", "right"]
    assert s.notes[2:] == ["top"]


# upstream: SampleClass1.yaml uses "Workflow:" (test_assignments.py, test_contracts.py setUp)
def test_workflow_section_is_a_synonym_of_methods():
    assert Shapes("workflow_section").run("shapes.legacy.OldStyle", "greet", "you") == \
        "hello, you"


# upstream: DerivedFrom2Classes.yaml testAccessAmbiguousPropertyWithoutResolver
# (test_property_access.py::test_access_ambiguous_property_without_resolver)
def test_property_from_two_parents_is_ambiguous():
    with pytest.raises(MuranoPlError) as info:
        Shapes("ownership").run("shapes.owning.TwoSided", "readShade")
    assert info.value.type_name == "AmbiguousPropertyNameError"


# upstream: ContractExamples.yaml TestIteratorsTransform.testProperties
# (test_contracts.py::TestContractsTransform::test_property)
@pytest.mark.parametrize(("method", "expected"), [
    ("fromSelect", ["7", "8", "9"]),
    ("fromWhere", ["a", "b"]),
])
def test_iterator_property_value_given_to_new(method, expected):
    assert Shapes("values").run("shapes.values.Shelf", method) == expected


# upstream: test_objects_copy_merge.py::test_merged
def test_doomed_object_sees_and_updates_the_surviving_new_generation():
    s = Shapes("gc")
    kind = "shapes.gc.Survivor"
    old = {"?": {"type": kind, "id": "keep"}, "tag": "v1",
           "peers": [{"?": {"type": kind, "id": "drop"}, "tag": "child", "peers": ["keep"]}]}
    new = {"?": {"type": kind, "id": "keep"}, "tag": "v2", "peers": []}
    root = s.rt.load_model({"Objects": new, "ObjectsCopy": old})
    assert s.notes == ["destroying child", "peer v2"]
    assert s.rt.call(root, "recall") == "told by child"


# upstream: test_macros.py::test_if_non_boolean (MacroExamples.testIfNonBoolean)
def test_if_uses_truthiness():
    assert Shapes("flow").run(FLOW, "truthy") == ["word", "seven"]


# upstream: test_macros.py::test_while_non_boolean
def test_while_uses_truthiness():
    s = Shapes("flow")
    assert s.run(FLOW, "drain") == []
    assert s.notes == ["x", "y"]


# upstream: SampleClass1.yaml testAssignmentOnProperty
# (test_assignments.py::test_assignment_on_property)
def test_path_assignment_into_unset_runtime_property():
    assert Shapes("values").run("shapes.values.Shelf", "fillScratch") == {
        "counts": [1, 20], "name": "shelf"}


# upstream: CreatingClass.yaml testLoadCompexModel / testSingleContractInstantiation
# (test_construction.py::test_model_load, test_single_contract_instantiation)
@pytest.mark.parametrize(("method", "expected"), [("viaTypeRef", "plain"), ("viaModel", 4)])
def test_empty_prefix_without_default_namespace(method, expected):
    assert Shapes("empty_prefix").run("PlainOwner", method) == expected


# upstream: TestEngineFunctions.yaml testToLower/testToUpper/testTrim/testSubstr/testType
# (test_engine_yaql_functions.py::test_lower, test_upper, test_trim, test_substr, test_type)
@pytest.mark.parametrize(("method", "expected"), [
    ("lower", "mixed"),
    ("upper", "MIXED"),
    ("trimmed", "padded"),
    ("pieces", ["bc", "ef"]),
    ("ownType", "shapes.strings.Strings"),
])
def test_murano_string_helpers(method, expected):
    assert Shapes("legacy_functions").run("shapes.strings.Strings", method) == expected


# upstream: TestEngineFunctions.yaml testPatch (test_engine_yaql_functions.py::test_patch)
def test_json_patch_on_dicts():
    assert Shapes("legacy_functions").run("shapes.strings.Strings", "patched") == {"b": 2}


# upstream: TestStatics.yaml (test_statics.py::test_access_static_property_*,
# test_modify_static_property_using_class_name)
def test_static_property_default_and_update():
    s = Shapes("statics")
    assert s.run("shapes.statics.Counter", "readShared") == 5
    assert s.rt.call("shapes.statics.Counter", "bump") == 6


# upstream: ContractExamples.yaml testDictMultiExprContract
# (test_contracts.py::test_invalid_dict_expr_contract)
def test_dict_contract_with_two_key_patterns_is_a_syntax_error():
    with pytest.raises(MuranoPlError) as info:
        Shapes("ownership").run("shapes.owning.Keeper", "twoKeyPatterns", {"1": "a"})
    assert info.value.type_name == "DslContractSyntaxError"


# upstream: TestMethodParamInheritance.yaml testRunWithoutParam
# (test_method_param_inheritance.py: ContractViolationException, not a missing value)
def test_omitted_argument_without_default_is_null():
    s = Shapes("missing_args")
    assert s.run("shapes.optional.Caller", "omitNullable") == ["first", None]
    with pytest.raises(MuranoPlError) as info:
        s.run("shapes.optional.Caller", "omitRequired")
    assert info.value.type_name == "ContractViolationException"


# upstream: test_engine_yaql_functions.py::test_random_name (names longer than 12)
def test_random_names_are_longer_than_twelve_characters():
    first, second = Shapes("names").run("shapes.names.Namer", "two")
    assert first != second
    assert len(first) > 12 and len(second) > 12


# upstream: TestGC.yaml (classes after the first document use the first one's "sys:")
def test_later_documents_inherit_namespaces():
    assert Shapes("carry_ns").run("shapes.carry.First", "viaSecond") is True


# upstream: test_macros.py::test_switch_non_boolean
def test_switch_uses_truthiness():
    assert Shapes("flow").run(FLOW, "firstTruthy") == ["text", "oneItem"]


# upstream: TestStatics.yaml (Namespaces-only first document, "--- # comment" separators)
def test_namespaces_header_document_applies_to_later_documents():
    assert Shapes("header_doc").run("shapes.header.Alpha", "partner") == \
        "beta_of_header"


# upstream: CreatedClass1.yaml .init(property1) (test_construction.py::test_new)
def test_init_arguments_come_from_new_keywords():
    s = Shapes("init_args")
    assert s.run("shapes.init.Maker", "make") == 3
    assert s.notes == ["draft"]


# upstream: CreatedClass1.yaml (.init assigns $.property1, an In property)
def test_init_may_write_own_in_property():
    assert Shapes("init_args").run("shapes.init.Maker", "makeAndFix") == "final"


# upstream: ContractExamples.yaml testNotOwnedContract
# (test_contracts.py::test_not_owned_contract)
def test_object_from_argument_model_is_not_owned():
    model = {"?": {"type": "shapes.owning.Thing", "id": "thing-1"}, "name": "loose"}
    assert Shapes("ownership").run("shapes.owning.Keeper", "mustBeFree", model) == "loose"


# upstream: test_gc.py::test_collect_from_code / test_collect_with_subscription
def test_gc_collect_destroys_unreachable_objects():
    s = Shapes("gc")
    assert s.run("shapes.gc.Sweeper", "dropAndCollect") == "kept"
    assert s.notes == ["gone temp", "collected"]


def test_gc_destruction_subscription_runs_the_handler_first():
    s = Shapes("gc")
    s.run("shapes.gc.Sweeper", "watch")
    assert s.notes == ["handler watched", "gone watched"]


# upstream: test_contracts.py::test_class_contract_by_ref (assertNotEqual(arg.id, result.id))
def test_object_from_argument_model_gets_a_fresh_id():
    model = {"?": {"type": "shapes.owning.Thing", "id": "given-id"}, "name": "n"}
    assert Shapes("ownership").run("shapes.owning.Keeper", "idOf", model) != "given-id"


# upstream: test_concurrency.py::test_concurrent_explicit / test_argbased_*_concurrent
@pytest.mark.parametrize("method", ["sameObjectOptedOut", "manyObjects"])
def test_pselect_interleaves_calls_that_are_not_isolated(method):
    s = Shapes("locking")
    s.run("shapes.locking.Worker", method)
    assert s.notes == ["1-in", "2-in", "3-in", "1-out", "2-out", "3-out"]


def _objects_by_id(node, found):
    """Every object-model dict (with a '?' header) inside ``node``, by id."""
    if isinstance(node, dict):
        head = node.get("?")
        if isinstance(head, dict) and "id" in head:
            found[head["id"]] = node
        for value in node.values():
            _objects_by_id(value, found)
    elif isinstance(node, list):
        for value in node:
            _objects_by_id(value, found)
    return found


# upstream: CreatingClass.testNewWithOwnership (test_construction.py::test_new_with_ownership:
# the owner-less object kept in an Out property is serialised in place)
def test_ownerless_object_in_a_property_is_serialised():
    s = Shapes("serialize")
    holder = s.rt.load_model({"?": {"type": "shapes.keep.Holder", "id": "holder"}})
    s.rt.call(holder, "makeLoose")
    objects = s.rt.serialize()["Objects"]
    ref = objects["loose"]
    ref_id = ref if isinstance(ref, str) else ref["?"]["id"]
    kept = _objects_by_id(objects, {})
    assert ref_id in kept
    assert kept[ref_id]["label"] == "free"


# upstream: class loader maps "initialize" -> ".init" and "destroy" -> ".destroy"
# (murano-apps ApacheHttpServer.yaml: `initialize:` sets $._environment used by deploy)
def test_initialize_and_destroy_are_lifecycle_methods():
    s = Shapes("old_lifecycle")
    obj = s.rt.load_model({"?": {"type": "shapes.old.Veteran", "id": "v"}})
    assert s.rt.call(obj, "isReady") is True
    s.rt.finalize()
    assert s.notes == ["init vet", "bye vet"]


# upstream: CreatingClass.yaml testLoadCompexModel (test_construction.py::test_model_load)
def test_short_model_with_id_key():
    s = Shapes("short_models")
    assert s.run("shapes.graph.Builder", "outerOnly") == ["alone", True]


def test_nested_short_models_with_references():
    assert Shapes("short_models").run("shapes.graph.Builder", "nested") == [
        ["left", "right", "right"], True, True, "left"]


# upstream: ContractExamples.testTemplateContractExcludePropertyFromMpl
# (test_contracts.py::test_template_contract_with_property_exclusion_from_mpl)
def test_template_contract_normalises_short_models():
    assert Shapes("contracts").run("shapes.contracts.Checker", "shortTemplate") == ["?", "name"]


# upstream: test_gc.py::test_collect_from_code / test_is_doomed (owned objects go first)
def test_gc_collect_destroys_owned_objects_first():
    s = Shapes("gc")
    s.run("shapes.gc.Sweeper", "dropTree")
    assert s.notes == ["gone child", "gone parent"]


# upstream: test_gc.py::test_call_on_destroyed_object
def test_call_on_destroyed_object_fails():
    s = Shapes("gc")
    with pytest.raises(MuranoPlError) as info:
        s.run("shapes.gc.Sweeper", "useAfterDestroy")
    assert info.value.type_name == "ObjectDestroyedError"
    assert s.notes == ["gone short"]


# upstream: test_gc.py::test_static_property_not_destroyed
def test_static_property_keeps_object_alive():
    s = Shapes("gc")
    assert s.run("shapes.gc.Sweeper", "parkInStatic") == "parked"
    assert s.notes == []


# upstream: test_gc.py::test_destruction_dependencies_serialization
def test_destruction_subscription_is_serialised():
    s = Shapes("gc")
    sweeper = s.rt.load_model({"?": {"type": "shapes.gc.Sweeper", "id": "sweeper"}})
    s.rt.call(sweeper, "watchKept")
    head = s.rt.serialize()["Objects"]["kept"]["?"]
    assert head["dependencies"] == {
        "onDestruction": [{"subscriber": "sweeper", "handler": "onGone"}]}


# upstream: the manifest's Classes map names the classes (murano-apps Cassandra manifest vs
# CassandraNode.yaml namespace)
def test_manifest_class_name_wins_over_the_file_namespace():
    assert Shapes("manifest_name").run("shapes.manifest.Ring", "memberTag") == "member"


# upstream core library: io.murano.system.Resources methods are callable on the type
# (murano-apps CassandraNode.yaml: `sys:Resources.string('updateCassandraYaml.sh')`)
def test_resources_are_readable_through_the_type():
    s = Shapes("static_resources")
    assert s.run("shapes.res.Reader", "viaInstance") == "hello from resources\n"
    assert s.run("shapes.res.Reader", "viaType") == "hello from resources\n"


# upstream: test_reflection.py (typeinfo(...).ancestors/properties/methods, method.invoke,
# property.getValue); typeinfo($).name alone already works
def test_reflection_through_typeinfo():
    s = Shapes("reflection")
    assert s.run("shapes.mirror.Mirror", "name") == "shapes.mirror.Mirror"
    assert s.run("shapes.mirror.Mirror", "listing") == {
        "parents": ["io.murano.Object"], "props": ["shade"],
        "own": ["join", "listing", "name", "viaReflection"]}
    assert s.run("shapes.mirror.Mirror", "viaReflection") == ["ab", "silver"]
