"""The trace of a run: every kind of event, and the masker that keeps secrets out of it.

An event is a plain dict, JSON-ready, with ``kind`` and the fields below; the runtime records
them in emission order (``Runtime.events``), so the same run always yields the same list.
Every kind is declared here, whoever emits it: the engine, the core library or a cloud.

- ``report``      object (id), text, level ("info"|"error"), details       (StatusReporter)
- ``log``         level, logger, message                                    (Logger)
- ``heat_push``   stack, status ("ok"|"failed"), diff (unified diff lines of the template),
                  added / removed (resource names), servers (VM names in the template),
                  outputs (new or changed ones), error                      (cloud)
- ``heat_delete`` stack                                                     (cloud)
- ``agent_plan``  vm, host (object id), mode ("call"|"send"), name, id, stamp, scripts
                  (script names), files ([{name, type, body}]), parameters, body, status
                  ("ok"|"failed"), result, error; on a cloud of real VMs also run: where
                  it ran (vm, addresses), waited, duration, scripts ([{name, exitCode,
                  stdout, stderr}], output tails), standins (stand-in binaries it calls)
                                                                            (cloud)
- ``vm_created`` / ``vm_deleted``  vm, stack (an OS::Nova::Server of a pushed template)
- ``exception``   type, message, stack (MuranoPL frames)   (the error that ended the work)
- ``object.destroyed``       id, type       (an object's ``.destroy`` ran)         (engine)
- ``object.destroy_failed``  id, type, error, message  (a muted ``.destroy`` failure)
- ``object.init_failed``     id, type, error, message  (``.init`` of an object removed
                             from the model failed; it is destroyed all the same)

:class:`Masker` replaces secrets by ``***``: values under password-like keys, and those values
wherever else they appear. Reports, logs, saved models and the trace all go through one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

REPORT = "report"
LOG = "log"
HEAT_PUSH = "heat_push"
HEAT_DELETE = "heat_delete"
AGENT_PLAN = "agent_plan"
VM_CREATED = "vm_created"
VM_DELETED = "vm_deleted"
EXCEPTION = "exception"
OBJECT_DESTROYED = "object.destroyed"
OBJECT_DESTROY_FAILED = "object.destroy_failed"
OBJECT_INIT_FAILED = "object.init_failed"

KINDS = (REPORT, LOG, HEAT_PUSH, HEAT_DELETE, AGENT_PLAN, VM_CREATED, VM_DELETED, EXCEPTION,
         OBJECT_DESTROYED, OBJECT_DESTROY_FAILED, OBJECT_INIT_FAILED)
"""Every kind of event a run records."""


# --- events ---------------------------------------------------------------------------------
def report(obj: str | None, text: str, level: str = "info",
           details: str | None = None) -> dict[str, Any]:
    """A StatusReporter message about object ``obj``."""
    return {"kind": REPORT, "object": obj, "text": text, "level": level, "details": details}


def log(level: str, logger: str, message: str) -> dict[str, Any]:
    """A Logger line."""
    return {"kind": LOG, "level": level, "logger": logger, "message": message}


def heat_push(stack: str, status: str, diff: list[str], added: list[str],
              removed: list[str], servers: list[str], outputs: dict[str, Any],
              error: str | None = None) -> dict[str, Any]:
    """A Heat stack create/update."""
    return {"kind": HEAT_PUSH, "stack": stack, "status": status, "diff": diff,
            "added": added, "removed": removed, "servers": servers, "outputs": outputs,
            "error": error}


def heat_delete(stack: str) -> dict[str, Any]:
    """A Heat stack deletion."""
    return {"kind": HEAT_DELETE, "stack": stack}


def vm(kind: str, name: str, stack: str) -> dict[str, Any]:
    """A server appearing in (``vm_created``) or leaving (``vm_deleted``) a stack."""
    if kind not in (VM_CREATED, VM_DELETED):
        raise ValueError(f"not a VM event kind: {kind!r}")
    return {"kind": kind, "vm": name, "stack": stack}


def agent_plan(vm_name: str, host: str | None, mode: str, plan: dict[str, Any],
               status: str, result: Any, error: dict[str, Any] | None) -> dict[str, Any]:
    """A murano-agent execution plan sent to ``vm_name`` and its outcome."""
    files = [{"name": f.get("Name"), "type": f.get("Type") or f.get("BodyType"),
              "body": f.get("Body", f.get("URL"))}
             for _fid, f in sorted(plan.get("Files", {}).items(),
                                   key=lambda kv: str(kv[1].get("Name")))]
    return {"kind": AGENT_PLAN, "vm": vm_name, "host": host, "mode": mode,
            "name": plan.get("Name"), "id": plan.get("ID"), "stamp": plan.get("Stamp"),
            "scripts": sorted(plan.get("Scripts", {})), "files": files,
            "parameters": plan.get("Parameters", {}), "body": plan.get("Body"),
            "status": status, "result": result, "error": error}


def exception(type_name: str, message: str, stack: list[Any] | None = None) -> dict[str, Any]:
    """A MuranoPL exception that ended (part of) a deployment."""
    return {"kind": EXCEPTION, "type": type_name, "message": message, "stack": stack or []}


def object_destroyed(object_id: str, type_name: str) -> dict[str, Any]:
    """An object's ``.destroy`` methods ran."""
    return {"kind": OBJECT_DESTROYED, "id": object_id, "type": type_name}


def object_destroy_failed(object_id: str, type_name: str, error: str,
                          message: str) -> dict[str, Any]:
    """A ``.destroy`` (or a destruction handler) failed; Murano mutes it and carries on."""
    return {"kind": OBJECT_DESTROY_FAILED, "id": object_id, "type": type_name, "error": error,
            "message": message}


def object_init_failed(object_id: str, type_name: str, error: str,
                       message: str) -> dict[str, Any]:
    """``.init`` of an object removed from the model failed (it is destroyed anyway)."""
    return {"kind": OBJECT_INIT_FAILED, "id": object_id, "type": type_name, "error": error,
            "message": message}


# --- secrets --------------------------------------------------------------------------------
MASK = "***"
# A secret value shorter than this is masked in text only where it stands as a whole token
# (no letter, digit or underscore right before or after it): inside a longer word it is most
# likely a coincidence, and masking it there would garble the word and show where the
# secret's letters were. Values of 1-2 characters are not looked for in text at all.
WHOLE_TOKEN_BELOW = 6
SHORTEST_IN_TEXT = 3

# Property names that hold secrets whatever the contract says.
_SECRET_NAME = re.compile(r"(?i)(password|passwd|_pass$|^pass$|secret|gcloudkey|privatekey|token)")


class Masker:
    """Replaces secrets by ``***``: values under secret keys, and those values anywhere else."""

    def __init__(self, keys: Iterable[str] = (), values: Iterable[str] = ()) -> None:
        self._keys = {k.lower() for k in keys}
        self._values: set[str] = set()
        self.add_values(values)

    def add_keys(self, keys: Iterable[str]) -> None:
        """Treat properties with these names (any letter case) as secrets."""
        self._keys.update(k.lower() for k in keys)

    def add_values(self, values: Iterable[Any]) -> None:
        """Mask these exact strings in text: from 6 characters on wherever they appear, of 3-5
        only as whole tokens; 1-2 character values are only masked under secret keys."""
        for value in values:
            if isinstance(value, str) and len(value) >= SHORTEST_IN_TEXT and value != MASK:
                self._values.add(value)
        self._pattern = _text_pattern(self._values)

    def is_secret_key(self, key: Any) -> bool:
        """True if a property or parameter of this name holds a secret."""
        return isinstance(key, str) and (key.lower() in self._keys
                                         or bool(_SECRET_NAME.search(key)))

    def learn(self, data: Any) -> None:
        """Remember the values found under secret keys anywhere in ``data``."""
        found: list[str] = []
        self._collect(data, found)
        if found:
            self.add_values(found)

    def _collect(self, data: Any, found: list[str]) -> None:
        if isinstance(data, dict):
            for key, value in data.items():
                if self.is_secret_key(key) and isinstance(value, str):
                    found.append(value)
                else:
                    self._collect(value, found)
        elif isinstance(data, (list, tuple)):
            for item in data:
                self._collect(item, found)

    def mask(self, data: Any) -> Any:
        """A copy of ``data`` with every secret replaced by ``***``."""
        if isinstance(data, dict):
            return {key: (MASK if self.is_secret_key(key) and isinstance(value, str) and value
                          else self.mask(value))
                    for key, value in data.items()}
        if isinstance(data, list):
            return [self.mask(item) for item in data]
        if isinstance(data, tuple):
            return tuple(self.mask(item) for item in data)
        if isinstance(data, str) and self._pattern is not None:
            return self._pattern.sub(MASK, data)
        return data


def _text_pattern(values: set[str]) -> re.Pattern[str] | None:
    """One regular expression finding every value in text, longest first."""
    if not values:
        return None
    parts = []
    for value in sorted(values, key=len, reverse=True):
        escaped = re.escape(value)
        parts.append(escaped if len(value) >= WHOLE_TOKEN_BELOW
                     else rf"(?<!\w){escaped}(?!\w)")
    return re.compile("|".join(parts))
