"""Agent and Heat rules: how the simulated cloud answers, and where it fails on purpose.

A rules file is YAML::

    agent:                      # murano-agent execution plans
      - plan: "Deploy *"        # glob on the plan's Name       (all match keys are optional)
        script: "deploy*.sh"    # glob on a script name or entry-point file
        vm: "master-*"          # glob on the VM (instance name)
        stdout: "ok"            # what the scripts print (the plan's default result)
        exitCode: 0             # non-zero fails the plan, as murano-agent does
        body: {any: value}      # the plan's return value, instead of stdout
        fail: "disk full"       # fail the plan with this message
        times: 1                # only the first N matching plans
    heat:                       # Heat stack pushes
      - stack: "*"              # glob on the stack name
        resource: "node-2"      # glob on a resource name in the pushed template
        type: "OS::Nova::*"     # glob on that resource's type
        fail: "No valid host"   # fail the push with this message
        times: 1

Match keys are compared with :func:`fnmatch`.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from muranokit.engine.files.errors import SourceError
from muranokit.engine.files.located_yaml import line_of, load_yaml, plain_copy
from muranokit.engine.files.reading import read_text

AGENT_MATCH = ("plan", "script", "vm")
AGENT_ANSWER = ("stdout", "stderr", "exitCode", "body", "fail", "times")
HEAT_MATCH = ("stack", "resource", "type")
HEAT_ANSWER = ("fail", "times")


class RulesError(Exception):
    """A malformed rules file; ``path`` and ``line`` locate the problem."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}: " if self.path and self.line else (
            f"{self.path}: " if self.path else "")
        return where + self.message


@dataclass
class Rule:
    """One rule: glob patterns to match and the answer to give."""

    kind: str  # "agent" or "heat"
    index: int
    match: dict[str, str]
    answer: dict[str, Any]
    line: int | None = None
    times: int | None = None

    def matches(self, **subject: Any) -> bool:
        """True if every pattern matches its subject (a list subject matches if any item does)."""
        for key, pattern in self.match.items():
            value = subject.get(key)
            values = value if isinstance(value, (list, tuple)) else [value]
            if not any(v is not None and fnmatch.fnmatchcase(str(v), pattern) for v in values):
                return False
        return True

    @property
    def key(self) -> str:
        return f"{self.kind}[{self.index}]"


@dataclass
class RuleSet:
    """Agent and Heat rules plus how often each has fired (persisted for ``times``)."""

    agent: list[Rule] = field(default_factory=list)
    heat: list[Rule] = field(default_factory=list)
    hits: dict[str, int] = field(default_factory=dict)

    def _first(self, rules: list[Rule], subject: dict[str, Any]) -> Rule | None:
        for rule in rules:
            if rule.times is not None and self.hits.get(rule.key, 0) >= rule.times:
                continue
            if rule.matches(**subject):
                self.hits[rule.key] = self.hits.get(rule.key, 0) + 1
                return rule
        return None

    def agent_answer(self, plan: str | None, scripts: list[str], vm: str) -> Rule | None:
        """The first live agent rule matching this plan, counting it as fired."""
        return self._first(self.agent, {"plan": plan, "script": scripts, "vm": vm})

    def heat_failure(self, stack: str, resources: dict[str, Any]) -> tuple[Rule, str] | None:
        """The first live Heat rule matching a resource of the pushed template, and its name."""
        for rule in self.heat:
            if rule.times is not None and self.hits.get(rule.key, 0) >= rule.times:
                continue
            if "resource" not in rule.match and "type" not in rule.match:
                if rule.matches(stack=stack):
                    self.hits[rule.key] = self.hits.get(rule.key, 0) + 1
                    return rule, ""
                continue
            for name in sorted(resources):
                body = resources[name] if isinstance(resources[name], dict) else {}
                if rule.matches(stack=stack, resource=name, type=body.get("type")):
                    self.hits[rule.key] = self.hits.get(rule.key, 0) + 1
                    return rule, name
        return None


def load_rules(path: str | Path, hits: dict[str, int] | None = None) -> RuleSet:
    """Read a rules file; a malformed one raises :class:`RulesError` with file and line."""
    path = str(path)
    try:
        text = read_text(path, what="the rules file")
    except SourceError as exc:
        raise RulesError(exc.message, path, exc.line) from None
    return parse_rules(text, path, hits)


def parse_rules(text: str, path: str = "<rules>", hits: dict[str, int] | None = None) -> RuleSet:
    """Parse rules YAML text (see the module docstring for the format)."""
    try:
        data = load_yaml(text, path)
    except SourceError as exc:
        raise RulesError(f"invalid YAML: {exc.message.removeprefix('YAML error: ')}", path,
                         exc.line) from None
    rules = RuleSet(hits=dict(hits or {}))
    if data is None:
        return rules
    if isinstance(data, list):
        raise RulesError("a rules file is a mapping with 'agent' and/or 'heat' lists, not a "
                         "list: put the rules under 'agent:' or 'heat:'", path, data.line)
    if isinstance(data, dict):
        sections = {section: (value, data.key_line(section))
                    for section, value in data.items()}
    else:
        raise RulesError("a rules file is a mapping with 'agent' and/or 'heat' lists",
                         path, 1)
    for section, (value, line) in sections.items():
        if section not in ("agent", "heat"):
            raise RulesError(f"unknown section {section!r} (expected 'agent' or 'heat')",
                             path, line)
        if value is None:
            continue
        if not isinstance(value, list):
            raise RulesError(f"'{section}' must be a list of rules", path, line)
        for index, item in enumerate(value):
            rule = _make_rule(section, index, item, line_of(value, index, line), path)
            getattr(rules, section).append(rule)
    return rules


def _make_rule(kind: str, index: int, item: Any, line: int, path: str) -> Rule:
    match_keys, answer_keys = (AGENT_MATCH, AGENT_ANSWER) if kind == "agent" else (
        HEAT_MATCH, HEAT_ANSWER)
    if not isinstance(item, dict):
        raise RulesError(f"{kind} rule {index + 1}: expected a mapping, got "
                         f"{type(item).__name__}", path, line)
    unknown = sorted(set(item) - set(match_keys) - set(answer_keys))
    if unknown:
        raise RulesError(f"{kind} rule {index + 1}: unknown key(s) {', '.join(unknown)} "
                         f"(allowed: {', '.join(match_keys + answer_keys)})", path, line)
    match = {}
    for key in match_keys:
        if key in item:
            if not isinstance(item[key], (str, int)):
                raise RulesError(f"{kind} rule {index + 1}: '{key}' must be a string pattern",
                                 path, line)
            match[key] = str(item[key])
    times = item.get("times")
    if times is not None and (not isinstance(times, int) or isinstance(times, bool)
                              or times < 1):
        raise RulesError(f"{kind} rule {index + 1}: 'times' must be a positive integer",
                         path, line)
    exit_code = item.get("exitCode", 0)
    if not isinstance(exit_code, int) or isinstance(exit_code, bool):
        raise RulesError(f"{kind} rule {index + 1}: 'exitCode' must be an integer", path, line)
    for key in ("stdout", "stderr", "fail"):
        if key in item and not isinstance(item[key], str):
            raise RulesError(f"{kind} rule {index + 1}: '{key}' must be a string", path, line)
    if kind == "heat" and "fail" not in item:
        raise RulesError(f"heat rule {index + 1}: a Heat rule needs 'fail'", path, line)
    answer = {k: plain_copy(item[k]) for k in answer_keys if k in item and k != "times"}
    return Rule(kind, index, match, answer, line, times)
