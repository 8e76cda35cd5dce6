"""The Murano application catalog, reached with python-muranoclient over a keystoneauth session.

:func:`connect` finds credentials the way the OpenStack command-line clients do:

* ``OS_AUTH_TOKEN`` with ``MURANO_URL``: that token, sent to that endpoint, no Keystone;
* ``OS_CLOUD`` (an entry of clouds.yaml) or the ``OS_AUTH_URL``/``OS_USERNAME``/... variables:
  a Keystone login through openstacksdk's configuration loader; the endpoint comes from the
  service catalog (service type ``application-catalog``) unless ``MURANO_URL`` overrides it.

:class:`Catalog` wraps the package calls and retries connection failures and 5xx answers
(except 501) with exponential backoff. Token mode also goes through a keystoneauth session:
python-muranoclient's plain HTTP client crashes with a TypeError on a 500 answer.

``timeout`` bounds each whole request (see :func:`request_deadline`), not only each wait for
a byte. An answer that is not what the Murano API sends (HTML or a JSON list with status 200,
a redirect loop, a package list with entries that are not packages or that pages in a loop)
is a :class:`CatalogError` naming the request, never an exception from deep in the client.
With Keystone, :func:`connect` logs in at once, so that a wrong ``OS_AUTH_URL`` is reported as
Keystone's failure, and every later failure names the catalog endpoint it was talking to.
"""

from __future__ import annotations

import io
import logging
import math
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from muranokit.tools.exceptions import EXIT_FINDINGS, EXIT_USAGE, InputError, OperationFailed

LOG = logging.getLogger(__name__)

SERVICE_TYPE = "application-catalog"
#: The longest --timeout accepted (a day): longer ones cannot be meant, and overflow timers.
MAX_TIMEOUT = 86400.0
#: More entries than this in the list of one FullName's packages means a listing gone wrong.
MAX_LISTED = 1000
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


class UnexpectedAnswer(Exception):
    """An answer with a status the client accepts but content the Murano API never sends."""


class _DeadlinePassed(BaseException):
    """Raised by SIGALRM inside a request that did not end within the timeout. A
    BaseException, so that no ``except Exception`` in the client libraries swallows it."""


@contextmanager
def request_deadline(seconds: float | None) -> Iterator[None]:
    """Bound everything inside the block (connecting, sending, every byte of the answer) to
    ``seconds``: a socket timeout only bounds each wait, so a server that drips one byte at a
    time never trips it. Uses SIGALRM, hence the main thread only; elsewhere the socket
    timeout alone applies."""
    if (not seconds or threading.current_thread() is not threading.main_thread()
            or not hasattr(signal, "setitimer")):
        yield
        return
    armed = True

    def expired(signum, frame):
        if armed:
            raise _DeadlinePassed()

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check_timeout(value: float) -> float:
    """``value`` if it can bound a request (a finite number of seconds above 0, at most a
    day); else InputError."""
    if not math.isfinite(value) or value <= 0 or value > MAX_TIMEOUT:
        raise InputError(f"--timeout must be a number of seconds above 0 and at most "
                         f"{MAX_TIMEOUT:g}, not {value!r}")
    return value


def check_url(url: str, name: str) -> str:
    """``url`` if it is an http(s) URL with a host; else InputError naming the setting."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{name} {url!r} is not an http:// or https:// URL")
    return url


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[:limit] + "..."


def _connection_problem(exc: Exception) -> str:
    """A short reason for a failed connection (the exceptions' own texts are long)."""
    text = str(exc)
    for needle, reason in (("Connection refused", "connection refused"),
                           ("Name or service not known", "host name not found"),
                           ("Temporary failure in name resolution", "host name not found"),
                           ("No route to host", "no route to host"),
                           ("timed out", "timed out")):
        if needle in text:
            return reason
    return type(exc).__name__


def _check_keystone(session, auth_url: str) -> None:
    """Refuse an auth URL whose version document is not Keystone's: keystoneauth would get
    stuck (a 401 there makes it log in to read it, which deadlocks) or fail obscurely."""
    answer = session.get(auth_url, authenticated=False, raise_exc=False,
                         headers={"Accept": "application/json"})
    try:
        document = answer.json()
    except ValueError:
        document = None
    if answer.status_code not in (200, 300) or not isinstance(document, dict) or not (
            "version" in document or "versions" in document):
        raise CatalogError(f"{auth_url} does not answer like Keystone (HTTP "
                           f"{answer.status_code}, {'JSON' if document is not None else 'not JSON'}"
                           " without a version document): check OS_AUTH_URL",
                           answer.status_code, exit_code=EXIT_USAGE)


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
    auth_url = str((region.config.get("auth") or {}).get("auth_url") or "")
    if auth_url:
        check_url(auth_url, "the Keystone URL (OS_AUTH_URL or auth_url in clouds.yaml)")
    return session, interface, region.get_region_name(), auth_url or None


def connect(env: Mapping[str, str], *, policy: RetryPolicy | None = None,
            timeout: float = 60.0, sleep: Callable[[float], None] | None = None,
            on_retry: Callable[[str], None] | None = None) -> Catalog:
    """A :class:`Catalog` for the credentials in ``env`` (normally ``os.environ``).

    Raises InputError (exit 2) when no credentials are configured or they are incomplete.
    """
    from keystoneauth1 import session as ks_session
    from keystoneauth1 import token_endpoint
    from muranoclient.v1.client import Client

    check_timeout(timeout)
    murano_url = env.get("MURANO_URL") or None
    if murano_url:
        check_url(murano_url, "MURANO_URL")
    token = env.get("OS_AUTH_TOKEN")
    auth_url = None
    if token and murano_url:
        session = ks_session.Session(auth=token_endpoint.Token(murano_url, token),
                                     timeout=timeout)
        interface, region_name = "public", None
    elif env.get("OS_CLOUD") or env.get("OS_AUTH_URL"):
        session, interface, region_name, auth_url = _session_from_config(env, timeout)
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
    catalog = Catalog(client, last, policy or RetryPolicy(), sleep, on_retry,
                      timeout=timeout, endpoint=murano_url)
    if auth_url is not None:
        catalog.log_in(session, auth_url, interface, region_name)
    return catalog


# --- the catalog ----------------------------------------------------------------------------
class Catalog:
    """Package operations on one Murano catalog, each retried on transient failures."""

    def __init__(self, client, last_status: _LastStatus, policy: RetryPolicy,
                 sleep: Callable[[float], None] | None = None,
                 on_retry: Callable[[str], None] | None = None, *,
                 timeout: float | None = None, endpoint: str | None = None) -> None:
        self._client = client
        self._last = last_status
        self.policy = policy
        self.timeout = timeout
        self.endpoint = endpoint  # the catalog's URL, once known
        self._sleep = sleep or (lambda seconds: pause(seconds))
        self._on_retry = on_retry or (lambda message: LOG.warning("%s", message))
        self._talking_to = endpoint  # named in connection failures

    def log_in(self, session, auth_url: str, interface: str, region_name: str | None) -> None:
        """Log in to Keystone and find the catalog endpoint now (MURANO_URL overrides it),
        so that Keystone's failures are reported as Keystone's."""
        from keystoneauth1 import exceptions as ks_exc

        def endpoint() -> str:
            _check_keystone(session, auth_url)
            session.get_token()
            found = self.endpoint or session.get_endpoint(
                service_type=SERVICE_TYPE, interface=interface, region_name=region_name)
            if not found:
                raise ks_exc.EndpointNotFound()
            return str(found)

        self._talking_to = auth_url
        try:
            self.endpoint = self._retried(f"log in to Keystone at {auth_url}", endpoint).value
        except CatalogError as exc:
            if not isinstance(exc, CatalogUnreachable) and exc.exit_code == EXIT_FINDINGS:
                exc.exit_code = EXIT_USAGE  # whatever answers there is not a usable Keystone
            raise
        self._talking_to = self.endpoint

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
        """Packages with this FullName that the caller can see (or owns).

        Entries of another FullName are left out (a catalog that ignores the filter must not
        get another package deleted); an entry without an id, or a listing that repeats
        itself page after page, is an UnexpectedAnswer.
        """
        query: dict[str, Any] = {"fqn": fqn}
        if owned:
            query["owned"] = True

        def listing() -> list[dict]:
            found: list[dict] = []
            seen: set[str] = set()
            for item in self._client.packages.filter(**query):
                package = item.to_dict()
                package_id = package.get("id")
                if not isinstance(package_id, str) or not package_id:
                    raise UnexpectedAnswer(f"a package list entry has no id: {_short(package)}")
                if package_id in seen or len(seen) >= MAX_LISTED:
                    raise UnexpectedAnswer("the package list repeats itself page after page")
                seen.add(package_id)
                if package.get("fully_qualified_name") == fqn:
                    found.append(package)
            return found

        return self._retried(f"look up {fqn}", listing).value

    def delete(self, package_id: str) -> None:
        """Delete one package."""
        self._retried(f"delete {package_id}", lambda: self._client.packages.delete(package_id))

    def download(self, package_id: str) -> bytes:
        """The zip of one package."""
        def zip_bytes() -> bytes:
            data = self._client.packages.download(package_id)
            if not isinstance(data, bytes) or not data.startswith(b"PK"):
                raise UnexpectedAnswer(f"the download is not a zip: {_short(data)}")
            return data

        return self._retried(f"download {package_id}", zip_bytes).value

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
                with request_deadline(self.timeout):
                    value = call()
                return Attempted(value, failures + 1)
            except (Exception, _DeadlinePassed) as exc:  # classified below
                reason = self._transient_reason(exc, what)
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
                    tries = "1 try" if failures == 1 else f"{failures} tries"
                    error = kind(f"{what}: {reason}; gave up after {tries}",
                                 self._last.status)
                    error.attempts = failures
                    raise error from None
                delay = self.policy.delay(failures)
                self._on_retry(f"{what}: {reason}; try {failures + 1} of "
                               f"{self.policy.retries + 1} in {delay:g} s")
                self._sleep(delay)

    def _transient_reason(self, exc: BaseException, what: str) -> str | None:
        """Why ``exc`` is worth another try, or None when it is not."""
        import requests
        from keystoneauth1 import exceptions as ks_exc
        from muranoclient.common import exceptions as mc_exc

        peer = self._talking_to if self._talking_to and self._talking_to not in what else ""
        if isinstance(exc, _DeadlinePassed):
            return f"no complete answer{' from ' + peer if peer else ''} within {self.timeout:g} s"
        if isinstance(exc, ks_exc.RetriableConnectionFailure | mc_exc.CommunicationError
                      | requests.ConnectionError | requests.Timeout):
            return f"connection{' to ' + peer if peer else ''} failed ({_connection_problem(exc)})"
        if isinstance(exc, mc_exc.HTTPException):
            status = exc.code if isinstance(exc.code, int) else self._last.status
            if status is not None and 500 <= status < 600 and status != 501:
                return f"HTTP {status}"
        return None

    def _as_error(self, what: str, exc: Exception) -> Exception:
        """The user-facing error for a failure that retrying cannot fix."""
        from keystoneauth1 import exceptions as ks_exc
        from muranoclient.common import exceptions as mc_exc

        if isinstance(exc, CatalogError):
            return exc
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
            status = self._last.status
            return CatalogError(f"{what}: {exc}" + (f" (HTTP {status})" if status else ""),
                                status)
        # Anything else comes from an answer the client could not make sense of.
        LOG.debug("%s: unexpected answer", what, exc_info=exc)
        status = self._last.status
        where = f"{self._talking_to} answered" if self._talking_to else "the answer was"
        if status is not None and 300 <= status < 400:
            reason = f"{where} with redirect after redirect (HTTP {status}): a redirect loop?"
        elif isinstance(exc, UnexpectedAnswer):
            reason = f"{where} with something else than the Murano API sends: {exc}"
        elif isinstance(exc, ValueError):
            reason = f"{where} with something else than JSON (HTTP {status}): is it a " \
                     "Murano catalog?"
        else:
            reason = (f"{where} with JSON the Murano API never sends (HTTP {status}; "
                      f"{type(exc).__name__}: {_short(str(exc))})")
        return CatalogError(f"{what}: {reason}", status, exit_code=EXIT_USAGE)
