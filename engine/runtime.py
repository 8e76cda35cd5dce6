"""The engine's public API: :class:`Runtime`.

A Runtime loads packages (folders, zips, folders of class files) beside the core library,
runs MuranoPL on them against a cloud backend (the simulated one unless given another), and
records a trace of events. Python callers see MuranoPL objects as proxies
(:class:`~muranokit.engine.model.objects.ObjectProxy`: ``id``, ``type_name``, ``type``,
``name``, ``owner``, ``get_property()``) and MuranoPL exceptions as
:class:`~muranokit.engine.exceptions.MuranoPlError`. Classes returned by :meth:`load_class`
are read-only views (``name``, ``package``, ``ancestors()``, ``methods``, ...).

Everything else (the interpreter, the executor, the class model's internals) may change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import corelib
from .events import Masker
from .exceptions import ActionError
from .files.package import Package
from .interpreter import Interpreter
from .limits import Limits
from .loader import open_package
from .model.classes import MuranoClass


class Runtime:
    """Runs MuranoPL from package folders, zips and manifest-less class folders."""

    def __init__(self, paths: list[str | Package] | tuple = (),
                 functions: dict[str, Callable] | None = None,
                 default_format: str | None = None,
                 class_configs: dict[str, dict] | None = None, *,
                 limits: Limits | dict | None = None, seed: int = 0,
                 eager: bool = False, cloud: Any = None, masker: Masker | None = None,
                 testing: bool = False) -> None:
        """``paths``: packages to load, as paths or :class:`~.files.package.Package` objects
        (a class found in several: the first wins);
        ``functions``: Python functions MuranoPL can call by name; ``default_format``: the
        Format of manifest-less folders (``"1.0"`` runs legacy yaql); ``class_configs``:
        values of ``Usage: Config`` properties by class; ``limits``: the guards
        (:class:`~.limits.Limits`: call depth, loop iterations, collection and value size,
        whole-run steps and engine time; a dict of its fields will do); ``seed``: of object
        ids and ``randomName()``; ``eager``: read every class file now (a broken file fails
        here, not when its class is first needed); ``cloud``:
        the :class:`~muranokit.engine.corelib.cloud.backend.CloudBackend` the core library
        talks to (a simulated cloud by default); ``masker``: the run's secret masker (error
        messages never show a value given under a secret name, nor a secret it knows);
        ``testing``: a MuranoPL unit-test run, as murano-test-runner's (the global
        ``inject()`` and ``withOriginal()`` exist).
        MuranoPlError when a package is unusable."""
        if isinstance(limits, dict):
            limits = Limits(**limits)
        packages = [open_package(p, default_format, eager) for p in paths]
        self._interpreter = Interpreter(packages, corelib.shared(), functions=functions,
                                        class_configs=class_configs, limits=limits, seed=seed,
                                        masker=masker or getattr(cloud, "masker", None),
                                        testing=testing)
        if cloud is not None:
            cloud.connect(self._interpreter.emit)
            self._interpreter.services["cloud"] = cloud

    # --- what it holds --------------------------------------------------------------------
    @property
    def packages(self) -> list[Package]:
        """The loaded packages, in the order given (:class:`~.files.package.Package`:
        ``name``, ``version``, ``format``, ``location``, ``manifest``, members and
        Resources, ``documents`` (class name -> document))."""
        return self._interpreter.packages

    @property
    def events(self) -> list[dict[str, Any]]:
        """The trace so far (see :mod:`muranokit.engine.events`)."""
        return self._interpreter.events

    @property
    def cloud(self) -> Any:
        """The cloud backend given (or made on first use), or None before any."""
        return self._interpreter.services.get("cloud")

    @property
    def limits(self) -> Limits:
        """The guards this runtime runs MuranoPL under."""
        return self._interpreter.limits

    def usage(self) -> dict[str, Any]:
        """What the run has spent of its whole-run budgets so far: ``steps``, ``seconds`` of
        engine time and the ``largest_collection`` the engine made from a lazy sequence."""
        budget = self._interpreter.budget
        return {"steps": budget.total_steps(), "seconds": round(budget.seconds(), 3),
                "largest_collection": budget.peak_collection}

    def emit(self, kind: str, **fields: Any) -> dict[str, Any]:
        """Append an event of ``kind`` to the trace (a caller's own, in order)."""
        return self._interpreter.emit(kind, **fields)

    # --- classes --------------------------------------------------------------------------
    def load_class(self, name: str) -> MuranoClass:
        """The class of full name ``name`` (MuranoPlError NoClassFound)."""
        return self._interpreter.load_class(name)

    def compile_all(self, core: bool = False) -> int:
        """Build every class of the loaded packages (with ``core``, of the core library
        too) and compile its methods, contracts and defaults now; the first problem is a
        MuranoPlError at its file and line. Returns how many classes."""
        return self._interpreter.compile_all(core)

    def compile_class(self, name: str) -> MuranoClass:
        """Build class ``name`` as a deployment would (Extends, Import, Meta) and compile its
        methods, contracts and defaults now; a problem is a MuranoPlError at its file and
        line."""
        return self._interpreter.compile_class(name)

    # --- objects and calls ----------------------------------------------------------------
    def load_model(self, model: dict[str, Any]) -> Any:
        """Load a Murano object model (``{"Objects": ..., "Attributes": [...],
        "ObjectsCopy": ...}`` or a bare root object); objects in ObjectsCopy but not in
        Objects are destroyed. Returns the root object's proxy (None for no objects)."""
        return self._interpreter.load_model(model)

    def new(self, type_name: str, **props: Any) -> Any:
        """Create an object of ``type_name`` with properties (``owner=`` a proxy)."""
        return self._interpreter.new(type_name, **props)

    def get_object(self, object_id: str) -> Any:
        """The proxy of a live object, or None."""
        return self._interpreter.get_object(object_id)

    def call(self, target: Any, method: str, *args: Any, **kwargs: Any) -> Any:
        """Call a method of an object (proxy or id) or a static method (class name)."""
        return self._interpreter.call(target, method, *args, **kwargs)

    def actions(self) -> dict[str, tuple[str, list[str]]]:
        """Object id -> (class name, names of its ``Usage: Action`` methods) of every live
        object that has actions."""
        found = {}
        for oid, obj in sorted(self._interpreter.objects.items()):
            names = _actions_of(obj.cls)
            if names and not obj.destroyed:
                found[oid] = (obj.cls.name, names)
        return found

    def run_action(self, object_id: str, name: str, **args: Any) -> Any:
        """Run the ``Usage: Action`` method ``name`` of object ``object_id``, as Murano's
        API runs actions. ActionError (with what can be run) when there is no such object
        or method, or the method is not an action."""
        obj = self.get_object(object_id)
        if obj is None:
            listing = "; ".join(f"{oid} ({cls}: {', '.join(names)})"
                                for oid, (cls, names) in self.actions().items())
            raise ActionError(f"no object {object_id!r} in the object model; objects with "
                              f"actions: {listing or 'none'}")
        actions = _actions_of(obj.type)
        methods = obj.type.find_methods(name)
        if not methods:
            raise ActionError(f"{obj.type_name} has no method {name!r}; its actions: "
                              f"{', '.join(actions) or 'none'}", actions)
        if methods[0].usage != "Action":
            raise ActionError(f"{obj.type_name}.{name} is not an action (Usage: "
                              f"{methods[0].usage}); only methods with Usage: Action can be "
                              f"run; its actions: {', '.join(actions) or 'none'}", actions)
        return self.call(obj, name, **args)

    def serialize(self) -> dict[str, Any]:
        """The object model as Murano stores it after a deployment."""
        return self._interpreter.serialize()

    def finalize(self) -> None:
        """Run ``.destroy`` of every live object (end of a deployment)."""
        self._interpreter.finalize()

    def close(self) -> None:
        """Undo what this runtime changed in state shared by the process: methods that
        tests replaced with ``TestFixture.inject`` (the core library's classes are shared)."""
        undo = self._interpreter.services.pop("undo", [])
        for step in reversed(undo):
            step()

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()


def _actions_of(cls: MuranoClass) -> list[str]:
    """Names of the ``Usage: Action`` methods of a class (own and inherited)."""
    names = set()
    for klass in [cls, *cls.ancestors()]:
        for method_name, spec in klass.methods.items():
            if spec.usage == "Action":
                names.add(method_name)
    return sorted(names)
