"""The trace of a run: every kind of event, and the masker that keeps secrets out of it.

An event is a plain dict, JSON-ready, with ``kind`` and the fields below; the runtime records
them in emission order (``Runtime.events``), so the same run always yields the same list.
Every kind is declared here, whoever emits it: the engine, the core library or a cloud.

- ``report``      object (id), type and name (of the object), text, level ("info"|"error"),
                  details                                                   (StatusReporter)
- ``log``         level, logger, message                                    (Logger)
- ``heat_push``   stack, status ("ok"|"failed"), diff (unified diff lines of the template),
                  added / removed (resource names), servers (VM names in the template),
                  outputs (new or changed ones), error                      (cloud)
- ``heat_delete`` stack                                                     (cloud)
- ``agent_plan``  vm, host (object id), mode ("call"|"send"), name, id, stamp, scripts
                  (script names), entry_points (script name -> the file or command it
                  runs), files ([{name, type, body}]), parameters, body, status
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

:class:`Masker` replaces secrets by ``***``: values under secret names (:func:`is_secret_name`,
and the names a package's form marks as passwords), and those values wherever else they
appear. Reports, error messages, warnings, saved models and the trace all go through the one
masker of a run.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
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
def report(obj: str | None, text: str, level: str = "info", details: str | None = None,
           type_name: str | None = None, name: str | None = None) -> dict[str, Any]:
    """A StatusReporter message about object ``obj`` (its id; ``type_name`` its class,
    ``name`` its name, for people to tell which object it is)."""
    return {"kind": REPORT, "object": obj, "type": type_name, "name": name, "text": text,
            "level": level, "details": details}


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
               status: str, result: Any, error: dict[str, Any] | None,
               scripts: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A murano-agent execution plan sent to ``vm_name`` and its outcome. A plan of
    FormatVersion 1.x carries its scripts' contents only: ``scripts`` names them
    (``name``, ``body``)."""
    entry_points: dict[str, Any] = {}
    if scripts is not None:
        files = [{"name": s["name"], "type": "Base64", "body": s["body"]} for s in scripts]
        names = [s["name"] for s in scripts]
    else:
        files = [{"name": f.get("Name"), "type": f.get("Type") or f.get("BodyType"),
                  "body": f.get("Body", f.get("URL"))}
                 for _fid, f in sorted(plan.get("Files", {}).items(),
                                       key=lambda kv: str(kv[1].get("Name")))]
        by_id = {fid: f.get("Name") for fid, f in plan.get("Files", {}).items()
                 if isinstance(f, dict)}
        entry_points = {name: by_id.get(script.get("EntryPoint"), script.get("EntryPoint"))
                        for name, script in sorted(plan.get("Scripts", {}).items())
                        if isinstance(script, dict)}
        names = sorted(plan.get("Scripts", {}))
    return {"kind": AGENT_PLAN, "vm": vm_name, "host": host, "mode": mode,
            "name": plan.get("Name"), "id": plan.get("ID"), "stamp": plan.get("Stamp"),
            "scripts": names, "entry_points": entry_points, "files": files,
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

# Words of a name that make it hold a secret (found inside a word too: adminpassword) ...
_SECRET_WORDS = re.compile(r"password|passwd|passphrase|secret|token|credential|privatekey"
                           r"|gcloudkey")
# ... a last word that does (adminPass, DB_PASS) ...
_SECRET_LAST_WORDS = frozenset({"pass"})
# ... a "key" after one of these words (API_KEY, accessKey, tls_key; not routingKey) ...
_SECRET_KEY_KINDS = frozenset({"api", "access", "private", "secret", "encryption", "signing",
                               "auth", "client", "session", "license", "master", "ssl", "tls",
                               "gcloud", "hmac", "jwt"})
# ... and words that make it a setting about a secret instead (ALLOW_EMPTY_PASSWORD,
# MYSQL_RANDOM_ROOT_PASSWORD, passwordLength, tokenTtl, PASSWORD_FILE, secretName).
_ABOUT_WORDS = frozenset({"allow", "allowed", "skip", "no", "disable", "disabled", "enable",
                          "enabled", "use", "require", "required", "random", "generate",
                          "generated", "ignore", "empty", "is", "has", "length", "min", "max",
                          "policy", "file", "path", "ttl", "expiry", "expires", "type", "mode",
                          "method", "name", "ref", "label", "hint"})


def name_words(name: str) -> list[str]:
    """The lower-case words of a name in any spelling: ``adminPassword``, ``ALLOW_EMPTY_PASSWORD``,
    ``tls-key`` -> ``["admin", "password"]``, ``["allow", "empty", "password"]``, ...
    """
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    return [word for word in re.split(r"[^a-z0-9]+", spaced.lower()) if word]


def is_secret_name(name: Any) -> bool:
    """True if a property, parameter or variable of this name holds a secret: a password,
    token, credential or API key, but not a switch or setting about one
    (``ALLOW_EMPTY_PASSWORD``, ``passwordLength``). The one rule muranokit decides by, from
    masking the trace to the password fields ``new-app`` writes."""
    return isinstance(name, str) and _is_secret_name(name)


@functools.lru_cache(maxsize=8192)
def _is_secret_name(name: str) -> bool:
    words = name_words(name)
    if not words or _ABOUT_WORDS.intersection(words):
        return False
    if any(_SECRET_WORDS.search(word) for word in words) or words[-1] in _SECRET_LAST_WORDS:
        return True
    return len(words) > 1 and words[-1] == "key" and words[-2] in _SECRET_KEY_KINDS


class Masker:
    """Replaces secrets by ``***``: values under secret keys, and those values anywhere else."""

    def __init__(self, keys: Iterable[str] = (), values: Iterable[str] = ()) -> None:
        self._keys = {k.lower() for k in keys}
        self._values: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self.add_values(values)

    def add_keys(self, keys: Iterable[str]) -> None:
        """Treat properties with these names (any letter case) as secrets."""
        self._keys.update(k.lower() for k in keys)

    def add_values(self, values: Iterable[Any]) -> None:
        """Mask these exact strings in text: from 6 characters on wherever they appear, of 3-5
        only as whole tokens; 1-2 character values are only masked under secret keys."""
        added = False
        for value in values:
            if isinstance(value, str) and len(value) >= SHORTEST_IN_TEXT and value != MASK \
                    and value not in self._values:
                self._values.add(value)
                added = True
        if added:
            self._pattern = _text_pattern(self._values)

    def is_secret_key(self, key: Any) -> bool:
        """True if a property or parameter of this name holds a secret: a name given to
        :meth:`add_keys` (a form's password field) or one :func:`is_secret_name` accepts."""
        return isinstance(key, str) and (key.lower() in self._keys or is_secret_name(key))

    def learn(self, data: Any) -> None:
        """Remember the values found under secret keys anywhere in ``data`` (every string
        and number inside a list or mapping given under such a key)."""
        found: list[str] = []
        self._collect(data, found)
        if found:
            self.add_values(found)

    def _collect(self, data: Any, found: list[str]) -> None:
        if isinstance(data, Mapping):
            for key, value in data.items():
                if self.is_secret_key(key):
                    found.extend(_leaves(value))
                else:
                    self._collect(value, found)
        elif isinstance(data, (list, tuple)):
            for item in data:
                self._collect(item, found)

    def mask(self, data: Any) -> Any:
        """A copy of ``data`` with every secret replaced by ``***``: under a secret key every
        non-empty string or number (inside lists and mappings too), elsewhere the known
        secret values inside strings."""
        if isinstance(data, Mapping):
            return {key: (_mask_all(value) if self.is_secret_key(key) else self.mask(value))
                    for key, value in data.items()}
        if isinstance(data, list):
            return [self.mask(item) for item in data]
        if isinstance(data, tuple):
            return tuple(self.mask(item) for item in data)
        if isinstance(data, str) and self._pattern is not None:
            return self._pattern.sub(MASK, data)
        return data

    def shown(self, value: Any, *names: str) -> str:
        """How a message shows ``value``: ``***`` when any of ``names`` (the property or
        argument it was given as) is a secret, else its repr with known secrets masked."""
        if any(self.is_secret_key(name) for name in names):
            return MASK
        return repr(self.mask(value))


def _leaves(value: Any) -> list[str]:
    """Every string and number inside ``value`` (booleans and None are no secrets)."""
    if isinstance(value, Mapping):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in _leaves(item)]
    if isinstance(value, str):
        return [value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [str(value)]
    return []


def _mask_all(value: Any) -> Any:
    """``value`` given under a secret key: every non-empty string or number masked."""
    if isinstance(value, Mapping):
        return {key: _mask_all(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_mask_all(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_mask_all(item) for item in value)
    if isinstance(value, str):
        return MASK if value else value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return MASK
    return value


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
