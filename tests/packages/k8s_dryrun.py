"""Dry-run helpers for the Kubernetes suite tests: a deployment as a series of
`muranokit deploy` / `muranokit action` commands sharing one state folder."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from k8s_package_helpers import EXAMPLES, PACKAGES, REPO, SUITE

TEST_APPS = Path(__file__).resolve().parent / "fixtures" / "docker_test_apps"
SUITE_FOLDERS = [str(PACKAGES / name) for name in SUITE]


def example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / name).read_text())


class Outcome:
    """What one `muranokit deploy`/`action` command reported (its JSON report)."""

    def __init__(self, exit_code: int, report_lines: list[str], stderr: str) -> None:
        records = [json.loads(line) for line in report_lines if line.strip()]
        self.exit_code = exit_code
        self.events = [r for r in records if r.get("kind") != "result"]
        result = [r for r in records if r.get("kind") == "result"]
        self.model = result[-1]["model"] if result else {}
        self.templates = result[-1].get("templates", {}) if result else {}
        self.stderr = stderr

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    @property
    def error(self) -> str:
        return self.stderr or json.dumps([e for e in self.events if e["kind"] == "exception"])


class Deployment:
    """One environment deployed step by step with the muranokit CLI (run in this
    process): each `deploy` or `action` continues the state folder of the last."""

    def __init__(self, model: dict[str, Any], extra_packages: tuple[str, ...] = (),
                 workdir: Path | None = None) -> None:
        self.model = copy.deepcopy(model)
        self.extra = [str(p) for p in extra_packages]
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="k8s-dryrun-"))
        self.state = self.workdir / "state"
        self.step = 0

    def _run(self, argv: list[str]) -> Outcome:
        from muranokit.tools.cli import main
        self.step += 1
        report = self.workdir / f"report-{self.step}.json"
        stderr = io.StringIO()
        cwd = os.getcwd()
        os.chdir(REPO)
        try:
            with contextlib.redirect_stderr(stderr):
                code = main(argv + ["--report", "json", "-o", str(report)])
        finally:
            os.chdir(cwd)
        lines = report.read_text().splitlines() if report.exists() else []
        return Outcome(code, lines, stderr.getvalue())

    def deploy(self, rules: str | None = None) -> Outcome:
        """`muranokit deploy MODEL --state DIR [--agent-rules FILE]` with self.model."""
        model_file = self.workdir / f"model-{self.step + 1}.json"
        model_file.write_text(json.dumps(self.model))
        argv = ["deploy", str(model_file), "--state", str(self.state)]
        for package in self.extra:
            argv += ["-p", package]
        if rules:
            rules_file = self.workdir / f"rules-{self.step + 1}.yaml"
            rules_file.write_text(rules)
            argv += ["--agent-rules", str(rules_file)]
        return self._run(argv)

    def deploy_app(self, fqn: str, values: dict[str, Any]) -> Outcome:
        """`muranokit deploy --app FQN --set k=v ...`: the model comes from the form."""
        argv = ["deploy", "--app", fqn, "--state", str(self.state)]
        for key, value in values.items():
            argv += ["--set", f"{key}={value}"]
        return self._run(argv)

    def action(self, object_id: str, name: str) -> Outcome:
        """`muranokit action --state DIR OBJECT_ID ACTION`."""
        return self._run(["action", "--state", str(self.state), object_id, name])


def plans(outcome) -> list[tuple[str, str, dict[str, Any]]]:
    """(vm, plan name, parameters) of every agent plan, in order."""
    return [(e["vm"], e["name"], e["parameters"]) for e in outcome.events
            if e["kind"] == "agent_plan"]


def plans_by_vm(outcome) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for vm, name, _params in plans(outcome):
        result.setdefault(vm, []).append(name)
    return result


def reports(outcome, level: str | None = None) -> list[str]:
    return [e["text"] for e in outcome.events
            if e["kind"] == "report" and (level is None or e["level"] == level)]


def vms(outcome, kind: str) -> list[str]:
    return [e["vm"] for e in outcome.events if e["kind"] == kind]


def find(model: dict[str, Any], type_suffix: str) -> list[dict[str, Any]]:
    """Objects of the serialised model whose type ends with ``type_suffix``."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            head = node.get("?")
            if isinstance(head, dict) and str(head.get("type", "")).endswith(type_suffix):
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(model["Objects"])
    return found


def cluster_of(outcome) -> dict[str, Any]:
    (cluster,) = find(outcome.model, ".KubernetesCluster")
    return cluster


def ip_of(outcome, vm_name: str) -> str:
    for instance in find(outcome.model, ".LinuxMuranoInstance"):
        if instance["name"] == vm_name:
            return instance["ipAddresses"][0]
    raise KeyError(vm_name)


def ingress_rules(outcome) -> set[tuple[str, int]]:
    """(protocol, port) of every rule of the deployed security groups."""
    found = set()
    for template in outcome.templates.values():
        for resource in (template.get("resources") or {}).values():
            if resource.get("type") == "OS::Neutron::SecurityGroup":
                for rule in resource["properties"].get("rules") or []:
                    if "port_range_min" in rule:
                        found.add((rule["protocol"], rule["port_range_min"]))
    return found
