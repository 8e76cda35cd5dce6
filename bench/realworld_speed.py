#!/usr/bin/env python3
"""Speed figures of issue 10 ("Real-world MuranoPL ... fast"); prints them beside their goals.

Every timed run's result is checked (benchcheck): a wrong one, or a failed command, stops the
bench with exit status 1; a failed corpus step (figure 4) is printed and makes it exit 1.

    python bench/realworld_speed.py [--corpus DIR] [--profile] [--repeat N]

1. calls inside yaql expressions: ``range(0, $n).select(new(Node, value => $))
   .select($.getValue()).sum()`` in microseconds per item, beside the statement form
   (a ``For`` loop doing the same), goal <= 100 us per item;
2. a second ``Runtime`` over the same class files in one process: construction plus a
   first trivial call, first Runtime versus the following ones (goal: <= 10 ms per
   small MuranoPL test beyond its own work);
3. the minimum cluster + pod dry-run as a whole ``muranokit deploy`` command (our
   examples/kubernetes/cluster-with-pod.json; goal < 0.6 s);
4. with ``--corpus``: the upstream Kubernetes suite's cluster flow (deploy + the four
   scale actions, through bench/compat.py's flow runner; goal < 3 s), for Calico and for
   Flannel, and its cluster + pod (two commands, the form-built way).

``--profile`` adds the top cProfile entries (cumulative) of figure 1 and of the figure-3
command run in-process.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from benchcheck import BenchFailure, expect, run_checked  # noqa: E402

NODE_CLASS = textwrap.dedent("""\
    Namespaces:
      =: bench.calls
    Name: Node
    Properties:
      value:
        Contract: $.int()
    Methods:
      getValue:
        Body:
          - Return: $.value
    ---
    Namespaces:
      =: bench.calls
    Name: Driver
    Methods:
      expressionForm:
        Arguments:
          - n:
              Contract: $.int()
        Body:
          - Return: range(0, $n).select(new(Node, value => $)).select($.getValue()).sum()
      statementForm:
        Arguments:
          - n:
              Contract: $.int()
        Body:
          - $total: 0
          - For: i
            In: range(0, $n)
            Do:
              - $node: new(Node, value => $i)
              - $total: $total + $node.getValue()
          - Return: $total
      nothing:
        Body:
          - Return: 1
    """)


def best_of(repeat: int, func) -> float:
    """Best wall time of ``repeat`` runs of ``func()`` in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def class_folder() -> str:
    folder = tempfile.mkdtemp(prefix="muranokit-speed-")
    Path(folder, "Node.yaml").write_text(NODE_CLASS)
    return folder


def expression_figures(folder: str, repeat: int, profile: bool) -> None:
    from muranokit.engine import Runtime
    rt = Runtime([folder])
    driver = rt.new("bench.calls.Driver")
    for n in (100, 1000):
        expected = n * (n - 1) // 2

        def checked(method: str, n: int = n, expected: int = expected) -> None:
            expect(f"Driver.{method}({n})", rt.call(driver, method, n), expected)
        expr = best_of(repeat, lambda: checked("expressionForm")) / n
        stmt = best_of(repeat, lambda: checked("statementForm")) / n
        print(f"1. n={n}: expression form {expr * 1e6:7.1f} us/item, statement form "
              f"{stmt * 1e6:7.1f} us/item (goal <= 100 us/item in the expression)")
    if profile:
        print_profile("figure 1, expression form n=1000",
                      lambda: rt.call(driver, "expressionForm", 1000))


ENVIRONMENT = {"Objects": {
    "?": {"id": "b0000000000000000000000000000001", "type": "io.murano.Environment"},
    "name": "speed", "applications": [],
    "defaultNetworks": {"environment": {"?": {"id": "b0000000000000000000000000000002",
                                              "type": "io.murano.resources.NeutronNetwork"},
                                        "name": "speed-net"}, "flat": None}},
    "Attributes": []}


def runtime_reuse(folder: str, count: int = 20) -> None:
    from muranokit.engine import Runtime

    def trivial() -> None:
        rt = Runtime([folder])
        expect("Driver.nothing()", rt.call(rt.new("bench.calls.Driver"), "nothing"), 1)

    def with_environment() -> None:
        rt = Runtime([folder])
        env = rt.load_model(ENVIRONMENT)
        rt.call(env, "deploy")
        expect("Driver.nothing()", rt.call(rt.new("bench.calls.Driver"), "nothing"), 1)
    for label, func in (("a trivial call", trivial),
                        ("an Environment loaded and deployed", with_environment)):
        times = []
        for _ in range(count):
            start = time.perf_counter()
            func()
            times.append(time.perf_counter() - start)
        later = sorted(times[1:])
        print(f"2. Runtime + {label}: first {times[0] * 1e3:.1f} ms, following median "
              f"{later[len(later) // 2] * 1e3:.1f} ms, best {later[0] * 1e3:.1f} ms "
              f"({count} runtimes; goal <= 10 ms per test beyond its work)")


def muranokit_exe() -> str:
    beside = Path(sys.executable).parent / "muranokit"
    return str(beside) if beside.is_file() else (shutil.which("muranokit") or "muranokit")


def whole_command(repeat: int, profile: bool) -> None:
    model = ROOT / "examples" / "kubernetes" / "cluster-with-pod.json"
    exe = muranokit_exe()

    def run() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            state = os.path.join(tmp, "state")
            run_checked([exe, "deploy", str(model), "--state", state, "--report", "json",
                         "-o", os.path.join(tmp, "r.json")], "cluster-with-pod deploy",
                        cwd=ROOT)
    seconds = best_of(repeat, run)
    floor = best_of(repeat, lambda: run_checked([exe, "--help"], "muranokit --help"))
    print(f"3. minimum cluster + pod, whole `muranokit deploy --state`: {seconds:.2f} s "
          f"(goal < 0.6 s; `muranokit --help` alone {floor:.2f} s)")
    if profile:
        from muranokit.tools.cli import main

        def in_process() -> None:
            with tempfile.TemporaryDirectory() as tmp:
                cwd = os.getcwd()
                os.chdir(ROOT)
                try:
                    main(["deploy", str(model), "--state", os.path.join(tmp, "state"),
                          "--report", "json", "-o", os.path.join(tmp, "r.json")])
                finally:
                    os.chdir(cwd)
        print_profile("figure 3 in-process", in_process)


def corpus_figures(corpus: str) -> int:
    """Print figure 4; returns the number of flows with a failed step."""
    import compat
    failures = 0
    packages = compat.discover([corpus])
    catalog = compat.Catalog(packages)
    work = Path(tempfile.mkdtemp(prefix="muranokit-speed-corpus-"))
    try:
        kit = compat.Muranokit(muranokit_exe(), [p.path for p in packages], work)
        runner = compat.FlowRunner(kit, catalog, work)
        flows, _unplanned = compat.plan_flows(catalog, {})
        clusters = [f for f in flows if f.root and compat.Catalog.actions(
            catalog, f.target.pkg.app_type or "") and any(
            a.startswith("scale") for a in catalog.actions(f.target.pkg.app_type or ""))]
        for plan in clusters:
            start = len(runner.rows)
            runner.run_flow(plan)
            rows = [r for r in runner.rows[start:]
                    if r.step.split(" ")[0] in ("deploy",) or r.step.startswith("scale")]
            total = sum(r.seconds for r in rows)
            failed = [r for r in rows if r.status != "ok"]
            state = "ok" if not failed else f"FAILED at {failed[0].step}: {failed[0].detail}"
            failures += bool(failed)
            print(f"4. corpus {plan.name}: deploy + {len(rows) - 1} scale actions "
                  f"{total:.2f} s (goal < 3 s) [{state}]")
        pods = [f for f in flows if not f.root and len(f.chain) == 1
                and f.chain[0].pkg.short in (c.target.pkg.short for c in clusters)]
        presets = {"KubernetesCluster": {"useFlannel": "true"}}
        for plan in pods:
            for label, chosen in (("calico", {}), ("flannel", presets)):
                flows2, _ = compat.plan_flows(catalog, chosen)
                twin = next(f for f in flows2 if f.name == plan.name)
                sub = compat.FlowRunner(kit, catalog, work)
                sub.run_flow(twin)
                steps = [r for r in sub.rows if r.step.startswith(("setup", "deploy ("))]
                total = sum(r.seconds for r in steps)
                bad = [r for r in steps if r.status != "ok"]
                state = "ok" if not bad else f"FAILED at {bad[0].step}: {bad[0].detail}"
                failures += bool(bad)
                print(f"4. corpus {plan.name} ({label}): cluster + pod, two commands "
                      f"{total:.2f} s [{state}]")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return failures


def print_profile(title: str, func) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    func()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    print(f"--- cProfile: {title} (top 25 by cumulative time)")
    print("\n".join(line for line in out.getvalue().splitlines()[4:] if line.strip()))
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
    print(f"--- cProfile: {title} (top 15 by own time)")
    print("\n".join(line for line in out.getvalue().splitlines()[4:] if line.strip()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", metavar="DIR",
                        help="a folder with the upstream Kubernetes suite (figure 4)")
    parser.add_argument("--profile", action="store_true", help="print cProfile top entries")
    parser.add_argument("--repeat", type=int, default=3, help="best of N (default 3)")
    args = parser.parse_args()
    folder = class_folder()
    try:
        expression_figures(folder, args.repeat, args.profile)
        runtime_reuse(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    whole_command(args.repeat, args.profile)
    if args.corpus and (failed := corpus_figures(args.corpus)):
        raise BenchFailure(f"{failed} corpus flow(s) failed (rows marked FAILED above)")
    print("every timed result checked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
