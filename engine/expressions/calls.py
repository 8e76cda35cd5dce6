"""Object operations shared by compiled expressions and Murano's yaql functions.

They reach the running engine through the frame in the yaql context (``#f``):
``frame.runtime`` resolves classes, creates objects and calls methods.
"""

from __future__ import annotations

from typing import Any

from yaql.language import expressions as yexpr
from yaql.language import utils
from yaql.language.exceptions import NoMethodRegisteredException, WrappedException

from ..exceptions import EngineFault
from ..model.classes import MuranoClass, TypeRef
from ..model.objects import OBJECT_TYPES
from ..values import freeze, is_mapping, thaw


def frame_of(context: Any) -> Any:
    """The MuranoPL frame of a yaql context (DslInvalidOperationError without one)."""
    frame = context.get_data("#f")
    if frame is None:
        raise EngineFault("DslInvalidOperationError", "no MuranoPL frame in context")
    return frame


def to_type(frame: Any, value: Any) -> MuranoClass:
    """A class from a TypeRef, a class name (namespaces of the calling class) or an object."""
    if isinstance(value, TypeRef):
        return value.cls
    if isinstance(value, OBJECT_TYPES):
        return value.real.cls
    if isinstance(value, MuranoClass):
        return value
    if isinstance(value, str):
        return frame.runtime.resolve_class(value, frame.cls)
    raise EngineFault("NoClassFound", f"{value!r} is not a class name")


def call_args(expr: Any, context: Any, engine: Any) -> tuple[list, dict]:
    """Positional and keyword argument values of a parsed function call."""
    args, kwargs = [], {}
    for arg in expr.args:
        if isinstance(arg, yexpr.MappingRuleExpression) and \
                isinstance(arg.source, yexpr.KeywordConstant):
            kwargs[arg.source.value] = freeze(arg.destination(utils.NO_VALUE, context, engine))
        else:
            args.append(freeze(arg(utils.NO_VALUE, context, engine)))
    return args, kwargs


def method_fallback(receiver: Any, expr: Any, context: Any, engine: Any) -> Any:
    """A method the MuranoPL class lacks: try yaql's methods (getAttr, select, ...) and
    report NoMethodFound when there is none."""
    try:
        return expr(receiver, context, engine)
    except WrappedException as exc:      # yaql's wrapper of a StopIteration: the original
        raise exc.wrapped from None
    except NoMethodRegisteredException:
        cls = receiver.cls if isinstance(receiver, TypeRef) else receiver.start_class
        raise EngineFault("NoMethodFound", f'Method "{expr.name}" is not found in '
                                           f'{cls.name}') from None


def new_object(frame: Any, type_: Any, args: Any, kwargs: dict) -> Any:
    """The work of ``new()``: new(type, owner?, name?, prop => value...),
    new(type, {props}, owner?, name?) or new({object model}, owner?); the values given are
    frozen (an object model is read as a mutable copy)."""
    runtime = frame.runtime
    type_ = freeze(type_)
    args = [freeze(a) for a in args]
    kwargs = {k: freeze(v) for k, v in kwargs.items()}
    if is_mapping(type_):
        return runtime.new_from_template(thaw(type_), args[0] if args else kwargs.get("owner"),
                                         frame)
    cls = to_type(frame, type_)
    if args and is_mapping(args[0]):
        props = dict(args[0])
        owner = args[1] if len(args) > 1 else kwargs.pop("owner", None)
        name = args[2] if len(args) > 2 else kwargs.pop("objectName", None)
    else:
        props = kwargs
        owner = args[0] if args else None
        name = args[1] if len(args) > 1 else None
    if owner is not None and not isinstance(owner, OBJECT_TYPES):
        raise EngineFault("ContractViolationException", f"owner {owner!r} is not an object")
    return runtime.create_object(cls, owner.real if owner is not None else None, props,
                                 frame, name=name)
