"""murano-agent's own log, read from the host: what each plan's scripts did.

murano-agent answers a plan with the value of its ``Body`` only; a failing script adds its
exit code, stdout and stderr. To show every plan's exit codes and output (successful ones
too), the cloud hands each VM a small *vendor data* cloud-config (the part of cloud-init
configuration that belongs to the cloud, not to the user data Murano writes): at every boot
it streams ``/var/log/murano-agent.log`` (the agent configuration Murano writes logs there,
with ``debug``) to a virtio serial port, which qemu writes to a file on the host.

:func:`plan_runs` reads that file: for every plan id, the scripts that ran, each with its
exit code and output, and when the agent received the plan and finished it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

PORT_NAME = "muranokit.agentlog"
AGENT_LOG = "/var/log/murano-agent.log"

STANDIN_MARKER = "muranokit test stand-in"   # in every stand-in tools/image_standins writes
STANDINS_LINE = "muranokit-standins:"

VENDOR_CONFIG = f"""#cloud-config
# muranokit's local cloud (vendor data): the host name resolves, as Neutron's DNS would
# make it; one host key type (generating RSA keys under emulation takes long); at every
# boot, the stand-in binaries of a test image are named and murano-agent's log is streamed
# to the host through the virtio port {PORT_NAME}.
manage_etc_hosts: true
ssh_genkeytypes: [ed25519]
bootcmd:
  - |
    cat > /run/muranokit-agent-log <<'SCRIPT'
    #!/bin/sh
    standins=$(grep -ls '{STANDIN_MARKER}' /opt/bin/* /opt/cni/bin/* 2>/dev/null \\
               | sed 's|.*/||' | tr '\\n' ' ')
    touch {AGENT_LOG}
    {{ echo "{STANDINS_LINE} $standins"; exec tail -n +1 -F {AGENT_LOG}; }} \\
        > /dev/virtio-ports/{PORT_NAME}
    SCRIPT
  - [systemd-run, --no-block, --unit=muranokit-agent-log, --property=DefaultDependencies=no,
     --property=Restart=always, /bin/sh, /run/muranokit-agent-log]
"""

_RECORD = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) \d+ ([A-Z]+) (\S+) \[[^\]]*\] ")
_PLAN = re.compile(r"Got an execution plan '.*?'ID': '([0-9A-Za-z_-]+)'", re.S)
_STARTED = re.compile(r"Starting '(.+?)' script execution")
_FINISHED = re.compile(r"Script (.+?) execution finished with retcode: (-?\d+)")
_OUTPUT = re.compile(r"'(.+?)' execution (stdout|stderr): '(.*)'(?: \S+ \S+:\d+)?\s*$", re.S)
_RESULT_ERROR = re.compile(r"Error running execution plan")


@dataclass
class ScriptRun:
    """One script of a plan, as the agent ran it."""

    name: str
    exit_code: int | None = None
    stdout: str = ""
    stderr: str = ""


@dataclass
class PlanRun:
    """What the agent log says about one plan."""

    plan_id: str
    received: datetime | None = None
    finished: datetime | None = None
    scripts: list[ScriptRun] = field(default_factory=list)

    @property
    def duration(self) -> float | None:
        if self.received and self.finished:
            return max(0.0, (self.finished - self.received).total_seconds())
        return None


def _records(text: str) -> list[tuple[datetime, str]]:
    """(time, message) of each log record; continuation lines join their record."""
    records: list[tuple[datetime, str]] = []
    for line in text.splitlines():
        match = _RECORD.match(line)
        if match:
            try:
                stamp = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S.%f")
            except ValueError:
                continue
            records.append((stamp, line[match.end():]))
        elif records:
            stamp, message = records[-1]
            records[-1] = (stamp, message + "\n" + line)
    return records


def plan_runs(text: str) -> dict[str, PlanRun]:
    """Every plan the log shows, by plan id (the log may be streamed twice: the last
    account of a plan wins)."""
    runs: dict[str, PlanRun] = {}
    current: PlanRun | None = None
    for stamp, message in _records(text):
        plan = _PLAN.search(message) if message.startswith("Got an execution plan") else None
        if plan:
            current = runs[plan.group(1)] = PlanRun(plan.group(1), stamp)
            continue
        if current is None:
            continue
        current.finished = stamp
        if match := _STARTED.match(message):
            current.scripts.append(ScriptRun(match.group(1)))
        elif match := _FINISHED.match(message):
            script = _script(current, match.group(1))
            script.exit_code = int(match.group(2))
        elif match := _OUTPUT.match(message):
            script = _script(current, match.group(1))
            setattr(script, match.group(2), match.group(3).strip("\n"))
    return runs


def standins(text: str) -> list[str]:
    """The stand-in binaries the VM's image holds (as its boot named them)."""
    for line in reversed(text.splitlines()):
        if line.startswith(STANDINS_LINE):
            return sorted(set(line[len(STANDINS_LINE):].split()))
    return []


def _script(run: PlanRun, name: str) -> ScriptRun:
    for script in reversed(run.scripts):
        if script.name == name:
            return script
    script = ScriptRun(name)
    run.scripts.append(script)
    return script


def read_plan(path: Path, plan_id: str) -> PlanRun | None:
    """The record of ``plan_id`` in the log file at ``path`` (None if not there yet)."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return None
    return plan_runs(text).get(plan_id)


def tail(text: str, lines: int = 12, chars: int = 2000) -> str:
    """The last ``lines`` lines (at most ``chars`` characters) of ``text``."""
    kept = "\n".join(text.splitlines()[-lines:])
    return kept[-chars:]
