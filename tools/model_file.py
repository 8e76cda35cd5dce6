"""Reading an object-model JSON file, and pointing at the line a model path refers to."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from muranokit.tools.exceptions import InputError

_TOKEN = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def read_model(path: str) -> tuple[dict[str, Any], str]:
    """(model, text) of a Murano object-model JSON file; bad files raise InputError."""
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except FileNotFoundError:
        raise InputError("model file not found", path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read model file: {exc}", path) from exc
    try:
        model = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})", path,
                         exc.lineno) from exc
    if not isinstance(model, dict):
        raise InputError("an object model must be a JSON object "
                         '({"Objects": {...}, "Attributes": [...]})', path, 1)
    return model, text


def split_path(model_path: str) -> list[str | int]:
    """``Objects.applications[0].?.type`` -> ``["Objects", "applications", 0, "?", "type"]``."""
    parts: list[str | int] = []
    for index, key in _TOKEN.findall(model_path):
        parts.append(int(index) if index else key)
    return parts


def line_of(text: str, model_path: str) -> int | None:
    """1-based line of the value ``model_path`` names in JSON ``text`` (None if not found).

    The deepest part of the path that exists is used, so a missing key points at the object
    that should have held it.
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in split_path(model_path):
        child = None
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            for key, value in node.value:
                if key.value == part:
                    child = value
                    line = key.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part < len(node.value):
                child = node.value[part]
                line = child.start_mark.line + 1
        if child is None:
            break
        node = child
    return line
