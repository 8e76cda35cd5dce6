"""The pinned release files of the image's elements (``elements/*/muranokit-pins/*.pins``).

Each line is ``NAME CHECKSUM URL``; ``CHECKSUM`` is a sha256 (64 hex digits, optionally
``sha256:``-prefixed), ``sha512:`` + 128 hex digits, or ``-`` when no published checksum is
recorded. ``@when VAR=VALUE`` makes the following lines apply only when that variable has
that value. ``muranokit-fetch`` enforces the pins inside the build; this module lets
``muranokit image`` refuse up front, naming every file that has no checksum yet.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from muranokit.tools.exceptions import InputError

CHECKSUM = re.compile(r"^(?:sha256:)?[0-9a-f]{64}$|^sha512:[0-9a-f]{128}$")
OVERRIDE_VARIABLE = "DIB_MURANOKIT_PINS_OVERRIDE"


@dataclass(frozen=True)
class Pin:
    """One line of an element's ``muranokit-pins/*.pins`` file."""

    name: str
    checksum: str
    url: str
    pins_file: Path
    line: int
    when: tuple[str, str] | None = None


def is_checksum(value: str) -> bool:
    """True for a checksum muranokit-fetch can check a file against."""
    return bool(CHECKSUM.match(value))


def read_pins(elements_dir: Path) -> list[Pin]:
    """Every pinned file of every element, each with the ``@when`` guard it sits under."""
    pins = []
    for path in sorted(elements_dir.glob("*/muranokit-pins/*.pins")):
        when = None
        for number, raw in enumerate(path.read_text().splitlines(), 1):
            fields = raw.split()
            if not fields or fields[0].startswith("#"):
                continue
            if fields[0] == "@when":
                if len(fields) != 2 or "=" not in fields[1]:
                    raise InputError(f"expected '@when VARIABLE=VALUE', got {raw!r}",
                                     path=str(path), line=number)
                variable, _, value = fields[1].partition("=")
                when = (variable, value)
                continue
            if len(fields) != 3:
                raise InputError(f"expected 'NAME CHECKSUM URL', got {raw!r}",
                                 path=str(path), line=number)
            pins.append(Pin(fields[0], fields[1], fields[2], path, number, when))
    return pins


def read_overrides(path: Path) -> dict[str, str]:
    """``NAME CHECKSUM`` lines of an override file (the first two fields of each line)."""
    try:
        text = path.read_text()
    except OSError as exc:
        raise InputError(f"{OVERRIDE_VARIABLE} names a file that cannot be read: {exc}") from exc
    overrides = {}
    for raw in text.splitlines():
        fields = raw.split()
        if len(fields) >= 2 and not fields[0].startswith("#"):
            overrides.setdefault(fields[0], fields[1])
    return overrides


def unpinned(pins: list[Pin], env: Mapping[str, str]) -> list[Pin]:
    """The pins this build needs (``@when`` applied) that have no usable checksum."""
    override_file = env.get(OVERRIDE_VARIABLE)
    overrides = read_overrides(Path(override_file)) if override_file else {}
    missing = []
    for pin in pins:
        if pin.when and env.get(pin.when[0], "") != pin.when[1]:
            continue
        if not is_checksum(overrides.get(pin.name, pin.checksum)):
            missing.append(pin)
    return missing


def unpinned_message(missing: list[Pin], cache: Path) -> str:
    """Which files lack a checksum and the two ways to supply one."""
    lines = [f"no published checksum is pinned for {len(missing)} release file(s):"]
    for pin in missing:
        where = f"{pin.pins_file.parent.parent.name}/muranokit-pins/{pin.pins_file.name}"
        lines.append(f"  {pin.name} ({where}:{pin.line}, {pin.url})")
    lines += [
        f"To supply one, put the file you trust into the cache folder ({cache}, set with",
        "'muranokit image --cache DIR') under that NAME and list a line 'NAME SHA256' (or",
        f"'NAME sha512:HEX') for it in a file named by {OVERRIDE_VARIABLE}=FILE;",
        "or add the checksum the project publishes to the element's muranokit-pins file.",
    ]
    return "\n".join(lines)


def check_pins(elements_dir: Path, cache: Path, env: Mapping[str, str]) -> None:
    """Raise InputError naming every needed release file that has no checksum."""
    missing = unpinned(read_pins(elements_dir), env)
    if missing:
        raise InputError(unpinned_message(missing, cache))
