"""A dry-run session: runtime + simulated cloud + saved state, for the deploy/action commands.

::

    session = DryRunSession(["packages/Web"], rules=load_rules("rules.yaml"),
                            state_dir="state/")          # continues a saved deployment
    session.load(model)                                  # Murano object model (dict)
    ok = session.deploy()                                # Environment.deploy; False on failure
    session.trace()                                      # events + model + templates (reports)
    session.save("state/")                               # atomic; keeps the packages list

A MuranoPL exception ends the run with an ``exception`` event; the state saved afterwards
keeps whatever was deployed before the failure.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from muranokit.engine.corelib.cloud import Cloud, CloudError
from muranokit.engine.corelib.cloud import events as ev
from muranokit.engine.corelib.cloud.masking import Masker
from muranokit.engine.corelib.cloud.rules import RuleSet

STATE_FILE = "state.json"
STATE_FORMAT = "muranokit-dry-run-state"
STATE_VERSION = 1


class StateError(Exception):
    """A state folder that cannot be used (missing, half-written, incompatible)."""

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


def read_state(state_dir: str | Path) -> dict[str, Any] | None:
    """The saved state of a folder, None if it has none yet; StateError if it is unusable."""
    path = Path(state_dir) / STATE_FILE
    if not path.exists():
        if Path(state_dir).is_dir() and any(Path(state_dir).iterdir()):
            raise StateError(f"{state_dir} is not a muranokit state folder (no {STATE_FILE})",
                             str(state_dir))
        return None
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StateError(f"state file is unreadable or half-written: {exc}", str(path)) from exc
    if not isinstance(state, dict) or state.get("format") != STATE_FORMAT:
        raise StateError("not a muranokit dry-run state file", str(path))
    if state.get("version") != STATE_VERSION:
        raise StateError(f"state version {state.get('version')!r} is not supported by this "
                         f"muranokit (expects {STATE_VERSION})", str(path))
    for key in ("packages", "model", "cloud"):
        if key not in state:
            raise StateError(f"state file lacks '{key}' (half-written?)", str(path))
    return state


def write_state(state_dir: str | Path, state: dict[str, Any]) -> Path:
    """Write ``state`` atomically (temporary file, then rename) into ``state_dir``."""
    folder = Path(state_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / STATE_FILE
    fd, tmp = tempfile.mkstemp(prefix=".state-", suffix=".json", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(state, fh, sort_keys=True, indent=1)
            fh.write("\n")
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return target


class DryRunSession:
    """One dry-run over the given packages (plus the core library)."""

    def __init__(self, packages: list[str], rules: RuleSet | None = None,
                 state_dir: str | Path | None = None, secret_keys: list[str] = ()) -> None:
        from muranokit.engine import Runtime
        self.previous = read_state(state_dir) if state_dir is not None else None
        if self.previous is not None and not packages:
            packages = list(self.previous["packages"])
        self.packages = [str(p) for p in packages]
        self.runtime = Runtime(self.packages)
        self.masker = Masker(keys=secret_keys)
        try:
            self.cloud = Cloud(rules=rules, emit=self.runtime.emit, masker=self.masker,
                               state=self.previous["cloud"] if self.previous else None)
        except CloudError as exc:
            raise StateError(str(exc), str(state_dir)) from exc
        self.runtime.services["cloud"] = self.cloud
        self.root: Any = None
        self.status = "ok"
        self.error: Any = None

    def load(self, model: dict[str, Any] | None = None) -> Any:
        """Load ``model`` (or the saved one); a saved state supplies Attributes/ObjectsCopy."""
        if model is None:
            if self.previous is None:
                raise StateError("no model given and no saved state to continue")
            model = self.previous["model"]
        elif self.previous is not None:
            objects = model.get("Objects", model) if isinstance(model, dict) else model
            model = {"Objects": objects,
                     "Attributes": self.previous["model"].get("Attributes", []),
                     "ObjectsCopy": self.previous["model"].get("Objects")}
        self.masker.learn(model)
        self.root = self.runtime.load_model(model)
        return self.root

    def _run(self, thunk) -> bool:
        from muranokit.engine import MuranoPlError
        try:
            thunk()
            return True
        except MuranoPlError as exc:
            self.status, self.error = "failed", exc
            self.cloud.emit(ev.exception(exc.type_name, exc.message,
                                         [f.as_dict() for f in exc.stack]))
            return False

    def deploy(self) -> bool:
        """Run the Environment's ``deploy``; False (and an exception event) if it failed."""
        return self._run(lambda: self.runtime.call(self.root, "deploy"))

    def action(self, object_id: str, name: str, args: dict[str, Any]) -> bool:
        """Run method ``name`` of object ``object_id`` if it is declared ``Usage: Action``."""
        obj = self.runtime.get_object(object_id)
        if obj is None:
            raise StateError(f"no object with id {object_id} in the deployment")
        found = obj.type.find_methods(name)
        if not found:
            raise StateError(f"{obj.type_name} has no method {name!r}")
        if found[0].usage != "Action":
            raise StateError(f"{obj.type_name}.{name} is not an action (Usage: "
                             f"{found[0].usage})")
        return self._run(lambda: self.runtime.call(obj, name, **args))

    def trace(self, title: str = "muranokit dry-run"):
        """What the reports render: events, final model and Heat templates, outcome."""
        from muranokit.tools.report import Trace
        templates = {name: stack.deployed for name, stack in sorted(self.cloud.stacks.items())
                     if stack.deployed}
        return Trace(list(self.runtime.events), self.runtime.serialize(), templates,
                     self.status, title)

    def save(self, state_dir: str | Path) -> Path:
        """Save model, attributes, Heat templates and agent history (atomically)."""
        return write_state(state_dir, {
            "format": STATE_FORMAT, "version": STATE_VERSION, "packages": self.packages,
            "model": self.runtime.serialize(), "cloud": self.cloud.to_state()})
