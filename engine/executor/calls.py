"""Calling MuranoPL methods: lookup, the call depth limit, argument binding, casts."""

from __future__ import annotations

from typing import Any

from ..body.compiler import method_body
from ..contracts import ANY, ContractEnv
from ..exceptions import (
    BreakSignal,
    ContinueSignal,
    EngineFault,
    MuranoPlError,
    ReturnSignal,
    python_error,
)
from ..model.classes import MethodSpec, MuranoClass, TypeRef
from ..model.objects import CastView, MuranoObject
from .frames import Frame
from .meta import lock_rule


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
    runtime.budget.step()
    if caller is not None and caller.depth + 1 >= runtime.limits.max_depth:
        raise EngineFault("RecursionLimitExceeded",
                          f"call depth exceeded {runtime.limits.max_depth} frames "
                          f"(calling {method.declaring.name}.{method.name})")
    if method.native is not None:
        if not runtime.scheduler.active:
            return runtime.natives.call(method, this, args, kwargs, caller)
        lock = _lock(runtime, method, this if isinstance(this, MuranoObject) else None, None)
        try:
            return runtime.natives.call(method, this, args, kwargs, caller)
        finally:
            if lock is not None:
                runtime.scheduler.release(lock)
    body = method_body(method)
    cls = method.declaring
    frame = Frame(runtime, method, cls, this, caller, cls.file, method.name)
    frame.line, frame.column = method.pos if method.pos else (None, None)
    if method.name == ".init":
        frame.privileged = True
    base = runtime.class_context(cls)
    ctx = base.create_child_context()
    ctx["#f"] = frame
    ctx["$"] = this
    ctx["this"] = this
    frame.ctx = frame.scope = ctx
    frame.runtime_base = base
    owner = this if isinstance(this, MuranoObject) else None
    lock = None
    try:
        _bind_arguments(runtime, method, args, kwargs, frame, owner)
        if runtime.scheduler.active:
            lock = _lock(runtime, method, owner, frame.ctx)
        body.run(frame)
    except ReturnSignal as signal:
        return signal.value
    except (BreakSignal, ContinueSignal) as signal:
        word = "Break" if isinstance(signal, BreakSignal) else "Continue"
        raise runtime.wrap_error(EngineFault(
            "DslInvalidOperationError", f"{word} cannot be used on method level"), frame) from None
    except EngineFault as fault:
        raise runtime.wrap_error(fault, frame) from None
    except (MuranoPlError, KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # noqa: BLE001 - arguments' defaults and contracts run yaql
        raise runtime.wrap_error(exc, frame) from python_error(exc)
    finally:
        frame.ctx = frame.scope = None   # break the frame <-> context cycle early
        if lock is not None:
            runtime.scheduler.release(lock)
    return None


def _lock(runtime, method: MethodSpec, owner: MuranoObject | None, ctx: Any) -> Any:
    """Wait for, then take, the lock concurrent calls of ``method`` share (upstream's
    Synchronize rule: per object, or per class for a static method, unless ``onThis`` is
    false; per value of the ``onArgs`` arguments)."""
    on_this, on_args = lock_rule(runtime, method)
    values = {}
    for name in on_args if ctx is not None else ():
        value = ctx.get_data(name)
        if value is not None:
            values[name] = value
    if on_this:
        key = (id(method), owner.id if owner is not None else id(method.declaring))
    elif values:
        key = (id(method), None)
    else:
        return None
    return runtime.scheduler.acquire(key, values, runtime.limits.max_iterations,
                                     f"{method.declaring.name}.{method.name}")


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


def cast(obj: Any, cls: MuranoClass) -> CastView:
    real = obj.real
    if not cls.is_compatible(real.cls):
        raise EngineFault("TypeError", f"cannot cast {real.cls.name} to {cls.name}")
    return CastView(real, cls)


def parents_of_frame_class(frame: Frame, obj: Any) -> list[CastView]:
    cls = frame.cls if frame is not None and frame.cls is not None else obj.real.cls
    return [CastView(obj.real, p) for p in cls.parents]
