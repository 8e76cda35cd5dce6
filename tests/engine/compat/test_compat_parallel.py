"""Parallel and pselect: every branch runs, deterministically, and errors surface."""

import pytest
from compat_support import Harness, line_of, murano_frames

from muranokit.engine import MuranoPlError

WORKERS = ["w1", "w2", "w3", "w4"]


def runner(h, names=WORKERS):
    workers = [{"?": {"type": "compat.parallel.Worker", "id": n}, "name": n} for n in names]
    return h.rt.load_model({"?": {"type": "compat.parallel.Runner", "id": "runner"},
                            "workers": workers})


def fresh_run(method, names=WORKERS):
    h = Harness("parallel")
    result = h.call(runner(h, names), method)
    return result, h.traces


def test_branches_all_run_before_next_statement():
    _, traces = fresh_run("simple")
    assert sorted(traces[:3]) == ["a", "b", "c"]
    assert traces[3:] == ["done"]


def test_branches_interleave_deterministically():
    _, first = fresh_run("interleaved")
    _, second = fresh_run("interleaved")
    assert first == second
    # branches start in order and switch at each sleep(), as Murano's green threads do
    assert first == ["a1", "b1", "a2", "b2", "done"]


def test_limit_one_runs_in_order():
    _, traces = fresh_run("limited")
    assert traces == ["x", "y", "done"]


def test_parallel_block_calls_methods_on_lists_of_objects():
    result, traces = fresh_run("workersInParallel")
    assert result == ["done"] * 4
    for name in WORKERS:
        assert traces.index(f"{name} start") < traces.index(f"{name} end")
    assert sorted(traces) == sorted([f"{n} start" for n in WORKERS] + [f"{n} end" for n in WORKERS])
    _, again = fresh_run("workersInParallel")
    assert again == traces


def test_pselect_over_objects_keeps_result_order():
    result, traces = fresh_run("workersPselect")
    assert result == WORKERS
    assert traces == [f"{n} start" for n in WORKERS] + [f"{n} end" for n in WORKERS]
    _, again = fresh_run("workersPselect")
    assert again == traces


def test_branches_share_the_method_scope():
    result, _ = fresh_run("sharedLocals")
    assert result == 3


def test_property_writes_in_branches_are_kept():
    result, _ = fresh_run("assignInBranches")
    assert result == ["done", "done"]


def test_exception_in_pselect_surfaces():
    h = Harness("parallel")
    with pytest.raises(MuranoPlError) as info:
        h.call(runner(h), "failingPselect")
    assert info.value.type_name == "compat.parallel.Boom"
    assert "not reached" not in h.traces
    throw_line = line_of("parallel/parallel.yaml", "- Throw: compat.parallel.Boom")
    assert ("parallel.yaml", throw_line, "explode", "compat.parallel.Worker") in \
        murano_frames(info.value)


def test_exception_in_branch_surfaces_with_its_stack():
    h = Harness("parallel")
    obj = runner(h)
    with pytest.raises(MuranoPlError) as info:
        h.call(obj, "failingBranch")
    err = info.value
    assert err.type_name == "compat.parallel.Boom"
    assert err.message == "branch failed"
    assert "not reached" not in h.traces
    assert "w1 exploding" in h.traces
    throw_line = line_of("parallel/parallel.yaml", "- Throw: compat.parallel.Boom")
    frames = murano_frames(err)
    assert ("parallel.yaml", throw_line, "explode", "compat.parallel.Worker") in frames
    call_line = line_of("parallel/parallel.yaml", "- $.workers[0].explode()")
    assert ("parallel.yaml", call_line, "failingBranch", "compat.parallel.Runner") in frames
