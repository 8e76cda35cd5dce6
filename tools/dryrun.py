"""A dry-run session: the engine plus a cloud, run the way Murano runs a deployment.

A :class:`Session` holds one :class:`muranokit.engine.Runtime` loaded with the chosen
packages, its cloud backend (the simulated cloud by default, continued from a saved state if
there is one; :mod:`muranokit.tools.pipeline` chooses) and the secret masker.
:meth:`Session.deploy` loads an object model whose ``ObjectsCopy`` is the previous deployment
(objects gone from the model are destroyed, as Murano's session garbage collection does),
then calls the root Environment's ``deploy``; :meth:`Session.delete` destroys every object of
a saved environment (``{"Objects": null}``); :meth:`Session.action` runs one ``Usage: Action``
method. Each returns an :class:`Outcome`: the ordered trace, the final object model and Heat
templates, and the MuranoPL error if the work failed. Input the engine cannot use raises
:class:`InputError` (exit 2).
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from muranokit.tools.exceptions import InputError, MuranokitError, OperationFailed
from muranokit.tools.form_secrets import may_have_password_fields, ui_secret_keys
from muranokit.tools.model_file import line_of, object_paths
from muranokit.tools.package import PACKAGES_ROOT, default_package_dirs
from muranokit.tools.state import SavedState
from muranokit.tools.wording import frame_text

ENVIRONMENT = "io.murano.Environment"
#: Engine errors of a package source that does not load (a class file's YAML, syntax, ...).
_LOAD_ERRORS = frozenset({"DslSyntaxError", "PackageLoadError", "PackageFormatError",
                          "NoClassFound"})
#: Engine errors of a class that is not there (no package provides it, or its file lacks it).
_NOT_FOUND = frozenset({"NoClassFound", "NoPackageForClassFound"})


# --- packages ------------------------------------------------------------------------------
def collect_packages(extra: list[str] | None = None, root: str = PACKAGES_ROOT) -> list[str]:
    """``-p`` packages first (they win over same-named defaults), then every package folder
    under ``root`` (``packages/`` and ``packages/apps/*``); absolute paths, no duplicates.

    A ``-p`` must be a package: a zip, a folder with ``manifest.yaml``, or a folder of
    class files (YAML files and no manifest, as MuranoPL unit tests use)."""
    from muranokit.engine.files import MANIFEST, SourceError, check_regular_file
    paths: list[str] = []
    for item in extra or []:
        if not os.path.lexists(item):
            raise InputError("package folder or zip not found", item)
        if os.path.isdir(item):
            problem = None if os.path.isfile(os.path.join(item, MANIFEST)) else \
                _not_a_package(item)
            if problem:
                raise InputError(problem)
        else:
            try:
                check_regular_file(item, what="this package")
            except SourceError as exc:
                raise InputError.from_source(exc) from None
            if not zipfile.is_zipfile(item):
                raise InputError("not a package folder or zip", item)
        paths.append(os.path.abspath(item))
    paths += default_package_dirs(root)
    unique: list[str] = []
    seen: set[str] = set()
    for path in paths:
        real = os.path.realpath(path)
        if real not in seen:
            seen.add(real)
            unique.append(path)
    return unique


def _not_a_package(folder: str) -> str | None:
    """Why a folder without manifest.yaml cannot be a ``-p`` (None: a folder of class
    files)."""
    from muranokit.engine.files import find_package_dirs
    inside = find_package_dirs(folder)
    if inside:
        shown = " ".join(f"-p {p}" for p in inside[:2])
        return (f"{folder}: not a package (no manifest.yaml) but a folder of {len(inside)} "
                f"package(s); give each package, e.g. {shown}")
    for _current, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        if any(name.endswith((".yaml", ".yml")) for name in names):
            return None
    return (f"{folder}: not a package (no manifest.yaml, no class files): -p takes a "
            "package folder or zip, or a folder of class files")


def class_not_found_hint(packages: list[str], message: str) -> str:
    """Where deploy looked for the class of ``message`` (``Class "X" is not found``), and
    which package folder to add with ``-p`` when one is known to define it."""
    match = re.search(r'Class "([^"]+)" is not found', message)
    here = os.path.abspath(PACKAGES_ROOT)
    found_here = sum(1 for p in packages if p.startswith(here + os.sep))
    lines = [f"packages looked in: the -p packages ({len(packages) - found_here}) and "
             + (f"{here}/ ({found_here})" if os.path.isdir(here)
                else f"{here}/ (no such folder: run from the folder that holds packages/)")]
    shipped = _checkout_packages()
    suggestion = _package_defining(match.group(1), shipped) if match and shipped else None
    if suggestion:
        lines.append(f"the package {suggestion} defines it: add -p {suggestion}, or run "
                     f"from {os.path.dirname(shipped)} (deploy loads every package of its "
                     f"{PACKAGES_ROOT}/)")
    else:
        lines.append("add the package that defines it with -p PKG_DIR_OR_ZIP")
    return "".join(f"\n{line}" for line in lines)


def _checkout_packages() -> str | None:
    """The ``packages/`` folder of the muranokit checkout this runs from (None when
    installed from a wheel)."""
    from pathlib import Path

    import muranokit
    shipped = Path(muranokit.__file__).resolve().parents[1] / PACKAGES_ROOT
    return str(shipped) if shipped.is_dir() else None


def _package_defining(class_name: str, root: str) -> str | None:
    """A package folder under ``root`` whose manifest lists ``class_name``."""
    from muranokit.engine.files import Package, SourceError, find_package_dirs
    for folder in find_package_dirs(root):
        try:
            if class_name in Package.open(folder).classes:
                return folder
        except SourceError:
            continue
    return None


def check_packages_exist(paths: list[str], where: str) -> None:
    """Refuse a saved package list that points at packages that are gone."""
    for path in paths:
        if not os.path.exists(path):
            raise InputError(f"package {path} (recorded in the state) no longer exists; "
                             "restore it or deploy into a new state folder", where)


def parse_action_args(items: list[str]) -> dict[str, Any]:
    """``["k=v", ...]`` -> keyword arguments; values are JSON when they parse as JSON."""
    from muranokit.engine.files import SourceError, load_json
    from muranokit.engine.files.json_text import JsonNestingError
    args: dict[str, Any] = {}
    for item in items or []:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip().isidentifier():
            raise InputError(f"--arg {item[:60]!r}: expected name=value")
        try:
            value = load_json(raw)
        except JsonNestingError as exc:
            raise InputError(f"--arg {key.strip()}: {exc.message}") from None
        except SourceError:
            value = raw
        args[key.strip()] = value
    return args


def frame_dicts(error: Any) -> list[dict[str, Any]]:
    """The MuranoPL stack of an error as plain dicts, paths relative to the working folder."""
    frames = []
    cwd = os.getcwd()
    for frame in getattr(error, "stack", None) or []:
        data = frame.as_dict() if hasattr(frame, "as_dict") else dict(frame)
        file = data.get("file")
        if file and os.path.isabs(file) and file.startswith(cwd + os.sep):
            data["file"] = os.path.relpath(file, cwd)
        frames.append(data)
    return frames


def describe_error(error: Any) -> str:
    """An engine error as text: type, message and the MuranoPL stack (innermost last)."""
    lines = [f"{error.type_name}: {error.message}"]
    frames = frame_dicts(error)
    if frames:
        lines.append("MuranoPL stack (most recent call last):")
        lines += ["  " + frame_text(f) for f in frames]
    cause = getattr(error, "cause", None)
    if cause is not None and cause is not error:
        lines.append("caused by: " + describe_error(cause))
    return "\n".join(lines)


def _limits(given: dict[str, Any] | None) -> Any:
    """The engine's Limits with the fields given changed (None: the defaults)."""
    if not given:
        return None
    from muranokit.engine import Limits
    limits = Limits()
    for name, value in given.items():
        setattr(limits, name, value)
    return limits


# --- outcome -------------------------------------------------------------------------------
@dataclass
class Outcome:
    """What a session command produced."""

    events: list[dict[str, Any]]
    model: dict[str, Any]
    templates: dict[str, Any]
    cloud_state: dict[str, Any]
    error: Any = None  # MuranoPlError when the deployment/action failed

    @property
    def ok(self) -> bool:
        return self.error is None

    def trace(self, title: str):
        """The report model (tools/report) of this outcome."""
        from muranokit.tools.report import Trace
        return Trace(self.events, self.model, self.templates,
                     "ok" if self.ok else "failed", title)


# --- the session ---------------------------------------------------------------------------
class Session:
    """One engine runtime + a cloud backend, optionally continuing a saved state.

    ``cloud`` makes the backend from the session's masker; without it, the simulated cloud
    (with ``rules``, continued from ``previous``)."""

    def __init__(self, packages: list[str], rules: Any = None,
                 previous: SavedState | None = None, secret_keys: set[str] | None = None,
                 seed: int = 0, cloud: Callable[[Any], Any] | None = None,
                 state_path: str | None = None,
                 limits: dict[str, Any] | None = None) -> None:
        from muranokit.engine import MuranoPlError, Runtime
        from muranokit.engine.corelib.cloud import Cloud, CloudError
        from muranokit.tools.masking import current_masker
        self.packages = list(packages)
        self.previous = previous
        self.state_path = state_path   # the saved state's file, named in its errors
        self.masker = current_masker()
        self.masker.add_keys(secret_keys or ())
        try:
            self.cloud = cloud(self.masker) if cloud is not None else Cloud(
                rules=rules, masker=self.masker, state=previous.cloud if previous else None)
        except CloudError as exc:
            raise InputError(f"saved cloud state unusable: {exc}") from None
        try:
            self.runtime = Runtime(self.packages, seed=seed, cloud=self.cloud,
                                   masker=self.masker, limits=_limits(limits))
        except MuranoPlError as exc:
            raise InputError(f"cannot load package: {exc.message}", exc.file,
                             exc.line) from None

    # -- loading ------------------------------------------------------------------------
    def _load(self, model: dict[str, Any], source: str | None, text: str | None,
              added: tuple[str, str] | None = None):
        """Load ``model``; ``added`` is (model path, label) of an application that does not
        come from ``source`` (``--app``): errors inside it name the label, not a line.
        Without ``source`` and ``text`` the model is the saved state's."""
        from muranokit.engine import MuranoPlError
        self._learn_form_secrets(model)
        self.masker.learn(model)
        try:
            root = self.runtime.load_model(model)
        except MuranoPlError as exc:
            raise self._model_error(exc, model, source, text, added) from None
        if root is None:
            raise InputError("the object model has no objects to deploy", source)
        return root

    def _model_error(self, exc: Any, model: dict[str, Any], source: str | None,
                     text: str | None, added: tuple[str, str] | None) -> MuranokitError:
        """The InputError for a model that does not load, at the place to fix: the class
        file, the added application, the model file's line or the saved state (a run's
        budget exceeded while loading is failed work, not bad input)."""
        from muranokit.engine import BUDGET_ERRORS
        where = exc.model_path     # where in the model the problem is, when about it
        line = None
        if exc.type_name in BUDGET_ERRORS:
            return OperationFailed("loading the object model stopped: "
                                   + self.masker.mask(describe_error(exc)), exc.file, exc.line)
        if not where and exc.file and exc.type_name in _LOAD_ERRORS:
            # a class file that does not load: its own file and line are the place to fix
            return InputError(f"cannot load class: {self.masker.mask(exc.message)}",
                              exc.file, exc.line)
        message = self.masker.mask(describe_error(exc))
        in_added = bool(added and where and (where == added[0]
                                             or where.startswith(added[0] + ".")))
        if self.state_path and where and not in_added and (
                (source is None and text is None)
                or where.startswith(("Attributes", "ObjectsCopy"))):
            return InputError("the saved state does not load (the state file was left as "
                              f"it is): {message}", self.state_path)
        message += self.masker.mask(self._hint(exc, model))
        if in_added:
            source = added[1]
        elif where and text:
            line = line_of(text, _file_path(text, where))
        if line is None and not source:
            source, line = exc.file, exc.line
        return InputError(f"unusable object model: {message}", source, line)

    def _hint(self, exc: Any, model: dict[str, Any]) -> str:
        """What to do about a class that is not found or an object id that is not."""
        if exc.type_name in _NOT_FOUND and (exc.model_path or "").endswith(".?.type"):
            return class_not_found_hint(self.packages, exc.message)
        if exc.type_name == "NoObjectFoundError" and isinstance(exc.extra, dict) \
                and exc.extra.get("class"):
            return self._objects_hint(str(exc.extra["class"]), model)
        return ""

    def _objects_hint(self, class_name: str, model: dict[str, Any]) -> str:
        """The objects of ``model`` that could be given where a ``class_name`` is wanted."""
        from muranokit.engine import MuranoPlError
        try:
            wanted = self.runtime.load_class(class_name)
        except MuranoPlError:
            return ""
        entries: list[tuple[str, str, dict]] = []
        object_paths(model.get("Objects"), "Objects", entries)
        fits = []
        for _path, type_name, obj in entries:
            try:
                if not wanted.is_compatible(self.runtime.load_class(type_name)):
                    continue
            except MuranoPlError:
                continue
            head = obj["?"]
            name = obj.get("name") if isinstance(obj.get("name"), str) else head.get("name")
            fits.append(f"  {head['id']}  {type_name}" + (f" ({name})" if name else ""))
        if not fits:
            return f"\nthe model has no object of class {class_name}; deploy one first"
        return f"\nobjects of the model that fit {class_name} (give one of these ids):\n" \
            + "\n".join(fits)

    def _learn_form_secrets(self, model: dict[str, Any]) -> None:
        """Secret property names from the forms of the packages whose classes the model uses."""
        entries: list[tuple[str, str, dict]] = []
        for part in ("Objects", "ObjectsCopy"):
            object_paths(model.get(part), part, entries)
        if "Objects" not in model:
            object_paths(model, "", entries)
        used = {type_name for _path, type_name, _obj in entries}
        for pkg in self.runtime.packages:
            if not used.intersection(pkg.documents):
                continue
            if may_have_password_fields(pkg):
                try:
                    self.masker.add_keys(ui_secret_keys(pkg))
                except InputError:
                    pass  # a broken form does not stop a deployment from a JSON model

    def _record_error(self, exc: Any) -> None:
        from muranokit.engine import events
        self.runtime.emit(**{k: v for k, v in events.exception(
            exc.type_name, exc.message, frame_dicts(exc)).items()})

    def _outcome(self, error: Any = None) -> Outcome:
        from muranokit.engine import MuranoPlError
        try:
            model = self.runtime.serialize()
        except MuranoPlError as exc:  # pragma: no cover - engine invariant
            raise InputError(f"cannot serialise the object model: {exc.message}") from None
        cloud_state = self.cloud.to_state()
        templates = self.cloud.templates()
        return Outcome(list(self.runtime.events), model, templates, cloud_state, error)

    # -- commands -----------------------------------------------------------------------
    def deploy(self, model: dict[str, Any], source: str | None = None,
               text: str | None = None, added: tuple[str, str] | None = None) -> Outcome:
        """Load ``model`` (destroying objects it no longer has) and run the root's deploy."""
        root = self._load(model, source, text, added)
        return self._run(lambda: self.runtime.call(root, "deploy"))

    def delete(self, saved: dict[str, Any]) -> Outcome:
        """Delete the saved environment as Murano does: every object of the saved model is
        brought back (with its ``.init``) and destroyed, dependents first."""
        self._load({"Objects": saved.get("Objects"),
                    "Attributes": saved.get("Attributes") or []}, None, None)
        return self._run(self.runtime.finalize)

    def action(self, model: dict[str, Any], object_id: str, name: str,
               args: dict[str, Any]) -> Outcome:
        """Run the ``Usage: Action`` method ``name`` of object ``object_id``."""
        from muranokit.engine import ActionError
        self._load(model, None, None)
        self.masker.learn(args)
        try:
            return self._run(lambda: self.runtime.run_action(object_id, name, **args))
        except ActionError as exc:   # refused before anything ran
            raise InputError(exc.message) from None

    def _run(self, work) -> Outcome:
        """Run ``work``; a MuranoPL exception (or an engine bug) ends it as a failure."""
        from muranokit.engine import ActionError, MuranoPlError
        error = None
        try:
            work()
        except ActionError:
            raise
        except MuranoPlError as exc:
            error = exc
        except Exception as exc:  # noqa: BLE001 - an engine bug must not lose the state
            error = MuranoPlError("InternalError", f"{type(exc).__name__}: {exc} (a muranokit "
                                  "bug: please report it)")
        if error is not None:
            self._record_error(error)
        return self._outcome(error)

def _file_path(text: str, model_path: str) -> str:
    """``model_path`` as it reads in a model file whose root object is bare (no "Objects")."""
    import json
    try:
        data = json.loads(text)
    except ValueError:
        return model_path
    if isinstance(data, dict) and "Objects" not in data and model_path.startswith("Objects"):
        return model_path[len("Objects"):].lstrip(".")
    return model_path


def destroy_failures(outcome: Outcome) -> list[str]:
    """``TYPE ID: error`` of every object whose ``.destroy`` failed (Murano mutes these and
    carries on, so their resources may not have been released)."""
    return [f"{e.get('type')} {e.get('id')}: {e.get('error')}: {e.get('message')}"
            for e in outcome.events if e.get("kind") == "object.destroy_failed"]


def write_model(path: str, outcome: Outcome, masker: Any) -> None:
    """Write the final object model (secrets as ``***``, as in the reports) to ``path``:
    indented JSON with sorted keys, so the same run gives the same bytes."""
    import json

    from muranokit.engine.files import write_file
    model = outcome.trace("model").masked(masker).model
    try:
        write_file(path, json.dumps(model, indent=2, sort_keys=True,
                                    ensure_ascii=False) + "\n")
    except OSError as exc:
        raise InputError(f"cannot write the model: {exc.strerror}", path) from None


def check_output_path(path: str | None, what: str) -> None:
    """Refuse, before any work is done, an output file whose folder does not exist."""
    if path is None:
        return
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise InputError(f"cannot write the {what}: folder {folder} does not exist", path)
    if os.path.isdir(path):
        raise InputError(f"cannot write the {what}: this is a folder", path)


def emit_report(text: str, output: str | None) -> None:
    """Write a report to ``output`` (atomically) or to standard output."""
    import sys

    from muranokit.engine.files import write_file
    if not output:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        write_file(output, text)
    except OSError as exc:
        raise InputError(f"cannot write the report: {exc.strerror}", output) from None


def saved_state(session: Session, outcome: Outcome, command: str,
                history: list[dict[str, Any]]) -> SavedState:
    """The state to save after ``outcome`` (also after a failure: what was deployed stays)."""
    model = outcome.model
    return SavedState(session.packages, model, outcome.cloud_state,
                      "ok" if outcome.ok else "failed",
                      history + [{"command": command, "status": "ok" if outcome.ok
                                  else "failed"}])


__all__ = ["Outcome", "Session", "check_output_path", "collect_packages", "describe_error",
           "destroy_failures", "emit_report", "parse_action_args", "saved_state",
           "write_model"]
