"""Murano's yaql functions: object members, ``new``, ``ns:Name``, ``super``, ``find``,
``require``, ``id``, ``type``/``typeinfo``, ``getAttr``/``setAttr``, ``call``, ``sleep``,
``bind``, ``pselect``, ``randomName``, ``template``, base64 helpers and ``format``
(removed from yaql 3 but used by real packages)."""

from __future__ import annotations

import base64
from typing import Any

from yaql.language import expressions as yexpr
from yaql.language import specs, utils, yaqltypes

from . import reflection
from .classes import MuranoClass, TypeRef
from .exceptions import EngineFault
from .objects import OBJECT_TYPES, MuranoObject

_OBJ = yaqltypes.PythonType(OBJECT_TYPES, nullable=False)
_OBJ_OR_NULL = yaqltypes.PythonType(OBJECT_TYPES, nullable=True)
_TYPE = yaqltypes.PythonType(TypeRef, nullable=False)


def _frame(context):
    frame = context.get_data("#f")
    if frame is None:
        raise EngineFault("DslInvalidOperationError", "no MuranoPL frame in context")
    return frame


def to_type(frame, value: Any) -> MuranoClass:
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


def evaluate_call_args(expr, context, engine) -> tuple[list, dict]:
    """Positional and keyword argument values of a parsed function call."""
    from .yaql_engine import to_plain
    args, kwargs = [], {}
    for arg in expr.args:
        if isinstance(arg, yexpr.MappingRuleExpression) and \
                isinstance(arg.source, yexpr.KeywordConstant):
            kwargs[arg.source.value] = to_plain(arg.destination(utils.NO_VALUE, context, engine))
        else:
            args.append(to_plain(arg(utils.NO_VALUE, context, engine)))
    return args, kwargs


def yaql_method_on_object(receiver, expr, context, engine):
    """A method the MuranoPL class lacks: try yaql's methods (getAttr, select, ...) and
    report NoMethodFound when there is none."""
    from yaql.language.exceptions import NoMethodRegisteredException
    try:
        return expr(receiver, context, engine)
    except NoMethodRegisteredException:
        cls = receiver.cls if isinstance(receiver, TypeRef) else receiver.start_class
        raise EngineFault("NoMethodFound", f'Method "{expr.name}" is not found in '
                                           f'{cls.name}') from None


# --- members of objects and classes -----------------------------------------------------------

@specs.parameter("receiver", _OBJ)
@specs.parameter("expr", yaqltypes.YaqlExpression(yexpr.Function))
@specs.name("#operator_.")
def object_method_call(context, engine, receiver, expr):
    frame = _frame(context)
    name = expr.name
    if receiver.start_class.find_methods(name):
        args, kwargs = evaluate_call_args(expr, context, engine)
        return frame.runtime.call_from_code(receiver, name, args, kwargs, frame)
    return yaql_method_on_object(receiver, expr, context, engine)


@specs.parameter("receiver", _TYPE)
@specs.parameter("expr", yaqltypes.YaqlExpression(yexpr.Function))
@specs.name("#operator_.")
def static_method_call(context, engine, receiver, expr):
    frame = _frame(context)
    if receiver.cls.find_methods(expr.name):
        args, kwargs = evaluate_call_args(expr, context, engine)
        return frame.runtime.call_from_code(receiver, expr.name, args, kwargs, frame)
    return yaql_method_on_object(receiver, expr, context, engine)


@specs.parameter("obj", _OBJ)
@specs.parameter("name", yaqltypes.Keyword())
@specs.name("#operator_.")
def object_property(context, obj, name):
    frame = _frame(context)
    return frame.runtime.read_property(obj, name, frame)


_TYPE_INFO = {"name": lambda c: c.name, "version": lambda c: c.package.version,
              "package": lambda c: c.package.name,
              "ancestors": lambda c: [a.type_ref for a in c.ancestors()],
              "properties": lambda c: reflection.properties_of(c),
              "methods": lambda c: reflection.methods_of(c)}


@specs.parameter("cls", _TYPE)
@specs.parameter("name", yaqltypes.Keyword())
@specs.name("#operator_.")
def static_property(context, cls, name):
    spec = cls.cls.find_property(name)
    if name == "meta" and (spec is None or spec.usage != "Static"):
        return reflection.meta_of(_frame(context), cls.cls)
    if (spec is None or spec.usage != "Static") and name in _TYPE_INFO:
        return _TYPE_INFO[name](cls.cls)
    if spec is None or spec.usage != "Static":
        raise EngineFault("NoPropertyFound", f'Static property "{name}" is not found in '
                                             f'{cls.cls.name}')
    from .executor import static_value
    return static_value(_frame(context).runtime, spec, _frame(context))


@specs.parameter("prefix", yaqltypes.Keyword())
@specs.parameter("name", yaqltypes.Keyword())
@specs.name("#operator_:")
def ns_resolve(context, prefix, name):
    frame = _frame(context)
    return frame.runtime.resolve_class(f"{prefix}:{name}", frame.cls).type_ref


@specs.parameter("name", yaqltypes.Keyword())
@specs.name("#unary_operator_:")
def ns_resolve_default(context, name):
    frame = _frame(context)
    return frame.runtime.resolve_class(f":{name}", frame.cls).type_ref


@specs.parameter("obj", _OBJ_OR_NULL)
@specs.name("#operator_is")
def is_instance(context, obj, type_):
    if obj is None:
        return False
    return to_type(_frame(context), type_).is_compatible(obj.real.cls)


# --- object creation and lookup --------------------------------------------------------------

@specs.parameter("type_", yaqltypes.PythonType(object, nullable=False))
@specs.name("new")
def new_(context, type_, *args, **kwargs):
    """new(type, owner?, name?, prop => value...) or new(type, {props}, owner?, name?)."""
    return new_object(_frame(context), type_, args, kwargs)


def new_object(frame, type_, args, kwargs):
    """The work of ``new()`` (also called directly by the fast path). yaql's own containers
    (frozen dicts, tuples) become plain values here, so contracts and state see plain data."""
    from .yaql_engine import to_plain
    runtime = frame.runtime
    type_ = to_plain(type_)
    args = [to_plain(a) for a in args]
    kwargs = {k: to_plain(v) for k, v in kwargs.items()}
    if isinstance(type_, dict):
        return runtime.new_from_template(type_, args[0] if args else kwargs.get("owner"),
                                         frame)
    cls = to_type(frame, type_)
    if args and isinstance(args[0], dict):
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


@specs.parameter("obj", _OBJ)
@specs.name("id")
def id_(obj):
    return obj.real.id


@specs.parameter("obj", _OBJ)
@specs.method
@specs.name("id")
def id_method(obj):
    return obj.real.id


@specs.parameter("obj", _OBJ)
@specs.extension_method
@specs.name("cast")
def cast_(context, obj, type_):
    from .executor import cast
    return cast(obj, to_type(_frame(context), type_))


def _super_list(context, obj):
    from .executor import parents_of_frame_class
    return parents_of_frame_class(_frame(context), obj)


@specs.parameter("obj", _OBJ)
@specs.parameter("func", yaqltypes.Lambda())
@specs.extension_method
@specs.name("super")
def super_(context, obj, func=None):
    casts = _super_list(context, obj)
    if func is None:
        return casts
    return [func(c) for c in casts]


@specs.parameter("obj", _OBJ)
@specs.parameter("func", yaqltypes.Lambda())
@specs.extension_method
@specs.name("psuper")
def psuper_(context, obj, func=None):
    casts = _super_list(context, obj)
    if func is None:
        return casts
    return _frame(context).runtime.scheduler.map(func, casts)


@specs.extension_method
@specs.name("require")
def require_(value):
    if value is None:
        raise EngineFault("ValueError", "Required value is missing")
    return value


@specs.parameter("obj", _OBJ)
@specs.extension_method
@specs.name("find")
def find_(context, obj, type_):
    frame = _frame(context)
    return obj.real.find_owner(to_type(frame, type_))


@specs.parameter("seconds", yaqltypes.Number(nullable=True))
@specs.name("sleep")
def sleep_(context, seconds=0):
    _frame(context).runtime.scheduler.sleep(seconds or 0)


@specs.parameter("obj", _OBJ_OR_NULL)
@specs.extension_method
@specs.name("type")
def type_legacy(obj):
    return None if obj is None else obj.real.cls.name


@specs.parameter("obj", _OBJ_OR_NULL)
@specs.extension_method
@specs.name("type")
def type_ref(obj):
    return None if obj is None else obj.real.cls.type_ref


@specs.parameter("name", yaqltypes.PythonType((str, TypeRef), nullable=False))
@specs.name("type")
def type_by_name(context, name):
    return to_type(_frame(context), name).type_ref


@specs.parameter("name", yaqltypes.PythonType((str, TypeRef), nullable=False))
@specs.name("class")
def class_by_name(context, name):
    return to_type(_frame(context), name).type_ref


@specs.name("typeinfo")
def typeinfo_(context, obj):
    if obj is None:
        return None
    return to_type(_frame(context), obj).type_ref


@specs.parameter("obj", _OBJ_OR_NULL)
@specs.name("name")
def name_(obj):
    return None if obj is None else obj.real.name


# --- attributes ------------------------------------------------------------------------------

def _attr_key(frame, obj, name):
    cls = frame.cls.name if frame.cls is not None else obj.real.cls.name
    return (obj.real.id, cls, name)


@specs.parameter("obj", _OBJ)
@specs.parameter("name", yaqltypes.String())
@specs.method
@specs.name("getAttr")
def get_attr_method(context, obj, name, default=None):
    frame = _frame(context)
    value = frame.runtime.attributes.get(_attr_key(frame, obj, name))
    return default if value is None else value


@specs.parameter("obj", _OBJ)
@specs.parameter("name", yaqltypes.String())
@specs.method
@specs.name("setAttr")
def set_attr_method(context, obj, name, value):
    from .yaql_engine import to_plain
    frame = _frame(context)
    frame.runtime.attributes[_attr_key(frame, obj, name)] = to_plain(value)


@specs.parameter("name", yaqltypes.String())
@specs.name("getAttr")
def get_attr(context, name, default=None):
    frame = _frame(context)
    value = frame.runtime.attributes.get(_attr_key(frame, frame.this, name))
    return default if value is None else value


@specs.parameter("name", yaqltypes.String())
@specs.name("setAttr")
def set_attr(context, name, value):
    from .yaql_engine import to_plain
    frame = _frame(context)
    frame.runtime.attributes[_attr_key(frame, frame.this, name)] = to_plain(value)


# --- calls, concurrency ------------------------------------------------------------------------

@specs.parameter("name", yaqltypes.String())
@specs.parameter("args", yaqltypes.Sequence(nullable=True))
@specs.parameter("kwargs", yaqltypes.PythonType(utils.MappingType, nullable=True))
@specs.parameter("receiver", yaqltypes.PythonType(OBJECT_TYPES + (TypeRef,), nullable=False))
@specs.method
@specs.name("call")
def call_method_by_name(context, receiver, name, args=None, kwargs=None):
    from .yaql_engine import to_plain
    frame = _frame(context)
    return frame.runtime.call_from_code(receiver, name, to_plain(list(args or [])),
                                        to_plain(dict(kwargs or {})), frame)


@specs.parameter("name", yaqltypes.String())
@specs.parameter("args", yaqltypes.Sequence(nullable=True))
@specs.parameter("kwargs", yaqltypes.PythonType(utils.MappingType, nullable=True))
@specs.parameter("receiver", yaqltypes.PythonType(OBJECT_TYPES + (TypeRef,), nullable=False))
@specs.name("call")
def call_function_with_receiver(context, name, args, kwargs, receiver):
    """call(name, args, kwargs, receiver): a method of a MuranoPL object by name."""
    return call_method_by_name(context, receiver, name, args, kwargs)


@specs.parameter("func", yaqltypes.Lambda())
@specs.parameter("collection", yaqltypes.Iterable())
@specs.method
@specs.name("pselect")
def pselect_(context, collection, func):
    return _frame(context).runtime.scheduler.map(func, list(collection))


def _bind_value(value, mappings):
    if isinstance(value, dict):
        return {_bind_value(k, mappings): _bind_value(v, mappings) for k, v in value.items()}
    if isinstance(value, list):
        return [_bind_value(v, mappings) for v in value]
    if isinstance(value, str):
        if value.startswith("$"):
            if value[1:] in mappings:
                return mappings[value[1:]]
            try:
                return value[1:].format(**mappings)
            except (KeyError, IndexError, ValueError):
                return value
        for key, sub in mappings.items():
            marker = f"%{key}%"
            if marker in value:
                value = value.replace(marker, str(sub))
        return value
    return value


@specs.parameter("mappings", yaqltypes.PythonType(utils.MappingType))
@specs.name("bind")
def bind_(obj, mappings):
    from .yaql_engine import to_plain
    return _bind_value(to_plain(obj), to_plain(mappings) or {})


@specs.parameter("mappings", yaqltypes.PythonType(utils.MappingType))
@specs.method
@specs.name("bind")
def bind_method(obj, mappings):
    return bind_(obj, mappings)


@specs.name("randomName")
def random_name(context):
    return _frame(context).runtime.random_name()


@specs.name("template")
def template_(context, type_, **props):
    """An object-model template ``{"?": {"type": ...}, props...}`` for a later new()."""
    from .yaql_engine import to_plain
    cls = to_type(_frame(context), type_)
    result = {"?": {"type": cls.name}}
    result.update(to_plain(props))
    return result


@specs.parameter("value", yaqltypes.String())
@specs.name("base64encode")
def base64encode(value):
    return base64.b64encode(value.encode("utf-8")).decode("ascii")


@specs.parameter("value", yaqltypes.String())
@specs.name("base64decode")
def base64decode(value):
    return base64.b64decode(value.encode("ascii")).decode("utf-8")


@specs.parameter("fmt", yaqltypes.String())
@specs.name("format")
def format_(fmt, *args, **kwargs):
    return fmt.format(*args, **kwargs)


@specs.parameter("fmt", yaqltypes.String())
@specs.method
@specs.name("format")
def format_method(fmt, *args, **kwargs):
    return fmt.format(*args, **kwargs)


@specs.parameter("value", yaqltypes.String())
@specs.name("toLower")
def to_lower(value):
    return value.lower()


@specs.parameter("value", yaqltypes.String())
@specs.name("toUpper")
def to_upper(value):
    return value.upper()


@specs.parameter("value", yaqltypes.String())
@specs.parameter("chars", yaqltypes.String(nullable=True))
@specs.name("trim")
def trim_(value, chars=None):
    return value.strip(chars)


@specs.parameter("value", yaqltypes.String())
@specs.parameter("start", int)
@specs.parameter("length", int)
@specs.method
@specs.name("substr")
def substr_(value, start, length=-1):
    """Murano's ``s.substr(start, length)``; a negative length means "to the end"."""
    return value[start:] if length < 0 else value[start:start + length]


@specs.parameter("obj", utils.MappingType)
@specs.parameter("patch", yaqltypes.Sequence())
@specs.method
@specs.name("patch")
def patch_(obj, patch):
    """Apply a JSON patch (RFC 6902) to a dict."""
    import jsonpatch

    from .yaql_engine import to_plain
    return jsonpatch.apply_patch(to_plain(obj), to_plain(patch))


_COMMON = [object_method_call, static_method_call, object_property, static_property,
           ns_resolve, ns_resolve_default, is_instance, new_, id_, id_method, cast_, super_,
           psuper_, require_, find_, sleep_, type_by_name, class_by_name, typeinfo_, name_,
           get_attr_method, set_attr_method, get_attr, set_attr, call_method_by_name,
           call_function_with_receiver, pselect_,
           bind_, bind_method, random_name, template_, base64encode, base64decode, format_,
           format_method, to_lower, to_upper, trim_, substr_, patch_]


def register(context, legacy: bool):
    """Register Murano's functions into ``context`` (a child of yaql's root context)."""
    for func in _COMMON + reflection.FUNCTIONS:
        context.register_function(func)
    return context


def register_format_specific(context, fmt: tuple[int, int]) -> None:
    """``type(obj)`` is the class name up to Format 1.3 and a class reference after."""
    context.register_function(type_legacy if fmt <= (1, 3) else type_ref)


def register_user_function(context, name: str, func) -> None:
    """A Python callable given to ``Runtime(functions=...)`` (called positionally)."""
    from .objects import to_python
    from .yaql_engine import to_plain

    def payload(context, *args):
        frame = _frame(context)
        return frame.runtime.call_python(name, func, [to_python(to_plain(a)) for a in args],
                                         frame)
    context.register_function(specs.get_function_definition(payload, name=name))


__all__ = ["register", "register_user_function", "MuranoObject"]
