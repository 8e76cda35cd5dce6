"""Runaway MuranoPL: budgets for the whole run (steps, engine time) and per value (collection
and value size, as upstream sets yaql's limits) stop it quickly with a MuranoPL error at the
line that ran away, never a MemoryError; a deployment within them is not disturbed."""

import pytest
from realworld_support import Engine, fixture

from muranokit.engine import Limits, MuranoPlError

RUNAWAY = "rw.budgets.Runaway"


def line_of(text: str) -> int:
    lines = open(fixture("budgets", "Runaway.yaml")).read().splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def failure(method: str, **limits) -> MuranoPlError:
    engine = Engine("budgets", limits=Limits(**limits))
    with pytest.raises(MuranoPlError) as info:
        engine.run(RUNAWAY, method)
    return info.value


def test_nested_loops_each_under_the_loop_limit_hit_the_step_budget():
    err = failure("nestedLoops", max_steps=20_000)
    assert err.type_name == "StepBudgetExceeded"
    assert "20000 steps" in err.message
    assert err.file.endswith("Runaway.yaml") and err.line == line_of("$count: $count + 1")
    assert [f.method for f in err.stack] == ["nestedLoops"]


def test_loops_with_empty_bodies_spend_a_step_per_iteration():
    err = failure("emptyNestedLoops", max_steps=50_000, max_seconds=None)
    assert err.type_name == "StepBudgetExceeded"
    assert err.line == line_of("While: true")


def test_a_huge_list_is_refused_as_upstream_refuses_it():
    err = failure("hugeList")
    assert err.names == ["yaql.language.exceptions.CollectionTooLargeException"]
    assert err.line == line_of("list(range(0, 100000000))")


def test_a_lazy_sequence_kept_in_a_variable_is_bounded_too():
    err = failure("lazyIntoVariable", max_collection=500)
    assert err.names == ["yaql.language.exceptions.CollectionTooLargeException"]
    assert "500" in err.message


@pytest.mark.parametrize(("method", "name"), [
    ("doubling", "MemoryQuotaExceededException"),
    ("doublingList", "CollectionTooLargeException")])
def test_doubling_a_value_stops_at_the_value_limits(method, name):
    err = failure(method)
    assert err.names == ["yaql.language.exceptions." + name]
    assert err.line == line_of("$text + $text" if method == "doubling" else "$items + $items")


def test_the_value_limit_is_the_runs_own():
    err = failure("doubling", max_value_bytes=4096)
    engine = Engine("budgets", limits=Limits(max_value_bytes=4096))
    assert err.names == ["yaql.language.exceptions.MemoryQuotaExceededException"]
    assert engine.run(RUNAWAY, "withinBudget") == 1999000   # the next run is not affected


def test_a_catch_cannot_swallow_an_exceeded_budget():
    err = failure("catchAll", max_steps=5_000)
    assert err.type_name == "StepBudgetExceeded"


def test_engine_time_budget_stops_work_inside_one_expression():
    err = failure("yaqlOnly", max_seconds=0.3, max_steps=None)
    assert err.type_name == "TimeBudgetExceeded"
    assert err.line == line_of("range(0, 2000).select(range(0, 2000)")


def test_work_within_the_budgets_is_untouched_and_measured():
    engine = Engine("budgets")
    assert engine.run(RUNAWAY, "withinBudget") == sum(range(2000))
    usage = engine.rt.usage()
    assert 4000 < usage["steps"] < 5000     # 2000 iterations, each running one statement
    assert usage["largest_collection"] == 2000
    assert usage["seconds"] >= 0
