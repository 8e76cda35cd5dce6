"""Method invocation: frames, argument binding, property access, object construction.

Every running MuranoPL method has a :class:`Frame` (method, ``this``, current line, caller);
the chain of frames is the MuranoPL stack used in error reports and for the recursion limit.
"""

from __future__ import annotations

import inspect
from typing import Any

from .classes import MethodSpec, MuranoClass, PropertySpec, TypeRef
from .contracts import ANY, ContractEnv, compile_contract
from .exceptions import BreakSignal, ContinueSignal, EngineFault, MuranoPlError, ReturnSignal
from .objects import OBJECT_TYPES, CastView, MuranoObject
from .statements import Source, compile_block, compile_value
from .yaql_engine import NO_VALUE, flavour_for_format


class Frame:
    """One activation of a MuranoPL method (or of a Python function called from MuranoPL)."""

    __slots__ = ("runtime", "method", "cls", "this", "caller", "depth", "ctx", "scope",
                 "line", "column", "file", "name", "runtime_base")

    def __init__(self, runtime, method: MethodSpec | None, cls: MuranoClass | None,
                 this: Any, caller: Frame | None, file: str | None, name: str | None) -> None:
        self.runtime = runtime
        self.method = method
        self.cls = cls
        self.this = this
        self.caller = caller
        self.depth = caller.depth + 1 if caller is not None else 0
        self.ctx = None
        self.scope = None
        self.line = None
        self.column = None
        self.file = file
        self.name = name
        self.runtime_base = None

    def branch(self) -> Frame:
        """A frame for one Parallel branch: own line tracking and context; assignments go
        to the method's variable scope, as upstream's (so branches share variables)."""
        sub = Frame(self.runtime, self.method, self.cls, self.this, self.caller, self.file,
                    self.name)
        sub.depth = self.depth
        sub.line, sub.column = self.line, self.column
        sub.ctx = self.ctx.create_child_context()
        sub.ctx["#f"] = sub
        sub.scope = self.scope
        sub.runtime_base = self.runtime_base
        return sub

    def __repr__(self) -> str:
        return f"<Frame {self.cls.name if self.cls else '?'}.{self.name} {self.file}:{self.line}>"


def frame_of(ctx) -> Frame | None:
    return ctx.get_data("#f")


# --- lazy compilation ------------------------------------------------------------------------

def source_for(cls: MuranoClass, method: str | None) -> Source:
    return Source(flavour_for_format(cls.package.format), cls.file, cls.name, method)


def method_body(method: MethodSpec):
    if method.body is None:
        src = source_for(method.declaring, method.name)
        for arg in method.arguments:
            arg.contract = compile_contract(arg.contract_src, src.fl, method.declaring,
                                            src.file, arg.pos)
            arg.default = compile_value(arg.default_src, src, arg.pos)
        method.body = compile_block(method.body_src, src, method.pos)
    return method.body


def property_spec_ready(spec: PropertySpec) -> PropertySpec:
    if spec.contract is None:
        src = source_for(spec.declaring, None)
        spec.contract = compile_contract(spec.contract_src, src.fl, spec.declaring, src.file,
                                         spec.pos)
        spec.default = compile_value(spec.default_src, src, spec.pos)
    return spec


# --- method dispatch -------------------------------------------------------------------------

def no_method(name: str, cls: MuranoClass) -> EngineFault:
    return EngineFault("NoMethodFound", f'Method "{name}" is not found in {cls.name}')


def find_method(runtime, start: MuranoClass, name: str) -> MethodSpec:
    found = start.find_methods(name)
    if not found:
        raise EngineFault("NoMethodFound", f'Method "{name}" is not found in {start.name}')
    if len(found) > 1:
        raise EngineFault("AmbiguousMethodName", f'Found more than one method "{name}" in '
                                                  f'{start.name}')
    return found[0]


def call_method(runtime, receiver: Any, name: str, args: tuple, kwargs: dict,
                caller: Frame | None) -> Any:
    """``receiver.name(*args, **kwargs)``: receiver is an object, a cast or a TypeRef."""
    if isinstance(receiver, TypeRef):
        method = find_method(runtime, receiver.cls, name)
        if not method.is_static:
            raise EngineFault("NoMethodFound", f'Method "{name}" of {receiver.cls.name} is '
                                               f'not static')
        return invoke(runtime, method, receiver, args, kwargs, caller)
    if receiver.real.dead:
        raise EngineFault("ObjectDestroyedError",
                          f"Object {receiver.real.id} ({receiver.real.cls.name}) is destroyed")
    method = find_method(runtime, receiver.start_class, name)
    if method.is_static:
        return invoke(runtime, method, method.declaring.type_ref, args, kwargs, caller)
    return invoke(runtime, method, receiver.real, args, kwargs, caller)


def invoke(runtime, method: MethodSpec, this: Any, args: tuple, kwargs: dict,
           caller: Frame | None) -> Any:
    """Run ``method`` with ``this`` (object or TypeRef for static methods)."""
    if caller is not None and caller.depth + 1 >= runtime.limits.max_depth:
        raise EngineFault("RecursionLimitExceeded",
                          f"call depth exceeded {runtime.limits.max_depth} frames "
                          f"(calling {method.declaring.name}.{method.name})")
    if method.native is not None:
        return runtime.natives.call(method, this, args, kwargs, caller)
    body = method_body(method)
    cls = method.declaring
    frame = Frame(runtime, method, cls, this, caller, cls.file, method.name)
    frame.line, frame.column = method.pos if method.pos else (None, None)
    base = runtime.class_context(cls)
    ctx = base.create_child_context()
    ctx["#f"] = frame
    ctx["$"] = this
    ctx["this"] = this
    frame.ctx = frame.scope = ctx
    frame.runtime_base = base
    owner = this if isinstance(this, MuranoObject) else None
    lock = None
    if owner is not None and runtime.scheduler.active and method.synchronized:
        lock = runtime.scheduler.acquire((id(method), owner.id), runtime.limits.max_iterations,
                                         f"{cls.name}.{method.name}")
    try:
        _bind_arguments(runtime, method, args, kwargs, frame, owner)
        body.run(frame)
    except ReturnSignal as signal:
        return signal.value
    except (BreakSignal, ContinueSignal) as signal:
        word = "Break" if isinstance(signal, BreakSignal) else "Continue"
        raise runtime.wrap_error(EngineFault(
            "DslInvalidOperationError", f"{word} cannot be used on method level"), frame) from None
    except EngineFault as fault:
        raise runtime.wrap_error(fault, frame) from None
    finally:
        frame.ctx = frame.scope = None   # break the frame <-> context cycle early
        if lock is not None:
            runtime.scheduler.release(lock)
    return None


def _bind_arguments(runtime, method: MethodSpec, args: tuple, kwargs: dict, frame: Frame,
                    owner: Any) -> None:
    ctx = frame.ctx
    # as upstream, objects built from argument dicts are unowned, except for .init's
    env = ContractEnv(runtime, frame, owner, owns_new=method.name == ".init")
    specs = method.arguments
    positional = list(args)
    extra_kwargs = dict(kwargs)
    where = f"{method.declaring.name}.{method.name}"
    for spec in specs:
        if spec.usage == "VarArgs":
            values = [spec.contract.transform(v, env, f"argument {spec.name!r}[{i}] of {where}")
                      for i, v in enumerate(positional)]
            positional = []
            ctx[spec.name] = values
            continue
        if spec.usage == "KwArgs":
            continue
        if positional:
            value = positional.pop(0)
            if spec.name in extra_kwargs:
                raise _call_error(where, f"argument {spec.name!r} given twice", frame)
        elif spec.name in extra_kwargs:
            value = extra_kwargs.pop(spec.name)
        elif spec.has_default:
            value = spec.default.evaluate(ctx)
        else:
            value = None     # as upstream: the contract decides whether null is acceptable
        try:
            ctx[spec.name] = spec.contract.transform(value, env,
                                                     f"argument {spec.name!r} of {where}") \
                if spec.contract is not ANY else value
        except EngineFault as fault:
            raise runtime.wrap_error(fault, frame, at_caller=True) from None
    kw_spec = next((s for s in specs if s.usage == "KwArgs"), None)
    if kw_spec is not None:
        ctx[kw_spec.name] = {k: kw_spec.contract.transform(v, env, f"argument {k!r}")
                             for k, v in extra_kwargs.items()}
        extra_kwargs = {}
    if positional:
        raise _call_error(where, f"too many positional arguments ({len(args)} given)", frame)
    if extra_kwargs:
        names = ", ".join(sorted(extra_kwargs))
        raise _call_error(where, f"unexpected keyword argument(s): {names}", frame)


def _call_error(where: str, message: str, frame: Frame,
                type_name: str = "NoMatchingMethodException") -> MuranoPlError:
    fault = EngineFault(type_name, f"{where}: {message}")
    return frame.runtime.wrap_error(fault, frame, at_caller=True)


# --- properties ------------------------------------------------------------------------------

def _caller_class(frame: Frame | None) -> MuranoClass | None:
    return frame.cls if frame is not None else None


def read_property(runtime, obj: Any, name: str, frame: Frame | None) -> Any:
    real = obj.real
    if real.views is not None and obj is not real:
        spec = obj.start_class.find_property(name)
        if spec is not None and (spec.declaring, name) in real.views:
            return real.views[(spec.declaring, name)]
    props = real.props
    if name in props:
        cls = real.cls
        spec = cls.find_property(name)
        if spec is not None or (frame is not None and frame.cls is not None
                                and frame.cls.is_compatible(cls)):
            return props[name]
    spec = real.cls.find_property(name)
    if spec is not None:
        if spec.usage == "Static":
            return static_value(runtime, spec, frame)
        raise EngineFault("UninitializedPropertyAccessError",
                          f'Access to uninitialized property "{name}" in class '
                          f'"{real.cls.name}" is forbidden')
    caller = _caller_class(frame)
    if caller is not None and caller.is_compatible(real.cls):
        raise EngineFault("UninitializedPropertyAccessError",
                          f'Access to uninitialized property "{name}" in class '
                          f'"{real.cls.name}" is forbidden')
    raise EngineFault("PropertyReadError", f'Property "{name}" in class "{real.cls.name}" '
                                           f'cannot be read')


def static_value(runtime, spec: PropertySpec, frame: Frame | None) -> Any:
    """A Static property's value (its Default, through the contract, until assigned)."""
    values = spec.declaring.static_values
    if spec.name not in values:
        property_spec_ready(spec)
        cls_frame = runtime.class_frame(spec.declaring, spec.declaring.type_ref)
        value = spec.default.evaluate(cls_frame.ctx) if spec.has_default else None
        env = ContractEnv(runtime, cls_frame, None)
        values[spec.name] = spec.contract.transform(value, env, f"{spec.declaring.name}."
                                                                f"{spec.name}")
    return values[spec.name]


def set_static_value(runtime, cls: MuranoClass, name: str, value: Any,
                     frame: Frame | None) -> None:
    """``ns:Class.prop: value`` for a Static property."""
    spec = cls.find_property(name)
    if spec is None or spec.usage != "Static":
        raise EngineFault("NoPropertyFound", f'Static property "{name}" is not found in '
                                             f'{cls.name}')
    property_spec_ready(spec)
    env = ContractEnv(runtime, frame or runtime.class_frame(spec.declaring, cls.type_ref), None)
    spec.declaring.static_values[name] = spec.contract.transform(
        value, env, f"{spec.declaring.name}.{name}")


def read_property_for_python(obj: MuranoObject, name: str) -> Any:
    try:
        return read_property(obj.runtime, obj, name, None)
    except EngineFault as fault:
        raise MuranoPlError(fault.type_name, fault.message, fault.extra) from None


def write_property(runtime, obj: Any, name: str, value: Any, frame: Frame | None,
                   privileged: bool = False) -> None:
    real = obj.real
    spec = real.cls.find_property(name)
    caller = _caller_class(frame)
    derived = caller is not None and caller.is_compatible(real.cls)
    if frame is not None and frame.this is real and frame.method is not None \
            and frame.method.name == ".init":
        privileged = True    # an object's own .init may set any of its properties
    if spec is None:
        if derived or privileged:
            real.props[name] = value
            return
        raise EngineFault("PropertyWriteError", f'Property "{name}" in class '
                                                f'"{real.cls.name}" cannot be written')
    if not privileged and (not derived or spec.usage not in ("Out", "InOut", "Runtime")):
        if spec.usage not in ("Out", "InOut", "Runtime") or not derived:
            raise EngineFault("NoWriteAccessError",
                              f'Property "{name}" is immutable to the caller')
    property_spec_ready(spec)
    env = ContractEnv(runtime, frame or runtime.class_frame(spec.declaring, real), real)
    others = real.cls.redeclarations(name)
    if others and spec.usage != "Static":
        _write_views(real, name, value, spec, others, env)
    if spec.contract is not ANY:
        value = spec.contract.transform(value, env, f"{real.cls.name}.{name}")
    if spec.usage == "Static":
        spec.declaring.static_values[name] = value
    else:
        real.props[name] = value


def _write_views(real: MuranoObject, name: str, value: Any, main: PropertySpec,
                 specs: list[PropertySpec], env: ContractEnv) -> None:
    """A property declared by several classes of the hierarchy: each declaring class keeps
    the value through its own contract (read back by ``$.cast(Class).name``)."""
    views = real.views if real.views is not None else {}
    for spec in specs:
        if spec is main:
            continue
        property_spec_ready(spec)
        views[(spec.declaring, name)] = spec.contract.transform(
            value, env, f"{spec.declaring.name}.{name}") if spec.contract is not ANY else value
    real.views = views


# --- objects ---------------------------------------------------------------------------------

def init_order(cls: MuranoClass) -> list[MuranoClass]:
    """Classes of the hierarchy, parents before children, each once."""
    order: list[MuranoClass] = []
    seen: set = set()

    def visit(c: MuranoClass) -> None:
        if c in seen:
            return
        seen.add(c)
        for p in c.parents:
            visit(p)
        order.append(c)
    visit(cls)
    return order


def initialize_properties(runtime, obj: MuranoObject, params: dict, loading: Any = None) -> None:
    """Set every declared property from ``params``/defaults/config through its contract."""
    cls = obj.cls
    configs = runtime.class_configs
    pending = []
    seen: set = set()
    for c in init_order(cls)[::-1]:
        init = c.methods.get(".init")
        init_args = {a.name for a in init.arguments} if init is not None else set()
        for spec in c.properties.values():
            if spec.name in seen or spec.name in init_args:
                continue
            seen.add(spec.name)
            pending.append(spec)
    frame = runtime.class_frame(cls, obj)
    env = ContractEnv(runtime, frame, obj, loading)
    last = len(pending) + 1
    while pending:
        failed = []
        for spec in pending:
            property_spec_ready(spec)
            if spec.usage == "Static":
                continue
            config = configs.get(spec.declaring.name, {})
            if spec.usage == "Config":
                value = config.get(spec.name, NO_VALUE)
            elif spec.usage == "Runtime":
                # as upstream, a Runtime property never takes a given value: its Default only
                if not spec.has_default:
                    continue
                value = NO_VALUE
            else:
                value = params.get(spec.name, NO_VALUE)
            try:
                if value is NO_VALUE and spec.name in config:
                    value = config[spec.name]
                elif value is NO_VALUE:
                    value = spec.default.evaluate(frame.ctx) if spec.has_default else None
                if spec.contract is not ANY:
                    value = spec.contract.transform(value, env, f"{cls.name}.{spec.name}")
            except EngineFault as fault:
                if fault.type_name == "UninitializedPropertyAccessError":
                    failed.append(spec)
                    continue
                raise runtime.wrap_error(fault, frame) from None
            obj.props[spec.name] = value
        if len(failed) >= last:
            raise runtime.wrap_error(EngineFault(
                "CircularExpressionDependenciesError",
                "property defaults depend on each other: "
                + ", ".join(s.name for s in failed)), frame)
        last = len(failed)
        pending = failed
    frame.ctx = frame.scope = None


def run_init(runtime, obj: MuranoObject, caller: Frame | None,
             params: dict | None = None, init_params: dict | None = None) -> None:
    """Create native parts (given the creation ``params``) and run ``.init`` of every
    class, parents first; its arguments come from ``init_params`` (the object's model
    data) or else ``params``."""
    if obj.initialized:
        return
    obj.initialized = True
    for c in init_order(obj.cls):
        if c.native_class is not None and c.name not in obj.natives:
            runtime.natives.construct(c, obj, caller, params)
        init = c.methods.get(".init")
        if init is not None and (init.body_src or init.native is not None):
            given = init_params if init_params is not None else (params or {})
            args = {a.name: given[a.name] for a in init.arguments if a.name in given}
            invoke(runtime, init, obj, (), args, caller)


def run_destroy(runtime, obj: MuranoObject, caller: Frame | None) -> None:
    """Run ``.destroy`` of every class, children first."""
    if obj.destroyed:
        return
    obj.destroyed = True
    for c in reversed(init_order(obj.cls)):
        method = c.methods.get(".destroy")
        if method is not None:
            invoke(runtime, method, obj, (), {}, caller)


def cast(obj: Any, cls: MuranoClass) -> CastView:
    real = obj.real
    if not cls.is_compatible(real.cls):
        raise EngineFault("TypeError", f"cannot cast {real.cls.name} to {cls.name}")
    return CastView(real, cls)


def parents_of_frame_class(frame: Frame, obj: Any) -> list[CastView]:
    cls = frame.cls if frame is not None and frame.cls is not None else obj.real.cls
    return [CastView(obj.real, p) for p in cls.parents]


def accepted_kwargs(func, params: dict) -> dict:
    """Keyword arguments a Python callable accepts out of ``params``."""
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        return dict(params)
    if any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values()):
        return dict(params)
    return {k: v for k, v in params.items() if k in sig.parameters}


__all__ = ["Frame", "invoke", "call_method", "read_property", "write_property",
           "OBJECT_TYPES", "cast"]
