"""Murano's yaql functions on objects and classes: members, ``new``, ``ns:Name``,
``super``, ``find``, ``id``, ``type``/``typeinfo``, ``getAttr``/``setAttr``, ``call``,
``sleep``, ``pselect``, ``randomName``, ``template``."""

from __future__ import annotations

from yaql.language import expressions as yexpr
from yaql.language import specs, utils, yaqltypes

from ..exceptions import EngineFault
from ..executor.calls import cast, parents_of_frame_class
from ..executor.properties import static_value
from ..expressions.calls import call_args, method_fallback, new_object, to_type
from ..expressions.calls import frame_of as _frame
from ..model.classes import TypeRef
from ..model.objects import OBJECT_TYPES
from ..values import freeze

_OBJ = yaqltypes.PythonType(OBJECT_TYPES, nullable=False)
_OBJ_OR_NULL = yaqltypes.PythonType(OBJECT_TYPES, nullable=True)
_TYPE = yaqltypes.PythonType(TypeRef, nullable=False)


# --- members of objects and classes -----------------------------------------------------------

@specs.parameter("receiver", _OBJ)
@specs.parameter("expr", yaqltypes.YaqlExpression(yexpr.Function))
@specs.name("#operator_.")
def object_method_call(context, engine, receiver, expr):
    frame = _frame(context)
    name = expr.name
    if receiver.start_class.find_methods(name):
        args, kwargs = call_args(expr, context, engine)
        return frame.runtime.call_from_code(receiver, name, args, kwargs, frame)
    return method_fallback(receiver, expr, context, engine)


@specs.parameter("receiver", _TYPE)
@specs.parameter("expr", yaqltypes.YaqlExpression(yexpr.Function))
@specs.name("#operator_.")
def static_method_call(context, engine, receiver, expr):
    frame = _frame(context)
    if receiver.cls.find_methods(expr.name):
        args, kwargs = call_args(expr, context, engine)
        return frame.runtime.call_from_code(receiver, expr.name, args, kwargs, frame)
    return method_fallback(receiver, expr, context, engine)


@specs.parameter("obj", _OBJ)
@specs.parameter("name", yaqltypes.Keyword())
@specs.name("#operator_.")
def object_property(context, obj, name):
    frame = _frame(context)
    return frame.runtime.read_property(obj, name, frame)


@specs.parameter("cls", _TYPE)
@specs.parameter("name", yaqltypes.Keyword())
@specs.name("#operator_.")
def static_property(context, cls, name):
    """``ns:Class.prop``: a Static property (reflection is ``typeinfo(ns:Class)``'s)."""
    spec = cls.cls.find_property(name)
    if spec is None or spec.usage != "Static":
        raise EngineFault("NoPropertyFound", f'Static property "{name}" is not found in '
                                             f'{cls.cls.name}')
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
    return cast(obj, to_type(_frame(context), type_))


def _super_list(context, obj):
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
    return None if obj is None else obj.start_class.name


@specs.parameter("obj", _OBJ_OR_NULL)
@specs.extension_method
@specs.name("type")
def type_ref(obj):
    return None if obj is None else obj.start_class.type_ref


@specs.parameter("name", yaqltypes.PythonType((str, TypeRef), nullable=False))
@specs.name("type")
def type_by_name(context, name):
    return to_type(_frame(context), name).type_ref


@specs.parameter("name", yaqltypes.PythonType((str, TypeRef), nullable=False))
@specs.name("class")
def class_by_name(context, name):
    return to_type(_frame(context), name).type_ref


@specs.parameter("obj", yaqltypes.PythonType(OBJECT_TYPES + (TypeRef, str), nullable=True))
@specs.name("typeinfo")
def typeinfo_(context, obj):
    """The reflection of an object's class, or of a class given by reference or name."""
    if obj is None:
        return None
    if isinstance(obj, OBJECT_TYPES):
        return obj.start_class.type_info       # a cast object: the class it is seen as
    return to_type(_frame(context), obj).type_info


@specs.parameter("obj", _OBJ)
@specs.name("metadata")
def metadata_(obj):
    """The ``?: metadata`` an object came with in its object model (or null)."""
    return obj.real.metadata


@specs.parameter("obj", _OBJ_OR_NULL)
@specs.name("name")
def name_(obj):
    return None if obj is None else obj.real.name


@specs.name("isObject")
def is_object(value):
    """True for MuranoPL objects and class references."""
    return isinstance(value, OBJECT_TYPES + (TypeRef,))


# --- attributes ------------------------------------------------------------------------------

def _attr_key(frame, obj, name, owner=None):
    """Attributes are kept per (object, class): the calling class's, or ``owner``'s (a
    type or a class name in the calling class's namespaces)."""
    if owner is not None:
        cls = to_type(frame, owner).name
    else:
        cls = frame.cls.name if frame.cls is not None else obj.real.cls.name
    return (obj.real.id, cls, name)


@specs.parameter("obj", _OBJ)
@specs.parameter("name", yaqltypes.String())
@specs.method
@specs.name("getAttr")
def get_attr_method(context, obj, name, default=None, owner=None):
    frame = _frame(context)
    value = frame.runtime.attributes.get(_attr_key(frame, obj, name, owner))
    return default if value is None else value


@specs.parameter("obj", _OBJ)
@specs.parameter("name", yaqltypes.String())
@specs.method
@specs.name("setAttr")
def set_attr_method(context, obj, name, value, owner=None):
    frame = _frame(context)
    frame.runtime.attributes[_attr_key(frame, obj, name, owner)] = freeze(value)


@specs.parameter("name", yaqltypes.String())
@specs.name("getAttr")
def get_attr(context, name, default=None, owner=None):
    frame = _frame(context)
    value = frame.runtime.attributes.get(_attr_key(frame, frame.this, name, owner))
    return default if value is None else value


@specs.parameter("name", yaqltypes.String())
@specs.name("setAttr")
def set_attr(context, name, value, owner=None):
    frame = _frame(context)
    frame.runtime.attributes[_attr_key(frame, frame.this, name, owner)] = freeze(value)


# --- calls, concurrency ------------------------------------------------------------------------

@specs.parameter("name", yaqltypes.String())
@specs.parameter("args", yaqltypes.Sequence(nullable=True))
@specs.parameter("kwargs", yaqltypes.PythonType(utils.MappingType, nullable=True))
@specs.parameter("receiver", yaqltypes.PythonType(OBJECT_TYPES + (TypeRef,), nullable=False))
@specs.method
@specs.name("call")
def call_method_by_name(context, receiver, name, args=None, kwargs=None):
    frame = _frame(context)
    return frame.runtime.call_from_code(receiver, name, [freeze(a) for a in args or ()],
                                        {k: freeze(v) for k, v in (kwargs or {}).items()},
                                        frame)


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


@specs.name("randomName")
def random_name(context):
    return _frame(context).runtime.random_name()


@specs.name("template")
def template_(context, type_, **props):
    """An object-model template ``{"?": {"type": ...}, props...}`` for a later new()."""
    cls = to_type(_frame(context), type_)
    result = {"?": {"type": cls.name}}
    result.update(props)
    return freeze(result)


FUNCTIONS = [object_method_call, static_method_call, object_property, static_property,
             ns_resolve, ns_resolve_default, is_instance, new_, id_, id_method, cast_, super_,
             psuper_, require_, find_, sleep_, type_by_name, class_by_name, typeinfo_,
             metadata_, is_object, name_, get_attr_method, set_attr_method, get_attr, set_attr,
             call_method_by_name, call_function_with_receiver, pselect_, random_name, template_]
"""Registered into every root context."""
