"""The bridge between MuranoPL objects and their Python ("native") halves.

:class:`NativeBridge` (one per runtime) makes the Python instance of a native class for an
object and calls native methods, converting values both ways and turning Python errors into
MuranoPL ones with the MuranoPL stack; :class:`NativeContext` is what a native object (or a
static method) gets to reach its object, owners, the runtime and files;
:func:`attach_natives` gives a YAML-declared class the methods of its registered Python class.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import greenlet

from .exceptions import EngineFault, MuranoPlError, python_error
from .executor.frames import Frame
from .model.classes import MethodSpec, MuranoClass
from .model.objects import OBJECT_TYPES, from_python, to_python
from .native import NATIVE_CLASSES, NativeThrow


class NativeContext:
    """What a native object (or static method) can reach: itself, owners, runtime, files."""

    def __init__(self, runtime: Any, obj: Any, cls: Any) -> None:
        self.runtime = runtime
        self._obj = obj
        self._cls = cls

    @property
    def this(self):
        return self._obj.proxy if self._obj is not None else None

    @property
    def owner(self):
        owner = self._obj.owner if self._obj is not None else None
        return owner.proxy if owner is not None else None

    def find(self, type_name: str):
        """Nearest owner of class ``type_name`` (or derived), as a proxy, or None."""
        if self._obj is None:
            return None
        cls = self.runtime.resolve_class(type_name, None)
        found = self._obj.find_owner(cls)
        return found.proxy if found is not None else None

    @property
    def caller_package(self):
        """Package of the MuranoPL class whose code called the current native method."""
        frame = self.runtime.natives.caller_frame()
        while frame is not None and (frame.cls is None or frame.method is None
                                     or frame.method.native is not None):
            frame = frame.caller
        if frame is None:
            return self._cls.package
        return frame.cls.package

    def yield_(self) -> None:
        self.runtime.scheduler.yield_()

    def get_attr(self, name: str, default: Any = None) -> Any:
        key = (self._obj.id, self._cls.name, name)
        return to_python(self.runtime.attributes[key]) if key in self.runtime.attributes \
            else default

    def set_attr(self, name: str, value: Any) -> None:
        self.runtime.attributes[(self._obj.id, self._cls.name, name)] = from_python(value)


class NativeBridge:
    """Constructs native instances and calls native methods for one runtime."""

    def __init__(self, runtime: Any) -> None:
        self.runtime = runtime
        self._callers: dict[Any, Any] = {}

    def caller_frame(self):
        return self._callers.get(greenlet.getcurrent())

    def construct(self, cls: Any, obj: Any, caller: Any, extra: dict | None = None) -> None:
        """Make the Python instance of ``cls`` for ``obj``: keyword arguments are the
        object's properties plus any other parameter given to new()."""
        pycls = cls.native_class
        ctx = NativeContext(self.runtime, obj, cls)
        merged = dict(extra or {})
        merged.update(obj.props)
        params = {k: to_python(v) for k, v in merged.items()}
        params = accepted_kwargs(pycls.__init__, params)
        params.pop("ctx", None)
        obj.natives[cls.name] = self._guard(lambda: pycls(ctx, **params), cls,
                                            "__init__", caller)

    def call(self, method: Any, this: Any, args: tuple, kwargs: dict, caller: Any) -> Any:
        cls = method.declaring
        py_args = [to_python(a) for a in args]
        py_kwargs = {k: to_python(v) for k, v in kwargs.items()}
        if method.native_static:
            ctx = NativeContext(self.runtime, this.real if isinstance(this, OBJECT_TYPES)
                                else None, cls)
            result = self._guard(lambda: method.native(ctx, *py_args, **py_kwargs), cls,
                                 method.name, caller)
        else:
            if not isinstance(this, OBJECT_TYPES):
                raise EngineFault("NoMethodFound", f'Method "{method.name}" of {cls.name} '
                                                   f'needs an object')
            real = this.real
            instance = real.natives.get(cls.name)
            if instance is None:
                self.construct(cls, real, caller)
                instance = real.natives[cls.name]
            result = self._guard(lambda: method.native(instance, *py_args, **py_kwargs), cls,
                                 method.name, caller)
        return from_python(result)

    def _guard(self, thunk: Callable[[], Any], cls: Any, name: str, caller: Any) -> Any:
        frame = Frame(self.runtime, None, cls, None, caller, None, name)
        current = greenlet.getcurrent()
        previous = self._callers.get(current)
        self._callers[current] = caller
        try:
            with self.runtime.budget.paused():    # a cloud backend may wait in there
                return thunk()
        except NativeThrow as exc:
            stack = self.runtime.capture_stack(frame)
            raise MuranoPlError(exc.type_name, exc.message, exc.extra, stack,
                                exc.names) from exc
        except MuranoPlError:
            raise
        except EngineFault as fault:
            raise self.runtime.wrap_error(fault, frame) from None
        except Exception as exc:  # noqa: BLE001 - a Python error becomes a MuranoPL one
            raise self.runtime.wrap_error(exc, frame) from python_error(exc)
        finally:
            if previous is None:
                self._callers.pop(current, None)
            else:
                self._callers[current] = previous


def native_methods(pycls: type) -> dict[str, tuple[Callable, bool]]:
    """name -> (function, is_static) for every public method of a native Python class."""
    result = {}
    for name, member in inspect.getmembers(pycls):
        if name.startswith("_"):
            continue
        raw = inspect.getattr_static(pycls, name)
        if isinstance(raw, staticmethod):
            result[name] = (raw.__func__, True)
        elif isinstance(raw, classmethod):
            result[name] = (member, True)
        elif inspect.isfunction(raw):
            result[name] = (raw, False)
    return result


def accepted_kwargs(func: Callable, params: dict) -> dict:
    """Keyword arguments a Python callable accepts out of ``params``."""
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        return dict(params)
    if any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values()):
        return dict(params)
    return {k: v for k, v in params.items() if k in sig.parameters}


def attach_natives(cls: MuranoClass) -> None:
    """Give a YAML-declared class the Python methods of its registered native class."""
    entry = NATIVE_CLASSES.get(cls.name)
    if entry is None:
        return
    pycls = entry[0]
    cls.native_class = pycls
    for name, (func, static) in native_methods(pycls).items():
        if name not in cls.methods:
            cls.methods[name] = MethodSpec(name, cls, "Static" if static else "Runtime",
                                           "Public", [], None, (None, None), native=func,
                                           native_static=static)
