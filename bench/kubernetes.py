#!/usr/bin/env python3
"""Dry-run figures of the Kubernetes suite (prints them; not a test).

- the minimum cluster (1 master, 1 node, 1 gateway) plus a pod, as a whole
  `muranokit deploy` command when that command exists, and in-process;
- clusters of 50 and 200 nodes, and the ratio time(200)/time(50) (goal <= 4.5);
- the scaleNodesUp action on a 50-node state (goal < 1 s).

Run from the repository root: python3 bench/kubernetes.py
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "packages"))

from k8s_dryrun import Deployment, cluster_of, example  # noqa: E402


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


def whole_command(model_path: str) -> float | None:
    """Seconds of `muranokit deploy MODEL` in a fresh process, or None without the command."""
    exe = shutil.which("muranokit")
    if exe is None:
        return None
    probe = subprocess.run([exe, "deploy", "--help"], capture_output=True, text=True)
    if probe.returncode != 0:
        return None
    with tempfile.TemporaryDirectory() as state:
        start = time.perf_counter()
        done = subprocess.run([exe, "deploy", model_path, "--state", state, "--report", "json"],
                              capture_output=True, text=True, cwd=ROOT)
        elapsed = time.perf_counter() - start
    return elapsed if done.returncode == 0 else None


def main() -> int:
    with_pod = os.path.join(ROOT, "examples", "kubernetes", "cluster-with-pod.json")
    seconds = whole_command(with_pod)
    shown = "n/a (no muranokit deploy)" if seconds is None else f"{seconds:.2f} s"
    print(f"minimum cluster + pod, whole command: {shown} (goal < 1 s)")
    seconds, out = timed(lambda: Deployment(example("cluster-with-pod.json")).deploy())
    assert out.ok, out.error
    print(f"minimum cluster + pod, in-process deploy: {seconds:.2f} s")

    figures = {}
    for nodes in (50, 200):
        seconds, out = timed(lambda n=nodes: Deployment(sized_cluster(n, n)).deploy())
        assert out.ok, out.error
        figures[nodes] = seconds
        plans = sum(1 for e in out.events if e["kind"] == "agent_plan")
        print(f"{nodes}-node cluster deploy: {seconds:.2f} s ({plans} agent plans)")
    print(f"time(200)/time(50) = {figures[200] / figures[50]:.2f} (goal <= 4.5)")

    deployment = Deployment(sized_cluster(50, 51))
    cluster_id = cluster_of(deployment.deploy())["?"]["id"]
    state = copy.deepcopy(deployment.state)
    seconds, out = timed(lambda: deployment.action(cluster_id, "scaleNodesUp"))
    assert out.ok and cluster_of(out)["nodeCount"] == 51, out.error
    print(f"scaleNodesUp on a 50-node state: {seconds:.2f} s (goal < 1 s)")
    deployment.state = state
    return 0


if __name__ == "__main__":
    sys.exit(main())
