"""Which properties hold secrets, according to the packages' ``UI/ui.yaml`` forms.

A field of ``type: password`` is a secret, and so is every property the form's
``Application`` template fills from it; the dry-run masks their values as ``***``.
"""

from __future__ import annotations

import os
import re
from typing import Any


def ui_secret_keys(ui_path: str) -> set[str]:
    """Names a ``ui.yaml`` marks as secret: password fields and the properties they fill."""
    from muranokit.tools.forms import Expr, load_ui
    ui = load_ui(ui_path)
    fields = ui.password_fields()
    keys = set(fields)
    if not fields:
        return keys
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, fields)) + r")\b")

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, Expr) and pattern.search(item.text):
                    keys.add(str(key))
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
    walk(ui.application)
    return keys


def package_ui_path(package: Any) -> str | None:
    """Path of a loaded package's ``UI/ui.yaml`` (folder packages), or None."""
    source = getattr(package, "source", None)
    if source and os.path.isdir(source):
        path = os.path.join(source, "UI", "ui.yaml")
        return path if os.path.isfile(path) else None
    return None


_PASSWORD_FIELD = re.compile(r"type:\s*['\"]?password\b")


def may_have_password_fields(ui_path: str) -> bool:
    """Cheap test before parsing a form: does it mention a password field at all?"""
    try:
        with open(ui_path, encoding="utf-8", errors="replace") as fh:
            return bool(_PASSWORD_FIELD.search(fh.read()))
    except OSError:
        return False


__all__ = ["may_have_password_fields", "package_ui_path", "ui_secret_keys"]
