"""The RabbitMQ broker an environment's agents talk through.

Either Debian's ``rabbitmq-server`` started for one environment (its own data folder, Erlang
cookie, configuration and generated credentials; the AMQP listener, the Erlang distribution
port and its own ``epmd`` all on free 127.0.0.1 ports), or an existing broker given as an
``amqp://`` URL, which is used as it is and never stopped.

Credentials and the configuration live in files of mode 0600 inside a 0700 folder.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from muranokit.engine.files import write_file
from muranokit.tools.localcloud import procs

RABBITMQ_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"
EPMD = "epmd"
START_TIMEOUT = 90.0


class BrokerError(Exception):
    """The broker cannot be started or reached."""


@dataclass
class BrokerInfo:
    """Where the broker is and how to log in (``password`` is a secret)."""

    host: str
    port: int
    login: str
    password: str
    virtual_host: str = "/"
    managed: bool = True            # started by muranokit (stopped with the environment)
    folder: str | None = None
    node: str | None = None
    server_pid: int | None = None
    epmd_pid: int | None = None

    @property
    def url(self) -> str:
        vhost = quote(self.virtual_host, safe="")
        return (f"amqp://{quote(self.login, safe='')}:{quote(self.password, safe='')}@"
                f"{self.host}:{self.port}/{vhost}")

    def to_state(self) -> dict:
        return asdict(self)

    @classmethod
    def from_state(cls, data: dict) -> BrokerInfo:
        return cls(**data)


def parse_url(url: str) -> BrokerInfo:
    """An existing broker from ``amqp://user:password@host:port/vhost``."""
    parts = urlsplit(url)
    if parts.scheme != "amqp" or not parts.hostname:
        raise BrokerError(f"--amqp {url!r}: expected amqp://USER:PASSWORD@HOST:PORT/VHOST")
    vhost = unquote(parts.path[1:]) if len(parts.path) > 1 else "/"
    return BrokerInfo(parts.hostname, parts.port or 5672, unquote(parts.username or "guest"),
                      unquote(parts.password or "guest"), vhost, managed=False)


def _write_private(path: Path, text: str) -> None:
    write_file(path, text, mode=0o600)


def _config(port: int, login: str, password: str, log: Path) -> str:
    return "\n".join([
        f"listeners.tcp.1 = 127.0.0.1:{port}",
        "listeners.ssl = none",
        f"default_user = {login}",
        f"default_pass = {password}",
        "default_vhost = /",
        "default_permissions.configure = .*",
        "default_permissions.read = .*",
        "default_permissions.write = .*",
        # the agents' connections arrive through qemu on the loopback interface
        "loopback_users = none",
        "log.console = false",
        f"log.file = {log}",
        "log.file.level = info",
        # a small machine: do not stop publishers because the disk or memory looks tight
        "disk_free_limit.absolute = 50MB",
        "vm_memory_high_watermark.relative = 0.6",
        ""])


def start(folder: Path, name: str, timeout: float = START_TIMEOUT,
          wait: bool = True) -> BrokerInfo:
    """Start a broker for one environment in ``folder`` (created, mode 0700); ``wait``
    until it accepts logins (else :func:`wait_ready` later)."""
    if not os.path.exists(RABBITMQ_SERVER) or not shutil.which(EPMD):
        raise BrokerError("rabbitmq-server is not installed (Debian package rabbitmq-server); "
                          "or give an existing broker with --amqp URL")
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    for sub in ("mnesia", "log"):
        (folder / sub).mkdir(exist_ok=True)
    login, password = "murano", secrets.token_urlsafe(24)
    port, dist_port, epmd_port = procs.free_port(), procs.free_port(), procs.free_port()
    node = f"{name}@localhost"
    _write_private(folder / "rabbitmq.conf", _config(port, login, password,
                                                     folder / "log" / "rabbit.log"))
    _write_private(folder / "advanced.config", "[].\n")
    _write_private(folder / "enabled_plugins", "[].\n")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(folder),
        "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
        "RABBITMQ_CONF_ENV_FILE": "/dev/null",
        "RABBITMQ_CONFIG_FILE": str(folder / "rabbitmq.conf"),
        "RABBITMQ_ADVANCED_CONFIG_FILE": str(folder / "advanced.config"),
        "RABBITMQ_ENABLED_PLUGINS_FILE": str(folder / "enabled_plugins"),
        "RABBITMQ_MNESIA_BASE": str(folder / "mnesia"),
        "RABBITMQ_LOG_BASE": str(folder / "log"),
        "RABBITMQ_PID_FILE": str(folder / "rabbitmq.pid"),
        "RABBITMQ_NODENAME": node,
        "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
        "RABBITMQ_NODE_PORT": str(port),
        "RABBITMQ_DIST_PORT": str(dist_port),
        "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": "-kernel inet_dist_use_interface {127,0,0,1}",
        "ERL_EPMD_ADDRESS": "127.0.0.1",
        "ERL_EPMD_PORT": str(epmd_port),
    }
    info = BrokerInfo("127.0.0.1", port, login, password, "/", True, str(folder), node)
    epmd = procs.spawn([EPMD, "-address", "127.0.0.1", "-port", str(epmd_port)],
                       folder / "log" / "epmd.log", env)
    info.epmd_pid = epmd.pid
    server = procs.spawn([RABBITMQ_SERVER], folder / "log" / "server.log", env)
    info.server_pid = server.pid
    _write_private(folder / "broker.json", json.dumps(info.to_state(), indent=2) + "\n")
    if wait:
        try:
            wait_ready(info, timeout)
        except BaseException:
            stop(info)
            raise
    return info


def wait_ready(info: BrokerInfo, timeout: float) -> None:
    """Wait until an AMQP login works (or a broker started here has stopped)."""
    import kombu
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if info.managed and not running(info):
            raise BrokerError(f"rabbitmq-server stopped while starting: {log_tail(info)}")
        try:
            with kombu.Connection(info.url, connect_timeout=2) as conn:
                conn.connect()
                return
        except Exception as exc:  # noqa: BLE001 - any failure means "not yet"
            last = exc
        time.sleep(0.5)
    raise BrokerError(f"the broker did not accept connections within {timeout:.0f} s "
                      f"({last}): {log_tail(info)}")


def log_tail(info: BrokerInfo, lines: int = 8) -> str:
    """The end of the broker's logs (for error messages)."""
    if not info.folder:
        return ""
    text = []
    for name in ("server.log", "rabbit.log"):
        path = Path(info.folder) / "log" / name
        if path.is_file():
            text += path.read_text(errors="replace").splitlines()[-lines:]
    return " | ".join(t.strip() for t in text if t.strip())[-1500:]


def running(info: BrokerInfo) -> bool:
    """True if a broker muranokit started is still running."""
    return bool(info.managed and info.node and procs.carries(info.server_pid, info.node))


def stop(info: BrokerInfo) -> None:
    """Stop a broker muranokit started (its epmd too); an existing broker is left alone."""
    if not info.managed or not info.node:
        return
    procs.stop(info.server_pid, info.node, timeout=20)
    procs.stop(info.epmd_pid, info.node, timeout=5)  # its environment names the node
