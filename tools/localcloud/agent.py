"""Execution plans to murano-agent over AMQP, the way upstream Murano's engine sends them.

With kombu (the library murano-agent itself uses):

- each VM's agent reads its own queue ``e<environment id>-h<instance id>``; the engine
  declares it (durable, ``x-expires`` one day, as upstream) before the first plan, so plans
  wait in the broker while the VM is still booting;
- a plan is published on the default exchange with the queue name as routing key, its body
  the plan as JSON text and ``message_id`` the plan's ``ID``;
- the agent answers on the environment's result queue (``-execution-results-<name>``) with a
  FormatVersion 2 result whose ``SourceID`` is the plan's ``ID``: ``ErrorCode`` 0 and the
  plan's return value in ``Body``, or an error code with ``Body.Message`` and
  ``Body.AdditionalInfo`` (for a failing script: its exit code, stdout and stderr).

Plans are not signed: Debian's murano-agent 10 cannot verify signatures under Python 3, and
upstream signs only when an operator configures a key.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

QUEUE_TTL_MS = 86400000


class TransportError(Exception):
    """The broker cannot be reached or a plan got no answer in time."""


def agent_queue(environment_id: str, host_id: str) -> str:
    """Upstream's per-VM queue name."""
    return f"e{environment_id}-h{host_id}".lower()


def results_queue(name: str) -> str:
    """Upstream's result queue name for an environment (or region) called ``name``."""
    return f"-execution-results-{name.lower()}"


class AgentTransport:
    """One AMQP connection: declares queues, publishes plans, collects results."""

    def __init__(self, url: str, results: str) -> None:
        import kombu
        self._kombu = kombu
        self.url = url
        self.results_name = results
        self.connection = kombu.Connection(url, connect_timeout=10, heartbeat=0)
        self._declared: set[str] = set()
        self._results: dict[str, dict[str, Any]] = {}
        self._consumer = None
        try:
            self.connection.connect()
        except Exception as exc:  # noqa: BLE001 - kombu raises many kinds
            raise TransportError(f"cannot connect to the broker: {exc}") from exc

    # -- queues ----------------------------------------------------------------------------
    def _queue(self, name: str):
        kombu = self._kombu
        exchange = kombu.Exchange("", type="direct", durable=True)
        return kombu.Queue(name, exchange, name, durable=True,
                           queue_arguments={"x-ha-policy": "all", "x-expires": QUEUE_TTL_MS})

    def declare(self, name: str) -> None:
        """Declare a queue once per connection (as upstream's Agent.prepare does)."""
        if name in self._declared:
            return
        self._queue(name)(self.connection.default_channel).declare()
        self._declared.add(name)

    def _ensure_consumer(self) -> None:
        if self._consumer is not None:
            return
        self.declare(self.results_name)
        self._consumer = self._kombu.Consumer(
            self.connection.default_channel, queues=[self._queue(self.results_name)],
            callbacks=[self._on_result], accept=None, auto_declare=False)
        self._consumer.consume()

    def _on_result(self, body: Any, message: Any) -> None:
        raw = message.body
        try:
            result = json.loads(raw if isinstance(raw, str) else raw.decode("utf-8"))
        except ValueError:
            result = None
        message.ack()
        if isinstance(result, dict):
            key = result.get("SourceID") or message.properties.get("message_id")
            if key:
                self._results[str(key)] = result

    # -- plans -----------------------------------------------------------------------------
    def publish(self, queue: str, plan: dict[str, Any]) -> str:
        """Send ``plan`` to ``queue``; returns its message id (the plan's ID)."""
        self._ensure_consumer()
        self.declare(queue)
        message_id = str(plan.get("ID"))
        producer = self._kombu.Producer(self.connection.default_channel)
        producer.publish(json.dumps(plan), exchange="", routing_key=queue,
                         message_id=message_id)
        return message_id

    def wait(self, message_id: str, timeout: float,
             idle: Callable[[], None] | None = None, poll: float = 0.5) -> dict[str, Any]:
        """The result for ``message_id``; ``idle`` runs between polls (other work)."""
        self._ensure_consumer()
        deadline = time.monotonic() + timeout
        while message_id not in self._results:
            if time.monotonic() > deadline:
                raise TransportError(f"murano-agent did not answer within {timeout:.0f} s")
            if idle is not None:
                idle()
            if message_id in self._results:
                break
            try:
                self.connection.drain_events(timeout=poll)
            except TimeoutError:
                pass
            except Exception as exc:  # noqa: BLE001
                raise TransportError(f"lost the broker connection: {exc}") from exc
        return self._results.pop(message_id)

    def close(self) -> None:
        try:
            if self._consumer is not None:
                self._consumer.cancel()
        except Exception:  # noqa: BLE001 - closing anyway
            pass
        self.connection.release()
