"""The ``--state DIR`` folder of dry-run deployments: what a Murano session would remember.

``DIR/state.json`` is the single source of truth: a format marker and version, the package
paths the deployment used, the object model (``Objects``, ``Attributes``, ``ObjectsCopy``),
the simulated cloud (Heat stacks, agent history, allocator, rule hits) and a sha256 of all
that. ``DIR/model.json`` and ``DIR/heat-templates.yaml`` are copies for people to read.

Every file is written to a temporary name and renamed into place, ``state.json`` last, so a
crash leaves either the old state or the new one. A folder whose state is unreadable,
half-written, from another format version or not a state folder at all is refused with
:class:`InputError` (exit 2) and left untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from typing import Any

import yaml

from muranokit.tools.exceptions import InputError

STATE_FILE = "state.json"
MODEL_FILE = "model.json"
TEMPLATES_FILE = "heat-templates.yaml"
FORMAT_MARK = "muranokit-dryrun-state"
FORMAT_VERSION = 1
_OWN_FILES = (STATE_FILE, MODEL_FILE, TEMPLATES_FILE)
# A cloud backend's own files in the state folder (the qemu cloud: VM disks, broker, keys).
CLOUD_FOLDERS = ("localcloud",)


@dataclass
class SavedState:
    """What one deployment leaves for the next command."""

    packages: list[str]
    model: dict[str, Any]
    cloud: dict[str, Any]
    status: str = "ok"  # "ok" or "failed": how the last command ended
    history: list[dict[str, Any]] = field(default_factory=list)  # commands run, in order

    def templates(self) -> dict[str, Any]:
        """Deployed Heat template of every stack, by stack name."""
        return deployed_templates(self.cloud)


def deployed_templates(cloud: dict[str, Any] | None) -> dict[str, Any]:
    """Deployed Heat template of every stack of a simulated cloud's state, by stack name
    (deleted stacks left out)."""
    stacks = (cloud or {}).get("stacks") or {}
    return {name: s.get("deployed") or {} for name, s in sorted(stacks.items())
            if s.get("status") != "NOT_FOUND"}


def _canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _digest(body: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical(body).encode("utf-8")).hexdigest()


def exists(directory: str) -> bool:
    """True if ``directory`` holds a saved state (valid or not)."""
    return os.path.isfile(os.path.join(directory, STATE_FILE))


def check_usable(directory: str) -> None:
    """Refuse a ``--state`` path that is not a folder we may write our state into."""
    if os.path.exists(directory) and not os.path.isdir(directory):
        raise InputError("--state must be a folder, this is a file", directory)
    if os.path.isdir(directory) and not exists(directory):
        foreign = sorted(n for n in os.listdir(directory)
                         if not n.startswith(".") and n not in CLOUD_FOLDERS)
        if foreign:
            raise InputError(
                f"not a muranokit state folder (no {STATE_FILE}, but it holds "
                f"{', '.join(foreign[:3])}{' ...' if len(foreign) > 3 else ''}); "
                "a half-written state or another folder: use an empty or new folder",
                directory)


def load(directory: str) -> SavedState:
    """Read and verify a saved state; any defect raises :class:`InputError`."""
    path = os.path.join(directory, STATE_FILE)
    if not os.path.isdir(directory):
        raise InputError("state folder does not exist", directory)
    if not os.path.isfile(path):
        check_usable(directory)
        raise InputError(f"no saved state here (no {STATE_FILE}); run `muranokit deploy "
                         f"--state {directory}` first", directory)
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read state: {exc}", path) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"state is half-written or corrupt (invalid JSON: {exc.msg})",
                         path, exc.lineno) from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT_MARK:
        raise InputError("not a muranokit dry-run state file", path)
    if data.get("version") != FORMAT_VERSION:
        raise InputError(f"state format version {data.get('version')!r} is not supported by "
                         f"this muranokit (it reads version {FORMAT_VERSION}); deploy into a "
                         "new folder", path)
    body = data.get("body")
    if not isinstance(body, dict) or data.get("sha256") != _digest(body):
        raise InputError("state is half-written or corrupt (checksum mismatch)", path)
    try:
        packages = [str(p) for p in body["packages"]]
        model = body["model"]
        cloud = body["cloud"]
        if not isinstance(model, dict) or not isinstance(cloud, dict):
            raise TypeError("model and cloud must be mappings")
    except (KeyError, TypeError) as exc:
        raise InputError(f"state is incomplete: {exc}", path) from exc
    return SavedState(packages, model, cloud, str(body.get("status", "ok")),
                      list(body.get("history") or []))


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_text_atomic(path: str, text: str, *, private: bool = False) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder and a rename.

    The file gets the usual umask-based mode, or 0600 when ``private`` (state files keep
    the deployment's unmasked secrets).
    """
    directory = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp",
                               dir=directory)
    try:
        if not private:
            os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def save(directory: str, state: SavedState) -> None:
    """Write ``state`` into ``directory`` (created if needed), atomically file by file."""
    check_usable(directory)
    try:
        os.makedirs(directory, exist_ok=True)
        body = {"packages": state.packages, "model": state.model, "cloud": state.cloud,
                "status": state.status, "history": state.history}
        model_text = json.dumps(state.model, indent=2, sort_keys=True) + "\n"
        templates_text = yaml.safe_dump(state.templates(), default_flow_style=False,
                                        sort_keys=True, width=100)
        document = {"format": FORMAT_MARK, "version": FORMAT_VERSION, "sha256": _digest(body),
                    "body": body}
        state_text = json.dumps(document, indent=1, sort_keys=True) + "\n"
        for name, text in ((MODEL_FILE, model_text), (TEMPLATES_FILE, templates_text),
                           (STATE_FILE, state_text)):   # state.json last: it marks completion
            write_text_atomic(os.path.join(directory, name), text, private=True)
    except OSError as exc:
        raise InputError(f"cannot write state: {exc.strerror}", exc.filename or directory
                         ) from exc


__all__ = ["FORMAT_VERSION", "SavedState", "check_usable", "deployed_templates", "exists",
           "load", "save", "write_text_atomic"]
