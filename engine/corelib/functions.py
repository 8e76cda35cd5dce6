"""The yaql functions the io.murano core library adds to MuranoPL.

Registered by the runtime into every package's context (:func:`yaql_functions`):

- ``logger(name)``: a new ``io.murano.system.Logger`` of that name;
- ``config(group, setting)`` / ``config(setting)``: murano-engine's configuration as the
  core library's classes read it (RabbitMQ settings of the agents, ``file_server``,
  ``home_region``, ``engine`` options). Values are murano-engine's defaults, with the
  ``[rabbitmq]`` options the cloud backend gives its agents (``agent_settings``) on top; an
  option murano-engine does not have is a ``NoSuchOptError``;
- ``encryptData(value)`` / ``decryptData(key)``: store a secret with the cloud's key manager
  and get its key back, read a secret by key (upstream: Barbican through Castellan);
- with ``testing`` (``muranokit test``, as murano-test-runner): ``inject()`` in both
  documented forms and ``withOriginal()`` (see :mod:`.native.testing`).
"""

from __future__ import annotations

from typing import Any

from yaql.language import specs, yaqltypes

from ..exceptions import EngineFault
from ..expressions.calls import frame_of, new_object
from ..model.classes import TypeRef
from ..model.objects import OBJECT_TYPES
from .native import testing
from .native.support import cloud_of

LOGGER = "io.murano.system.Logger"

ENGINE_DEFAULTS: dict[str, Any] = {
    "rabbitmq": {"host": "localhost", "port": 5672, "login": "guest", "password": "guest",
                 "virtual_host": "/", "ssl": False, "insecure": False, "ca_certs": "",
                 "ssl_version": ""},
    "engine": {"disable_murano_agent": False, "agent_timeout": 3600,
               "agent_source": "murano-agent", "enable_packages_cache": True,
               "enable_model_policy_enforcer": False, "use_trusts": True,
               "load_packages_from": [], "packages_cache": None},
    "home_region": None,
    "file_server": "",
}
"""murano-engine's configuration defaults for what the core library reads."""

_INT_OPTIONS = {"port", "agent_timeout"}
_BOOL_OPTIONS = {"ssl", "insecure", "disable_murano_agent"}


def engine_config(runtime: Any) -> dict[str, Any]:
    """murano-engine's configuration for this runtime: the defaults, with the cloud
    backend's agent settings as the ``[rabbitmq]`` group."""
    result = {key: dict(value) if isinstance(value, dict) else value
              for key, value in ENGINE_DEFAULTS.items()}
    settings = cloud_of(_Ctx(runtime)).agent_settings() or {}
    for key, value in settings.items():
        if key in _INT_OPTIONS:
            try:
                value = int(value)
            except (TypeError, ValueError):
                pass
        elif key in _BOOL_OPTIONS and isinstance(value, str):
            value = value.strip().lower() in ("true", "1", "yes", "on")
        result["rabbitmq"][key] = value
    return result


class _Ctx:
    """The little of a native context :func:`cloud_of` needs."""

    def __init__(self, runtime: Any) -> None:
        self.runtime = runtime


def _option(path: str, group: Any, name: str) -> Any:
    if not isinstance(group, dict) or name not in group:
        raise EngineFault("NoSuchOptError", f"no such option {name} in group {path}"
                          if path else f"no such option {name} in group [DEFAULT]")
    return group[name]


@specs.parameter("group", yaqltypes.String())
@specs.parameter("setting", yaqltypes.String())
@specs.name("config")
def config_(context, group, setting):
    config = engine_config(frame_of(context).runtime)
    return _option(group, _option("", config, group), setting)


@specs.parameter("setting", yaqltypes.String())
@specs.name("config")
def config_default(context, setting):
    return _option("", engine_config(frame_of(context).runtime), setting)


@specs.parameter("name", yaqltypes.String(nullable=True))
@specs.name("logger")
def logger_(context, name):
    return new_object(frame_of(context), LOGGER, [], {"loggerName": name})


@specs.parameter("value", yaqltypes.String())
@specs.name("encryptData")
def encrypt_data(context, value):
    return cloud_of(_Ctx(frame_of(context).runtime)).store_secret(value)


@specs.parameter("key", yaqltypes.String())
@specs.name("decryptData")
def decrypt_data(context, key):
    try:
        return cloud_of(_Ctx(frame_of(context).runtime)).read_secret(key)
    except KeyError:
        raise EngineFault("KeyManagerError", f"no secret with key {key!r} in the cloud's key "
                                             "manager") from None


# -- the test runner's functions (murano-test-runner registers them; deployments lack them) --

_TARGET = yaqltypes.PythonType(OBJECT_TYPES + (TypeRef, str), nullable=False)


@specs.parameter("target", _TARGET)
@specs.parameter("target_method", yaqltypes.String())
@specs.parameter("mock_object", yaqltypes.PythonType(OBJECT_TYPES, nullable=False))
@specs.parameter("mock_name", yaqltypes.String())
@specs.name("inject")
def inject_method(context, target, target_method, mock_object, mock_name):
    """inject(target, method, mockObject, mockMethodName): calls of ``target.method`` run
    ``mockObject.mockMethodName`` with the same arguments."""
    frame = frame_of(context)
    testing.inject(frame.runtime, testing.target_of(frame, target), target_method,
                   testing.MethodMock(mock_object, mock_name))


@specs.parameter("target", _TARGET)
@specs.parameter("target_method", yaqltypes.String())
@specs.parameter("expr", yaqltypes.Lambda(with_context=True))
@specs.name("inject")
def inject_expression(context, target, target_method, expr):
    """inject(target, method, expression): calls of ``target.method`` return the value of
    the expression, evaluated where inject() was called (``$1`` the caller's ``$this``,
    ``$2``... and ``$name`` the call's arguments, ``originalMethod()`` the real method,
    ``withOriginal(name => expr)`` values of the calling code's variables)."""
    frame = frame_of(context)
    testing.inject(frame.runtime, testing.target_of(frame, target), target_method,
                   testing.ExpressionMock(context, expr))


@specs.parameter("kwargs", yaqltypes.Lambda(with_context=True))
@specs.name("withOriginal")
def with_original(context, **kwargs):
    """A context where each given name holds its expression's value in the calling code
    of the mocked method (use it on the left of ``->``)."""
    return testing.with_original(context, kwargs)


def core_functions() -> list:
    """The functions of every run."""
    return [config_, config_default, logger_, encrypt_data, decrypt_data]


def testing_functions() -> list:
    """The functions of test runs only."""
    return [inject_method, inject_expression, with_original]


def yaql_functions(testing_run: bool = False) -> list:
    """What the runtime registers: every run's functions, plus the test runner's."""
    return core_functions() + (testing_functions() if testing_run else [])
