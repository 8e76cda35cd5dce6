"""Extension methods (``Usage: Extension``) and the class ``Import:`` list.

An extension method is a static method whose first argument is the receiver: with method
syntax, ``$value.name(args)`` runs ``name($value, args)``. As upstream Murano does, the
methods of a class see, innermost first:

- the extension methods of the class itself, its own and inherited ones;
- the extension methods of each class of its ``Import:`` list (own and inherited), the
  first listed class first; a class's imports are its own (a subclass does not see them);
- yaql's and Murano's functions.

A layer's method applies only when the receiver passes the contract of the method's first
argument; otherwise the next layer is tried. A method of the receiver's own class always
wins. Extension methods stay callable as statics: ``ns:Class.name(value, args)``.
"""

from __future__ import annotations

from typing import Any

from yaql.language import specs, yaqltypes

from ..body.compiler import method_body
from ..contracts import ANY, ContractEnv
from ..exceptions import EngineFault, MuranoPlError, StackFrame
from ..executor.calls import invoke
from ..expressions.calls import frame_of as _frame
from ..model.classes import MethodSpec, MuranoClass
from ..values import freeze


def extension_methods(cls: MuranoClass) -> list[MethodSpec]:
    """The ``Usage: Extension`` methods visible in ``cls`` (own and inherited; a name two
    parents define differently is ambiguous and left out)."""
    names: list[str] = []
    for c in [cls] + cls.ancestors():
        names.extend(n for n in c.methods if n not in names)
    found = []
    for name in names:
        candidates = cls.find_methods(name)
        if len(candidates) == 1 and candidates[0].usage == "Extension":
            found.append(candidates[0])
    return found


def imported_classes(runtime: Any, cls: MuranoClass) -> list[MuranoClass]:
    """The classes of ``cls``'s ``Import:`` list (NoClassFound at the entry's position)."""
    result = []
    for name, pos in cls.imports:
        try:
            result.append(runtime.get_class(name))
        except EngineFault as fault:
            raise import_error(cls, name, pos, fault.message, fault.type_name) from None
    return result


def import_error(cls: MuranoClass, name: str, pos: tuple | None, message: str | None = None,
                 type_name: str = "NoClassFound") -> MuranoPlError:
    line, col = pos if pos else (None, None)
    return MuranoPlError(type_name, message or f'Class "{name}" is not found (in Import of '
                                               f'{cls.name})',
                         stack=[StackFrame(cls.file, line, col, None, cls.name)])


def class_scope(runtime: Any, cls: MuranoClass, base: Any) -> Any:
    """The yaql context the methods of ``cls`` run under: ``base`` (the package's context)
    with a layer per imported class and one for ``cls``'s own extension methods."""
    ctx = base
    for imported in reversed(imported_classes(runtime, cls)):
        ctx = _layer(ctx, extension_methods(imported))
    return _layer(ctx, extension_methods(cls))


def _layer(parent: Any, methods: list[MethodSpec]) -> Any:
    if not methods:
        return parent
    ctx = parent.create_child_context()
    for method in methods:
        ctx.register_function(_stub(method))
    return ctx


def _stub(method: MethodSpec):
    """The yaql method ``receiver.name(args...)`` calling ``method(receiver, args...)``."""
    def accepts(value: Any, context: Any, *args: Any, **kwargs: Any) -> bool:
        return receiver_accepted(_frame(context).runtime, method, value)

    @specs.parameter("receiver", yaqltypes.GenericType(True, accepts))
    @specs.method
    @specs.name(method.name)
    def extension(context, receiver, *args, **kwargs):
        return call_extension(_frame(context), method, receiver, args, kwargs)
    return specs.get_function_definition(extension)


_REJECTIONS = frozenset(("ContractViolationException", "NoObjectFoundError"))
"""Contract faults meaning "this value does not fit" (a string that is no object id, too)."""


def receiver_accepted(runtime: Any, method: MethodSpec, value: Any) -> bool:
    """True when ``value`` passes the contract of ``method``'s first argument."""
    method_body(method)     # compiles the argument contracts
    if not method.arguments:
        return True
    first = method.arguments[0]
    if first.usage != "Standard" or first.contract is ANY:
        return True
    frame = runtime.class_frame(method.declaring, method.declaring.type_ref)
    try:
        first.contract.transform(value, ContractEnv(runtime, frame, None), first.name)
    except EngineFault as fault:
        if fault.type_name in _REJECTIONS:
            return False
        raise
    finally:
        frame.ctx = frame.scope = None
    return True


def call_extension(frame: Any, method: MethodSpec, receiver: Any, args: tuple,
                   kwargs: dict) -> Any:
    """Run ``method`` as a static of its class with ``receiver`` as first argument."""
    values = (freeze(receiver),) + tuple(freeze(a) for a in args)
    named = {k: freeze(v) for k, v in kwargs.items()}
    return invoke(frame.runtime, method, method.declaring.type_ref, values, named, frame)
