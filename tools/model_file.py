"""Object-model files: reading the JSON, pointing at the line a model path refers to, and
walking and merging object models."""

from __future__ import annotations

import copy
import os
import re
from typing import Any

from muranokit.engine.files import (
    SourceError,
    YamlMap,
    YamlSeq,
    load_json,
    load_yaml,
    read_text,
)
from muranokit.tools.exceptions import InputError

_TOKEN = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def read_model(path: str) -> tuple[dict[str, Any], str]:
    """(model, text) of a Murano object-model JSON file; bad files raise InputError."""
    if not os.path.lexists(path):
        raise InputError("model file not found", path)
    try:
        text = read_text(path, what="the model file")
        model = load_json(text, path)
    except SourceError as exc:
        raise InputError.from_source(exc) from None
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
        node = load_yaml(text)  # JSON is YAML: the one located loader knows every line
    except SourceError:
        return None
    if not isinstance(node, (YamlMap, YamlSeq)):
        return None if node is None else 1
    line = node.line
    for part in split_path(model_path):
        if isinstance(node, YamlMap) and isinstance(part, str) and part in node:
            line = node.key_line(part, line)
            node = node[part]
        elif isinstance(node, YamlSeq) and isinstance(part, int) and part < len(node):
            line = node.line_of(part)
            node = node[part]
        else:
            break
    return line


def _objects_by_id(value: Any, found: dict[str, dict]) -> dict[str, dict]:
    if isinstance(value, dict):
        head = value.get("?")
        if isinstance(head, dict) and "id" in head:
            found.setdefault(str(head["id"]), value)
        for key, item in value.items():
            if key != "?":
                _objects_by_id(item, found)
    elif isinstance(value, list):
        for item in value:
            _objects_by_id(item, found)
    return found


def object_paths(value: Any, path: str, found: list[tuple[str, str, dict]]) -> None:
    """(model path, type, object dict) of every object in a model, in document order."""
    if isinstance(value, dict):
        head = value.get("?")
        if isinstance(head, dict) and "type" in head:
            found.append((path, str(head["type"]).split("/", 1)[0], value))
        for key, item in value.items():
            if key != "?":
                object_paths(item, f"{path}.{key}" if path else key, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            object_paths(item, f"{path}[{index}]", found)


def wrap_model(model: dict[str, Any]) -> dict[str, Any]:
    """A model as ``{"Objects": root, "Attributes": [...]}`` (a bare root object is wrapped)."""
    if "Objects" in model or "Attributes" in model or "ObjectsCopy" in model:
        return model
    return {"Objects": model, "Attributes": []}


def add_application(model: dict[str, Any], app: dict[str, Any], source: str | None = None
                    ) -> tuple[dict[str, Any], str]:
    """(new model, model path of ``app``): ``app`` added to the root's ``applications``.

    Everything else in ``model`` is kept as it is, as the dashboard adds an application to
    an environment. An application with the same id (a form filled with the same name) is
    replaced in place; the same id on an object of another type is refused.
    """
    result = copy.deepcopy(wrap_model(model))
    root = result.get("Objects")
    if not isinstance(root, dict) or not isinstance(root.get("?"), dict):
        raise InputError("the base model has no root object to add the application to",
                         source)
    apps = root.get("applications")
    if apps is None:
        apps = root["applications"] = []
    if not isinstance(apps, list):
        raise InputError("the root object's applications is not a list; --app adds to the "
                         "applications of an io.murano.Environment", source)
    app_id = str(app["?"]["id"])
    for index, item in enumerate(apps):
        head = item.get("?") if isinstance(item, dict) else None
        if isinstance(head, dict) and str(head.get("id")) == app_id:
            if str(head.get("type")).split("/", 1)[0] != app["?"]["type"]:
                raise InputError(f"the environment already has an application with id "
                                 f"{app_id} of type {head.get('type')}; give the new one "
                                 "another name with --set name=...", source)
            apps[index] = app
            return result, f"Objects.applications[{index}]"
    apps.append(app)
    return result, f"Objects.applications[{len(apps) - 1}]"


def continue_model(objects: Any, previous: dict[str, Any]) -> dict[str, Any]:
    """The model Murano's API would hand the engine for a new session.

    Objects that already existed keep the values the last deployment gave them (``Out``
    properties, ids) unless the new model sets them; ``Attributes`` and ``ObjectsCopy``
    come from the previous deployment so that removed objects are destroyed.
    """
    old = _objects_by_id(previous.get("Objects"), {})
    merged = copy.deepcopy(objects)

    def fill(value: Any) -> None:
        if isinstance(value, dict):
            head = value.get("?")
            if isinstance(head, dict) and str(head.get("id")) in old:
                for key, item in old[str(head["id"])].items():
                    if key not in value:
                        value[key] = copy.deepcopy(item)
            for key, item in list(value.items()):
                if key != "?":
                    fill(item)
        elif isinstance(value, list):
            for item in value:
                fill(item)
    fill(merged)
    return {"Objects": merged, "Attributes": copy.deepcopy(previous.get("Attributes") or []),
            "ObjectsCopy": copy.deepcopy(previous.get("ObjectsCopy", previous.get("Objects")))}
