"""A simulated Heat stack: templates merged as Murano merges them, checked on every push.

``push`` serialises the template, parses it with python-heatclient's template parser, checks
that every ``get_resource`` / ``get_attr`` / ``depends_on`` / ``Ref`` names an existing
resource, consults the Heat fault rules, then "creates" the resources: ids, fixed and floating
IPs come from the cloud's deterministic allocator and the outputs are evaluated from them.
"""

from __future__ import annotations

import copy
import difflib
import json
from typing import Any

import yaml

from muranokit.engine import events
from muranokit.engine.corelib.cloud.backend import HeatError, Idle, StackBackend
from muranokit.engine.corelib.cloud.hot import SERVER_TYPES, check_structure, resources_of
from muranokit.engine.corelib.cloud.merge import merge_dicts
from muranokit.engine.corelib.cloud.refcheck import ReferenceChecker, entry_key
from muranokit.engine.corelib.cloud.resolve import Realiser

HEAT_TEMPLATE_VERSION = "2013-05-23"
_MISSING = object()


class _TemplateDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # libyaml if present
    """Safe dumping with multi-line strings as ``|`` blocks (readable scripts in diffs)."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value and not value.endswith((" ", "\t")) and " \n" not in value \
        else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_TemplateDumper.add_representer(str, _represent_str)


def _dump(template: dict[str, Any]) -> str:
    return yaml.dump(template, Dumper=_TemplateDumper, default_flow_style=False,
                     sort_keys=True, width=100, allow_unicode=True)


def _changed_parts(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict, dict]:
    """The top-level keys, and the entries of mapping sections, that differ."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            names = [n for n in sorted(set(a) | set(b)) if a.get(n) != b.get(n)]
            before[key] = {n: a[n] for n in names if n in a}
            after[key] = {n: b[n] for n in names if n in b}
        else:
            if key in old:
                before[key] = a
            if key in new:
                after[key] = b
    return before, after


def template_diff(old: dict[str, Any], new: dict[str, Any], name: str,
                  parts: tuple[dict, dict] | None = None) -> list[str]:
    """Unified diff lines of the parts of two templates that changed (keys sorted)."""
    before, after = parts or _changed_parts(old or {}, new)
    if not before and not after:
        return []
    try:
        old_text = _dump(before).splitlines(True) if before else []
        new_text = _dump(after).splitlines(True) if after else []
    except yaml.YAMLError as exc:
        return [f"(template cannot be shown: {exc})"]
    return [line.rstrip("\n") for line in difflib.unified_diff(
        old_text, new_text, f"{name} (before)", f"{name} (after)", n=2)]


def check_references(template: dict[str, Any]) -> list[str]:
    """Problems with intrinsic references: each names the path and the missing name."""
    return ReferenceChecker().check(template)


class Stack(StackBackend):
    """One Heat stack of the simulated cloud (``io.murano.system.HeatStack`` backs onto it)."""

    def __init__(self, cloud: Any, name: str, description: str | None = None,
                 state: dict[str, Any] | None = None) -> None:
        state = state or {}
        self.cloud = cloud
        self.name = name
        self.description = description or state.get("description")
        self.template: dict[str, Any] = state.get("template") or {}
        self.deployed: dict[str, Any] = state.get("deployed") or {}
        self.parameters: dict[str, Any] = state.get("parameters") or {}
        self.files: dict[str, Any] = state.get("files") or {}
        self.environment: dict[str, Any] = state.get("environment") or {}
        self.outputs: dict[str, Any] = state.get("outputs") or {}
        self.attributes: dict[str, dict[str, Any]] = state.get("attributes") or {}
        self.status: str = state.get("status") or "NOT_FOUND"
        self.applied: bool = state.get("applied", True)
        self.checker = ReferenceChecker()
        self._params_key = entry_key(self.parameters)

    # -- template editing, as io.murano.system.HeatStack exposes it -------------------------
    def current(self) -> dict[str, Any]:
        """A copy of the template as last set or merged."""
        return copy.deepcopy(self.template)

    def set_template(self, template: dict[str, Any]) -> None:
        """Replace the whole template (parameters are reset, as Murano does)."""
        if template is not None and not isinstance(template, dict):
            raise HeatError(f"stack {self.name}: setTemplate needs a mapping, got "
                            f"{type(template).__name__}")
        self.template = copy.deepcopy(template or {})
        self.parameters = {}
        self.applied = False

    def update_template(self, template: dict[str, Any]) -> None:
        """Deep-merge ``template`` into the current one (dicts merge, lists union)."""
        if not isinstance(template, dict):
            raise HeatError(f"stack {self.name}: updateTemplate needs a mapping, got "
                            f"{type(template).__name__}")
        try:
            self.template = merge_dicts(self.template, template or {})
        except TypeError as exc:
            raise HeatError(f"stack {self.name}: cannot merge template: {exc}") from exc
        self.applied = False

    @property
    def parameters(self) -> dict[str, Any]:
        return self._parameters

    @parameters.setter
    def parameters(self, value: dict[str, Any]) -> None:
        self._parameters = value

    def set_parameters(self, parameters: dict[str, Any]) -> None:
        self.parameters = copy.deepcopy(parameters or {})
        self.applied = False

    def set_files(self, files: dict[str, Any]) -> None:
        self.files = copy.deepcopy(files or {})
        self.applied = False

    def set_environment(self, environment: dict[str, Any]) -> None:
        self.environment = copy.deepcopy(environment or {})
        self.applied = False

    # -- lifecycle -------------------------------------------------------------------------
    def full_template(self) -> dict[str, Any]:
        """The template as it would be sent to Heat (shares nested values with ``template``)."""
        template = dict(self.template)
        template.setdefault("heat_template_version", HEAT_TEMPLATE_VERSION)
        if self.description and "description" not in template:
            template["description"] = self.description
        return template

    def push(self, idle: Idle | None = None) -> None:
        """Create or update the stack; raises :class:`HeatError` when Heat would fail (the
        simulation answers at once: ``idle`` is never called)."""
        if self.applied:
            return
        template = self.full_template()
        resources = resources_of(template)
        if not resources:
            if self.deployed:
                self.delete()
            self.applied = True
            return
        if template == self.deployed and self.status.endswith("_COMPLETE"):
            self.applied = True  # nothing changed since the last successful push
            return
        creating = self.status in ("NOT_FOUND", "CREATE_FAILED") and not self.deployed
        action = "CREATE" if creating else "UPDATE"
        from heatclient.common import template_format  # only when a stack is pushed
        try:
            template_format.parse(json.dumps(template))
        except (ValueError, TypeError) as exc:
            self._fail(template, action, f"template rejected by the Heat parser: {exc}")
        problems = check_structure(template) + self.checker.check(template)
        if problems:
            self._fail(template, action, "invalid template: " + "; ".join(problems[:5]) + (
                f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""))
        failure = self.cloud.rules.heat_failure(self.name, resources)
        if failure:
            rule, resource = failure
            where = f"Resource {action} failed: {resource}: " if resource else ""
            self._fail(template, action, where + rule.answer["fail"])
        reuse, reuse_outputs = self._reusable(template)
        realiser = Realiser(self, template, reuse, reuse_outputs)
        attributes = realiser.realise()
        outputs = realiser.outputs()
        self._release_removed(resources)
        self._finish(template, "ok", None, outputs)
        self.attributes = attributes
        self.outputs = outputs
        self.deployed = template
        self._params_key = entry_key(self.parameters)
        self.status = f"{action}_COMPLETE"
        self.applied = True

    def _reusable(self, template: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """Attributes and outputs of the last push that this push cannot change.

        A resource is reusable if its body is unchanged and nothing it references (directly
        or through other references) changed; same for outputs. Parameters changing, or a
        floating-IP association changing, recomputes everything it may touch.
        """
        resources = resources_of(template)
        old = resources_of(self.deployed)
        outputs = template.get("outputs", template.get("Outputs")) or {}
        old_outputs = self.deployed.get("outputs", self.deployed.get("Outputs")) or {}
        if entry_key(self.parameters) != self._params_key or not self.deployed:
            return {}, {}
        dirty = {n for n in set(resources) | set(old)
                 if n not in resources or n not in old
                 or (resources[n] is not old[n] and resources[n] != old[n])}
        for name in list(dirty):
            body = resources.get(name) or old.get(name) or {}
            if isinstance(body, dict) and body.get("type") == "OS::Nova::FloatingIPAssociation":
                dirty |= self.checker.referenced("resources", name)
        grew = True
        while grew:
            grew = False
            for name in resources:
                if name not in dirty and self.checker.referenced("resources", name) & dirty:
                    dirty.add(name)
                    grew = True
        reuse = {n: self.attributes[n] for n in resources
                 if n not in dirty and n in self.attributes}
        reuse_outputs = {n: self.outputs[n] for n in outputs
                         if n in self.outputs and (outputs[n] is old_outputs.get(n)
                                                   or outputs[n] == old_outputs.get(n))
                         and not self.checker.referenced("outputs", n) & dirty}
        return reuse, reuse_outputs

    def _fail(self, template: dict[str, Any], action: str, reason: str) -> None:
        self.status = f"{action}_FAILED"
        self._finish(template, "failed", reason, self.outputs)
        raise HeatError(f"Unexpected stack state {self.status}: {reason}", self.status)

    def _finish(self, template: dict[str, Any], status: str, error: str | None,
                outputs: dict[str, Any]) -> None:
        parts = _changed_parts(self.deployed or {}, template)
        self.cloud.masker.learn(parts[1])
        before, after = resources_of(self.deployed), resources_of(template)
        servers = sorted(n for n, b in after.items()
                         if isinstance(b, dict) and b.get("type") in SERVER_TYPES)
        self.cloud.emit(events.heat_push(
            self.name, status, template_diff(self.deployed, template, self.name, parts),
            sorted(set(after) - set(before)), sorted(set(before) - set(after)), servers,
            {k: v for k, v in outputs.items() if self.outputs.get(k, _MISSING) != v}, error))
        if status != "ok":
            return
        for name in sorted(set(after) - set(before)):
            if after[name].get("type") in SERVER_TYPES:
                self.cloud.emit(events.vm("vm_created", self._server_name(after, name),
                                          self.name))
        for name in sorted(set(before) - set(after)):
            if isinstance(before[name], dict) and before[name].get("type") in SERVER_TYPES:
                self.cloud.emit(events.vm("vm_deleted", self._server_name(before, name),
                                          self.name))

    @staticmethod
    def _server_name(resources: dict[str, Any], name: str) -> str:
        props = resources[name].get("properties") or {}
        return props.get("name") if isinstance(props.get("name"), str) else name

    def _release_removed(self, resources: dict[str, Any]) -> None:
        for name in set(resources_of(self.deployed)) - set(resources):
            self.cloud.allocator.release_prefix(f"{self.name}/{name}/")
            self.attributes.pop(name, None)

    def output(self) -> dict[str, Any]:
        """The outputs of the last successful push."""
        return copy.deepcopy(self.outputs)

    def delete(self) -> None:
        """Delete the stack and release everything it held."""
        if self.deployed or self.status != "NOT_FOUND":
            for name in resources_of(self.deployed):
                body = resources_of(self.deployed)[name]
                self.cloud.allocator.release_prefix(f"{self.name}/{name}/")
                if isinstance(body, dict) and body.get("type") in SERVER_TYPES:
                    self.cloud.emit(events.vm("vm_deleted",
                                              self._server_name(resources_of(self.deployed),
                                                                name), self.name))
            self.cloud.emit(events.heat_delete(self.name))
        self.template, self.deployed, self.outputs, self.attributes = {}, {}, {}, {}
        self.parameters = {}
        self.status = "NOT_FOUND"
        self.applied = True

    def to_state(self) -> dict[str, Any]:
        """A JSON-serialisable snapshot."""
        return {"description": self.description, "template": self.template,
                "deployed": self.deployed, "parameters": self.parameters, "files": self.files,
                "environment": self.environment, "outputs": self.outputs,
                "attributes": self.attributes, "status": self.status, "applied": self.applied}
