"""The running engine behind a :class:`~muranokit.engine.runtime.Runtime`.

One :class:`Interpreter` holds what a run shares: the class registry, the yaql contexts
(the runtime registers Murano's functions into them), the object store, attributes, the
trace, the scheduler of ``Parallel`` branches and the bridge to native classes. Every lower
floor reaches it as ``frame.runtime`` / ``obj.runtime`` / ``ctx.runtime`` (the name they use
for it) and asks it to resolve classes, read and write properties, call methods, create
objects and turn errors into MuranoPL ones with their stacks. It is not part of the public
API: Python callers use the Runtime.
"""

from __future__ import annotations

import linecache
import random
import sys
import uuid
from collections.abc import Callable
from typing import Any

from . import events, model_io
from . import gc as _gc  # noqa: F401  (registers io.murano.system.GC)
from .body.compiler import method_body
from .bridge import NativeBridge
from .contracts import ContractEnv, ready_property
from .exceptions import (
    EngineFault,
    MuranoPlError,
    StackFrame,
    engine_error_names,
    python_error,
    python_error_name,
)
from .executor.calls import call_method
from .executor.frames import Frame
from .executor.lifecycle import initialize_properties, run_destroy, run_init
from .executor.properties import read_property, set_static_value, write_property
from .files.package import Package
from .functions.extensions import class_scope
from .functions.library import package_context, root_context
from .limits import Budget, Limits
from .model.classes import MuranoClass, TypeRef
from .model.object_models import normalize
from .model.objects import OBJECT_TYPES, MuranoObject, from_python, to_python
from .model_io import ModelLoad, dependency_order
from .registry import ClassRegistry
from .scheduler import Scheduler
from .syntax.expressions import ExpressionParser, is_legacy
from .values import freeze, is_mapping


def stack_frame_dict(frame: StackFrame) -> dict:
    """A frame as io.murano.StackTrace keeps it: instruction (the statement's source
    line), location ({file, line, column}, null for a Python function), method, class."""
    location = None
    instruction = None
    if frame.file and frame.line:
        location = {"file": frame.file, "line": frame.line, "column": frame.column}
        text = linecache.getline(frame.file, frame.line).strip()
        instruction = text[2:].strip() if text.startswith("- ") else text or None
    return {"instruction": instruction, "location": location, "methodName": frame.method,
            "typeName": frame.type}


class Interpreter:
    """Registry, contexts, objects, trace and error handling of one run."""

    def __init__(self, packages: list[Package], library: Any, *,
                 functions: dict[str, Callable] | None = None,
                 class_configs: dict[str, dict] | None = None,
                 limits: Limits | None = None, seed: int = 0,
                 masker: events.Masker | None = None, testing: bool = False) -> None:
        if sys.getrecursionlimit() < 20000:
            sys.setrecursionlimit(20000)
        self.limits = limits or Limits()
        self.budget = Budget(self.limits)
        self.functions = dict(functions or {})
        self.library_functions = list(library.yaql_functions(testing))
        self.class_configs = dict(class_configs or {})
        self.registry = ClassRegistry(packages, library)
        self.events: list[dict] = []
        self.masker = masker or events.Masker()       # how error messages show values
        self.services: dict[str, Any] = {}           # "cloud": the cloud backend
        self.objects: dict[str, MuranoObject] = {}
        self.attributes: dict[tuple, Any] = {}
        self.scheduler = Scheduler()
        self.natives = NativeBridge(self)
        self.root: MuranoObject | None = None
        self.api_roots: list[MuranoObject] = []      # objects made by Runtime.new
        self.subscriptions: dict[str, list] = {}     # GC.subscribeDestruction
        self.doomed: set[int] = set()                # id() of objects being collected
        self.meta_objects: dict[tuple, tuple] = {}   # (kind, id(x)) -> (x, meta objects)
        self.lock_rules: dict[int, tuple] = {}       # id(method) -> Synchronize rule
        self._contexts: dict[tuple, Any] = {}
        self._class_contexts: dict[MuranoClass, Any] = {}
        self._random = random.Random(seed)

    @property
    def packages(self) -> list[Package]:
        return self.registry.packages

    # --- the trace ------------------------------------------------------------------------
    def emit(self, kind: str, **fields: Any) -> dict:
        """Append a trace event ``{"kind": kind, **fields}`` to ``events``."""
        event = {"kind": kind, **fields}
        self.events.append(event)
        return event

    def record(self, event: dict) -> dict:
        """Append an event made by :mod:`muranokit.engine.events`."""
        self.events.append(event)
        return event

    # --- classes --------------------------------------------------------------------------
    def get_class(self, name: str) -> MuranoClass:
        return self.registry.get_class(name)

    def resolve_class(self, name: str, context_cls: MuranoClass | None) -> MuranoClass:
        return self.registry.resolve_class(name, context_cls)

    def class_known(self, name: str) -> bool:
        return self.registry.class_known(name)

    def all_classes(self) -> list[MuranoClass]:
        return self.registry.all_classes()

    def load_class(self, name: str) -> MuranoClass:
        """Resolve and build a class (MuranoPlError NoClassFound)."""
        try:
            return self.get_class(name)
        except EngineFault as fault:
            raise MuranoPlError(fault.type_name, fault.message) from None

    def compile_all(self, core: bool = False) -> int:
        """Build every class of the packages (and of the core library) and compile its
        methods, contracts and defaults; the first problem raises. Returns the count."""
        names = self.registry.class_names(core)
        for name in names:
            self.compile_class(name)
        return len(names)

    def compile_class(self, name: str) -> MuranoClass:
        """Build class ``name`` and compile its methods, contracts and defaults now."""
        cls = self.load_class(name)
        for method in cls.methods.values():
            if method.native is None:
                self._api(lambda m=method: method_body(m))
        for spec in cls.properties.values():
            self._api(lambda s=spec: ready_property(s))
        return cls

    # --- contexts -------------------------------------------------------------------------
    def base_context(self, package: Package):
        """The context of a package's code: its flavour's root, its Format's functions and
        the runtime's Python functions (one per Format)."""
        key = tuple(package.format)
        ctx = self._contexts.get(key)
        if ctx is None:
            ctx = self._contexts[key] = package_context(key, is_legacy(key), self.functions,
                                                          self.library_functions)
        return ctx

    def class_context(self, cls: MuranoClass):
        """The context methods of ``cls`` run under: the package's, plus the extension
        methods of ``cls`` and of the classes it imports."""
        ctx = self._class_contexts.get(cls)
        if ctx is None:
            ctx = self._class_contexts[cls] = class_scope(self, cls,
                                                          self.base_context(cls.package))
        return ctx

    def contract_context(self, frame: Frame | None, value: Any, parser: ExpressionParser):
        """A context to check a contract in, with ``$`` = ``value``."""
        cls = frame.cls if frame is not None else None
        base = self.class_context(cls) if cls is not None else root_context(parser.legacy)
        ctx = base.create_child_context()
        if frame is not None:
            ctx["#f"] = frame
        ctx["$"] = value
        return ctx

    def class_frame(self, cls: MuranoClass, obj: Any) -> Frame:
        """A frame for evaluating defaults/contracts of ``cls`` with ``$`` = ``obj``."""
        frame = Frame(self, None, cls, obj, None, cls.file, "<properties>")
        ctx = self.class_context(cls).create_child_context()
        ctx["#f"] = frame
        ctx["$"] = obj
        ctx["this"] = obj
        frame.ctx = frame.scope = ctx
        return frame

    # --- errors ---------------------------------------------------------------------------
    @staticmethod
    def fault(type_name: str, message: str) -> EngineFault:
        return EngineFault(type_name, message)

    @staticmethod
    def is_object(value: Any) -> bool:
        return isinstance(value, OBJECT_TYPES)

    @staticmethod
    def is_type(value: Any) -> bool:
        return isinstance(value, TypeRef)

    @staticmethod
    def capture_stack(frame: Frame | None) -> list[StackFrame]:
        """The MuranoPL stack ending at ``frame`` (outermost first)."""
        frames = []
        while frame is not None:
            cls_name = frame.cls.name if frame.cls is not None else None
            frames.append(StackFrame(frame.file, frame.line if frame.file else None,
                                     frame.column if frame.file else None, frame.name, cls_name))
            frame = frame.caller
        frames.reverse()
        return frames

    def wrap_error(self, exc: BaseException, frame: Frame | None,
                   at_caller: bool = False) -> MuranoPlError:
        """A Python/engine error at ``frame`` -> MuranoPlError with the MuranoPL stack."""
        if isinstance(exc, MuranoPlError):
            return exc
        where = frame.caller if at_caller and frame is not None and frame.caller else frame
        stack = self.capture_stack(where)
        if isinstance(exc, EngineFault):
            names = engine_error_names(exc.type_name)
            return MuranoPlError(exc.type_name, exc.message, exc.extra, stack, names)
        exc = python_error(exc)
        if isinstance(exc, RecursionError):
            return MuranoPlError("RecursionLimitExceeded", "Python recursion limit reached",
                                 stack=stack)
        if isinstance(exc, MemoryError):
            return MuranoPlError("MemoryError", "out of memory", stack=stack)
        name = python_error_name(exc)
        return MuranoPlError(name, str(exc), None, stack, [name])

    def exception_object(self, error: MuranoPlError, name: str | None = None) -> MuranoObject:
        """The io.murano.Exception object a ``Catch ... As`` binds for ``error``
        (``name``: the thrown name the Catch matched, default the first)."""
        cls = self.get_class("io.murano.Exception")
        obj = MuranoObject(cls, self.new_id(), None, self)
        obj.props.update(
            name=name or error.names[0], names=tuple(error.names), message=error.message,
            extra=freeze(error.extra), stackTrace=self.stack_trace_object(error.stack),
            nativeException=error,
            cause=self.exception_object(error.cause) if error.cause is not None else None)
        obj.natives["#error"] = error
        obj.initialized = True
        return obj

    def stack_trace_object(self, stack: list[StackFrame]) -> MuranoObject:
        """An io.murano.StackTrace of ``stack``: one frame per call, outermost first."""
        obj = MuranoObject(self.get_class("io.murano.StackTrace"), self.new_id(), None, self)
        obj.props["frames"] = freeze([stack_frame_dict(frame) for frame in stack])
        obj.initialized = True
        return obj

    @staticmethod
    def error_of(value: Any) -> MuranoPlError | None:
        """The MuranoPlError behind a caught io.murano.Exception object (or None)."""
        if isinstance(value, MuranoPlError):
            return value
        if isinstance(value, OBJECT_TYPES):
            return value.real.natives.get("#error")
        return None

    # --- calls and properties -------------------------------------------------------------
    def call_from_code(self, receiver: Any, name: str, args: list, kwargs: dict,
                       frame: Frame | None) -> Any:
        return call_method(self, receiver, name, tuple(args), kwargs, frame)

    def call_python(self, name: str, func: Callable, args: list, frame: Frame | None) -> Any:
        pyframe = Frame(self, None, None, None, frame, None, name)
        try:
            return from_python(func(*args))
        except MuranoPlError:
            raise
        except Exception as exc:  # noqa: BLE001 - becomes a MuranoPL error
            raise self.wrap_error(exc, pyframe) from python_error(exc)

    def read_property(self, obj: Any, name: str, frame: Frame | None) -> Any:
        return read_property(self, obj, name, frame)

    def write_property(self, obj: Any, name: str, value: Any, frame: Frame | None) -> None:
        if isinstance(obj, TypeRef):
            set_static_value(self, obj.cls, name, value, frame)
            return
        write_property(self, obj, name, value, frame)

    def get_member(self, holder: Any, key: str, frame: Frame | None) -> Any:
        """A member for an assignment path: unset properties read as null there."""
        if isinstance(holder, OBJECT_TYPES):
            try:
                return read_property(self, holder, key, frame)
            except EngineFault as fault:
                if fault.type_name == "UninitializedPropertyAccessError":
                    return None
                raise
        if is_mapping(holder):
            return holder.get(key)
        return None

    # --- objects --------------------------------------------------------------------------
    def new_id(self) -> str:
        return uuid.UUID(int=self._random.getrandbits(128), version=4).hex

    def random_name(self) -> str:
        """A deterministic (seeded) name: a letter and 15 letters/digits."""
        letters = "abcdefghijklmnopqrstuvwxyz"
        chars = letters + "0123456789"
        return self._random.choice(letters) + "".join(
            self._random.choice(chars) for _ in range(15))

    def create_object(self, cls: MuranoClass, owner: MuranoObject | None, props: dict,
                      frame: Frame | None, name: str | None = None,
                      object_id: str | None = None, loading: Any = None,
                      store: bool = True) -> MuranoObject:
        """new(): make, fill properties (contracts), native parts, ``.init``. An object
        made with ``store=False`` (a meta object) is not one of the run's objects."""
        oid = object_id or self.new_id()
        while object_id is None and oid in self.objects:   # a saved model holds ids made
            oid = self.new_id()                             # by an earlier run's seed
        if oid in self.objects:
            raise EngineFault("DuplicateObjectId", f"object id {oid!r} already exists")
        obj = MuranoObject(cls, oid, owner, self, name)
        if store:
            self.objects[oid] = obj
        initialize_properties(self, obj, props, loading)
        run_init(self, obj, frame, props)
        return obj

    def new_from_template(self, template: dict, owner: Any, frame: Frame | None):
        """new() of an object model: ``{"?": {type, id?}, props...}`` or the short
        ``{ns:Type: {props}, id: x}`` (nested objects and references by id included)."""
        model = normalize(template, frame.cls if frame else None, self)
        head = model.get("?") if isinstance(model, dict) else None
        if not isinstance(head, dict) or not head.get("type"):
            raise EngineFault("ContractViolationException", "object template has no type")
        head = dict(head, type=self.resolve_class(str(head["type"]).split("/", 1)[0],
                                                  frame.cls if frame else None).name)
        model = dict(model, **{"?": head})
        params = {k: v for k, v in model.items() if k != "?"}
        return model_io.load_new(self, model, owner.real if owner is not None else None,
                                 frame, params)

    def object_from_model(self, value: dict, env: ContractEnv, default_cls: MuranoClass,
                          path: str) -> MuranoObject:
        """A dict met by a ``class()`` contract: a known object by id, or a new owned one
        (either spelling of an object model; the short one's class name is resolved in the
        checking class's namespaces)."""
        if "?" not in value:
            value = normalize(value, env.frame.cls if env.frame is not None else None, self,
                              deep=False)
        head = value.get("?") if is_mapping(value.get("?")) else None
        oid = str(head["id"]) if head and "id" in head else None
        loading: ModelLoad | None = env.loading
        if oid is not None:
            if loading is not None and oid in loading.objects:
                return loading.objects[oid]
            if oid in self.objects:
                return self.objects[oid]
        cls = default_cls
        if head and head.get("type"):
            cls = self.resolve_class(str(head["type"]).split("/", 1)[0], None)
        owner = env.this.real if isinstance(env.this, OBJECT_TYPES) and env.owns_new else None
        if loading is None and not env.owns_new:
            oid = None     # an argument's model becomes a new object, as upstream
        props = {k: v for k, v in value.items() if k != "?"}
        return self.create_object(cls, owner, props, env.frame if env.frame and
                                  env.frame.method else None,
                                  name=head.get("name") if head else None, object_id=oid,
                                  loading=loading)

    def object_by_id(self, oid: str, env: ContractEnv) -> MuranoObject | None:
        loading = env.loading
        if loading is not None and oid in loading.objects:
            return loading.objects[oid]
        return self.objects.get(oid)

    def destroy_objects(self, objects: list[MuranoObject]) -> None:
        """Destroy ``objects`` as upstream's GC does: every destruction handler first, then
        every ``.destroy``, dependents before what they depend on; meanwhile all of them are
        doomed (``GC.isDoomed``), afterwards dead (calling their methods is an error)."""
        self.doomed.update(id(o) for o in objects)
        try:
            self._destroy_all(objects)
        finally:
            self.doomed.difference_update(id(o) for o in objects)
        for obj in objects:
            obj.dead = True
            self.objects.pop(obj.id, None)
            for key in [k for k in self.attributes if k[0] == obj.id]:
                del self.attributes[key]

    def _destroy_all(self, objects: list[MuranoObject]) -> None:
        for obj in objects:
            if not obj.destroyed:
                self._guarded(obj, lambda o=obj: self._run_handlers(o))
        for obj in dependency_order(objects, dependents_first=False):
            if not obj.destroyed:
                self._guarded(obj, lambda o=obj: run_destroy(self, o, None))
                self.record(events.object_destroyed(obj.id, obj.cls.name))

    def _run_handlers(self, obj: MuranoObject) -> None:
        """The handlers subscribed (``GC.subscribeDestruction``) to ``obj``'s destruction."""
        for subscriber, handler in self.subscriptions.pop(obj.id, []):
            if handler and not subscriber.destroyed:
                call_method(self, subscriber, handler, (obj,), {}, None)

    def _guarded(self, obj: MuranoObject, step: Callable[[], Any]) -> None:
        """Run a destruction step; a failure is recorded as an event, not raised."""
        try:
            step()
        except (MuranoPlError, EngineFault) as error:
            self.record(events.object_destroy_failed(obj.id, obj.cls.name, error.type_name,
                                                     error.message))

    # --- what Python callers do -----------------------------------------------------------
    def _api(self, thunk: Callable[[], Any]) -> Any:
        """Run ``thunk`` on this run's budget; engine faults and Python errors become
        MuranoPlError."""
        try:
            with self.budget.running():
                return thunk()
        except EngineFault as fault:
            raise MuranoPlError(fault.type_name, fault.message, fault.extra,
                                names=engine_error_names(fault.type_name)) from None
        except (MuranoPlError, KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - any Python error: a MuranoPL one
            raise self.wrap_error(exc, None) from python_error(exc)

    def load_model(self, model: dict):
        """Load a Murano object model; returns the root object's proxy (or None)."""
        root = self._api(lambda: model_io.load(self, model))
        if root is not None:
            self.root = root
        return to_python(root)

    def new(self, type_name: str, **props: Any):
        """Create an object of ``type_name`` with properties; returns its proxy."""
        owner = from_python(props.pop("owner", None)) if "owner" in props else None
        cls = self.load_class(type_name)
        obj = self._api(lambda: self.create_object(
            cls, owner, {k: from_python(v) for k, v in props.items()}, None))
        if self.root is None and owner is None:
            self.root = obj
        self.api_roots.append(obj)
        return obj.proxy

    def get_object(self, object_id: str):
        """The proxy of a live object, or None."""
        obj = self.objects.get(object_id)
        return obj.proxy if obj is not None else None

    def call(self, target: Any, method: str, *args: Any, **kwargs: Any) -> Any:
        """Call any method of an object (proxy or id) or a static method (class name)."""
        def run():
            receiver = target
            if isinstance(receiver, str):
                receiver = self.objects.get(receiver) or self.get_class(receiver).type_ref
            else:
                receiver = from_python(receiver)
            if not isinstance(receiver, OBJECT_TYPES + (TypeRef,)):
                raise EngineFault("NoObjectFoundError", f"{target!r} is not an object")
            return call_method(self, receiver, method, tuple(from_python(a) for a in args),
                               {k: from_python(v) for k, v in kwargs.items()}, None)
        return to_python(self._api(run))

    def serialize(self) -> dict:
        """The object model as Murano stores it after a deployment."""
        return model_io.serialize(self, self.root)

    def finalize(self) -> None:
        """Run ``.destroy`` of every live object (end of a deployment)."""
        self._api(lambda: self._destroy_all([o for o in self.objects.values()
                                             if not o.destroyed]))
