"""Checks of the dynamic UI definition (UI/ui.yaml): Version, Forms, fields, Application."""

from __future__ import annotations

import re
from typing import Any

from muranokit.engine.files import line_of
from muranokit.tools.validate.context import PackageCheck

UI_VERSIONS = frozenset({"1", "1.0", "2", "2.0", "2.1", "2.2", "2.3", "2.4"})
UI_KEYS = frozenset({"Version", "Templates", "Application", "Forms", "Parameters",
                     "ParametersSource"})
FORM_KEYS = frozenset({"fields", "validators"})
FIELD_TYPES = frozenset({
    "string", "boolean", "text", "integer", "password", "clusterip", "floatingip",
    "domain", "databaselist", "table", "flavor", "keypair", "image", "azone",
    "psqlDatabase", "network", "choice", "securitygroup", "volume"})
STRING_KEYS = frozenset({"name", "label", "description", "descriptionTitle",
                         "regexpValidator", "helpText"})
BOOL_KEYS = frozenset({"required", "hidden"})
INT_KEYS = frozenset({"minLength", "maxLength", "minValue", "maxValue"})
_NAME = re.compile(r"^[A-Za-z_]\w*$")
_FIELD_REF = re.compile(r"\$\.([A-Za-z_]\w*)\.([A-Za-z_]\w*)")


def check(ctx: PackageCheck) -> None:
    """Check the package's UI definition, if it has one."""
    rel = ctx.package.ui_path
    if not ctx.package.exists(rel):
        return  # reported by the asset checks when it matters
    ui = ctx.yaml(rel)
    if ui is None:
        return
    if not isinstance(ui, dict):
        ctx.report("U001", rel, getattr(ui, "line", 1), "the UI definition must be a mapping")
        return
    for key in ui:
        if key not in UI_KEYS:
            ctx.report("U007", rel, ui.key_line(key), f"unknown UI key {key!r}")
    version = str(ui.get("Version", "1"))
    if version not in UI_VERSIONS:
        ctx.report("U001", rel, line_of(ui, "Version"),
                   f"UI Version {ui.get('Version')!r} is not supported (1 or 2.0 to 2.4)")
    forms = _check_forms(ctx, rel, ui.get("Forms"), line_of(ui, "Forms", 1))
    if "Templates" in ui:
        ctx.data(ui["Templates"], rel, line_of(ui, "Templates"))
        _check_refs(ctx, rel, ui["Templates"], line_of(ui, "Templates"), forms)
    application = ui.get("Application")
    if "Application" in ui:
        if not isinstance(application, dict):
            ctx.report("U005", rel, line_of(ui, "Application"),
                       "Application must be a mapping")
        else:
            _check_application(ctx, rel, application, forms)


def _check_forms(ctx: PackageCheck, rel: str, forms: Any, line: int) -> dict[str, set]:
    """Check Forms; return {form name: set of field names}."""
    known: dict[str, set] = {}
    if forms is None:
        return known
    if not isinstance(forms, list):
        ctx.report("U002", rel, line, "Forms must be a list of one-key mappings")
        return known
    for index, item in enumerate(forms):
        where = line_of(forms, index, line)
        if not isinstance(item, dict) or len(item) != 1:
            ctx.report("U002", rel, where, "each form must be a one-key mapping name: form")
            continue
        name, form = next(iter(item.items()))
        where = item.key_line(name, where)
        if not (isinstance(name, str) and _NAME.match(name)):
            ctx.report("U002", rel, where, f"form name {name!r} is not a name")
        if name in known:
            ctx.report("U002", rel, where, f"form {name!r} defined twice")
        fields = known.setdefault(name, set())
        if not isinstance(form, dict):
            ctx.report("U002", rel, where, f"form {name!r} must be a mapping with fields")
            continue
        for key in form:
            if key not in FORM_KEYS:
                ctx.report("U002", rel, form.key_line(key),
                           f"form {name!r}: unknown key {key!r}")
        if not isinstance(form.get("fields"), list):
            ctx.report("U002", rel, where, f"form {name!r}: fields must be a list")
        else:
            _check_fields(ctx, rel, name, form["fields"], fields)
        if "validators" in form:
            _check_validators(ctx, rel, form["validators"], line_of(form, "validators"))
    return known


def _check_fields(ctx: PackageCheck, rel: str, form: str, fields: list, names: set) -> None:
    for index, field in enumerate(fields):
        where = line_of(fields, index)
        if not isinstance(field, dict):
            ctx.report("U003", rel, where, f"form {form!r}: a field must be a mapping")
            continue
        name = field.get("name")
        label = f"form {form!r} field {name!r}"
        if not (isinstance(name, str) and _NAME.match(name)):
            ctx.report("U003", rel, where, f"{label}: name missing or not a name")
        elif name in names:
            ctx.report("U008", rel, where, f"form {form!r}: field {name!r} defined twice")
        else:
            names.add(name)
        if "type" not in field:
            ctx.report("U003", rel, where, f"{label}: type missing")
        else:
            _check_type(ctx, rel, label, field["type"], line_of(field, "type", where))
        for key, value in field.items():
            key_line = line_of(field, key, where)
            if key in STRING_KEYS and not isinstance(value, str):
                ctx.report("U003", rel, key_line, f"{label}: {key} must be a string")
            elif key == "regexpValidator":
                _check_regexp(ctx, rel, key_line, f"{label}: ", value)
            elif key in BOOL_KEYS and not isinstance(value, bool):
                ctx.report("U003", rel, key_line, f"{label}: {key} must be true or false")
            elif key in INT_KEYS and (not isinstance(value, int) or isinstance(value, bool)):
                ctx.report("U003", rel, key_line, f"{label}: {key} must be an integer")
            elif key == "validators":
                _check_validators(ctx, rel, value, key_line)
            elif key not in STRING_KEYS | BOOL_KEYS | INT_KEYS | {"type", "name"}:
                ctx.data(value, rel, key_line)


def _check_type(ctx: PackageCheck, rel: str, label: str, kind: Any, line: int) -> None:
    kinds = kind if isinstance(kind, list) else [kind]
    for item in kinds:
        if not isinstance(item, str):
            ctx.report("U003", rel, line, f"{label}: type {item!r} must be a string")
        elif "." not in item and item not in FIELD_TYPES:
            ctx.report("U004", rel, line, f"{label}: unknown field type {item!r}")


def _check_validators(ctx: PackageCheck, rel: str, validators: Any, line: int) -> None:
    if not isinstance(validators, list):
        ctx.report("U003", rel, line, "validators must be a list of {expr, message}")
        return
    for index, validator in enumerate(validators):
        where = line_of(validators, index, line)
        if not isinstance(validator, dict) or "expr" not in validator:
            ctx.report("U003", rel, where, "a validator must be a mapping with expr")
            continue
        expr = validator["expr"]
        if isinstance(expr, dict) and "YAQL" in expr:  # the legacy {YAQL: ...} form
            expr = expr["YAQL"]
        if isinstance(expr, dict) and "regexpValidator" in expr:  # {regexpValidator: re}
            if len(expr) != 1 or not isinstance(expr["regexpValidator"], str):
                ctx.report("U003", rel, line_of(validator, "expr", where),
                           "a regexpValidator validator is {regexpValidator: <pattern>}")
            else:
                _check_regexp(ctx, rel, line_of(validator, "expr", where), "",
                              expr["regexpValidator"])
            continue
        ctx.expression(expr, rel, line_of(validator, "expr", where), "validator expr")


def _check_regexp(ctx: PackageCheck, rel: str, line: int, label: str, pattern: str) -> None:
    """U003 for a regexpValidator that does not compile (the dashboard would fail on it)."""
    from muranokit.tools.forms import dashboard_regexp  # forms imports yaql: only now

    try:
        dashboard_regexp(pattern)
    except re.error as exc:
        ctx.report("U003", rel, line, f"{label}invalid regexpValidator {pattern!r}: {exc}")


def _check_application(ctx: PackageCheck, rel: str, application: dict,
                       forms: dict[str, set]) -> None:
    for key in application:
        if key != "?" and not (isinstance(key, str) and _NAME.match(key)):
            ctx.report("U005", rel, application.key_line(key),
                       f"Application key {key!r} is not a property name")
    meta = application.get("?")
    if not (isinstance(meta, dict) and isinstance(meta.get("type"), str)):
        ctx.report("U005", rel, line_of(application, "?", application.line),
                   "Application needs '?: {type: <class FQN>}'")
    ctx.data(application, rel, application.line)
    _check_refs(ctx, rel, application, application.line, forms)


def _check_refs(ctx: PackageCheck, rel: str, value: Any, line: int,
                forms: dict[str, set]) -> None:
    stack = [(value, line)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            for form, field in _FIELD_REF.findall(item):
                if form not in forms:
                    ctx.report("U006", rel, where, f"$.{form}.{field}: no form {form!r}")
                elif field not in forms[form]:
                    ctx.report("U006", rel, where,
                               f"$.{form}.{field}: form {form!r} has no field {field!r}")
        elif isinstance(item, dict):
            stack.extend((sub, line_of(item, key, where)) for key, sub in item.items())
        elif isinstance(item, list):
            stack.extend((sub, line_of(item, i, where)) for i, sub in enumerate(item))
