"""The ``qemu`` cloud backend: the core library's cloud interface, answered by local VMs.

:class:`QemuCloud` is a :class:`~muranokit.engine.corelib.cloud.CloudBackend`. Heat's part
(template checks, merging, fixed and floating IPs, outputs, the ``heat_push`` trace) is the
simulated cloud's, unchanged, so a deployment reads the same on both clouds. On top of it:

- after every successful push, the servers of the stack are made real: new ones boot as qemu
  VMs (see :mod:`~muranokit.tools.localcloud.servers` and
  :mod:`~muranokit.tools.localcloud.lifecycle`), removed ones are powered off, changed ones
  replaced; floating IPs get 127.0.0.1 port forwards;
- execution plans go through the environment's RabbitMQ broker to the real murano-agent in
  the VM (:mod:`~muranokit.tools.localcloud.agent`), built as upstream builds them (random
  ``ID``, time-based ``Stamp``); the answer is murano-agent's, and the agent's own log tells
  each script's exit code, output and duration (:mod:`~muranokit.tools.localcloud.guestlog`);
- :meth:`agent_settings` gives the core library the broker as the guests see it, for the
  murano-agent configuration it writes into the user data.
"""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path
from typing import Any

from muranokit.engine import events
from muranokit.engine.corelib.cloud import Cloud
from muranokit.engine.corelib.cloud.backend import (
    AgentFailure,
    AgentTarget,
    HeatError,
    Idle,
    PackageFiles,
    PlanError,
    StackBackend,
)
from muranokit.tools.localcloud import guestlog, servers, vm
from muranokit.tools.localcloud.agent import AgentTransport, TransportError, results_queue
from muranokit.tools.localcloud.lifecycle import LocalCloud, LocalCloudError

BACKEND = "qemu"
PLAN_TIMEOUT = 3600.0        # upstream's default agent timeout
BOOT_TIMEOUT = 900.0         # from VM start until its murano-agent logs anything
LOG_GRACE = 5.0              # how long the agent's log may lag behind its answer
LOGGER = "localcloud"


class QemuStack(StackBackend):
    """A stack whose servers are qemu VMs (Heat bookkeeping from the simulated stack)."""

    def __init__(self, cloud: QemuCloud, inner: StackBackend) -> None:
        self.cloud = cloud
        self.inner = inner
        self.name = inner.name
        self.description = inner.description

    def current(self) -> dict[str, Any]:
        return self.inner.current()

    @property
    def parameters(self) -> dict[str, Any]:
        return self.inner.parameters

    def set_template(self, template: dict[str, Any]) -> None:
        self.inner.set_template(template)

    def update_template(self, template: dict[str, Any]) -> None:
        self.inner.update_template(template)

    def set_parameters(self, parameters: dict[str, Any]) -> None:
        self.inner.set_parameters(parameters)

    def set_files(self, files: dict[str, Any]) -> None:
        self.inner.set_files(files)

    def set_environment(self, environment: dict[str, Any]) -> None:
        self.inner.set_environment(environment)

    def push(self, idle: Idle | None = None) -> None:
        self.inner.push(idle)
        self.cloud.realise(self.inner)

    def output(self) -> dict[str, Any]:
        return self.inner.output()

    def delete(self) -> None:
        self.inner.delete()
        self.cloud.realise(self.inner)


class QemuCloud(Cloud):
    """Local qemu VMs, a real broker and the real murano-agent behind the core library."""

    def __init__(self, local: LocalCloud, masker: Any = None,
                 state: dict[str, Any] | None = None) -> None:
        state = dict(state or {})
        self.local = local
        self._wrapped: dict[str, QemuStack] = {}
        self._realised: dict[str, dict[str, Any]] = dict(state.pop("realised", {}) or {})
        state.pop("backend", None)
        state.pop("localcloud", None)
        super().__init__(masker=masker, state=state or None)
        self._transport: AgentTransport | None = None
        self._last_stamp = 0
        self._torn_down = False
        if local.broker is not None:
            self.masker.add_values([local.broker.password])

    # -- Heat ------------------------------------------------------------------------------
    def stack(self, name: str, description: str | None = None) -> StackBackend:
        inner = super().stack(name, description)
        if name not in self._wrapped:
            self._wrapped[name] = QemuStack(self, inner)
        return self._wrapped[name]

    def realise(self, stack: Any) -> None:
        """Make the servers of ``stack``'s deployed template real (start/stop/replace)."""
        template = stack.deployed if stack.status != "NOT_FOUND" else {}
        wanted = servers.servers(template)
        if wanted:
            self._check_whole()
        known = {vm_name: info for vm_name, info in self._realised.items()
                 if info["stack"] == stack.name}
        for vm_name in sorted(set(known) - set(wanted)):
            self._stop(vm_name, "its server left the stack")
        resolve = servers.resolver(template, stack.attributes, stack.parameters)
        for vm_name, resource in sorted(wanted.items()):
            print_ = servers.fingerprint(template, resource)
            if vm_name in known and known[vm_name]["fingerprint"] == print_ \
                    and self.local.vm_running(vm_name):
                self._update_forwards(stack, template, vm_name, resource)
                continue
            if vm_name in known:
                self._stop(vm_name, "its server changed (Heat replaces it)")
            req = servers.request(template, stack.attributes, resource, self.security_rules,
                                  resolve)
            try:
                record = self.local.start_vm(req, guestlog.VENDOR_CONFIG)
            except LocalCloudError as exc:
                raise HeatError(f"Resource CREATE failed: {resource}: {exc}",
                                "CREATE_FAILED") from None
            self._realised[vm_name] = {"stack": stack.name, "resource": resource,
                                       "fingerprint": print_}
            self._log_vm(record, stack, template)

    def _update_forwards(self, stack: Any, template: dict[str, Any], vm_name: str,
                         resource: str) -> None:
        req = servers.request(template, stack.attributes, resource, self.security_rules,
                              lambda v: v)
        record = self.local.vms.get(vm_name)
        known = {f["guest_port"] for f in record.forwards} if record else set()
        added = []
        for port in req.exposed_ports:
            if port not in known:
                try:
                    fwd = self.local.forward(vm_name, port, "floating IP")
                except LocalCloudError as exc:
                    raise HeatError(f"Resource UPDATE failed: {resource}: {exc}",
                                    "UPDATE_FAILED") from None
                added.append(f"127.0.0.1:{fwd['host_port']} -> tcp/{port}")
        if added:
            self.emit(events.log("info", LOGGER, f"{vm_name}: floating IP ports forwarded: "
                                 + ", ".join(added)))

    def _log_vm(self, record: Any, stack: Any, template: dict[str, Any]) -> None:
        fips = servers.floating_ips(template, stack.attributes,
                                    {record.name: servers.ports_of(
                                        template, self._realised[record.name]["resource"])})
        forwards = [f for f in record.forwards if f["purpose"] != "ssh"]
        text = (f"{record.name}: qemu VM started ({record.accel}, "
                f"{self.local.memory_mib} MiB), addresses {', '.join(record.addresses())}, "
                f"ssh 127.0.0.1:{record.ssh_port()}")
        if fips.get(record.name):
            text += f"; floating IP {fips[record.name]}"
            text += (" forwarded from " + ", ".join(
                f"127.0.0.1:{f['host_port']} -> tcp/{f['guest_port']}" for f in forwards)
                     if forwards else " (no TCP port open to the outside)")
        self.emit(events.log("info", LOGGER, text))

    def _stop(self, vm_name: str, why: str) -> None:
        self.local.stop_vm(vm_name)
        self._realised.pop(vm_name, None)
        self.emit(events.log("info", LOGGER, f"{vm_name}: qemu VM powered off ({why})"))

    # -- murano-agent ------------------------------------------------------------------------
    def agent_settings(self) -> dict[str, str]:
        try:
            info = self.local.ensure_broker(wait=False)   # it starts while the VMs boot
        except LocalCloudError as exc:
            raise HeatError(f"no broker for the agents: {exc}") from None
        self.masker.add_values([info.password])
        host, port = (vm.BROKER_GUEST_IP, vm.BROKER_GUEST_PORT)
        return {"host": host, "port": str(port), "login": info.login,
                "password": info.password, "virtual_host": info.virtual_host,
                "ssl": "false", "insecure": "false",
                "result_routing_key": results_queue(self.local.id)}

    def _next_stamp(self) -> int:
        stamp = int(time.time() * 10000)
        self._last_stamp = max(stamp, self._last_stamp + 1)
        return self._last_stamp

    def build_plan(self, target: AgentTarget, template: Any,
                   package: PackageFiles) -> dict[str, Any]:
        plan = super().build_plan(target, template, package)
        plan["ID"] = uuid.uuid4().hex
        plan["Stamp"] = self._next_stamp()
        return plan

    def _channel(self) -> AgentTransport:
        if self._transport is None:
            try:
                info = self.local.ensure_broker(wait=True)
            except LocalCloudError as exc:
                raise PlanError(str(exc)) from None
            try:
                self._transport = AgentTransport(info.url, results_queue(self.local.id))
            except TransportError as exc:
                raise PlanError(str(exc)) from None
        return self._transport

    def run_plan(self, target: AgentTarget, plan: dict[str, Any], mode: str,
                 timeout: float | None = None, idle: Idle | None = None) -> Any:
        self._check_whole()
        record = self.local.vms.get(target.vm)
        if record is None or not self.local.vm_running(target.vm):
            raise PlanError(f"VM {target.vm} is not running in this local cloud")
        if not target.queue:
            raise PlanError(f"no agent queue for {target.vm}")
        plan = dict(plan)
        plan.setdefault("ID", uuid.uuid4().hex)
        channel = self._channel()
        sent = time.monotonic()
        try:
            message_id = channel.publish(target.queue, plan)
        except Exception as exc:  # noqa: BLE001 - kombu and socket errors alike
            raise PlanError(f"cannot send the plan to {target.vm}: {exc}") from None
        if mode != "call":
            self._record(target, plan, mode, "ok", None, None, {
                "vm": target.vm, "addresses": record.addresses(), "sent": True})
            return None
        result = self._wait(channel, message_id, record, timeout or PLAN_TIMEOUT, idle)
        waited = time.monotonic() - sent
        run = self._run_details(record, plan, waited)
        if result.get("ErrorCode", 0):
            body = result.get("Body") if isinstance(result.get("Body"), dict) else {}
            details = body.get("AdditionalInfo")
            error = {"message": _failure_message(body.get("Message"), details, run),
                     "details": details, "errorCode": result.get("ErrorCode"),
                     "time": result.get("Time"),
                     "extra": {k: v for k, v in body.items()
                               if k not in ("Message", "AdditionalInfo")} or None}
            self._record(target, plan, mode, "failed", None, error, run)
            raise AgentFailure(error)
        value = result.get("Body")
        self._record(target, plan, mode, "ok", value, None, run)
        return value

    def _wait(self, channel: AgentTransport, message_id: str, record: Any, timeout: float,
              idle: Idle | None) -> dict[str, Any]:
        started = time.monotonic()

        def check() -> None:
            if idle is not None:
                idle()
            if not self.local.vm_running(record.name):
                raise PlanError(f"VM {record.name} stopped; its console ends with:\n"
                                + _console_tail(record))
            if (time.time() - record.started > BOOT_TIMEOUT
                    and not _agent_started(record)):
                raise PlanError(f"murano-agent did not start on {record.name} within "
                                f"{BOOT_TIMEOUT:.0f} s of boot; its console ends with:\n"
                                + _console_tail(record))

        try:
            return channel.wait(message_id, timeout, check)
        except TransportError as exc:
            elapsed = time.monotonic() - started
            raise PlanError(f"{record.name}: {exc} (after {elapsed:.0f} s)") from None

    def _run_details(self, record: Any, plan: dict[str, Any], waited: float) -> dict[str, Any]:
        """Where the plan ran, what its scripts did (from the agent's log) and which stand-in
        binaries of a test image its files name."""
        plan_id = str(plan["ID"])
        deadline = time.monotonic() + LOG_GRACE
        run = guestlog.read_plan(Path(record.agent_log), plan_id)
        while (run is None or not run.scripts or any(s.exit_code is None for s in run.scripts)) \
                and time.monotonic() < deadline:
            time.sleep(0.2)
            run = guestlog.read_plan(Path(record.agent_log), plan_id)
        details: dict[str, Any] = {"vm": record.name, "addresses": record.addresses(),
                                   "waited": round(waited, 1)}
        if run is not None:
            details["duration"] = round(run.duration, 1) if run.duration is not None else None
            details["scripts"] = [{"name": s.name, "exitCode": s.exit_code,
                                   "stdout": guestlog.tail(s.stdout),
                                   "stderr": guestlog.tail(s.stderr)} for s in run.scripts]
        used = _standins_named(plan, guestlog.standins(_read(record.agent_log)))
        if used:
            details["standins"] = used
        return details

    def _record(self, target: AgentTarget, plan: dict[str, Any], mode: str, status: str,
                result: Any, error: dict[str, Any] | None, run: dict[str, Any]) -> None:
        event = events.agent_plan(target.vm, target.host, mode, plan, status, result, error)
        event["run"] = run
        self.emit(event)

    # -- state -----------------------------------------------------------------------------
    def to_state(self) -> dict[str, Any]:
        if self._torn_down:   # a later command starts a new environment
            return {"backend": BACKEND}
        state = super().to_state()
        state["backend"] = BACKEND
        state["localcloud"] = self.local.to_state()
        state["realised"] = dict(self._realised)
        return state

    def _check_whole(self) -> None:
        """Refuse to work on an environment whose processes are gone (a reboot, a kill)."""
        problems = self.local.problems()
        if problems:
            raise PlanError("the local cloud of this environment is broken: "
                            + "; ".join(problems) + " (delete the environment: deploy "
                            "{\"Objects\": null} with the same --state)")

    def close(self, keep: bool = True) -> bool:
        """Drop the broker connection; ``keep`` False also tears the environment down (every
        VM, switch and the broker stopped, disks, sockets and keys removed). Returns True
        when the environment is gone."""
        if self._transport is not None:
            try:
                self._transport.close()
            except Exception:  # noqa: BLE001 - the broker may be gone already
                pass
            self._transport = None
        if keep and (self.templates() or self.local.vms):
            return False
        self.local.teardown()   # a failure, or nothing left to keep (the stack was deleted)
        self._torn_down = True
        return True


def _read(path: str) -> str:
    try:
        return Path(path).read_text(errors="replace")
    except OSError:
        return ""


def _standins_named(plan: dict[str, Any], standins: list[str]) -> list[str]:
    """The stand-in binaries a plan's files or body call by name."""
    texts = [str(plan.get("Body") or "")]
    texts += [str(f.get("Body") or "") for f in (plan.get("Files") or {}).values()
              if isinstance(f, dict) and f.get("BodyType", "Text") == "Text"]
    return sorted(name for name in standins
                  if any(re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", t) for t in texts))


def _agent_started(record: Any) -> bool:
    try:
        return Path(record.agent_log).stat().st_size > 0
    except OSError:
        return False


def _console_tail(record: Any, lines: int = 15) -> str:
    try:
        text = Path(record.console_log).read_text(errors="replace")
    except OSError:
        return "(no console log)"
    return guestlog.tail(text, lines)


def _failure_message(message: Any, details: Any, run: dict[str, Any]) -> str:
    """murano-agent's message with the failing script's exit code and output."""
    text = str(message or "murano-agent reported an error")
    info = details if isinstance(details, dict) else {}
    if not info and run.get("scripts"):
        failing = [s for s in run["scripts"] if s.get("exitCode")]
        info = failing[-1] if failing else {}
    if info.get("exitCode") is not None:
        text += f" (exit code {info['exitCode']})"
    output = str(info.get("stderr") or info.get("stdout") or "").strip()
    if output:
        text += ": " + guestlog.tail(output, 8, 1500)
    return text


DEFAULT_IMAGE = "debian8-x64-kubernetes.qcow2"


def open_cloud(state_dir: str | None, image: str | None, amqp: str | None,
               saved: dict[str, Any] | None, masker: Any) -> QemuCloud:
    """The qemu cloud of a saved state, or a new one (nothing starts until it is needed):
    its folder is ``STATE/localcloud``, or a temporary folder without ``--state``."""
    if saved and saved.get("localcloud"):
        return QemuCloud(LocalCloud.from_state(saved["localcloud"]), masker, saved)
    folder = Path(state_dir) / "localcloud" if state_dir else None
    local = LocalCloud.create(Path(image or DEFAULT_IMAGE), folder, amqp,
                              str(Path(state_dir).resolve()) if state_dir else None)
    return QemuCloud(local, masker)
