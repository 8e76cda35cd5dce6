"""Dry-run helpers for the Kubernetes suite tests: a deployment as a series of
Murano sessions (deploy, redeploy, actions) on the offline engine and cloud."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from k8s_package_helpers import EXAMPLES, PACKAGES, SUITE

TEST_APPS = Path(__file__).resolve().parent / "fixtures" / "docker_test_apps"
SUITE_PATHS = [str(PACKAGES / name) for name in SUITE]


def example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / name).read_text())


class Deployment:
    """One environment deployed step by step; each step is a new session that
    continues the state the previous one saved."""

    def __init__(self, model: dict[str, Any], extra_packages: tuple[str, ...] = ()) -> None:
        self.model = copy.deepcopy(model)
        self.paths = SUITE_PATHS + [str(p) for p in extra_packages]
        self.state = None

    def _session(self, rules: str | None):
        from muranokit.engine.corelib.cloud.rules import parse_rules
        from muranokit.tools.dryrun import Session
        return Session(self.paths, rules=parse_rules(rules) if rules else None,
                       previous=self.state)

    def deploy(self, rules: str | None = None):
        """Deploy the environment (the current ``self.model``)."""
        from muranokit.tools.dryrun import continue_model, saved_state
        session = self._session(rules)
        model = continue_model(self.model["Objects"], self.state.model) if self.state \
            else copy.deepcopy(self.model)
        outcome = session.deploy(model)
        self.state = saved_state(session, outcome, "deploy", [])
        return outcome

    def action(self, object_id: str, name: str, **args: Any):
        """Run a method of an object as the action API would (Scope: Public methods)."""
        from muranokit.engine import MuranoPlError
        from muranokit.tools.dryrun import Outcome, saved_state
        session = self._session(None)
        runtime = session.runtime
        runtime.load_model(self.state.model)
        error = None
        try:
            runtime.call(runtime.get_object(object_id), name, **args)
        except MuranoPlError as exc:
            error = exc
        outcome = Outcome(list(runtime.events), runtime.serialize(), {},
                          session.cloud.to_state(), error)
        self.state = saved_state(session, outcome, f"action {name}", [])
        return outcome


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
