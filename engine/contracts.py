"""Contracts of properties and arguments: compiled once, applied on every write/call.

A contract spec is YAML data: an expression chain on ``$`` (``$.string().notNull()``,
``$.class(res:Instance)``, ``$.int().check($ > 0)``), a list shape (``[c]``, ``[c, min]``,
``[c, min, max]``), a dict shape (fixed keys, or key/value contracts), or a literal.
Common chain steps run as Python; any other expression runs through yaql with ``$`` bound
to the value. A violation raises ``ContractViolationException`` naming the value's path.
:func:`ready_property` compiles a property's contract and default on first use.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from yaql.language import expressions as yexpr

from .exceptions import EngineFault, MuranoPlError, StackFrame
from .expressions.data import compile_value, source_for
from .expressions.expression import NO_VALUE, Expression
from .files.located_yaml import position
from .model.classes import PropertySpec
from .model.object_models import normalize
from .model.objects import OBJECT_TYPES
from .syntax.expressions import ExpressionParser
from .values import FrozenDict, freeze, is_mapping, is_sequence, thaw


def violation(path: str, detail: str) -> EngineFault:
    return EngineFault("ContractViolationException", f"{path}: {detail}" if path else detail)


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _shown(value: Any, env: ContractEnv, path: str) -> str:
    """``value`` as a violation message shows it: ``***`` when the path names a secret (a
    property or argument of a secret name, a form's password field), else its repr with the
    secrets the run's masker knows masked."""
    masker = getattr(env.runtime, "masker", None)
    return masker.shown(value, *_NAME.findall(path)) if masker is not None else repr(value)


class ContractEnv:
    """What a contract needs at check time: runtime, frame (namespaces), owner object."""

    __slots__ = ("runtime", "frame", "this", "loading", "owns_new")

    def __init__(self, runtime: Any, frame: Any, this: Any, loading: Any = None,
                 owns_new: bool = True) -> None:
        self.runtime = runtime
        self.frame = frame
        self.this = this
        self.loading = loading   # model_io.ModelLoad while loading an object model
        self.owns_new = owns_new  # objects class() builds from dicts are owned by `this`


class Contract:
    """Base: ``transform(value, env, path)`` returns the checked/converted value."""

    def transform(self, value: Any, env: ContractEnv, path: str) -> Any:
        raise NotImplementedError


class AnyContract(Contract):
    def transform(self, value, env, path):
        return value


ANY = AnyContract()


class LiteralContract(Contract):
    def __init__(self, literal: Any) -> None:
        self.literal = literal

    def transform(self, value, env, path):
        if value != self.literal:
            raise violation(path, f"value {_shown(value, env, path)} is not {self.literal!r}")
        return value


class ListContract(Contract):
    def __init__(self, items: list[Contract], minimum: int, maximum: int | None) -> None:
        self.items = items
        self.minimum = minimum
        self.maximum = maximum

    def transform(self, value, env, path):
        if value is None or value is NO_VALUE:
            value = ()
        elif not is_sequence(value):
            value = (value,)
        n = len(value)
        if n < self.minimum or (self.maximum is not None and n > self.maximum):
            upper = "inf" if self.maximum is None else self.maximum
            raise violation(path, f"list length {n} is not within [{self.minimum}..{upper}]")
        if not self.items:
            return freeze(value)
        last = len(self.items) - 1
        return tuple([self.items[min(i, last)].transform(item, env, f"{path}[{i}]")
                      for i, item in enumerate(value)])


class DictContract(Contract):
    def __init__(self, fixed: dict[Any, Contract], generic: list[tuple[Contract, Contract]]):
        self.fixed = fixed
        self.generic = generic

    def transform(self, value, env, path):
        if value is None or value is NO_VALUE:
            value = FrozenDict()
        if not is_mapping(value):
            raise violation(path, f"value {_shown(value, env, path)} is not a dictionary")
        if not self.fixed and not self.generic:
            return freeze(value)
        result = {}
        for key, contract in self.fixed.items():
            result[key] = contract.transform(value.get(key), env, f"{path}.{key}")
        for key, item in value.items():
            if key in self.fixed:
                continue
            for key_contract, value_contract in self.generic:
                new_key = key_contract.transform(key, env, f"{path} key {key!r}")
                result[new_key] = value_contract.transform(item, env, f"{path}.{key}")
                break
        return FrozenDict(result)


class ChainContract(Contract):
    """``$.step1().step2()...``: each step is a Python function (value, env, path) -> value."""

    def __init__(self, steps: list[Callable]) -> None:
        self.steps = steps

    def transform(self, value, env, path):
        for step in self.steps:
            value = step(value, env, path)
        return value


class YaqlContract(Contract):
    """Any other contract expression: evaluated by yaql with ``$`` bound to the value."""

    def __init__(self, expr: Expression) -> None:
        self.expr = expr

    def transform(self, value, env, path):
        ctx = env.runtime.contract_context(env.frame, value, self.expr.parser)
        return self.expr.evaluate(ctx)


# --- chain steps ------------------------------------------------------------------------

def _step_string(value, env, path):
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, OBJECT_TYPES):
        return value.real.id
    raise violation(path, f"value {_shown(value, env, path)} is not a string")


def _step_int(value, env, path):
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    try:
        if isinstance(value, (str, float)):
            return int(value)
    except ValueError:
        pass
    raise violation(path, f"value {_shown(value, env, path)} is not an integer")


def _step_bool(value, env, path):
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "no", "off", "0", "")
    if isinstance(value, (int, float)):
        return bool(value)
    raise violation(path, f"value {_shown(value, env, path)} is not a boolean")


def _step_not_null(value, env, path):
    if value is None:
        raise violation(path, "value must not be null")
    return value


def _step_owned(value, env, path):
    if value is not None and not _owned_by(value, env.this):
        raise violation(path, f"object {value!r} is not owned by {env.this!r}")
    return value


def _step_not_owned(value, env, path):
    if value is not None and _owned_by(value, env.this):
        raise violation(path, f"object {value!r} must not be owned by {env.this!r}")
    return value


def _owned_by(value: Any, owner: Any) -> bool:
    if not isinstance(value, OBJECT_TYPES) or owner is None:
        return False
    node = value.real.owner
    owner = getattr(owner, "real", owner)
    while node is not None:
        if node is owner:
            return True
        node = node.owner
    return False


class _TypeArg:
    """A class argument of ``class()``/``template()``: resolved once, on first use."""

    def __init__(self, tree: Any, fl: ExpressionParser, decl_cls: Any, where: tuple) -> None:
        self.tree = tree
        self.fl = fl
        self.decl_cls = decl_cls
        self.where = where
        self.cls = None

    def get(self, env: ContractEnv):
        if self.cls is None:
            tree = self.tree
            if isinstance(tree, yexpr.BinaryOperator) and tree.name == "#operator_:":
                name = f"{tree.args[0].value}:{tree.args[1].value}"
            elif isinstance(tree, yexpr.UnaryOperator) and tree.name == "#unary_operator_:":
                name = f":{tree.args[0].value}"
            elif isinstance(tree, yexpr.Constant) and isinstance(tree.value, str):
                name = tree.value
            else:
                ctx = env.runtime.contract_context(env.frame, None, self.fl)
                name = tree(NO_VALUE, ctx, self.fl.engine)
            self.cls = env.runtime.resolve_class(name, self.decl_cls)
        return self.cls


def _make_class_step(type_arg: _TypeArg, default_arg: _TypeArg | None):
    def step(value, env, path):
        if value is None:
            return None
        cls = type_arg.get(env)
        if isinstance(value, OBJECT_TYPES):
            obj = value.real
        elif env.loading == TEMPLATE_CHECK:
            return value
        elif is_mapping(value):
            default_cls = default_arg.get(env) if default_arg else cls
            obj = env.runtime.object_from_model(value, env, default_cls, path)
        elif isinstance(value, str):
            obj = env.runtime.object_by_id(value, env)
            if obj is None:
                raise EngineFault("NoObjectFoundError",
                                  f'{path}: Object "{value}" is not found in object store',
                                  {"class": cls.name})
        else:
            raise violation(path, f"value {_shown(value, env, path)} is not an object of "
                                  f"class {cls.name}")
        if not cls.is_compatible(obj.cls):
            raise violation(path, f"object of class {obj.cls.name} is not compatible with "
                                  f"{cls.name}")
        return obj
    return step


TEMPLATE_CHECK = "template-check"
_NOT_IN_TEMPLATES = ("Runtime", "Static", "Config")


def object_template(obj: Any) -> dict:
    """An object as a template of a new one (what upstream's ``template()`` contract makes
    of an object): its class and property values, other objects by id, without its id."""
    def plain(value: Any) -> Any:
        if isinstance(value, OBJECT_TYPES):
            return value.real.id
        if is_mapping(value):
            return {k: plain(v) for k, v in value.items()}
        if is_sequence(value):
            return [plain(v) for v in value]
        return value
    result: dict[str, Any] = {"?": {"type": obj.cls.name}}
    for spec in obj.cls.all_properties():
        if spec.usage not in _NOT_IN_TEMPLATES and spec.name in obj.props:
            result[spec.name] = plain(obj.props[spec.name])
    return result


def template_values(contract: Contract, value: Any) -> list[Any]:
    """The parts of ``value`` that ``contract`` takes as object templates (``template()``):
    data to keep, not objects of the model to create."""
    if isinstance(contract, ChainContract):
        return [value] if any(getattr(s, "is_template", False) for s in contract.steps) \
            else []
    if isinstance(contract, ListContract) and contract.items and is_sequence(value):
        last = len(contract.items) - 1
        return [found for i, item in enumerate(value)
                for found in template_values(contract.items[min(i, last)], item)]
    if isinstance(contract, DictContract) and is_mapping(value):
        found = []
        for key, item in value.items():
            sub = contract.fixed.get(key)
            if sub is None and contract.generic:
                sub = contract.generic[0][1]
            if sub is not None:
                found += template_values(sub, item)
        return found
    return []


def _make_template_step(type_arg: _TypeArg, exclude: Any):
    def step(value, env, path):
        if value is None:
            return None
        cls = type_arg.get(env)
        if isinstance(value, OBJECT_TYPES):
            if not cls.is_compatible(value.real.cls):
                raise violation(path, f"object of class {value.real.cls.name} is not "
                                      f"compatible with {cls.name}")
            value = object_template(value.real)
        if not is_mapping(value):
            raise violation(path, f"value {_shown(value, env, path)} is not an object template")
        scope = env.frame.cls if env.frame is not None and env.frame.cls is not None \
            else type_arg.decl_cls
        value = normalize(thaw(value), scope, env.runtime, deep=False)
        obj_cls = cls
        header = value.get("?") if isinstance(value.get("?"), dict) else None
        if header and header.get("type"):
            obj_cls = env.runtime.resolve_class(str(header["type"]).split("/", 1)[0], None)
            if not cls.is_compatible(obj_cls):
                raise violation(path, f"template of class {obj_cls.name} is not compatible "
                                      f"with {cls.name}")
        else:  # no type: the contract's class, as upstream's default_type
            value = dict(value, **{"?": dict(header or {}, type=cls.name)})
        excluded = set()
        if exclude is not None:
            ctx = env.runtime.contract_context(env.frame, value, type_arg.fl)
            excluded = set(exclude(NO_VALUE, ctx, type_arg.fl.engine) or [])
        result = freeze({k: v for k, v in value.items() if k not in excluded})
        check_env = ContractEnv(env.runtime, env.frame, env.this, TEMPLATE_CHECK)
        for spec in obj_cls.all_properties():
            if spec.name in result and spec.usage not in ("Runtime", "Static", "Config"):
                ready_property(spec)
                spec.contract.transform(result[spec.name], check_env, f"{path}.{spec.name}")
        return result
    step.is_template = True
    return step


def _make_check_step(pred: Any, message: Any, fl: ExpressionParser):
    def step(value, env, path):
        ctx = env.runtime.contract_context(env.frame, value, fl)
        ok = pred(NO_VALUE, ctx, fl.engine)
        if not ok:
            text = message(NO_VALUE, ctx, fl.engine) if message is not None else None
            raise violation(path, text or f"value {_shown(value, env, path)} does not "
                                          "satisfy the check")
        return value
    return step


_SIMPLE_STEPS = {"string": _step_string, "int": _step_int, "bool": _step_bool,
                 "notNull": _step_not_null, "owned": _step_owned, "notOwned": _step_not_owned}


def _compile_chain(tree: Any, fl: ExpressionParser, decl_cls: Any,
                   where: tuple) -> ChainContract | None:
    calls = []
    node = tree
    while (isinstance(node, yexpr.BinaryOperator) and node.name == "#operator_."
           and type(node.args[1]) is yexpr.Function):
        calls.append(node.args[1])
        node = node.args[0]
    if not (isinstance(node, yexpr.GetContextValue) and node.path.value == "$") or not calls:
        return None
    steps = []
    for call in reversed(calls):
        name, args = call.name, call.args
        kwargs = {a.source.value: a.destination for a in args
                  if isinstance(a, yexpr.MappingRuleExpression)}
        args = [a for a in args if not isinstance(a, yexpr.MappingRuleExpression)]
        if name == "template" and len(args) == 1 and set(kwargs) <= {"excludeProperties"}:
            steps.append(_make_template_step(_TypeArg(args[0], fl, decl_cls, where),
                                             kwargs.get("excludeProperties")))
            continue
        if kwargs:
            return None
        if name in _SIMPLE_STEPS and not args:
            steps.append(_SIMPLE_STEPS[name])
        elif name == "class" and 1 <= len(args) <= 2:
            default = _TypeArg(args[1], fl, decl_cls, where) if len(args) == 2 else None
            steps.append(_make_class_step(_TypeArg(args[0], fl, decl_cls, where), default))
        elif name == "check" and 1 <= len(args) <= 2:
            steps.append(_make_check_step(args[0], args[1] if len(args) == 2 else None, fl))
        else:
            return None
    return ChainContract(steps)


def compile_contract(spec: Any, fl: ExpressionParser, decl_cls: Any, file: str,
                     pos: tuple) -> Contract:
    """Compile a contract spec (YAML data) of a property/argument declared in ``decl_cls``."""
    line, column = pos if pos else (None, None)
    if spec is None:
        return ANY
    if isinstance(spec, str):
        try:
            is_code = fl.is_code(spec)
        except Exception as exc:  # noqa: BLE001 - yaql parsing exception
            raise MuranoPlError("DslContractSyntaxError",
                                f"invalid contract expression {spec!r}: {exc}",
                                stack=[StackFrame(file, line, column, None,
                                                  getattr(decl_cls, "name", None))]) from None
        if not is_code:
            if spec.strip() == "$":
                return ANY
            return LiteralContract(spec)
        expr = Expression(spec, fl, file, line, column)
        chain = _compile_chain(expr.tree, fl, decl_cls, pos)
        if chain is not None:
            return chain
        if isinstance(expr.tree, yexpr.GetContextValue) and expr.tree.path.value == "$":
            return ANY
        return YaqlContract(expr)
    if isinstance(spec, list):
        items = list(spec)
        maximum = None
        minimum = 0
        if items and isinstance(items[-1], int) and not isinstance(items[-1], bool):
            minimum = items.pop()
            if items and isinstance(items[-1], int) and not isinstance(items[-1], bool):
                minimum, maximum = items.pop(), minimum
        compiled = [compile_contract(item, fl, decl_cls, file, position(spec, i))
                    for i, item in enumerate(items)]
        return ListContract(compiled, minimum, maximum)
    if isinstance(spec, dict):
        fixed: dict[Any, Contract] = {}
        generic: list[tuple[Contract, Contract]] = []
        for key, value in spec.items():
            value_c = compile_contract(value, fl, decl_cls, file, position(spec, key))
            if fl.is_expression(key):
                if generic:
                    raise MuranoPlError(
                        "DslContractSyntaxError",
                        "a dictionary contract cannot have more than one expression key",
                        stack=[StackFrame(file, line, column, None,
                                          getattr(decl_cls, "name", None))])
                key_c = compile_contract(key, fl, decl_cls, file, position(spec, key))
                generic.append((key_c, value_c))
            else:
                fixed[key] = value_c
        return DictContract(fixed, generic)
    return LiteralContract(spec)


def ready_property(spec: PropertySpec) -> PropertySpec:
    """``spec`` with its contract and default compiled (once, on first use)."""
    if spec.contract is None:
        src = source_for(spec.declaring, None)
        spec.contract = compile_contract(spec.contract_src, src.parser, spec.declaring,
                                         src.file, spec.pos)
        spec.default = compile_value(spec.default_src, src, spec.default_pos)
    return spec


__all__ = ["ANY", "Contract", "ContractEnv", "compile_contract", "ready_property",
           "violation"]
