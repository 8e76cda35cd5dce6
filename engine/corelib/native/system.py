"""io.murano.system classes backed by the simulated cloud: HeatStack, Agent, Resources, ..."""

from __future__ import annotations

from typing import Any

from muranokit.engine import events
from muranokit.engine.corelib.cloud.backend import AgentFailure, AgentTarget, HeatError, PlanError
from muranokit.engine.corelib.cloud.templates import security_group_fragment
from muranokit.engine.corelib.native.support import (
    call,
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
        self._guard(lambda: self._stack.set_template(template))

    def updateTemplate(self, template: dict) -> None:
        self._guard(lambda: self._stack.update_template(template))

    def setParameters(self, parameters: dict) -> None:
        self._stack.set_parameters(parameters)

    def setFiles(self, files: dict) -> None:
        self._stack.set_files(files)

    def setHotEnvironment(self, hotEnv: dict) -> None:
        self._stack.set_environment(hotEnv)

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
    """A named logger; every line is a trace event."""

    def __init__(self, ctx, loggerName: str | None = None) -> None:
        self.ctx = ctx
        self.name = loggerName or "murano"

    def _log(self, level: str, message: Any, *args: Any) -> None:
        text = str(message)
        if args:
            try:
                text = text.format(*args)
            except (IndexError, KeyError, ValueError):
                text = " ".join([text, *map(str, args)])
        cloud_of(self.ctx).emit(events.log(level, self.name, text))

    def trace(self, message: Any, *args: Any) -> None:
        self._log("trace", message, *args)

    def debug(self, message: Any, *args: Any) -> None:
        self._log("debug", message, *args)

    def info(self, message: Any, *args: Any) -> None:
        self._log("info", message, *args)

    def warning(self, message: Any, *args: Any) -> None:
        self._log("warning", message, *args)

    def error(self, message: Any, *args: Any) -> None:
        self._log("error", message, *args)

    def critical(self, message: Any, *args: Any) -> None:
        self._log("critical", message, *args)

    def exception(self, exc: Any, message: Any, *args: Any) -> None:
        self._log("error", f"{message} ({exc})", *args)


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
    """Facts about the (simulated) Neutron: default router, free CIDRs, external network."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx

    def getDefaultRouter(self) -> str:
        return cloud_of(self.ctx).default_router()

    def getAvailableCidr(self, routerId: str, netId: str) -> str:
        return cloud_of(self.ctx).available_cidr(routerId, netId)

    def getDefaultDns(self) -> list:
        return []

    def getExternalNetworkIdForRouter(self, routerId: str) -> str:
        return cloud_of(self.ctx).external_network()

    def getExternalNetworkIdsForRouter(self, routerId: str) -> list:
        return [cloud_of(self.ctx).external_network()]

    def listNetworks(self) -> list:
        cloud = cloud_of(self.ctx)
        return [{"id": cloud.external_network(), "name": "public", "router:external": True}]

    def listSubnetworks(self) -> list:
        return []

    def listPorts(self) -> list:
        return []

    def listNeutronExtensions(self) -> list:
        return ["security-group", "router", "external-net"]


@native_class("io.murano.system.SecurityGroupManager")
class SecurityGroupManager:
    """Collects ingress rules into a Neutron security group of the environment's stack."""

    def __init__(self, ctx, environment: Any = None, defaultGroupName: Any = None) -> None:
        self.ctx = ctx

    def makeDefaultGroupName(self) -> str:
        env = self.ctx.this.get_property("environment")
        return f"MuranoSecurityGroup-{env.get_property('name') if env is not None else 'env'}"

    def addGroupIngress(self, rules: list, groupName: str | None = None) -> None:
        env = environment_of(self.ctx)
        group = groupName or self.ctx.this.get_property("defaultGroupName") or (
            f"MuranoSecurityGroup-{env.get_property('name')}")
        all_rules = cloud_of(self.ctx).add_group_ingress(group, list(rules or []))
        fragment = security_group_fragment(
            group, f"Composite security group of environment {env.get_property('name')}",
            all_rules)
        call(self.ctx, env.get_property("stack"), "updateTemplate", fragment)

    def addGroupEgress(self, rules: list, groupName: str | None = None) -> None:
        return None
