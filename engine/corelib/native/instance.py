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

from muranokit.engine.corelib.cloud.templates import remove_from_template
from muranokit.engine.corelib.native.support import call, cloud_of, environment_of, stack_of
from muranokit.engine.native import native_class


@native_class("io.murano.resources.LinuxMuranoInstance")
class LinuxMuranoInstance:
    """murano-agent's configuration and boot script, and the Heat resources carrying them."""

    def __init__(self, ctx, **_props: Any) -> None:
        self.ctx = ctx

    def _config_names(self) -> tuple[str, str, str]:
        name = self.ctx.this.get_property("name")
        return f"boot_config-{name}", f"boot_script_{name}", f"user_data-{name}"

    def generateUserData(self) -> str:
        """The boot script: writes /etc/murano/agent.conf and restarts murano-agent."""
        env = environment_of(self.ctx)
        agent = self.ctx.this.get_property("agent")
        listener = env.get_property("agentListener")
        options = {"input_queue": call(self.ctx, agent, "queueName") if agent else "",
                   "result_routing_key": call(self.ctx, listener, "queueName")
                   if listener is not None else ""}
        options.update(cloud_of(self.ctx).agent_settings())
        return agent_boot_script(options)

    def generateInstanceConfigResources(self, userData: str) -> dict:
        """Adds the cloud-config, boot-script and multipart user-data resources to the stack;
        returns the reference the server's ``user_data`` takes."""
        config, script, user_data = self._config_names()
        cloud_config = call(self.ctx, self.ctx.this, "generateCloudConfig")
        template = {"resources": {
            config: {"type": "OS::Heat::CloudConfig",
                     "properties": {"cloud_config": cloud_config}},
            script: {"type": "OS::Heat::SoftwareConfig",
                     "properties": {"group": "ungrouped", "config": userData}},
            user_data: {"type": "OS::Heat::MultipartMime",
                        "properties": {"parts": [{"config": {"get_resource": config}},
                                                 {"config": {"get_resource": script}}]}}}}
        call(self.ctx, stack_of(self.ctx), "updateTemplate", template)
        self.ctx.set_attr("configResources", [config, script, user_data])
        return {"get_resource": user_data}

    def releaseInstanceConfigResources(self) -> None:
        """Takes the user-data resources out of the stack (the server goes next)."""
        names = self.ctx.get_attr("configResources") or []
        stack = stack_of(self.ctx)
        template, removed = remove_from_template(call(self.ctx, stack, "current"),
                                                 list(names), [])
        if removed:
            call(self.ctx, stack, "setTemplate", template)
        self.ctx.set_attr("configResources", None)


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


AGENT_DEFAULTS = {"debug": "True", "log_file": "/var/log/murano-agent.log",
                  "storage": "/var/murano/plans"}


def agent_config(options: dict[str, Any]) -> str:
    """murano-agent's configuration file: logging and plan storage, then ``[rabbitmq]``."""
    lines = ["[DEFAULT]", *(f"{k} = {v}" for k, v in AGENT_DEFAULTS.items()), "",
             "[rabbitmq]", *(f"{k} = {v}" for k, v in options.items())]
    return "\n".join(lines) + "\n"


def agent_boot_script(options: dict[str, Any]) -> str:
    """A shell script that installs ``agent_config(options)`` and restarts the agent."""
    return "\n".join([
        "#!/bin/sh",
        "# Murano: configure murano-agent for this environment and restart it.",
        "set -e",
        "if ! command -v muranoagent >/dev/null 2>&1; then",
        "    echo 'murano-agent is not installed in this image' >&2",
        "    exit 1",
        "fi",
        "install -d -m 0755 /etc/murano",
        "umask 077",
        "cat > /etc/murano/agent.conf <<'MURANO_AGENT_CONF'",
        agent_config(options).rstrip("\n"),
        "MURANO_AGENT_CONF",
        "if command -v systemctl >/dev/null 2>&1; then",
        "    systemctl restart murano-agent",
        "else",
        "    service murano-agent restart",
        "fi",
        ""])
