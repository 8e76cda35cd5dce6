"""io.murano.system classes backed by the simulated cloud: HeatStack, Agent, Resources, ..."""

from __future__ import annotations

from typing import Any

from muranokit.engine import events
from muranokit.engine.corelib.cloud.backend import AgentFailure, AgentTarget, HeatError, PlanError
from muranokit.engine.corelib.cloud.templates import security_group_fragment
from muranokit.engine.corelib.native.support import (
    call,
    cloud_data,
    cloud_of,
    environment_of,
    object_id,
    object_name,
)
from muranokit.engine.files.errors import SourceError
from muranokit.engine.files.json_text import load_json
from muranokit.engine.files.located_yaml import load_yaml, plain_copy
from muranokit.engine.native import NativeThrow, native_class


@native_class("io.murano.system.HeatStack")
class HeatStack:
    """A Heat stack of the runtime's cloud backend."""

    def __init__(self, ctx, name: str, description: str | None = None) -> None:
        self.ctx = ctx
        self._stack = cloud_of(ctx).stack(name, description)

    def _guard(self, action):
        try:
            return action()
        except HeatError as exc:
            raise NativeThrow("io.murano.system.HeatStackError", exc.message,
                              {"status": exc.status}) from exc

    def current(self) -> dict:
        return self._stack.current()

    def parameters(self) -> dict:
        return dict(self._stack.parameters)

    def reload(self) -> dict:
        return self._stack.current()

    def setTemplate(self, template: dict) -> None:
        self._guard(lambda: self._stack.set_template(cloud_data(template)))

    def updateTemplate(self, template: dict) -> None:
        self._guard(lambda: self._stack.update_template(cloud_data(template)))

    def setParameters(self, parameters: dict) -> None:
        self._stack.set_parameters(cloud_data(parameters))

    def setFiles(self, files: dict) -> None:
        self._stack.set_files(cloud_data(files))

    def setHotEnvironment(self, hotEnv: dict) -> None:
        self._stack.set_environment(cloud_data(hotEnv))

    def output(self) -> dict:
        return self._stack.output()

    def push(self, *args: Any, **kwargs: Any) -> None:
        self.ctx.yield_()
        self._guard(lambda: self._stack.push(self.ctx.yield_))

    def delete(self) -> None:
        self._guard(self._stack.delete)


@native_class("io.murano.system.Agent")
class Agent:
    """murano-agent of one instance: execution plans go to the cloud backend's agent."""

    def __init__(self, ctx, host: Any = None) -> None:
        self.ctx = ctx
        self.host = host

    def _vm(self) -> str:
        host = self.host if self.host is not None else self.ctx.owner
        name = host.get_property("name") if host is not None else None
        return str(name or object_id(host) or "unknown-host")

    def _run(self, template: Any, mode: str, build: bool, timeout: Any = None) -> Any:
        cloud = cloud_of(self.ctx)
        vm = self._vm()
        target = AgentTarget(vm, object_id(self.host), self._queue())
        self.ctx.yield_()
        try:
            template = cloud_data(template)
            plan = (cloud.build_plan(target, template, self.ctx.caller_package) if build
                    else template)
            if not isinstance(plan, dict):
                raise PlanError("an execution plan must be a mapping")
            return cloud.run_plan(target, plan, mode, _seconds(timeout), self.ctx.yield_)
        except PlanError as exc:
            raise NativeThrow("io.murano.system.AgentException", f"{vm}: {exc}") from exc
        except AgentFailure as exc:
            raise NativeThrow("io.murano.system.AgentException",
                              f"{vm}: {exc.error.get('message')}", exc.error) from exc

    def call(self, template: Any, resources: Any = None, timeout: Any = None) -> Any:
        return self._run(template, "call", True, timeout)

    def send(self, template: Any, resources: Any = None) -> None:
        self._run(template, "send", True)

    def callRaw(self, plan: Any, timeout: Any = None) -> Any:
        return self._run(plan, "call", False, timeout)

    def sendRaw(self, plan: Any) -> None:
        self._run(plan, "send", False)

    def isReady(self, timeout: Any = 100) -> bool:
        return True

    def waitReady(self, timeout: Any = 100) -> None:
        return None

    def prepare(self) -> None:
        return None

    def queueName(self) -> str:
        env = environment_of(self.ctx)
        return f"e{object_id(env)}-h{object_id(self.host) or ''}".lower()

    def _queue(self) -> str:
        """:meth:`queueName`, or "" for an agent outside any environment."""
        try:
            return self.queueName()
        except RuntimeError:
            return ""

    def enabled(self) -> bool:
        return True

    def signingKey(self, prefix: str = "") -> str:
        """The public key the agent checks plans with, each line after ``prefix``; empty:
        plans are not signed (as upstream without an engine signing key)."""
        return ""


def _seconds(timeout: Any) -> float | None:
    """A MuranoPL timeout argument as seconds (None: the backend's own limit)."""
    if isinstance(timeout, (int, float)) and not isinstance(timeout, bool) and timeout > 0:
        return float(timeout)
    return None


@native_class("io.murano.system.AgentListener")
class AgentListener:
    """Where agent results would arrive; offline results are synchronous."""

    def __init__(self, ctx, name: str | None = None) -> None:
        self.ctx = ctx
        self.name = name or "agent-listener"

    def queueName(self) -> str:
        """Where the agents answer (upstream's name for the environment's result queue)."""
        return f"-execution-results-{self.name}".lower()

    def subscribe(self, *args: Any) -> None:
        return None

    def unsubscribe(self, *args: Any) -> None:
        return None

    def start(self) -> None:
        return None

    def stop(self) -> None:
        return None


@native_class("io.murano.system.Resources")
class Resources:
    """Files under the calling package's ``Resources/`` folder. The methods are static, as
    upstream's: ``sys:Resources.string(f)`` and ``new(sys:Resources).string(f)`` both work."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx

    @staticmethod
    def _read(ctx, name: str) -> bytes:
        package = ctx.caller_package
        if package.resource_member(name) is None:
            raise NativeThrow("io.murano.system.ResourceNotFound",
                              f"{name!r} is outside Resources/ of package {package.name} (an "
                              "absolute path or '..'): refused, not read")
        if not package.resource_exists(name):
            raise NativeThrow("io.murano.system.ResourceNotFound",
                              f"package {package.name} has no file Resources/{name}")
        return package.read_resource(name)

    @staticmethod
    def string(ctx, name: str, binary: bool = False, encoding: str | None = None) -> Any:
        data = Resources._read(ctx, name)
        return data if binary and encoding is None else data.decode(encoding or "utf-8")

    @staticmethod
    def yaml(ctx, name: str) -> Any:
        try:
            return plain_copy(load_yaml(Resources._read(ctx, name), f"Resources/{name}"))
        except SourceError as exc:
            raise NativeThrow("io.murano.system.ResourceError",
                              f"{exc.path}:{exc.line or 0}: not valid YAML: {exc.message}"
                              ) from exc

    @staticmethod
    def json(ctx, name: str) -> Any:
        try:
            return load_json(Resources._read(ctx, name), f"Resources/{name}")
        except SourceError as exc:
            raise NativeThrow("io.murano.system.ResourceError",
                              f"{exc.path}:{exc.line or 0}: not valid JSON: {exc.message}"
                              ) from exc

    @staticmethod
    def bytes(ctx, name: str) -> Any:
        return Resources._read(ctx, name)

    @staticmethod
    def file(ctx, name: str) -> str:
        return Resources._read(ctx, name).decode("utf-8")


@native_class("io.murano.system.StatusReporter")
class StatusReporter:
    """Deployment messages for the user: every report is a trace event."""

    def __init__(self, ctx, environment: Any = None) -> None:
        self.ctx = ctx

    def _report(self, obj: Any, msg: Any, level: str, details: Any = None) -> None:
        cloud_of(self.ctx).emit(events.report(
            object_id(obj), str(msg), level, None if details is None else str(details),
            getattr(obj, "type_name", None), object_name(obj)))

    def report(self, obj: Any, msg: Any) -> None:
        self._report(obj, msg, "info")

    def report_error(self, obj: Any, msg: Any) -> None:
        self._report(obj, msg, "error")

    def reportError(self, obj: Any, msg: Any) -> None:
        self._report(obj, msg, "error")


@native_class("io.murano.system.Logger")
class Logger:
    """A logger named ``applications.<name>``; every line is a trace event. Messages are
    formatted like yaql's ``format()``; one that cannot be is logged as written, after a
    warning."""

    def __init__(self, ctx, loggerName: str | None = None) -> None:
        self.ctx = ctx
        self.name = f"applications.{loggerName}"

    def _emit(self, level: str, text: str) -> None:
        cloud_of(self.ctx).emit(events.log(level, self.name, text))

    def _format(self, message: Any, args: tuple, kwargs: dict) -> str:
        text = str(message)
        if not args and not kwargs:
            return text
        try:
            return text.format(*args, **kwargs)
        except (IndexError, KeyError, ValueError):
            self._emit("warning", f"Can not format string: {text}")
            return text

    def _log(self, level: str, message: Any, *args: Any, **kwargs: Any) -> None:
        self._emit(level, self._format(message, args, kwargs))

    def trace(self, message: Any, *args: Any, **kwargs: Any) -> None:
        self._log("trace", message, *args, **kwargs)

    def debug(self, message: Any, *args: Any, **kwargs: Any) -> None:
        self._log("debug", message, *args, **kwargs)

    def info(self, message: Any, *args: Any, **kwargs: Any) -> None:
        self._log("info", message, *args, **kwargs)

    def warning(self, message: Any, *args: Any, **kwargs: Any) -> None:
        self._log("warning", message, *args, **kwargs)

    def error(self, message: Any, *args: Any, **kwargs: Any) -> None:
        self._log("error", message, *args, **kwargs)

    def critical(self, message: Any, *args: Any, **kwargs: Any) -> None:
        self._log("critical", message, *args, **kwargs)

    def exception(self, exc: Any, message: Any, *args: Any, **kwargs: Any) -> None:
        """The message, then the exception's MuranoPL stack trace."""
        lines = [self._format(message, args, kwargs)]
        error = self.ctx.runtime.error_of(getattr(exc, "_obj", exc))
        if error is not None:
            lines.append(f"{error.type_name}: {error.message}")
            lines += [f"  {frame}" for frame in error.stack]
        else:
            lines.append(str(exc))
        self._emit("error", "\n".join(lines))


@native_class("io.murano.system.InstanceNotifier")
class InstanceNotifier:
    """Tracks which applications and instances an environment has (billing, in Murano)."""

    def __init__(self, ctx, environment: Any = None) -> None:
        self.ctx = ctx

    def _log(self, text: str) -> None:
        cloud_of(self.ctx).emit(events.log("debug", "instance-notifier", text))

    def trackApplication(self, instance: Any, title: Any = None,
                         unitCount: Any = None) -> None:
        self._log(f"track application {object_id(instance)}")

    def untrackApplication(self, instance: Any) -> None:
        self._log(f"untrack application {object_id(instance)}")

    def trackCloudInstance(self, instance: Any) -> None:
        self._log(f"track instance {object_id(instance)}")

    def untrackCloudInstance(self, instance: Any) -> None:
        self._log(f"untrack instance {object_id(instance)}")


@native_class("io.murano.system.NetworkExplorer")
class NetworkExplorer:
    """What Neutron says, through the cloud backend: the default router, free CIDRs for
    environment networks, external networks, networks, subnets, ports, extensions."""

    EXTENSIONS = ("security-group", "router", "external-net", "quotas", "allowed-address-pairs",
                  "port-security")

    def __init__(self, ctx, **_props: Any) -> None:
        self.ctx = ctx

    def getDefaultRouter(self) -> str:
        return cloud_of(self.ctx).default_router()

    def getAvailableCidr(self, routerId: str | None, netId: str) -> str:
        return cloud_of(self.ctx).available_cidr(routerId or "", netId)

    def getDefaultDns(self) -> list:
        return list(cloud_of(self.ctx).default_dns())

    def getExternalNetworkIdForRouter(self, routerId: str) -> str | None:
        return cloud_of(self.ctx).external_network() if routerId else None

    def getExternalNetworkIdsForRouter(self, routerId: str) -> list:
        external = self.getExternalNetworkIdForRouter(routerId)
        return [external] if external else []

    def getExternalNetworkIdForNetwork(self, networkId: str) -> str | None:
        """The network itself when it is external, else the external network of the
        router it is plugged into (the default router's, for the environment's networks)."""
        for net in self.listNetworks():
            if net.get("id") == networkId:
                return networkId if net.get("router:external") else \
                    cloud_of(self.ctx).external_network()
        return None

    def listNetworks(self) -> list:
        return cloud_of(self.ctx).networks()

    def listSubnetworks(self) -> list:
        return cloud_of(self.ctx).subnets()

    def listPorts(self) -> list:
        return []

    def listNeutronExtensions(self) -> list:
        return [{"alias": alias, "name": alias} for alias in self.EXTENSIONS]


@native_class("io.murano.system.MetadefBrowser")
class MetadefBrowser:
    """Glance metadata definitions: the simulated cloud defines none."""

    def __init__(self, ctx, **_props: Any) -> None:
        self.ctx = ctx

    def getNamespaces(self, resourceType: str) -> list:
        return []

    def getObjects(self, namespace: str) -> list:
        return []


@native_class("io.murano.system.MistralClient")
class MistralClient:
    """Mistral workflows: offline, uploads and runs are trace lines and a run returns no
    output."""

    def __init__(self, ctx, **_props: Any) -> None:
        self.ctx = ctx

    def _log(self, text: str) -> None:
        cloud_of(self.ctx).emit(events.log("info", "mistral", text))

    def upload(self, definition: Any) -> None:
        self._log("workflow definition uploaded")

    def run(self, name: str, timeout: Any = 600, inputs: Any = None, params: Any = None) -> Any:
        self._log(f"workflow {name} run")
        if timeout == 0:   # fire and forget: the execution's id
            return f"{name}-execution"
        return {}


def _identity_object(ctx: Any, kind: str, type_name: str) -> Any:
    fields = dict(cloud_of(ctx).identity()[kind])
    known = ("id", "name", "domain", "description") if kind == "project" else (
        "id", "name", "domain", "email")
    props = {key: fields.pop(key, None) for key in known}
    props["domain"] = props["domain"] or "Default"
    props["extra"] = fields
    runtime = ctx.runtime
    obj = runtime.create_object(runtime.get_class(type_name), None, props,
                                runtime.natives.caller_frame())
    return obj.proxy


@native_class("io.murano.Project")
class Project:
    """The Keystone project of the deployment (the cloud backend's ``identity``)."""

    def __init__(self, ctx, **_props: Any) -> None:
        self.ctx = ctx

    @staticmethod
    def getCurrent(ctx) -> Any:
        return _identity_object(ctx, "project", "io.murano.Project")

    @staticmethod
    def getEnvironmentOwner(ctx) -> Any:
        return _identity_object(ctx, "project", "io.murano.Project")


@native_class("io.murano.User")
class User:
    """The Keystone user of the deployment (the cloud backend's ``identity``)."""

    def __init__(self, ctx, **_props: Any) -> None:
        self.ctx = ctx

    @staticmethod
    def getCurrent(ctx) -> Any:
        return _identity_object(ctx, "user", "io.murano.User")

    @staticmethod
    def getEnvironmentOwner(ctx) -> Any:
        return _identity_object(ctx, "user", "io.murano.User")


@native_class("io.murano.system.NeutronSecurityGroupManager")
class NeutronSecurityGroupManager:
    """Rules of a Neutron security group kept by the cloud backend; the whole group is
    written into the stack of the region the manager belongs to (the environment's when it
    belongs to none)."""

    def __init__(self, ctx, **_props: Any) -> None:
        self.ctx = ctx

    def addRules(self, direction: str, rules: list, groupName: str) -> None:
        env = environment_of(self.ctx)
        region = self.ctx.find("io.murano.CloudRegion")
        stack = (region or env).get_property("stack")
        rules = [dict(rule, Direction=direction) if direction != "ingress" else rule
                 for rule in rules or []]
        all_rules = cloud_of(self.ctx).add_group_ingress(groupName, rules)
        fragment = security_group_fragment(
            groupName, f"Composite security group of environment {env.get_property('name')}",
            all_rules)
        call(self.ctx, stack, "updateTemplate", fragment)
