"""The Murano application catalog, reached with python-muranoclient over a keystoneauth session.

:func:`connect` finds credentials the way the OpenStack command-line clients do:

* ``OS_AUTH_TOKEN`` with ``MURANO_URL``: that token, sent to that endpoint, no Keystone;
* ``OS_CLOUD`` (an entry of clouds.yaml) or the ``OS_AUTH_URL``/``OS_USERNAME``/... variables:
  a Keystone login through openstacksdk's configuration loader; the endpoint comes from the
  service catalog (service type ``application-catalog``) unless ``MURANO_URL`` overrides it.

:class:`Catalog` wraps the package calls and retries connection failures and 5xx answers
(except 501) with exponential backoff. Token mode also goes through a keystoneauth session:
python-muranoclient's plain HTTP client crashes with a TypeError on a 500 answer.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from muranokit.tools.exceptions import EXIT_USAGE, InputError, OperationFailed

LOG = logging.getLogger(__name__)

SERVICE_TYPE = "application-catalog"
T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry: delays double from ``first_delay`` up to
    ``max_delay``; ``retries`` is the number of tries after the first."""

    retries: int = 4
    first_delay: float = 0.5
    max_delay: float = 8.0

    def delay(self, failures: int) -> float:
        """Seconds to wait after the ``failures``-th failed try (1-based)."""
        return min(self.max_delay, self.first_delay * 2 ** (failures - 1))


class CatalogError(OperationFailed):
    """The catalog refused a request or could not be reached (exit 1)."""

    def __init__(self, message: str, status: int | None = None,
                 exit_code: int | None = None) -> None:
        super().__init__(message, exit_code=exit_code)
        self.status = status
        self.attempts = 1  # tries made before giving up


class PackageExists(CatalogError):
    """A package with this FullName (or one of its classes) is already in the catalog."""


class CatalogUnreachable(CatalogError):
    """Every try failed to connect: the catalog (or the network to it) is down."""


@dataclass
class Attempted:
    """What a call returned and how many tries it took."""

    value: Any
    attempts: int


class _LastStatus:
    """Remembers the status of the last HTTP answer (a requests response hook), because
    python-muranoclient turns unmapped codes such as 504 into a code-less exception."""

    def __init__(self) -> None:
        self.status: int | None = None

    def __call__(self, response, *args, **kwargs):
        self.status = response.status_code
        return response


def pause(seconds: float) -> None:
    """Wait between tries (tests replace this to run without waiting)."""
    time.sleep(seconds)


def _is_http_answer(exc: Exception) -> bool:
    """True when ``exc`` reports an HTTP answer (so the request did reach the server)."""
    from muranoclient.common import exceptions as mc_exc

    return isinstance(exc, mc_exc.HTTPException)


# --- connecting -------------------------------------------------------------------------------
def _session_from_config(env: Mapping[str, str], timeout: float):
    """A keystoneauth session from clouds.yaml (OS_CLOUD) or the OS_* variables."""
    from keystoneauth1 import exceptions as ks_exc
    from openstack import config as os_config
    from openstack import exceptions as os_exc

    overrides: dict[str, Any] = {}
    if env.get("OS_AUTH_TOKEN") and not env.get("OS_AUTH_TYPE") and not env.get("OS_CLOUD"):
        overrides["auth_type"] = "token"
    try:
        region = os_config.OpenStackConfig().get_one(cloud=env.get("OS_CLOUD"), **overrides)
        session = region.get_session()
    except os_exc.ConfigException as exc:
        raise InputError(f"OpenStack configuration: {exc}") from None
    except ks_exc.MissingRequiredOptions as exc:
        names = ", ".join("OS_" + opt.dest.upper() for opt in exc.options)
        raise InputError(f"incomplete credentials: set {names} (or use OS_CLOUD)") from None
    except (ks_exc.ClientException, ValueError, TypeError) as exc:
        raise InputError(f"unusable OpenStack credentials: {exc}") from None
    if session.timeout is None:
        session.timeout = timeout
    interface = region.get_interface() or "public"
    return session, interface, region.get_region_name()


def connect(env: Mapping[str, str], *, policy: RetryPolicy | None = None,
            timeout: float = 60.0, sleep: Callable[[float], None] | None = None,
            on_retry: Callable[[str], None] | None = None) -> Catalog:
    """A :class:`Catalog` for the credentials in ``env`` (normally ``os.environ``).

    Raises InputError (exit 2) when no credentials are configured or they are incomplete.
    """
    from keystoneauth1 import session as ks_session
    from keystoneauth1 import token_endpoint
    from muranoclient.v1.client import Client

    murano_url = env.get("MURANO_URL") or None
    token = env.get("OS_AUTH_TOKEN")
    if token and murano_url:
        session = ks_session.Session(auth=token_endpoint.Token(murano_url, token),
                                     timeout=timeout)
        interface, region_name = "public", None
    elif env.get("OS_CLOUD") or env.get("OS_AUTH_URL"):
        session, interface, region_name = _session_from_config(env, timeout)
    elif token:
        raise InputError("OS_AUTH_TOKEN is set but MURANO_URL (or OS_AUTH_URL) is not")
    else:
        raise InputError("no catalog credentials: set OS_CLOUD (an entry of clouds.yaml), "
                         "the OS_AUTH_URL/OS_USERNAME/OS_PASSWORD/OS_PROJECT_NAME variables, "
                         "or OS_AUTH_TOKEN with MURANO_URL")
    last = _LastStatus()
    session.session.hooks["response"].append(last)
    client = Client(murano_url, session=session, service_type=SERVICE_TYPE,
                    endpoint_type=interface, region_name=region_name)
    return Catalog(client, last, policy or RetryPolicy(), sleep, on_retry)


# --- the catalog ----------------------------------------------------------------------------
class Catalog:
    """Package operations on one Murano catalog, each retried on transient failures."""

    def __init__(self, client, last_status: _LastStatus, policy: RetryPolicy,
                 sleep: Callable[[float], None] | None = None,
                 on_retry: Callable[[str], None] | None = None) -> None:
        self._client = client
        self._last = last_status
        self.policy = policy
        self._sleep = sleep or (lambda seconds: pause(seconds))
        self._on_retry = on_retry or (lambda message: LOG.warning("%s", message))

    # -- operations ------------------------------------------------------------------------
    def upload(self, fqn: str, data: bytes, *, public: bool = False,
               categories: tuple[str, ...] = ()) -> Attempted:
        """POST a package zip; the value is the package (a dict) the catalog answers with.

        Raises PackageExists on 409. When an earlier try was lost in transit and the retry
        meets a 409, the package already there is compared with ``data`` byte for byte: if
        they are the same, the lost try did land and this counts as uploaded.
        """
        metadata = {"is_public": public, "categories": list(categories)}
        lost_in_transit = False
        tries = 0

        def post() -> dict:
            nonlocal tries
            tries += 1
            archive = io.BytesIO(data)
            archive.name = f"{fqn}.zip"
            return self._client.packages.create(metadata, {fqn: archive}).to_dict()

        def note_lost(exc: Exception) -> None:
            nonlocal lost_in_transit
            lost_in_transit = lost_in_transit or not _is_http_answer(exc)

        try:
            return self._retried(f"upload {fqn}", post, note_lost)
        except PackageExists:
            if lost_in_transit:
                landed = self._same_package(fqn, data)
                if landed is not None:
                    return Attempted(landed, tries)
            raise

    def find(self, fqn: str, owned: bool = False) -> list[dict]:
        """Packages with this FullName that the caller can see (or owns)."""
        query: dict[str, Any] = {"fqn": fqn}
        if owned:
            query["owned"] = True
        return self._retried(
            f"look up {fqn}",
            lambda: [p.to_dict() for p in self._client.packages.filter(**query)]).value

    def delete(self, package_id: str) -> None:
        """Delete one package."""
        self._retried(f"delete {package_id}", lambda: self._client.packages.delete(package_id))

    def download(self, package_id: str) -> bytes:
        """The zip of one package."""
        return self._retried(f"download {package_id}",
                             lambda: self._client.packages.download(package_id)).value

    def _same_package(self, fqn: str, data: bytes) -> dict | None:
        for package in self.find(fqn, owned=True):
            if self.download(package["id"]) == data:
                return package
        return None

    # -- retrying ----------------------------------------------------------------------------
    def _retried(self, what: str, call: Callable[[], T],
                 on_transient: Callable[[Exception], None] | None = None) -> Attempted:
        failures = 0
        while True:
            self._last.status = None
            try:
                return Attempted(call(), failures + 1)
            except Exception as exc:  # classified below; unknown ones are re-raised
                reason = self._transient_reason(exc)
                if reason is None:
                    error = self._as_error(what, exc)
                    if isinstance(error, CatalogError):
                        error.attempts = failures + 1
                    raise error from None
                failures += 1
                if on_transient:
                    on_transient(exc)
                if failures > self.policy.retries:
                    kind = CatalogError if _is_http_answer(exc) else CatalogUnreachable
                    error = kind(f"{what}: {reason}; gave up after {failures} tries",
                                 self._last.status)
                    error.attempts = failures
                    raise error from None
                delay = self.policy.delay(failures)
                self._on_retry(f"{what}: {reason}; try {failures + 1} of "
                               f"{self.policy.retries + 1} in {delay:g} s")
                self._sleep(delay)

    def _transient_reason(self, exc: Exception) -> str | None:
        """Why ``exc`` is worth another try, or None when it is not."""
        import requests
        from keystoneauth1 import exceptions as ks_exc
        from muranoclient.common import exceptions as mc_exc

        if isinstance(exc, ks_exc.RetriableConnectionFailure | mc_exc.CommunicationError
                      | requests.ConnectionError | requests.Timeout):
            return f"connection failed ({type(exc).__name__})"
        if isinstance(exc, mc_exc.HTTPException):
            status = exc.code if isinstance(exc.code, int) else self._last.status
            if status is not None and 500 <= status < 600 and status != 501:
                return f"HTTP {status}"
        return None

    def _as_error(self, what: str, exc: Exception) -> Exception:
        """The user-facing error for a failure that retrying cannot fix."""
        from keystoneauth1 import exceptions as ks_exc
        from muranoclient.common import exceptions as mc_exc

        if isinstance(exc, mc_exc.HTTPException):
            status = exc.code if isinstance(exc.code, int) else self._last.status
            detail = getattr(exc, "details", "") or type(exc).__name__
            if status == 409:
                return PackageExists(f"{what}: already in the catalog ({detail})", 409)
            if status == 401:
                return CatalogError(f"{what}: authentication failed (HTTP 401)", 401,
                                    exit_code=EXIT_USAGE)
            return CatalogError(f"{what}: {detail} (HTTP {status})", status)
        if isinstance(exc, ks_exc.EndpointNotFound):
            return CatalogError(f"{what}: no {SERVICE_TYPE} endpoint in the service catalog; "
                                "set MURANO_URL", exit_code=EXIT_USAGE)
        if isinstance(exc, ks_exc.Unauthorized):
            return CatalogError(f"{what}: Keystone refused the credentials ({exc})", 401,
                                exit_code=EXIT_USAGE)
        if isinstance(exc, ks_exc.DiscoveryFailure | ks_exc.AuthorizationFailure
                      | ks_exc.AuthPluginException):
            return CatalogError(f"{what}: cannot log in to Keystone ({exc})",
                                exit_code=EXIT_USAGE)
        if isinstance(exc, ks_exc.ClientException | mc_exc.BaseException):
            return CatalogError(f"{what}: {exc}")
        return exc
