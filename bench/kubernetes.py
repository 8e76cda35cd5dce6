#!/usr/bin/env python3
"""Dry-run figures of the Kubernetes suite (prints them; not a test).

- the minimum cluster (1 master, 1 node, 1 gateway) plus a pod, as a whole
  `muranokit deploy` command when that command exists, and in-process;
- clusters of 50 and 200 nodes, and the ratio time(200)/time(50) (goal <= 4.5);
- the scaleNodesUp action on a 50-node state (goal < 1 s).

Every timed run is checked (it succeeded, the cluster has the nodes asked for, every VM got
its agent plans); a wrong one stops the bench with exit status 1.

Run from the repository root: python3 bench/kubernetes.py
"""

from __future__ import annotations

import copy
import json
import os
import sys
import tempfile
import time

from benchcheck import BenchFailure, expect, run_checked

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "packages"))

from k8s_dryrun import Deployment, cluster_of, example, find, plans_by_vm  # noqa: E402


def sized_cluster(nodes: int, pool: int) -> dict:
    """The minimal example with a pool of `pool` nodes of which `nodes` are used."""
    model = example("minimal-cluster.json")
    cluster = model["Objects"]["applications"][0]
    template = cluster["minionNodes"][0]
    cluster["minionNodes"] = []
    for index in range(pool):
        text = json.dumps(template).replace("murano-kube-2", f"murano-kube-{index + 2}")
        node = json.loads(text)
        node["?"]["id"] = f"{template['?']['id']}-{index}"
        node["instance"]["?"]["id"] = f"{template['instance']['?']['id']}-{index}"
        cluster["minionNodes"].append(node)
    cluster["nodeCount"] = nodes
    return model


def timed(func):
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def cluster_vms(nodes: int) -> set[str]:
    """The VMs of the minimal example's cluster with ``nodes`` nodes in use."""
    return {"murano-kube-1", "murano-gateway-1",
            *(f"murano-kube-{index + 2}" for index in range(nodes))}


def check_deploy(what: str, out, nodes: int, pods: tuple[str, ...] = ()) -> None:
    """Stop the bench unless the deployment succeeded with ``nodes`` nodes, every VM of the
    cluster got agent plans and the pods named exist."""
    if not out.ok:
        raise BenchFailure(f"{what} failed (exit {out.exit_code}): {out.error[-3000:]}")
    expect(f"{what}: nodeCount", cluster_of(out)["nodeCount"], nodes)
    expect(f"{what}: VMs given agent plans", set(plans_by_vm(out)), cluster_vms(nodes))
    expect(f"{what}: pods", sorted(p["name"] for p in find(out.model, ".KubernetesPod")),
           sorted(pods))


def whole_command(model_path: str) -> float:
    """Seconds of `muranokit deploy MODEL` in a fresh process; the run is checked."""
    with tempfile.TemporaryDirectory() as state:
        report = os.path.join(state, "report.jsonl")
        argv = [sys.executable, "-m", "muranokit.tools.cli", "deploy", model_path,
                "--state", os.path.join(state, "st"), "--report", "json", "-o", report]
        start = time.perf_counter()
        run_checked(argv, "muranokit deploy " + os.path.basename(model_path), cwd=ROOT)
        elapsed = time.perf_counter() - start
        with open(report, encoding="utf-8") as fh:
            records = [json.loads(line) for line in fh if line.strip()]
    results = [r for r in records if r.get("kind") == "result"]
    if not results:
        raise BenchFailure("muranokit deploy wrote no result line")
    pods = [p["name"] for p in find(results[-1]["model"], ".KubernetesPod")]
    expect("whole command: pods in the final model", pods, ["web"])
    return elapsed


def main() -> int:
    with_pod = os.path.join(ROOT, "examples", "kubernetes", "cluster-with-pod.json")
    seconds = whole_command(with_pod)
    print(f"minimum cluster + pod, whole command: {seconds:.2f} s (goal < 1 s)")
    seconds, out = timed(lambda: Deployment(example("cluster-with-pod.json")).deploy())
    check_deploy("minimum cluster + pod", out, 1, pods=("web",))
    print(f"minimum cluster + pod, in-process deploy: {seconds:.2f} s")

    figures = {}
    for nodes in (50, 200):
        seconds, out = timed(lambda n=nodes: Deployment(sized_cluster(n, n)).deploy())
        check_deploy(f"{nodes}-node cluster deploy", out, nodes)
        figures[nodes] = seconds
        plans = sum(1 for e in out.events if e["kind"] == "agent_plan")
        print(f"{nodes}-node cluster deploy: {seconds:.2f} s ({plans} agent plans)")
    print(f"time(200)/time(50) = {figures[200] / figures[50]:.2f} (goal <= 4.5)")

    deployment = Deployment(sized_cluster(50, 51))
    first = deployment.deploy()
    check_deploy("50-node cluster deploy (pool of 51)", first, 50)
    cluster_id = cluster_of(first)["?"]["id"]
    state = copy.deepcopy(deployment.state)
    seconds, out = timed(lambda: deployment.action(cluster_id, "scaleNodesUp"))
    if not out.ok:
        raise BenchFailure(f"scaleNodesUp failed (exit {out.exit_code}): {out.error[-3000:]}")
    expect("scaleNodesUp: nodeCount", cluster_of(out)["nodeCount"], 51)
    expect("scaleNodesUp: VMs given agent plans", set(plans_by_vm(out)) >= {"murano-kube-52"},
           True)
    print(f"scaleNodesUp on a 50-node state: {seconds:.2f} s (goal < 1 s)")
    deployment.state = state
    print("every timed result checked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
