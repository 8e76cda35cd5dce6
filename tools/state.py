"""The ``--state DIR`` folder of dry-run deployments: what a Murano session would remember.

``DIR/state.json`` is the single source of truth: a format marker and version, the package
paths the deployment used, the object model (``Objects``, ``Attributes``, ``ObjectsCopy``),
the simulated cloud (Heat stacks, agent history, allocator, rule hits) and a sha256 of all
that. ``DIR/model.json`` and ``DIR/heat-templates.yaml`` are copies for people to read.

A state is saved as a whole: its files are written into a new hidden generation folder
(``DIR/.generation-N``), then the pointer ``DIR/.current`` (a symlink) is switched to it in
one rename, and the names people read (``state.json``, ``model.json``,
``heat-templates.yaml``) are symlinks through that pointer. An interrupted save leaves the
previous state whole, never a mix of old and new files. A folder whose state is unreadable,
half-written, malformed, from another format version or not a state folder at all is
refused with :class:`InputError` (exit 2), naming the file, and left untouched.

One command at a time uses a state folder: :class:`StateLock` (an exclusive ``flock`` on
``DIR/.lock``) is held from reading the state to saving the new one; another command waits
for it (bounded, saying so) or gives up with a clear message.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from muranokit.engine.files import SourceError, load_json, read_text, write_file
from muranokit.tools.exceptions import InputError

STATE_FILE = "state.json"
MODEL_FILE = "model.json"
TEMPLATES_FILE = "heat-templates.yaml"
FORMAT_MARK = "muranokit-dryrun-state"
FORMAT_VERSION = 1
LOCK_FILE = ".lock"
CURRENT = ".current"
GENERATION_PREFIX = ".generation-"
STALE_PREFIX = ".stale-"
_OWN_FILES = (STATE_FILE, MODEL_FILE, TEMPLATES_FILE)
_GENERATION_RE = re.compile(r"^\.generation-(\d+)$")
#: Seconds a command waits for another one using the same state folder (``--lock-wait``).
LOCK_WAIT = 120.0
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


def state_file(directory: str) -> str:
    """The saved state's ``state.json`` as messages name it."""
    return os.path.join(directory, STATE_FILE)


def _current_state_file(directory: str) -> str:
    """The ``state.json`` of the current generation (the one read)."""
    current = os.path.join(directory, CURRENT)
    if os.path.islink(current):
        return os.path.join(current, STATE_FILE)
    return os.path.join(directory, STATE_FILE)  # a folder saved before generations


def exists(directory: str) -> bool:
    """True if ``directory`` holds a saved state (valid or not)."""
    return os.path.lexists(_current_state_file(directory))


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


# --- reading -------------------------------------------------------------------------------
def load(directory: str) -> SavedState:
    """Read and verify a saved state; any defect raises :class:`InputError` naming the
    state file."""
    if not os.path.isdir(directory):
        raise InputError("state folder does not exist", directory)
    path = _current_state_file(directory)
    if not os.path.lexists(path):
        check_usable(directory)
        raise InputError(f"no saved state here (no {STATE_FILE}); run `muranokit deploy "
                         f"--state {directory}` first", directory)
    shown = state_file(directory)
    try:
        data = load_json(read_text(path, what="the state file"), shown)
    except SourceError as exc:
        raise InputError(f"state is half-written or corrupt ({exc.message})", shown,
                         exc.line) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT_MARK:
        raise InputError("not a muranokit dry-run state file", shown)
    if data.get("version") != FORMAT_VERSION:
        raise InputError(f"state format version {data.get('version')!r} is not supported by "
                         f"this muranokit (it reads version {FORMAT_VERSION}); deploy into a "
                         "new folder", shown)
    body = data.get("body")
    if not isinstance(body, dict) or data.get("sha256") != _digest(body):
        raise InputError("state is half-written or corrupt (checksum mismatch)", shown)
    problem = _malformed(body)
    if problem:
        raise InputError(f"state file is malformed ({problem}); it was left as it is: "
                         "deploy into a new folder", shown)
    return SavedState(list(body["packages"]), body["model"], body["cloud"],
                      body.get("status", "ok"), list(body.get("history") or []))


def _is_object(value: Any) -> bool:
    head = value.get("?") if isinstance(value, dict) else None
    return isinstance(head, dict) and isinstance(head.get("id"), str) and \
        isinstance(head.get("type"), str)


def _malformed(body: dict[str, Any]) -> str | None:
    """What is wrong with the shape of a state's body (None when nothing is): the parts
    every later command relies on before the engine looks deeper."""
    packages = body.get("packages")
    if not isinstance(packages, list) or not all(isinstance(p, str) for p in packages):
        return "packages must be a list of paths"
    model = body.get("model")
    if not isinstance(model, dict):
        return "model must be a mapping"
    for part in ("Objects", "ObjectsCopy"):
        value = model.get(part)
        if value is not None and not _is_object(value):
            return f"model {part} must be an object with a \"?\": {{id, type}} header"
    attributes = model.get("Attributes", [])
    if not isinstance(attributes, list) or not all(
            isinstance(a, list) and len(a) == 4 and isinstance(a[0], str)
            and isinstance(a[1], str) and isinstance(a[2], str) for a in attributes):
        return "model Attributes must be a list of [objectId, className, name, value]"
    if not isinstance(body.get("cloud"), dict):
        return "cloud must be a mapping"
    if not isinstance(body.get("status", "ok"), str):
        return "status must be a string"
    history = body.get("history", [])
    if not isinstance(history, list) or not all(isinstance(h, dict) for h in history):
        return "history must be a list of mappings"
    return None


# --- saving --------------------------------------------------------------------------------
def save(directory: str, state: SavedState) -> None:
    """Write ``state`` into ``directory`` (created if needed) as a whole: a new generation,
    then one switch of the pointer. Call it with the folder's :class:`StateLock` held."""
    check_usable(directory)
    body = {"packages": state.packages, "model": state.model, "cloud": state.cloud,
            "status": state.status, "history": state.history}
    model_text = json.dumps(state.model, indent=2, sort_keys=True) + "\n"
    templates_text = yaml.safe_dump(state.templates(), default_flow_style=False,
                                    sort_keys=True, width=100)
    document = {"format": FORMAT_MARK, "version": FORMAT_VERSION, "sha256": _digest(body),
                "body": body}
    state_text = json.dumps(document, indent=1, sort_keys=True) + "\n"
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        generation = _new_generation(directory)
        for name, text in ((MODEL_FILE, model_text), (TEMPLATES_FILE, templates_text),
                           (STATE_FILE, state_text)):
            # 0600: state files keep the deployment's unmasked secrets
            write_file(os.path.join(generation, name), text, mode=0o600)
        _sync_folder(generation)
        _switch(directory, os.path.basename(generation))
        _link_names(directory)
    except OSError as exc:
        raise InputError(f"cannot write state: {exc.strerror}", exc.filename or directory
                         ) from exc
    _remove_old_generations(directory)


def _generations(directory: str) -> dict[int, str]:
    found = {}
    for name in os.listdir(directory):
        match = _GENERATION_RE.match(name)
        if match:
            found[int(match.group(1))] = name
    return found


def _new_generation(directory: str) -> str:
    number = max(_generations(directory), default=0) + 1
    path = os.path.join(directory, f"{GENERATION_PREFIX}{number}")
    os.mkdir(path, 0o700)
    return path


def _sync_folder(path: str) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace_with_link(target: str, path: str) -> None:
    """Make ``path`` a symlink to ``target`` in one rename (whatever ``path`` was)."""
    temporary = f"{path}.{os.getpid()}.new"
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temporary)
    os.symlink(target, temporary)
    try:
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _switch(directory: str, generation: str) -> None:
    """Point ``.current`` at ``generation``: the moment the new state replaces the old.

    A folder copied by a tool that follows symlinks (``shutil.copytree``, ``cp -L``) has a
    real folder there: it is moved aside first (the plain ``state.json`` beside it is
    the state read until the new pointer is in place)."""
    current = os.path.join(directory, CURRENT)
    if os.path.lexists(current) and not os.path.islink(current):
        os.rename(current, os.path.join(directory, f"{STALE_PREFIX}{os.getpid()}"))
    _replace_with_link(generation, current)
    _sync_folder(directory)


def _link_names(directory: str) -> None:
    """``state.json`` etc. as symlinks through ``.current`` (made once; replaces the plain
    files of a folder saved before generations)."""
    for name in _OWN_FILES:
        path = os.path.join(directory, name)
        target = os.path.join(CURRENT, name)
        if os.path.islink(path) and os.readlink(path) == target:
            continue
        _replace_with_link(target, path)


def _remove_old_generations(directory: str) -> None:
    """Delete every generation but the current one (old ones, any an interrupted save left
    behind, a pointer folder moved aside)."""
    with contextlib.suppress(OSError):
        current = os.readlink(os.path.join(directory, CURRENT))
        stale = [name for name in os.listdir(directory) if name.startswith(STALE_PREFIX)]
        for name in [*_generations(directory).values(), *stale]:
            if name != current:
                shutil.rmtree(os.path.join(directory, name), ignore_errors=True)


# --- the lock ------------------------------------------------------------------------------
class StateLock:
    """An exclusive lock on a state folder, from reading its state to saving the next one.

    :meth:`acquire` creates the folder if needed and takes ``flock(LOCK_EX)`` on
    ``DIR/.lock``; while another process holds it, it says so once (``note``) and waits up
    to ``wait`` seconds, then raises :class:`InputError` naming the holder. :meth:`release`
    drops it (and removes the folder again if this lock created it and nothing was saved).
    """

    def __init__(self, directory: str, wait: float = LOCK_WAIT,
                 note: Callable[[str], None] | None = None) -> None:
        self.directory = directory
        self.wait = wait
        self.note = note or (lambda text: print(f"muranokit: {text}", file=sys.stderr))
        self._fd: int | None = None
        self._created = False

    def acquire(self) -> StateLock:
        path = os.path.join(self.directory, LOCK_FILE)
        deadline = time.monotonic() + max(self.wait, 0.0)
        said = False
        while True:
            fd = self._open(path)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read_holder(fd)
                os.close(fd)
                if time.monotonic() >= deadline:
                    raise InputError(f"the state folder is in use by another command "
                                     f"({holder}); waited {self.wait:g} s. Try again when "
                                     "it has finished (or wait longer with --lock-wait)",
                                     self.directory) from None
                if not said:
                    self.note(f"waiting for {self.directory}: in use by another command "
                              f"({holder}), up to {self.wait:g} s")
                    said = True
                time.sleep(0.05)
                continue
            if _same_file(fd, path):
                break
            os.close(fd)  # the lock file went away while we waited: lock the new one
        self._fd = fd
        return self

    def _ensure_folder(self) -> None:
        if os.path.isdir(self.directory):
            return
        check_usable(self.directory)
        try:
            os.makedirs(self.directory, mode=0o700)
            self._created = True
        except FileExistsError:
            pass
        except OSError as exc:
            raise InputError(f"cannot create the state folder: {exc.strerror}",
                             self.directory) from None

    def _open(self, path: str) -> int:
        self._ensure_folder()
        try:
            return os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        except OSError as exc:
            raise InputError(f"cannot lock the state folder: {exc.strerror}", path) from None

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            if self._created and not exists(self.directory):
                # nothing was saved: leave no folder behind (unlink first, so a waiting
                # process finds the lock file gone and starts again)
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(self.directory, LOCK_FILE))
                    os.rmdir(self.directory)
        finally:
            os.close(fd)  # drops the lock

    def __enter__(self) -> StateLock:
        return self.acquire()

    def __exit__(self, *exc_info: Any) -> None:
        self.release()


def _same_file(fd: int, path: str) -> bool:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    own = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (own.st_dev, own.st_ino)


def _read_holder(fd: int) -> str:
    """Who holds the lock on the open file ``fd``: the process and its command line, as
    Linux's /proc/locks and /proc/PID/cmdline tell it (the lock file itself stays empty)."""
    own = os.fstat(fd)
    place = f"{os.major(own.st_dev):02x}:{os.minor(own.st_dev):02x}:{own.st_ino}"
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/locks", encoding="ascii", errors="replace") as locks:
            for line in locks:
                fields = line.split()
                if "FLOCK" in fields and place in fields:
                    pid = fields[fields.index(place) - 1]
                    return f"process {pid}: {_command_line(pid)}".rstrip(": ")
    return "another process"


def _command_line(pid: str) -> str:
    with contextlib.suppress(OSError):
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            words = handle.read().decode("utf-8", "replace").split("\0")
        if "muranokit" in words:    # python -m muranokit ...
            words = words[words.index("muranokit"):]
        elif words and words[0].endswith("/muranokit"):
            words = ["muranokit", *words[1:]]
        text = " ".join(" ".join(words).split())
        return text if len(text) <= 100 else text[:97] + "..."
    return ""


__all__ = ["FORMAT_VERSION", "LOCK_WAIT", "SavedState", "StateLock", "check_usable",
           "deployed_templates", "exists", "load", "save", "state_file"]
