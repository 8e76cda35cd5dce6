"""A simulated Heat stack: templates merged as Murano merges them, checked on every push.

``push`` serialises the template, parses it with python-heatclient's template parser, checks
that every ``get_resource`` / ``get_attr`` / ``depends_on`` / ``Ref`` names an existing
resource, consults the Heat fault rules, then "creates" the resources: ids, fixed and floating
IPs come from the cloud's deterministic allocator and the outputs are evaluated from them.
"""

from __future__ import annotations

import copy
import difflib
from typing import TYPE_CHECKING, Any

import yaml
from heatclient.common import template_format

from muranokit.engine.corelib.cloud import events
from muranokit.engine.corelib.cloud.merge import merge_dicts

if TYPE_CHECKING:  # pragma: no cover
    from muranokit.engine.corelib.cloud.cloud import Cloud

HEAT_TEMPLATE_VERSION = "2013-05-23"
SERVER_TYPES = ("OS::Nova::Server", "AWS::EC2::Instance")
HOT_VERSIONS = ("2013-05-23", "2014-10-16", "2015-04-30", "2015-10-15", "2016-04-08",
                "2016-10-14", "2017-02-24", "2017-09-01", "2018-03-02", "2018-08-31",
                "2021-04-16", "newton", "ocata", "pike", "queens", "rocky", "wallaby")
HOT_SECTIONS = ("heat_template_version", "description", "parameter_groups", "parameters",
                "resources", "outputs", "conditions")


class HeatError(Exception):
    """A push Heat would refuse or a stack that ends in a FAILED state."""

    def __init__(self, message: str, status: str = "FAILED") -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class _TemplateDumper(yaml.SafeDumper):
    """Safe dumping with multi-line strings as ``|`` blocks (readable scripts in diffs)."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value and not value.endswith((" ", "\t")) and " \n" not in value \
        else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_TemplateDumper.add_representer(str, _represent_str)


def _dump(template: dict[str, Any]) -> str:
    return yaml.dump(template, Dumper=_TemplateDumper, default_flow_style=False,
                     sort_keys=True, width=100, allow_unicode=True)


def template_diff(old: dict[str, Any], new: dict[str, Any], name: str) -> list[str]:
    """Unified diff lines between two templates (keys sorted, so stable)."""
    try:
        _dump(new)
    except yaml.YAMLError as exc:
        return [f"(template cannot be shown: {exc})"]
    return [line.rstrip("\n") for line in difflib.unified_diff(
        _dump(old).splitlines(True) if old else [], _dump(new).splitlines(True),
        f"{name} (before)", f"{name} (after)", n=2)]


def resources_of(template: dict[str, Any]) -> dict[str, Any]:
    """The resources section, whichever spelling (HOT or CFN) the template uses."""
    res = template.get("resources")
    if res is None:
        res = template.get("Resources")
    return res if isinstance(res, dict) else {}


def _parameters_of(template: dict[str, Any]) -> dict[str, Any]:
    params = template.get("parameters", template.get("Parameters")) or {}
    return params if isinstance(params, dict) else {}


def check_structure(template: dict[str, Any]) -> list[str]:
    """Problems Heat finds before looking at resources: version and section names."""
    problems = []
    version = template.get("heat_template_version")
    if version is not None:
        if str(version) not in HOT_VERSIONS:
            problems.append(f"unknown heat_template_version {version!r}")
        for section in template:
            if section not in HOT_SECTIONS:
                problems.append(f"the template section is invalid: {section}")
    return problems


def check_references(template: dict[str, Any]) -> list[str]:
    """Problems with intrinsic references: each names the path and the missing name."""
    resources = resources_of(template)
    params = _parameters_of(template)
    problems: list[str] = []

    def need_resource(name: Any, where: str, func: str) -> None:
        if not isinstance(name, str) or name not in resources:
            problems.append(f"{where}: {func} names unknown resource {name!r}")

    def walk(value: Any, where: str) -> None:
        if isinstance(value, dict):
            if len(value) == 1:
                (func, arg), = value.items()
                if func == "get_resource":
                    need_resource(arg, where, func)
                elif func in ("get_attr", "Fn::GetAtt"):
                    if not isinstance(arg, list) or len(arg) < 2:
                        problems.append(f"{where}: {func} needs [resource, attribute, ...]")
                    else:
                        need_resource(arg[0], where, func)
                elif func == "get_param":
                    name = arg[0] if isinstance(arg, list) and arg else arg
                    if not (isinstance(name, str) and (name in params or name.startswith(
                            ("OS::", "AWS::")))):
                        problems.append(f"{where}: get_param names unknown parameter {name!r}")
                elif func == "Ref":
                    if not (isinstance(arg, str) and (arg in resources or arg in params
                                                      or arg.startswith(("OS::", "AWS::")))):
                        problems.append(f"{where}: Ref names unknown resource or parameter "
                                        f"{arg!r}")
            for key, item in value.items():
                walk(item, f"{where}.{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{where}[{index}]")

    for name, body in resources.items():
        where = f"resources.{name}"
        if not isinstance(body, dict):
            problems.append(f"{where}: a resource must be a mapping")
            continue
        if not isinstance(body.get("type", body.get("Type")), str):
            problems.append(f"{where}: missing resource type")
        deps = body.get("depends_on", body.get("DependsOn"))
        for dep in ([deps] if isinstance(deps, str) else deps or []):
            need_resource(dep, where, "depends_on")
        walk({k: v for k, v in body.items() if k not in ("depends_on", "DependsOn")}, where)
    for section in ("outputs", "Outputs"):
        walk(template.get(section) or {}, section)
    return problems


class Stack:
    """One Heat stack of the simulated cloud (``io.murano.system.HeatStack`` backs onto it)."""

    def __init__(self, cloud: Cloud, name: str, description: str | None = None,
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

    # -- template editing, as io.murano.system.HeatStack exposes it -------------------------
    def current(self) -> dict[str, Any]:
        """A copy of the template as last set or merged."""
        return copy.deepcopy(self.template)

    def set_template(self, template: dict[str, Any]) -> None:
        """Replace the whole template (parameters are reset, as Murano does)."""
        self.template = copy.deepcopy(template or {})
        self.parameters = {}
        self.applied = False

    def update_template(self, template: dict[str, Any]) -> None:
        """Deep-merge ``template`` into the current one (dicts merge, lists union)."""
        try:
            self.template = merge_dicts(self.template, template or {})
        except TypeError as exc:
            raise HeatError(f"stack {self.name}: cannot merge template: {exc}") from exc
        self.applied = False

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
        """The template as it would be sent to Heat."""
        template = copy.deepcopy(self.template)
        template.setdefault("heat_template_version", HEAT_TEMPLATE_VERSION)
        if self.description and "description" not in template:
            template["description"] = self.description
        return template

    def push(self) -> None:
        """Create or update the stack; raises :class:`HeatError` when Heat would fail."""
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
        try:
            template_format.parse(yaml.safe_dump(template, sort_keys=True))
        except (ValueError, yaml.YAMLError) as exc:
            self._fail(template, action, f"template rejected by the Heat parser: {exc}")
        problems = check_structure(template) + check_references(template)
        if problems:
            self._fail(template, action, "invalid template: " + "; ".join(problems[:5]) + (
                f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""))
        failure = self.cloud.rules.heat_failure(self.name, resources)
        if failure:
            rule, resource = failure
            where = f"Resource {action} failed: {resource}: " if resource else ""
            self._fail(template, action, where + rule.answer["fail"])
        from muranokit.engine.corelib.cloud.resolve import Realiser
        realiser = Realiser(self, template)
        attributes = realiser.realise()
        outputs = realiser.outputs()
        self._release_removed(resources)
        self._finish(template, "ok", None, outputs)
        self.attributes = attributes
        self.outputs = outputs
        self.deployed = template
        self.status = f"{action}_COMPLETE"
        self.applied = True

    def _fail(self, template: dict[str, Any], action: str, reason: str) -> None:
        self.status = f"{action}_FAILED"
        self._finish(template, "failed", reason, self.outputs)
        raise HeatError(f"Unexpected stack state {self.status}: {reason}", self.status)

    def _finish(self, template: dict[str, Any], status: str, error: str | None,
                outputs: dict[str, Any]) -> None:
        self.cloud.masker.learn(template)
        before, after = resources_of(self.deployed), resources_of(template)
        servers = sorted(n for n, b in after.items()
                         if isinstance(b, dict) and b.get("type") in SERVER_TYPES)
        self.cloud.emit(events.heat_push(
            self.name, status, template_diff(self.deployed, template, self.name),
            sorted(set(after) - set(before)), sorted(set(before) - set(after)), servers,
            outputs, error))
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
