"""The boot scripts of instances that run a murano agent: LinuxMuranoInstance (murano-agent,
execution plans of FormatVersion 2.x) and WindowsInstance (the Windows agent, 1.x).

Both configure the agent with the queue it reads (``Agent.queueName``), the queue results
go to (the region's AgentListener) and the broker the cloud backend gives its agents
(``agent_settings``; none for the simulated cloud).
"""

from __future__ import annotations

import base64
from typing import Any
from xml.sax.saxutils import quoteattr

from muranokit.engine.corelib.native.support import call, cloud_of
from muranokit.engine.native import native_class


@native_class("io.murano.resources.LinuxMuranoInstance")
class LinuxMuranoInstance:
    """Boot script that would install and start murano-agent on the server."""

    def __init__(self, ctx, **_props: Any) -> None:
        self.ctx = ctx

    def generateUserData(self) -> str:
        agent = self.ctx.this.get_property("agent")
        queue = call(self.ctx, agent, "queueName") if agent is not None else ""
        config = (f"[DEFAULT]\nstorage=/var/murano/plans\n[rabbitmq]\ninput_queue={queue}\n"
                  f"result_routing_key=murano-results\n")
        config += "".join(f"{key}={value}\n"
                          for key, value in cloud_of(self.ctx).agent_settings().items())
        encoded = base64.b64encode(config.encode()).decode()
        return ("#!/bin/sh\n# murano-agent bootstrap (dry-run: nothing runs)\n"
                f"hostname {self.ctx.this.get_property('name')}\n"
                "mkdir -p /etc/murano\n"
                f"echo {encoded} | base64 -d > /etc/murano/agent.conf\n"
                "systemctl enable --now murano-agent\n")


WINDOWS_AGENT_CONFIG = "C:\\Murano\\Agent\\WindowsAgent.exe.config"


def _windows_agent_config(queue: str, settings: dict[str, str]) -> str:
    """The Windows agent's .NET configuration: where it reads plans and sends results."""
    values = {"rabbitmq.host": settings.get("host", "localhost"),
              "rabbitmq.port": settings.get("port", "5672"),
              "rabbitmq.user": settings.get("login", "guest"),
              "rabbitmq.password": settings.get("password", "guest"),
              "rabbitmq.vhost": settings.get("virtual_host", "/"),
              "rabbitmq.inputQueue": queue,
              "rabbitmq.resultExchange": "",
              "rabbitmq.resultRoutingKey": settings.get("result_routing_key",
                                                        "murano-results"),
              "rabbitmq.durableMessages": "true",
              "rabbitmq.ssl": str(settings.get("ssl", "false")).lower()}
    entries = "".join(f"    <add key={quoteattr(k)} value={quoteattr(str(v))} />\n"
                      for k, v in values.items())
    return ('<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <appSettings>\n'
            f"{entries}  </appSettings>\n</configuration>\n")


@native_class("io.murano.resources.WindowsInstance")
class WindowsInstance:
    """PowerShell run at first boot: rename the host, write the agent's configuration,
    restart the agent."""

    def __init__(self, ctx, **_props: Any) -> None:
        self.ctx = ctx

    def generateUserData(self) -> str:
        agent = self.ctx.this.get_property("agent")
        queue = call(self.ctx, agent, "queueName") if agent is not None else ""
        config = _windows_agent_config(queue, cloud_of(self.ctx).agent_settings())
        encoded = base64.b64encode(config.encode("utf-8")).decode()
        name = self.ctx.this.get_property("name")
        return ("#ps1_sysnative\n# murano Windows agent bootstrap (dry-run: nothing runs)\n"
                f"$config = '{encoded}'\n"
                f"[IO.File]::WriteAllBytes('{WINDOWS_AGENT_CONFIG}', "
                "[Convert]::FromBase64String($config))\n"
                f"Rename-Computer -NewName '{name[:15]}' -Force\n"
                "Restart-Service -Name 'Murano Agent'\n")
