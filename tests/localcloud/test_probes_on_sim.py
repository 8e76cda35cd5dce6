"""The probes' own MuranoPL logic, on the simulated cloud with agent rules that answer what
real VMs answer (the qemu suites then only have to supply reality)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from muranokit.tools.cli import main

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
NODES = ("murano-kube-1", "murano-kube-2", "murano-gateway-1")


def member(index: int, name: str, status: str = "started") -> str:
    return (f"{index:016x}, {status}, {name}, http://10.0.0.{4 + index}:2380, "
            f"http://10.0.0.{4 + index}:2379, false")


def run(tmp_path: Path, rules: dict, *args: str) -> tuple[int, str]:
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(yaml.safe_dump(rules))
    report = tmp_path / "report.txt"
    code = main(["deploy", *args, "--agent-rules", str(rules_file), "-o", str(report)])
    return code, report.read_text()


def cluster_rules(members: list[str]) -> dict:
    agent = [{"plan": "List the etcd members", "body": ";".join(members)}]
    agent += [{"plan": "Run a container", "vm": node,
               "body": f"hello from a container on {node}"} for node in NODES]
    return {"agent": agent}


def test_cluster_probe_accepts_a_full_etcd_cluster(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    state = tmp_path / "state"
    code, report = run(tmp_path, cluster_rules([member(i, n) for i, n in enumerate(NODES)]),
                       str(HERE / "kubernetes-model.json"), "-p",
                       str(HERE / "packages" / "ClusterProbe"), "--state", str(state))
    assert code == 0, report[-3000:]
    assert ("etcd has 3 started members - murano-kube-1, murano-kube-2, murano-gateway-1"
            in report)
    assert "murano-gateway-1 says hello from a container on murano-gateway-1" in report
    rules = tmp_path / "rules.yaml"
    again = tmp_path / "again.txt"
    assert main(["action", "--state", str(state), "6a1f0d3c2b4e4f5a9c8d7e6f5a4b3c24", "check",
                 "--agent-rules", str(rules), "-o", str(again)]) == 0
    text = again.read_text()
    assert "etcd has 3 started members" in text
    assert "says hello" not in text            # every node already ran its container


def test_cluster_probe_refuses_a_member_that_did_not_start(tmp_path: Path,
                                                           monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    members = [member(0, NODES[0]), member(1, NODES[1]), member(2, "", "unstarted")]
    code, report = run(tmp_path, cluster_rules(members), str(HERE / "kubernetes-model.json"),
                       "-p", str(HERE / "packages" / "ClusterProbe"))
    assert code == 1
    assert "ProbeCheckFailed: murano-gateway-1 is not a started etcd member" in report


def test_local_probe_checks_every_answer(tmp_path: Path) -> None:
    marker = json.loads((HERE / "probe-model.json").read_text())[
        "Objects"]["applications"][0]["marker"]
    answers = {"Write the probe file": "f00d", "Hash the probe file": "f00d",
               "Read the probe file": marker,
               "Serve the probe file with a systemd unit": "active",
               "Fetch the probe file from the server VM": marker,
               "What the guest can reach": {"broker": True, "host": False, "outside": False}}
    rules = {"agent": [{"plan": name, "body": body} for name, body in answers.items()]}
    args = (str(HERE / "probe-model.json"), "-p", str(HERE / "packages" / "LocalProbe"))
    code, report = run(tmp_path, rules, *args)
    assert code == 0, report[-3000:]
    assert "All probe checks passed" in report
    rules["agent"][-1]["body"] = {"broker": True, "host": True, "outside": False}
    code, report = run(tmp_path, rules, *args)
    assert code == 1
    assert "ProbeCheckFailed: host reachable - expected False, got True" in report
