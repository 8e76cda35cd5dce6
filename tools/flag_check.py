"""Command lines checked against the flags a pinned release accepts, as that release would.

One data file per binary (``tools/standin_flags/<binary>.yaml``) lists the flags of the
pinned release with their value types, the reference it was taken from, flags the binary
still accepts without documenting them (``hidden``, with allowed values) and flags it
cannot start without (``required``). ``check`` parses a command line the way the binary's
flag library does (``dialect``) and answers with the exit code and first error line the
real binary would give. The image's stand-in binaries (``image_standins``) are generated
from the same data and behave the same way; the tests compare the two.

Dialects: ``cobra`` (Kubernetes components: pflag, ``_`` read as ``-``, errors
``Error: ...``, exit 1), ``kubelet`` (pflag, errors logged as ``"Failed to parse kubelet
flag"``, exit 1), ``goflag`` (Go's flag package: ``-name`` or ``--name``, exit 2) and
``etcd`` (Go's flag package, ``ETCD_*`` variables read as flags, exit 1).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from muranokit.engine.files import load_yaml_file, plain_copy

DATA_DIR = Path(__file__).resolve().parent / "standin_flags"
TYPES = ("bool", "optional", "string", "int", "int32", "uint", "float", "duration")
BOOL_VALUES = ("1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False")
# the value syntax of each type (Go's strconv and time.ParseDuration)
VALUE_PATTERNS = {
    "int": r"[+-]?[0-9]+",
    "int32": r"[+-]?[0-9]+",
    "uint": r"[0-9]+",
    "float": r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?",
    "duration": r"0|[+-]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h))+",
}
EXIT_CODES = {"cobra": 1, "kubelet": 1, "goflag": 2, "etcd": 1}


@dataclass(frozen=True)
class FlagSpec:
    """The flags of one binary of one release."""

    binary: str
    release: str
    dialect: str
    source: str
    flags: Mapping[str, str]
    hidden: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    required: Sequence[Mapping[str, str]] = ()
    env_prefix: str | None = None

    def kind(self, name: str) -> str | None:
        """The value type of flag ``name`` (documented or hidden), None if unknown."""
        if name in self.flags:
            return self.flags[name]
        if name in self.hidden:
            return self.hidden[name]["type"]
        return None


@dataclass
class Outcome:
    """What the binary would do: exit code (0 = it starts) and the error it prints."""

    code: int
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    flags: dict[str, str] = field(default_factory=dict)
    wants_help_or_version: bool = False


@cache
def load_spec(binary: str) -> FlagSpec:
    """The flag data of ``binary`` (``tools/standin_flags/<binary>.yaml``)."""
    data = plain_copy(load_yaml_file(str(DATA_DIR / f"{binary}.yaml")))
    unknown = {t for t in data["flags"].values() if t not in TYPES}
    if unknown:
        raise ValueError(f"{binary}: unknown flag types {sorted(unknown)}")
    return FlagSpec(data["binary"], str(data["release"]), data["dialect"], data["source"],
                    data["flags"], data.get("hidden", {}), data.get("required", ()),
                    data.get("env_prefix"))


@dataclass(frozen=True)
class EnvSpec:
    """The environment variables a container reads (``standin_flags/env/<name>.yaml``)."""

    name: str
    release: str
    source: str
    variables: frozenset[str]


@cache
def load_env_spec(name: str) -> EnvSpec:
    """The environment variable data of a container image such as calico/node."""
    data = plain_copy(load_yaml_file(str(DATA_DIR / "env" / f"{name}.yaml")))
    return EnvSpec(data["name"], str(data["release"]), data["source"],
                   frozenset(data["variables"]))


def binaries() -> list[str]:
    """Every binary with flag data."""
    return sorted(p.stem for p in DATA_DIR.glob("*.yaml"))


def valid_value(kind: str, value: str) -> bool:
    """True when ``value`` parses as a ``kind``."""
    if kind == "bool":
        return value in BOOL_VALUES
    pattern = VALUE_PATTERNS.get(kind)
    return pattern is None or re.fullmatch(pattern, value) is not None


class _Refused(Exception):
    pass


def _pflag(spec: FlagSpec, argv: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """Kubernetes' pflag parsing: flags seen (normalized names) and positional arguments."""
    seen: dict[str, str] = {}
    positional: list[str] = []
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--":
            positional += args
            break
        if arg.startswith("--"):
            name, has_value, value = arg[2:].partition("=")
            name = name.replace("_", "-")
            kind = spec.kind(name)
            if kind is None:
                raise _Refused(f"unknown flag: --{name}")
            if not has_value:
                if kind in ("bool", "optional"):
                    value = "true"
                elif args:
                    value = args.pop(0)
                else:
                    raise _Refused(f"flag needs an argument: --{name}")
            if not valid_value(kind, value):
                raise _Refused(f'invalid argument "{value}" for "--{name}" flag: '
                               f"not a valid {kind}")
            seen[name] = value
        elif arg.startswith("-") and len(arg) > 1:
            short, rest = arg[1], arg[2:]
            name = {"h": "help", "v": "v"}.get(short)
            if name is None or spec.kind(name) is None:
                raise _Refused(f"unknown shorthand flag: '{short}' in {arg}")
            if name == "help":
                if rest:
                    raise _Refused(f"unknown shorthand flag: '{rest[0]}' in {arg}")
                seen[name] = "true"
                continue
            value = rest[1:] if rest.startswith("=") else rest
            if not value:
                if not args:
                    raise _Refused("flag needs an argument: 'v' in -v")
                value = args.pop(0)
            if not valid_value(spec.kind(name), value):
                raise _Refused(f'invalid argument "{value}" for "-v, --v" flag: '
                               f"not a valid {spec.kind(name)}")
            seen[name] = value
        else:
            positional.append(arg)
    return seen, positional


def _goflag(spec: FlagSpec, argv: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """Go's flag package: ``-name``/``--name``, parsing stops at the first non-flag."""
    seen: dict[str, str] = {}
    args = list(argv)
    while args:
        arg = args[0]
        if len(arg) < 2 or arg[0] != "-":
            break
        args.pop(0)
        if arg == "--":
            break
        name = arg[2:] if arg.startswith("--") else arg[1:]
        if not name or name[0] in "-=":
            raise _Refused(f"bad flag syntax: {arg}")
        name, has_value, value = name.partition("=")
        if name in ("h", "help") and spec.kind(name) is None:
            seen["help"] = "true"
            continue
        kind = spec.kind(name)
        if kind is None:
            raise _Refused(f"flag provided but not defined: -{name}")
        if kind == "bool":
            value = value if has_value else "true"
            if not valid_value(kind, value):
                raise _Refused(f'invalid boolean value "{value}" for -{name}: parse error')
        else:
            if not has_value:
                if not args:
                    raise _Refused(f"flag needs an argument: -{name}")
                value = args.pop(0)
            if not valid_value(kind, value):
                raise _Refused(f'invalid value "{value}" for flag -{name}: parse error')
        seen[name] = value
    return seen, args


def _environment(spec: FlagSpec, env: Mapping[str, str], seen: dict[str, str],
                 outcome: Outcome) -> None:
    """etcd reads ``ETCD_<FLAG>`` variables: unknown ones are warned about, set flags win."""
    for key in sorted(env):
        if not key.startswith(spec.env_prefix or "\0"):
            continue
        name = key[len(spec.env_prefix):].lower().replace("_", "-")
        kind = spec.kind(name)
        if kind is None:
            outcome.warnings.append(f"[WARNING] unrecognized environment variable "
                                    f"{key}={env[key]}")
            continue
        if name in seen:
            raise _Refused(f'conflicting environment variable "{key}" is shadowed by '
                           "corresponding command-line flag (either unset environment "
                           "variable or disable flag)")
        if not valid_value(kind, env[key]):
            raise _Refused(f'invalid value "{env[key]}" for {key}: parse error')
        seen[name] = env[key]


def _constraints(spec: FlagSpec, seen: Mapping[str, str]) -> list[str]:
    """Errors for hidden flags given a value the release refuses, and missing flags."""
    errors = []
    for name, rule in spec.hidden.items():
        if name in seen and "only" in rule and seen[name] != rule["only"]:
            errors.append(rule["error"].format(value=seen[name]))
    errors += [rule["error"] for rule in spec.required if rule["flag"] not in seen]
    return errors


def check(spec: FlagSpec, argv: Sequence[str], env: Mapping[str, str] | None = None) -> Outcome:
    """What ``spec.binary`` does with ``argv`` (and ``env``): starts (0) or refuses."""
    outcome = Outcome(0)
    code = EXIT_CODES[spec.dialect]
    try:
        if spec.dialect in ("cobra", "kubelet"):
            seen, positional = _pflag(spec, argv)
        else:
            seen, positional = _goflag(spec, argv)
        if spec.dialect == "etcd":
            if positional:
                raise _Refused(f"'{positional[0]}' is not a valid flag")
            _environment(spec, env or {}, seen, outcome)
        if positional and spec.dialect == "cobra":
            raise _Refused(f'"{spec.binary}" does not take any arguments, got '
                           + "[" + " ".join(f'"{p}"' for p in positional) + "]")
        if positional and spec.dialect == "kubelet":
            raise _Refused(f"unknown command {positional[0]}")
        outcome.flags = seen
        if "help" in seen or seen.get("version", "false") not in BOOL_VALUES[6:]:
            outcome.wants_help_or_version = True
            return outcome
        errors = _constraints(spec, seen)
        if errors:
            if spec.dialect == "cobra" and len(errors) > 1:
                raise _Refused("[" + ", ".join(errors) + "]")
            raise _Refused(errors[0])
    except _Refused as refused:
        outcome.code = code
        outcome.error = format_error(spec, str(refused))
    return outcome


def format_error(spec: FlagSpec, message: str) -> str:
    """The line the binary prints for an error, in its own words."""
    if spec.dialect == "cobra":
        return f"Error: {message}"
    if spec.dialect == "kubelet":
        if message.startswith("unknown command "):
            return f'"Unknown command" command="{message[len("unknown command "):]}"'
        return f'"Failed to parse kubelet flag" err="{message}"'
    if spec.dialect == "etcd":
        return f"etcd: error verifying flags, {message}. See 'etcd --help'."
    return message
