#!/usr/bin/env python3
"""Whole-command time of ``muranokit deploy`` for a fleet of N instances (one agent plan each).

Runs ``muranokit deploy -p bench/fleet MODEL.json`` in a fresh process for every N (default
10, 50 and 200), from an empty working folder so that only the fleet package and the core
library load, and prints the best wall time of ``--repeat`` runs per N, then
time(200)/time(50). Goals: the 200-instance run under 10 s, the ratio at most 4.5.
Every run is checked: the deploy must exit 0 and its JSON report must hold one agent plan
per instance, on as many distinct VMs; otherwise the bench stops with exit status 1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

from benchcheck import BenchFailure, expect, run_checked

HERE = os.path.dirname(os.path.abspath(__file__))
FLEET = os.path.join(HERE, "fleet")
GOAL_SECONDS = 10.0
GOAL_RATIO = 4.5


def fleet_model(count: int) -> dict:
    """An Environment with one com.example.bench.Fleet application of ``count`` instances."""
    return {"Objects": {
        "?": {"id": "bench-environment", "type": "io.murano.Environment"},
        "name": "bench",
        "defaultNetworks": {
            "environment": {"?": {"id": "bench-network",
                                  "type": "io.murano.resources.NeutronNetwork"},
                            "name": "bench-network"},
            "flat": None},
        "applications": [{"?": {"id": "bench-fleet", "type": "com.example.bench.Fleet"},
                          "count": count}]},
        "Attributes": []}


def time_deploy(count: int, workdir: str) -> tuple[float, int]:
    """(seconds, number of agent plans in the JSON report) of one deploy run."""
    model = os.path.join(workdir, f"fleet-{count}.json")
    report = os.path.join(workdir, f"report-{count}.jsonl")
    with open(model, "w", encoding="utf-8") as fh:
        json.dump(fleet_model(count), fh)
    command = [sys.executable, "-m", "muranokit.tools.cli", "deploy", "-p", FLEET, model,
               "--report", "json", "-o", report]
    start = time.perf_counter()
    run_checked(command, f"deploy of {count} instances", cwd=workdir)
    elapsed = time.perf_counter() - start
    with open(report, encoding="utf-8") as fh:
        return elapsed, check_report(fh.read(), count)


def check_report(report: str, count: int) -> int:
    """Stop the bench unless the JSON report has ``count`` agent plans on ``count`` VMs."""
    try:
        records = [json.loads(line) for line in report.splitlines() if line.strip()]
    except ValueError as exc:
        raise BenchFailure(f"the deploy report is not JSON lines: {exc}") from None
    plans = [r for r in records if r.get("kind") == "agent_plan"]
    expect(f"agent plans for {count} instances", len(plans), count)
    expect(f"VMs given a plan for {count} instances", len({p.get("vm") for p in plans}), count)
    if not any(r.get("kind") == "result" for r in records):
        raise BenchFailure("the deploy report has no result line")
    return len(plans)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[10, 50, 200],
                        help="instance counts to time (default: 10 50 200)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per count; the best time is reported (default: 1)")
    args = parser.parse_args(argv)
    best: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="muranokit-bench-") as workdir:
        for count in args.counts:
            times = [time_deploy(count, workdir)[0] for _ in range(max(1, args.repeat))]
            best[count] = min(times)
            runs = ", ".join(f"{t:.2f}" for t in times)
            print(f"deploy N={count:>4}: {best[count]:6.2f} s  (runs: {runs}; "
                  f"{best[count] / count * 1000:.1f} ms per instance)", flush=True)
    verdict = 0
    if 200 in best:
        ok = best[200] < GOAL_SECONDS
        verdict |= 0 if ok else 1
        print(f"goal N=200 < {GOAL_SECONDS:.0f} s: {'met' if ok else 'NOT met'}")
    if 200 in best and 50 in best:
        ratio = best[200] / best[50]
        ok = ratio <= GOAL_RATIO
        verdict |= 0 if ok else 1
        print(f"time(200)/time(50) = {ratio:.2f} (goal <= {GOAL_RATIO}): "
              f"{'met' if ok else 'NOT met'}")
    print("every run checked")
    return verdict


if __name__ == "__main__":
    raise SystemExit(main())
