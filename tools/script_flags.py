"""The command lines the Kubernetes package's scripts give the pinned binaries, found
statically and checked against the releases' flags (``flag_check``).

A script configures a daemon by writing ``/etc/default/<unit>`` (from bash arrays or
literal lines) for a systemd unit whose ``ExecStart`` runs ``/opt/bin/<binary> $VARIABLE``;
a few scripts run a binary directly. ``invocations`` evaluates those writes with bash (the
script's own arrays and quoting, placeholder values for its arguments), joins them to the
units of the package and of the image's elements, and returns every command line with its
environment; ``problems`` checks them. No root, nothing written outside a temp folder.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from muranokit.tools import flag_check

# Values standing in for the scripts' arguments (a node, its master, the cluster ranges).
PLACEHOLDERS = {
    "name": "murano-kube-2", "ip": "10.0.0.12", "master_ip": "10.0.0.11",
    "public_ip": "172.24.4.10", "service_cidr": "10.254.0.0/16", "service_ip": "10.254.0.1",
    "pod_cidr": "10.200.0.0/16", "dns_ip": "10.254.0.10", "api": "https://10.0.0.11:6443",
    "PKI": "/etc/kubernetes/pki", "registry": "", "mirror": "", "certificates": "",
    "initial_cluster": "murano-kube-1=http://10.0.0.11:2380,murano-kube-2=http://10.0.0.12:2380",
}
ENV_WRITE = re.compile(r"^\s*cat > /etc/default/([\w.-]+) <<(\w+)\s*$")
ECHO_WRITE = re.compile(r'^\s*echo (".*") > /etc/default/([\w.-]+)\s*$')
ARRAY_START = re.compile(r"^(\w+)=\($")
CHECKED = "|".join(sorted(flag_check.binaries(), key=len, reverse=True))
DIRECT = re.compile(rf"^(\s*)/opt/bin/({CHECKED})(\s.*)?$")
CONTAINER_ENV_FILE = re.compile(r"--env-file[= ](\S+)")


@dataclass
class Invocation:
    """One way a script starts a binary (or a container reads its environment)."""

    where: str
    binary: str
    argv: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    container: str | None = None


@dataclass(frozen=True)
class Unit:
    """The parts of a systemd unit that decide a command line."""

    path: Path
    exec_start: list[str]
    environment_files: tuple[str, ...]


def read_unit(path: Path) -> Unit:
    """``ExecStart`` (continuation lines joined, split like systemd) and environment files."""
    text = path.read_text().replace("\\\n", " ")
    exec_start: list[str] = []
    files = []
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "ExecStart" and value.strip():
            exec_start = shlex.split(value)
        elif key.strip() == "EnvironmentFile":
            files.append(value.strip().lstrip("-"))
    return Unit(path, exec_start, tuple(files))


def units(folders: Iterable[Path]) -> dict[str, list[Unit]]:
    """Every ``<name>.service`` in the folders, by unit name."""
    found: dict[str, list[Unit]] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.service")):
            found.setdefault(path.stem, []).append(read_unit(path))
    return found


def _program(script: Path) -> tuple[str, int]:
    """A bash program printing what ``script`` writes to /etc/default and runs directly."""
    lines = script.read_text().splitlines()
    out = ["set -u", "__inv() { printf '\\2%s' \"$1\"; shift; printf '\\3%s' \"$@\"; "
                     "printf '\\4'; }"]
    out += [f"{key}={shlex.quote(value)}" for key, value in PLACEHOLDERS.items()]
    count = 0
    index = 0
    while index < len(lines):
        line = lines[index]
        array = ARRAY_START.match(line)
        env_write = ENV_WRITE.match(line)
        echo_write = ECHO_WRITE.match(line)
        direct = DIRECT.match(line)
        if array:
            end = lines.index(")", index)
            out += lines[index:end + 1]
            index = end + 1
            continue
        if env_write:
            unit, marker = env_write.groups()
            end = lines.index(marker, index + 1)
            out.append(f"printf '\\1%s\\1' {unit}; cat <<{marker}")
            out += lines[index + 1:end + 1]
            count += 1
            index = end + 1
            continue
        if echo_write:
            value, unit = echo_write.groups()
            out.append(f"printf '\\1%s\\1' {unit}; echo {value}")
            count += 1
        elif direct:
            command = [line]
            while command[-1].rstrip().endswith("\\"):
                index += 1
                command.append(lines[index])
            indent, binary, rest = direct.groups()
            out.append(f"{indent}__inv {binary}{rest or ''}")
            out += command[1:]
            count += 1
        index += 1
    return "\n".join(out) + "\n", count


def evaluate(script: Path) -> tuple[dict[str, str], list[list[str]]]:
    """The /etc/default files ``script`` writes (unit -> text) and its direct invocations."""
    program, _ = _program(script)
    done = subprocess.run(["bash", "-c", program], capture_output=True, text=True)
    if done.returncode != 0:
        raise ValueError(f"{script.name}: evaluating its configuration failed: {done.stderr}")
    files: dict[str, str] = {}
    direct: list[list[str]] = []
    for chunk in re.finditer("\x02([^\x03\x04]*)((?:\x03[^\x03\x04]*)*)\x04", done.stdout):
        direct.append([chunk.group(1), *chunk.group(2).split("\x03")[1:]])
    text = re.sub("\x02[^\x04]*\x04", "", done.stdout)
    parts = text.split("\x01")
    for unit, content in zip(parts[1::2], parts[2::2]):
        files[unit] = content
    return files, direct


def parse_environment(text: str) -> dict[str, str]:
    """KEY=VALUE lines as systemd's EnvironmentFile (and docker's --env-file) read them."""
    env = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        env[key.strip()] = value
    return env


def _expand(tokens: list[str], env: dict[str, str]) -> list[str]:
    """ExecStart tokens with ``$VAR`` split on white space and ``${VAR}`` kept whole."""
    argv = []
    for token in tokens:
        whole = re.fullmatch(r"\$(\w+)", token)
        if whole:
            argv += env.get(whole.group(1), "").split()
        else:
            argv.append(re.sub(r"\$\{(\w+)\}", lambda m: env.get(m.group(1), ""), token))
    return argv


def invocations(scripts_dir: Path, unit_folders: Iterable[Path]) -> list[Invocation]:
    """Every checked command line the scripts produce, through every matching unit."""
    all_units = units(unit_folders)
    found: list[Invocation] = []
    for script in sorted(scripts_dir.glob("*.sh")):
        files, direct = evaluate(script)
        for argv in direct:
            found.append(Invocation(f"{script.name} (runs /opt/bin/{argv[0]})", argv[0],
                                    argv[1:]))
        for unit_name, content in files.items():
            env = parse_environment(content)
            for unit in all_units.get(unit_name, []):
                where = f"{script.name} -> /etc/default/{unit_name} -> {unit.path}"
                found.append(_through_unit(where, unit, unit_name, env))
    for unit_list in all_units.values():
        for unit in unit_list:
            if unit.exec_start and "$" not in " ".join(unit.exec_start) \
                    and not unit.environment_files:
                binary = Path(unit.exec_start[0]).name
                if binary in flag_check.binaries():
                    found.append(Invocation(str(unit.path), binary, unit.exec_start[1:]))
    return found


def _through_unit(where: str, unit: Unit, unit_name: str, env: dict[str, str]) -> Invocation:
    command = unit.exec_start
    env_file = CONTAINER_ENV_FILE.search(" ".join(command))
    if command and Path(command[0]).name == "docker" and env_file:
        return Invocation(where, unit_name, env=env, container=unit_name)
    binary = Path(command[0]).name if command else unit_name
    return Invocation(where, binary, _expand(command[1:], env), env)


def problems(found: Iterable[Invocation]) -> list[str]:
    """Every command line (or container environment) a pinned release would refuse."""
    errors = []
    for invocation in found:
        if invocation.container:
            spec = flag_check.load_env_spec(invocation.container)
            unknown = sorted(set(invocation.env) - spec.variables)
            if unknown:
                errors.append(f"{invocation.where}: {spec.name} {spec.release} reads no "
                              f"{', '.join(unknown)}")
            continue
        if invocation.binary not in flag_check.binaries():
            errors.append(f"{invocation.where}: no flag data for {invocation.binary}")
            continue
        spec = flag_check.load_spec(invocation.binary)
        env = invocation.env if spec.env_prefix else {}
        outcome = flag_check.check(spec, invocation.argv, env)
        if outcome.code:
            errors.append(f"{invocation.where}: {spec.binary} {spec.release} exits "
                          f"{outcome.code}: {outcome.error}")
        errors += [f"{invocation.where}: {warning}" for warning in outcome.warnings]
    return errors
