"""The simulated cloud: Heat stacks, agents, networks, rules and the event trace in one place.

It implements :class:`~muranokit.engine.corelib.cloud.backend.CloudBackend`, the interface
the core library talks to; everything it answers is deterministic.
"""

from __future__ import annotations

import copy
import ipaddress
from collections.abc import Callable
from typing import Any

from muranokit.engine.corelib.cloud.agent import AgentSimulator
from muranokit.engine.corelib.cloud.allocator import Allocator
from muranokit.engine.corelib.cloud.backend import (
    AgentTarget,
    CloudBackend,
    Idle,
    PackageFiles,
    Sink,
)
from muranokit.engine.corelib.cloud.heat import Stack
from muranokit.engine.corelib.cloud.rules import RuleSet
from muranokit.engine.events import Masker

STATE_VERSION = 1
# Where NetworkExplorer finds room for new environment networks (one /24 each).
ENV_CIDR_POOL = ipaddress.ip_network("10.0.0.0/16")
DEFAULT_ROUTER = "murano-default-router"
EXTERNAL_NETWORK = "public"


class CloudError(Exception):
    """A saved cloud state that cannot be used."""


def _mapping_of(value: Any, item: Callable[[Any], bool]) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and item(v)
                                           for k, v in value.items())


def _text(value: Any) -> bool:
    return isinstance(value, str)


def _network(entry: Any) -> bool:
    if not (isinstance(entry, dict) and _text(entry.get("cidr"))
            and _mapping_of(entry.get("owners"), _text)):
        return False
    try:
        ipaddress.ip_network(entry["cidr"], strict=False)
        for address in entry["owners"].values():
            ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


_STACK_MAPPINGS = ("template", "deployed", "parameters", "files", "environment", "outputs",
                   "attributes")


def _stack(entry: Any) -> bool:
    return isinstance(entry, dict) and \
        all(entry.get(key) is None or isinstance(entry[key], dict) for key in _STACK_MAPPINGS) \
        and all(entry.get(key) is None or _text(entry[key]) for key in ("status", "description"))


def malformed_state(state: dict[str, Any]) -> str | None:
    """What is wrong with the shape of a saved cloud state (None: nothing), checked before
    any part of it is used."""
    allocator = state.get("allocator") or {}
    agents = state.get("agents") or {}
    if not isinstance(allocator, dict):
        return "allocator has the wrong shape"
    if not isinstance(agents, dict):
        return "agents has the wrong shape"
    checks = (
        ("allocator networks", _mapping_of(allocator.get("networks", {}), _network)),
        ("allocator floating", _mapping_of(allocator.get("floating", {}), _text)),
        ("allocator external", _mapping_of(allocator.get("external", {}), _text)),
        ("stacks", _mapping_of(state.get("stacks", {}), _stack)),
        ("agents history", _mapping_of(
            agents.get("history", {}),
            lambda plans: isinstance(plans, list) and all(isinstance(p, dict) for p in plans))),
        ("env_cidrs", _mapping_of(state.get("env_cidrs", {}), _text)),
        ("security_rules", _mapping_of(state.get("security_rules", {}),
                                       lambda rules: isinstance(rules, list))),
        ("rule_hits", _mapping_of(state.get("rule_hits") or {},
                                  lambda n: isinstance(n, int) and not isinstance(n, bool))),
    )
    for name, good in checks:
        if not good:
            return f"{name} has the wrong shape"
    return None


class Cloud(CloudBackend):
    """Everything a dry-run deployment touches instead of OpenStack.

    ``emit`` receives every (masked) trace event; by default events only collect in
    :attr:`events`. A runtime given this cloud connects its own trace (:meth:`connect`), so
    that engine events and cloud events form one ordered trace. ``rules`` say how the agent
    answers and where Heat or the agent fail on purpose; ``state`` continues a saved cloud.
    """

    def __init__(self, rules: RuleSet | None = None,
                 emit: Callable[..., Any] | None = None, masker: Masker | None = None,
                 state: dict[str, Any] | None = None) -> None:
        state = state or {}
        if state and state.get("version") != STATE_VERSION:
            raise CloudError(f"cloud state version {state.get('version')!r} is not supported "
                             f"(expected {STATE_VERSION})")
        problem = malformed_state(state)
        if problem:
            raise CloudError(f"cloud state is malformed: {problem}")
        self.rules = rules or RuleSet()
        if state.get("rule_hits"):
            self.rules.hits.update(state["rule_hits"])
        self.masker = masker or Masker()
        self.events: list[dict[str, Any]] = []
        self._sink = emit
        self.allocator = Allocator(state.get("allocator"))
        self.stacks: dict[str, Stack] = {
            name: Stack(self, name, state=s) for name, s in state.get("stacks", {}).items()}
        self.agents = AgentSimulator(self, state.get("agents"))
        self.env_cidrs: dict[str, str] = state.get("env_cidrs", {})
        self.security_rules: dict[str, list[dict[str, Any]]] = state.get("security_rules", {})

    # -- events ----------------------------------------------------------------------------
    def connect(self, sink: Sink) -> None:
        """Pass every event recorded from now on to ``sink(kind, **fields)`` too."""
        self._sink = sink

    def emit(self, event: dict[str, Any]) -> dict[str, Any]:
        """Mask secrets in ``event``, record it and pass it to the sink."""
        self.masker.learn(event)
        event = self.masker.mask(event)
        self.events.append(event)
        if self._sink is not None:
            fields = {k: v for k, v in event.items() if k != "kind"}
            self._sink(event["kind"], **fields)
        return event

    # -- Heat ------------------------------------------------------------------------------
    def stack(self, name: str, description: str | None = None) -> Stack:
        """The stack called ``name``, created empty on first use."""
        if name not in self.stacks:
            self.stacks[name] = Stack(self, name, description)
        elif description and not self.stacks[name].description:
            self.stacks[name].description = description
        return self.stacks[name]

    def templates(self) -> dict[str, dict[str, Any]]:
        """The deployed template of every stack that exists (deleted ones left out)."""
        return {name: copy.deepcopy(s.deployed) for name, s in sorted(self.stacks.items())
                if s.status != "NOT_FOUND"}

    # -- murano-agent ----------------------------------------------------------------------
    def build_plan(self, target: AgentTarget, template: Any,
                   package: PackageFiles) -> dict[str, Any]:
        """The next plan for ``target``'s VM (ids and stamp from the VM's history)."""
        return self.agents.build_plan(target.vm, template, package)

    def run_plan(self, target: AgentTarget, plan: dict[str, Any], mode: str,
                 timeout: float | None = None, idle: Idle | None = None) -> Any:
        """Record the plan and answer it from the agent rules (at once)."""
        return self.agents.execute(target.vm, target.host, plan, mode)

    def agent_settings(self) -> dict[str, str]:
        """No broker: the simulated agent needs no extra configuration."""
        return {}

    # -- networking (what NetworkExplorer reports) -----------------------------------------
    def network_cidr(self, network: str) -> str:
        """The CIDR of an existing (non-template) network."""
        return self.allocator.external_cidr(network)

    def available_cidr(self, router_id: str, net_id: str) -> str:
        """A free /24 for a new environment network (same network id, same CIDR)."""
        if net_id not in self.env_cidrs:
            used = set(self.env_cidrs.values())
            for candidate in ENV_CIDR_POOL.subnets(new_prefix=24):
                if str(candidate) not in used:
                    self.env_cidrs[net_id] = str(candidate)
                    break
        return self.env_cidrs[net_id]

    def default_router(self) -> str:
        """The id of the router new environment networks attach to."""
        return self.allocator.make_id("router", DEFAULT_ROUTER)

    def external_network(self) -> str:
        """The id of the public network behind the default router."""
        return self.allocator.make_id("net", EXTERNAL_NETWORK)

    # -- security groups -------------------------------------------------------------------
    def add_group_ingress(self, group: str, rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Record ingress rules of a security group (each rule once); returns all of them."""
        known = self.security_rules.setdefault(group, [])
        for rule in rules:
            if rule not in known:
                known.append(copy.deepcopy(rule))
        return known

    # -- state -----------------------------------------------------------------------------
    def to_state(self) -> dict[str, Any]:
        """A JSON-serialisable snapshot; ``Cloud(state=...)`` continues from it."""
        return copy.deepcopy({
            "version": STATE_VERSION, "allocator": self.allocator.to_state(),
            "stacks": {name: s.to_state() for name, s in sorted(self.stacks.items())},
            "agents": self.agents.to_state(), "env_cidrs": self.env_cidrs,
            "security_rules": self.security_rules, "rule_hits": self.rules.hits})
