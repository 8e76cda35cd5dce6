"""The one interface between the core library and a cloud.

The Python halves of the core library's system classes (``io.murano.system.HeatStack``,
``Agent``, ``NetworkExplorer``, ``SecurityGroupManager``, ``StatusReporter``, ``Logger``,
``InstanceNotifier``; ``io.murano.resources.Instance``, ``LinuxMuranoInstance``,
``NeutronNetwork``, ``ExistingNeutronNetwork``; ``io.murano.SharedIp``, ``Environment``)
reach the cloud only through a :class:`CloudBackend`: what Murano's engine would ask Heat,
Neutron and murano-agent. Everything else (editing templates, building execution plans
from templates, naming resources) is the core library's own work and the same on every cloud.

Two implementations: the simulated :class:`~muranokit.engine.corelib.cloud.cloud.Cloud`
(the default: deterministic answers, agent rules, nothing leaves the process) and a cloud of
local qemu VMs. A backend is given to the engine as ``Runtime(..., cloud=backend)``; the
runtime then calls :meth:`CloudBackend.connect` with its trace, and the system classes find
the backend through the runtime. One backend serves one environment (one runtime).

Blocking: :meth:`StackBackend.push` and :meth:`CloudBackend.run_plan` (``call``) return only
when the work is done, which on a real cloud takes minutes. The engine runs MuranoPL
``Parallel`` branches as cooperative greenlets in one thread, so a backend that waits must
call the ``idle`` callback it is given, repeatedly, while it waits (for example between two
polls of a queue): each call lets the other branches run until they wait or finish, so that
plans sent to several VMs run at the same time. ``idle`` returns at once when there is nothing
else to run; the simulated cloud never waits and never calls it.

Errors: a backend raises :class:`HeatError` for a stack Heat would refuse or leave FAILED,
:class:`PlanError` for a plan that cannot be delivered and :class:`AgentFailure` for a plan
the agent ran and reported as failed; the system classes turn them into the MuranoPL
exceptions upstream throws (``io.murano.system.HeatStackError``, ``AgentException``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, NamedTuple, Protocol

Idle = Callable[[], None]
"""Called by a backend while it waits: lets the other Parallel branches run."""

Sink = Callable[..., Any]
"""Where a backend's events go: ``sink(kind, **fields)`` (the runtime's trace)."""


class HeatError(Exception):
    """A push Heat would refuse, or a stack that ends in a FAILED state."""

    def __init__(self, message: str, status: str = "FAILED") -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class PlanError(Exception):
    """An execution plan that cannot be built or delivered (bad template, missing file,
    unreachable agent)."""


class AgentFailure(Exception):
    """The agent ran the plan and reported an error; ``error`` is murano-agent's error
    (``message``, ``details``, ``errorCode``, ``time``, ``extra``)."""

    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(error.get("message") or "murano-agent reported an error")
        self.error = error


class PackageFiles(Protocol):
    """What a plan needs of the package that sends it: its ``Resources/`` files."""

    name: str

    def read_resource(self, relpath: str) -> bytes: ...

    def resource_exists(self, relpath: str) -> bool: ...


class AgentTarget(NamedTuple):
    """Where an execution plan goes: the VM (its instance ``name``), the id of the instance
    object (``host``, None when unknown) and murano-agent's input ``queue`` for that VM
    (``e<environment id>-h<instance id>``, as upstream names it)."""

    vm: str
    host: str | None
    queue: str


class StackBackend(ABC):
    """One Heat stack: the template the core library edits, and its life in the cloud.

    Called by ``io.murano.system.HeatStack`` (and through it by instances, networks and
    security groups, which merge their resources into the environment's stack).
    """

    name: str
    description: str | None

    @abstractmethod
    def current(self) -> dict[str, Any]:
        """A copy of the template as last set or merged (not yet pushed, maybe)."""

    @property
    @abstractmethod
    def parameters(self) -> dict[str, Any]:
        """The template parameters given with :meth:`set_parameters`."""

    @abstractmethod
    def set_template(self, template: dict[str, Any]) -> None:
        """Replace the whole template (parameters are reset). HeatError if not a mapping."""

    @abstractmethod
    def update_template(self, template: dict[str, Any]) -> None:
        """Deep-merge ``template`` into the current one, as Murano merges (mappings merge,
        lists are joined without repeats). HeatError if it cannot be merged."""

    @abstractmethod
    def set_parameters(self, parameters: dict[str, Any]) -> None:
        """Parameters sent with the next push."""

    @abstractmethod
    def set_files(self, files: dict[str, Any]) -> None:
        """Files (name -> content) sent with the next push."""

    @abstractmethod
    def set_environment(self, environment: dict[str, Any]) -> None:
        """The Heat environment sent with the next push."""

    @abstractmethod
    def push(self, idle: Idle | None = None) -> None:
        """Create or update the stack with the current template and wait until it is
        complete (servers created, addresses assigned); nothing happens when nothing changed
        since the last successful push, and a template without resources deletes the stack.
        Raises HeatError when Heat refuses the template or the stack ends FAILED. Records a
        ``heat_push`` event, and ``vm_created``/``vm_deleted`` for servers that come or go."""

    @abstractmethod
    def output(self) -> dict[str, Any]:
        """The stack's outputs (name -> value) after the last successful push."""

    @abstractmethod
    def delete(self) -> None:
        """Delete the stack and everything it holds (records ``heat_delete``); waits."""


class CloudBackend(ABC):
    """A cloud as the core library sees it: Heat stacks, murano-agent, Neutron facts."""

    # -- the trace -------------------------------------------------------------------------
    @abstractmethod
    def connect(self, sink: Sink) -> None:
        """Send every event recorded from now on to ``sink(kind, **fields)`` as well.
        Called once by the runtime the backend is given to."""

    @abstractmethod
    def emit(self, event: dict[str, Any]) -> dict[str, Any]:
        """Record a trace event (a dict of :mod:`muranokit.engine.events`) with its secrets
        masked; returns the event as recorded. The system classes send their ``report`` and
        ``log`` events through here too, so that one trace holds them in order."""

    # -- Heat ------------------------------------------------------------------------------
    @abstractmethod
    def stack(self, name: str, description: str | None = None) -> StackBackend:
        """The stack called ``name`` (created empty, not yet pushed, on first use)."""

    @abstractmethod
    def templates(self) -> dict[str, dict[str, Any]]:
        """The deployed template of every stack that exists, by stack name."""

    # -- murano-agent ------------------------------------------------------------------------
    @abstractmethod
    def build_plan(self, target: AgentTarget, template: Any,
                   package: PackageFiles) -> dict[str, Any]:
        """The execution plan (FormatVersion 2.x) for a plan template of ``package``, as
        upstream's ``Agent`` sends it: ``ID`` and ``Stamp`` assigned, each script's entry
        point and files read from ``Resources/scripts/`` into ``Files``. PlanError when the
        template is invalid or a file is missing. Nothing is sent yet."""

    @abstractmethod
    def run_plan(self, target: AgentTarget, plan: dict[str, Any], mode: str,
                 timeout: float | None = None, idle: Idle | None = None) -> Any:
        """Send ``plan`` to the agent of ``target``. ``mode`` ``"call"`` waits for the
        agent's answer (calling ``idle`` while it waits; at most ``timeout`` seconds when
        given) and returns the plan's result (the value of its ``Body``, else the scripts'
        output); ``"send"`` returns None once the plan is delivered. Raises AgentFailure when
        the agent reports an error, PlanError when the plan cannot be delivered or no answer
        comes in time. Records an ``agent_plan`` event."""

    @abstractmethod
    def agent_settings(self) -> dict[str, str]:
        """Extra ``[rabbitmq]`` options of the murano-agent configuration written into each
        VM's user data (``host``, ``port``, ``login``, ``password``, ``virtual_host``, ...);
        empty when the cloud needs none."""

    # -- Neutron facts -----------------------------------------------------------------------
    @abstractmethod
    def default_router(self) -> str:
        """The id of the router new environment networks attach to."""

    @abstractmethod
    def external_network(self) -> str:
        """The id of the public network behind the default router (floating IPs)."""

    @abstractmethod
    def available_cidr(self, router_id: str, net_id: str) -> str:
        """A free CIDR for a new environment network (the same one again for the same
        ``net_id``)."""

    @abstractmethod
    def add_group_ingress(self, group: str, rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Add ingress rules to security group ``group`` (each rule once); returns every
        rule of the group, which the core library writes into the stack's template."""

    # -- more Neutron and Keystone facts (not abstract: older backends keep working) --------
    def networks(self) -> list[dict[str, Any]]:
        """Neutron's networks as ``list_networks`` gives them (``id``, ``name``,
        ``router:external``, ``tenant_id``, ``subnets``)."""
        return [{"id": self.external_network(), "name": "public", "router:external": True,
                 "tenant_id": None, "subnets": [], "status": "ACTIVE"}]

    def subnets(self) -> list[dict[str, Any]]:
        """Neutron's subnets as ``list_subnets`` gives them (``id``, ``name``,
        ``network_id``, ``cidr``, ``gateway_ip``, ``dns_nameservers``, ...)."""
        return []

    def default_dns(self) -> list[str]:
        """The DNS servers new environment networks get (murano's ``default_dns``)."""
        return []

    def identity(self) -> dict[str, dict[str, Any]]:
        """The Keystone ``project`` and ``user`` of the deployment (``id``, ``name``,
        ``domain``, ``description``/``email``)."""
        return {"project": {"id": "project", "name": "project", "domain": "Default"},
                "user": {"id": "user", "name": "user", "domain": "Default"}}

    # -- the key manager (not abstract: backends written before it keep working) ------------
    def store_secret(self, value: str) -> str:
        """Keep a secret (``encryptData``); returns the key that reads it back. Upstream: a
        Barbican secret through Castellan, its id a UUID."""
        raise PlanError("this cloud has no key manager (encryptData)")

    def read_secret(self, key: str) -> str:
        """The secret stored under ``key`` (``decryptData``); KeyError if there is none."""
        raise KeyError(key)

    # -- state -----------------------------------------------------------------------------
    def close(self, keep: bool = True) -> bool:
        """Called once at the end of a command: release connections; with ``keep`` False
        also stop and remove everything the backend runs for the environment (a failed or
        interrupted command on real VMs). Returns True when the environment is gone, so
        that nothing continues from it. The simulated cloud holds nothing: False."""
        return False

    @abstractmethod
    def to_state(self) -> dict[str, Any]:
        """A JSON-serialisable snapshot from which the same backend class continues (the
        ``--state`` folder keeps it between commands)."""
