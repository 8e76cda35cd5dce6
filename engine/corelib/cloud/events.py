"""The shapes of trace events (plain dicts, JSON-ready, in emission order).

Every event has ``kind`` plus the fields below; the dry-run command adds nothing else, so the
same deployment always yields the same list.

- ``report``      object (id), text, level ("info"|"error"), details
- ``log``         level, logger, message
- ``heat_push``   stack, status ("ok"|"failed"), diff (unified diff lines of the template),
                  added / removed (resource names), servers (VM names in the template),
                  outputs (new or changed ones), error
- ``heat_delete`` stack
- ``agent_plan``  vm, host (object id), mode ("call"|"send"), name, id, stamp, scripts
                  (script names), files ([{name, type, body}]), parameters, body, status
                  ("ok"|"failed"), result, error
- ``vm_created`` / ``vm_deleted``  vm, stack (from the pushed template's OS::Nova::Server)
- ``exception``   type, message, stack (MuranoPL frames, from the engine)
"""

from __future__ import annotations

from typing import Any

KINDS = ("report", "log", "heat_push", "heat_delete", "agent_plan", "vm_created",
         "vm_deleted", "exception")


def report(obj: str | None, text: str, level: str = "info",
           details: str | None = None) -> dict[str, Any]:
    """A StatusReporter message about object ``obj``."""
    return {"kind": "report", "object": obj, "text": text, "level": level, "details": details}


def log(level: str, logger: str, message: str) -> dict[str, Any]:
    """A Logger line."""
    return {"kind": "log", "level": level, "logger": logger, "message": message}


def heat_push(stack: str, status: str, diff: list[str], added: list[str],
              removed: list[str], servers: list[str], outputs: dict[str, Any],
              error: str | None = None) -> dict[str, Any]:
    """A Heat stack create/update."""
    return {"kind": "heat_push", "stack": stack, "status": status, "diff": diff,
            "added": added, "removed": removed, "servers": servers, "outputs": outputs,
            "error": error}


def heat_delete(stack: str) -> dict[str, Any]:
    """A Heat stack deletion."""
    return {"kind": "heat_delete", "stack": stack}


def vm(kind: str, name: str, stack: str) -> dict[str, Any]:
    """A server appearing in (``vm_created``) or leaving (``vm_deleted``) a stack."""
    return {"kind": kind, "vm": name, "stack": stack}


def agent_plan(vm_name: str, host: str | None, mode: str, plan: dict[str, Any],
               status: str, result: Any, error: dict[str, Any] | None) -> dict[str, Any]:
    """A murano-agent execution plan sent to ``vm_name`` and its outcome."""
    files = [{"name": f.get("Name"), "type": f.get("Type") or f.get("BodyType"),
              "body": f.get("Body", f.get("URL"))}
             for _fid, f in sorted(plan.get("Files", {}).items(),
                                   key=lambda kv: str(kv[1].get("Name")))]
    return {"kind": "agent_plan", "vm": vm_name, "host": host, "mode": mode,
            "name": plan.get("Name"), "id": plan.get("ID"), "stamp": plan.get("Stamp"),
            "scripts": sorted(plan.get("Scripts", {})), "files": files,
            "parameters": plan.get("Parameters", {}), "body": plan.get("Body"),
            "status": status, "result": result, "error": error}


def exception(type_name: str, message: str, stack: list[Any] | None = None) -> dict[str, Any]:
    """A MuranoPL exception that ended (part of) a deployment."""
    return {"kind": "exception", "type": type_name, "message": message, "stack": stack or []}
