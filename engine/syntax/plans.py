"""Execution plan templates, as murano-agent reads them: keys, script types, file references.

A template is a YAML file under a package's ``Resources/`` that the core library's ``Agent``
turns into a plan. ``FormatVersion`` 2.x (Linux agents) maps script names to scripts with an
``EntryPoint`` and ``Files``; 1.x (the default, still used by the Windows agent) may also
list script file names under ``Scripts``. A file reference is a name under
``Resources/scripts/`` (``<name>``: sent base64-encoded), ``{id: name}``, or a downloadable
``{name: URL}``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ..files.package import RESOURCES, contained_path

PLAN_KEYS = frozenset({"FormatVersion", "Version", "Name", "Parameters", "Body", "Scripts",
                       "Files", "Action"})
SCRIPT_KEYS = frozenset({"Type", "Version", "EntryPoint", "Files", "Options"})
SCRIPT_TYPES = frozenset({"Application", "Chef", "Puppet", "SaltStack"})
DEFAULT_FORMAT_VERSION = "1.0.0"
SCRIPTS_FOLDER = "scripts"
"""Where plan files live, under the package's ``Resources/``."""


def script_member(name: Any) -> str | None:
    """The package member (``Resources/scripts/<name>``) a plan's local file reference
    reads; None when ``name`` is absolute or leads out of ``Resources/scripts`` (``..``):
    such a reference is refused, never read."""
    return contained_path(f"{RESOURCES}/{SCRIPTS_FOLDER}", name)


def format_version(plan: dict) -> str:
    """The template's ``FormatVersion`` (1.0.0 when it gives none)."""
    return str(plan.get("FormatVersion") or DEFAULT_FORMAT_VERSION)


def is_url(value: Any) -> bool:
    parts = urlsplit(value) if isinstance(value, str) else None
    return bool(parts and parts.scheme and parts.netloc)


def is_encoded(value: str) -> bool:
    """``<name>``: a file sent base64-encoded."""
    return value.startswith("<") and value.endswith(">")


def file_name(spec: Any) -> str:
    """The name a file reference gives the file on the VM (ValueError if it is none)."""
    name = next(iter(spec)) if isinstance(spec, dict) and spec else spec
    if not isinstance(name, str):
        raise ValueError(f"invalid file reference {spec!r}")
    if is_url(name):
        return name.rsplit("/", 1)[-1]
    return name[1:-1] if is_encoded(name) else name


def file_value(spec: Any) -> Any:
    """What a file reference points at: a name under Resources/scripts, ``<name>``, a URL."""
    return next(iter(spec.values())) if isinstance(spec, dict) and spec else spec


def local_file(spec: Any) -> str | None:
    """The path under ``Resources/scripts/`` a file reference reads (None: downloaded, or
    not a reference)."""
    value = file_value(spec)
    if isinstance(value, dict):      # {id: {Name: ..., URL: ...}}: a described file
        value = None if "URL" in value else value.get("Name")
    if not isinstance(value, str) or is_url(value) or "://" in value:
        return None
    return value[1:-1] if is_encoded(value) else value
