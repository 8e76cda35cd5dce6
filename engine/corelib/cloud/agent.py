"""The simulated murano-agent: builds v2 execution plans, records them per VM, answers.

Plans are built as upstream's ``io.murano.system.Agent`` sends them: ``FormatVersion`` 2.x,
``ID``, ``Stamp``, ``Action`` (default ``Execute``), ``Body``, ``Scripts`` whose entry points
and files are replaced by ids into ``Files``, and ``Files`` holding each file's contents read
from the calling package's ``Resources/scripts/``. Ids are deterministic.
"""

from __future__ import annotations

import base64
import copy
from typing import Any

from muranokit.engine import events
from muranokit.engine.corelib.cloud.backend import AgentFailure, PackageFiles, PlanError
from muranokit.engine.syntax import plans
from muranokit.engine.syntax.plans import SCRIPTS_FOLDER


def _file_name(spec: Any) -> str:
    try:
        return plans.file_name(spec)
    except ValueError as exc:
        raise PlanError(str(exc)) from None


class PlanBuilder:
    """Builds one v2 plan from a template, reading files from a package."""

    def __init__(self, package: PackageFiles, plan_id: str, stamp: int) -> None:
        self.package = package
        self.plan_id = plan_id
        self.stamp = stamp
        self.id_counter = 0

    def _next_file_id(self) -> str:
        self.id_counter += 1
        return f"{self.plan_id[:24]}{self.id_counter:08x}"

    def _read(self, relpath: str, binary: bool) -> str:
        member = plans.script_member(relpath)
        if member is None:
            raise PlanError(f"file {relpath!r} named by the execution plan is outside "
                            f"Resources/{SCRIPTS_FOLDER}/ of package {self.package.name} (an "
                            "absolute path or '..'): refused, not read")
        path = member.split("/", 1)[1]   # relative to Resources/
        if not self.package.resource_exists(path):
            raise PlanError(f"file Resources/{path} referenced by the execution plan does not "
                            f"exist in package {self.package.name}")
        data = self.package.read_resource(path)
        if binary:
            return base64.b64encode(data).decode("ascii") + "\n"
        return data.decode("utf-8")

    def _place(self, spec: Any, template: dict[str, Any], placed: dict[str, str]) -> str:
        value, name = plans.file_value(spec), _file_name(spec)
        if not isinstance(value, str):
            raise PlanError(f"invalid file reference {spec!r}")
        file_id = self._next_file_id()
        if plans.is_url(value):
            template["Files"][file_id] = {"Name": name, "URL": value, "Type": "Downloadable"}
        else:
            encoded = plans.is_encoded(value)
            template["Files"][file_id] = {
                "Name": name, "BodyType": "Base64" if encoded else "Text",
                "Body": self._read(value[1:-1] if encoded else value, encoded)}
        placed[name] = file_id
        return file_id

    def build(self, template: Any) -> dict[str, Any]:
        """The plan for ``template`` (a dict, FormatVersion 2.x)."""
        if not isinstance(template, dict):
            raise PlanError("an execution plan template must be a mapping")
        plan = copy.deepcopy(template)
        version = str(plan.get("FormatVersion") or "")
        if not version.startswith("2."):
            raise PlanError(f"unsupported execution plan FormatVersion {version or '(none)'!r}"
                            " (the offline agent speaks 2.x)")
        plan["ID"] = self.plan_id
        plan["Stamp"] = self.stamp
        plan.setdefault("Action", "Execute")
        files = plan.setdefault("Files", {})
        if not isinstance(files, dict):
            raise PlanError("'Files' of an execution plan must be a mapping")
        placed = {descr["Name"]: fid for fid, descr in files.items() if isinstance(descr, dict)}
        scripts = plan.get("Scripts") or {}
        if not isinstance(scripts, dict):
            raise PlanError("'Scripts' of an execution plan must be a mapping")
        for name in sorted(scripts):
            script = scripts[name]
            if not isinstance(script, dict) or "EntryPoint" not in script:
                raise PlanError(f"no entry point in script {name}")
            if script.get("Type") == "Application":
                entry = script["EntryPoint"]
                script["EntryPoint"] = placed.get(entry) or self._place(entry, plan, placed)
            for index, spec in enumerate(script.get("Files") or []):
                fname = _file_name(spec)
                script["Files"][index] = placed.get(fname) or self._place(spec, plan, placed)
        return plan


class AgentSimulator:
    """Records execution plans per VM and answers them from the cloud's agent rules."""

    def __init__(self, cloud: Any, state: dict[str, Any] | None = None) -> None:
        self.cloud = cloud
        state = state or {}
        # vm name -> list of recorded plans (with outcome)
        self.history: dict[str, list[dict[str, Any]]] = state.get("history", {})

    def build_plan(self, vm: str, template: Any, package: PackageFiles) -> dict[str, Any]:
        """Build the next plan for ``vm`` without running it."""
        stamp = len(self.history.get(vm, [])) + 1
        plan_id = self.cloud.allocator.make_id("agent-plan", f"{vm}#{stamp}").replace("-", "")
        return PlanBuilder(package, plan_id, stamp).build(template)

    def execute(self, vm: str, host: str | None, plan: dict[str, Any],
                mode: str = "call") -> Any:
        """Run a built plan (``call`` waits for a result, ``send`` does not)."""
        plan = copy.deepcopy(plan)
        plan.setdefault("ID", self.cloud.allocator.make_id(
            "agent-plan", f"{vm}#{len(self.history.get(vm, [])) + 1}").replace("-", ""))
        scripts = []
        for name, script in sorted((plan.get("Scripts") or {}).items()):
            scripts.append(name)
            entry = script.get("EntryPoint") if isinstance(script, dict) else None
            described = (plan.get("Files") or {}).get(entry)
            if isinstance(described, dict) and described.get("Name"):
                scripts.append(described["Name"])
        rule = self.cloud.rules.agent_answer(plan.get("Name"), scripts, vm)
        answer = rule.answer if rule else {}
        error = None
        result: Any = answer.get("body", answer.get("stdout", ""))
        exit_code = answer.get("exitCode", 0)
        if "fail" in answer or exit_code:
            error = {"message": answer.get("fail") or (
                f"script exited with code {exit_code}: {answer.get('stderr', '')}".rstrip(": ")),
                "details": answer.get("stderr"), "errorCode": exit_code or 1,
                "time": None, "extra": None}
        status = "failed" if error else "ok"
        record = {"mode": mode, "plan": plan, "status": status,
                  "result": None if error else result, "error": error}
        self.history.setdefault(vm, []).append(record)
        self.cloud.emit(events.agent_plan(vm, host, mode, plan, status, record["result"],
                                          error))
        if error and mode == "call":
            raise AgentFailure(error)
        return copy.deepcopy(result) if mode == "call" else None

    def forget(self, vm: str) -> None:
        """Drop a VM's history (its server was deleted)."""
        self.history.pop(vm, None)

    def to_state(self) -> dict[str, Any]:
        """A JSON-serialisable snapshot."""
        return {"history": self.history}
