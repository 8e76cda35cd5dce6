"""Which properties hold secrets, according to the packages' UI forms.

A field of ``type: password`` is a secret, and so is every property the form's
``Application`` template fills from it; the dry-run masks their values as ``***``. Forms
are read through the package, so folders and zips are masked alike.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from muranokit.engine.files import Package, SourceError


def ui_secret_keys(source: str | Path | Package) -> set[str]:
    """Names a ``ui.yaml`` (or a package's UI form) marks as secret: password fields and
    the properties they fill."""
    from muranokit.tools.forms import Expr, load_ui
    ui = load_ui(source)
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


_PASSWORD_FIELD = re.compile(rb"type:\s*['\"]?password\b")


def may_have_password_fields(package: Package) -> bool:
    """Cheap test before parsing a package's form: does it mention a password field?"""
    try:
        return bool(_PASSWORD_FIELD.search(package.read(package.ui_path)))
    except (KeyError, SourceError):
        return False


__all__ = ["may_have_password_fields", "ui_secret_keys"]
