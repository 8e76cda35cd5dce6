"""Reference checks of Heat templates, remembered per resource so big stacks stay fast.

Each resource and output is scanned once per distinct body (templates are never modified in
place, so an unchanged body is usually the very same object); a push then only rescans what
changed and checks the remembered names against the new template.
"""

from __future__ import annotations

import json
from typing import Any


def entry_key(body: Any) -> str:
    """A stable text key of a resource or output body."""
    return json.dumps(body, sort_keys=True, default=repr)


def scan(body: Any, where: str) -> tuple[list[tuple[str, str, Any]], list[str]]:
    """(references, malformed): references are (path, function, name) triples."""
    refs: list[tuple[str, str, Any]] = []
    malformed: list[str] = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            if len(value) == 1:
                (func, arg), = value.items()
                if func in ("get_resource", "Ref"):
                    refs.append((path, func, arg))
                elif func in ("get_attr", "Fn::GetAtt"):
                    if not isinstance(arg, list) or len(arg) < 2:
                        malformed.append(f"{path}: {func} needs [resource, attribute, ...]")
                    else:
                        refs.append((path, func, arg[0]))
                elif func == "get_param":
                    refs.append((path, func, arg[0] if isinstance(arg, list) and arg else arg))
            for key, item in value.items():
                walk(item, f"{path}.{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{path}[{index}]")

    if isinstance(body, dict) and where.startswith("resources."):
        deps = body.get("depends_on", body.get("DependsOn"))
        for dep in ([deps] if isinstance(deps, str) else deps or []):
            refs.append((where, "depends_on", dep))
        if not isinstance(body.get("type", body.get("Type")), str):
            malformed.append(f"{where}: missing resource type")
        walk({k: v for k, v in body.items() if k not in ("depends_on", "DependsOn")}, where)
    elif where.startswith("resources."):
        malformed.append(f"{where}: a resource must be a mapping")
    else:
        walk(body, where)
    return refs, malformed


def _problem(path: str, func: str, name: Any, resources: dict, params: dict) -> str | None:
    pseudo = isinstance(name, str) and name.startswith(("OS::", "AWS::"))
    if func in ("get_resource", "get_attr", "Fn::GetAtt", "depends_on"):
        if isinstance(name, str) and name in resources:
            return None
        return f"{path}: {func} names unknown resource {name!r}"
    if func == "get_param":
        if isinstance(name, str) and (name in params or pseudo):
            return None
        return f"{path}: get_param names unknown parameter {name!r}"
    if isinstance(name, str) and (name in resources or name in params or pseudo):
        return None
    return f"{path}: Ref names unknown resource or parameter {name!r}"


class ReferenceChecker:
    """Checks every reference of a template; remembers scans of unchanged entries."""

    def __init__(self) -> None:
        # (section, name) -> (the body scanned, references, malformed, referenced names)
        self._scans: dict[tuple[str, str], tuple[Any, list, list]] = {}

    def _scan(self, section: str, name: str, body: Any) -> tuple[Any, list, list, frozenset]:
        cached = self._scans.get((section, name))
        if cached is None or (cached[0] is not body and cached[0] != body):
            refs, malformed = scan(body, f"{section}.{name}")
            names = frozenset(str(ref[2]) for ref in refs)
            cached = (body, refs, malformed, names)
            self._scans[(section, name)] = cached
        return cached

    def referenced(self, section: str, name: str) -> frozenset[str]:
        """Names referenced by a scanned entry (for dependency tracking)."""
        cached = self._scans.get((section, name))
        return cached[3] if cached else frozenset()

    def check(self, template: dict[str, Any]) -> list[str]:
        """Problems, each naming the path and the missing name."""
        resources = template.get("resources", template.get("Resources")) or {}
        params = template.get("parameters", template.get("Parameters")) or {}
        resources = resources if isinstance(resources, dict) else {}
        params = params if isinstance(params, dict) else {}
        problems: list[str] = []
        live: set[tuple[str, str]] = set()
        for section, entries in (("resources", resources),
                                 ("outputs", template.get("outputs",
                                                          template.get("Outputs")) or {})):
            if not isinstance(entries, dict):
                continue
            for name, body in entries.items():
                live.add((section, name))
                _body, refs, malformed, names = self._scan(section, name, body)
                problems += malformed
                if all(n in resources for n in names):
                    continue  # every name is a resource: nothing can be missing
                for path, func, target in refs:
                    problem = _problem(path, func, target, resources, params)
                    if problem:
                        problems.append(problem)
        for stale in set(self._scans) - live:
            del self._scans[stale]
        return problems
