"""Building an object model from a package's ``UI/ui.yaml`` the way the Murano dashboard does.

``ui.yaml`` Version 2.x: the ``Forms`` give fields with defaults (``initial``) and validators
(``required``, ``regexpValidator``, ``minValue``/``maxValue``, ``minLength``/``maxLength``,
``validators`` with yaql ``expr``); values come from ``--set field=value`` (or
``form.field=value``). The ``Application`` template (with ``Templates`` and ``Parameters``) is
then evaluated with yaql in the dashboard's legacy mode, with its functions ``repeat``,
``generateHostname`` and ``name``. Object ids are deterministic.
"""

from __future__ import annotations

import collections.abc  # noqa: F401  (yaql 3 needs it imported first)
import re
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from yaql import legacy
from yaql.language import exceptions as yaql_exc
from yaql.language import specs

from muranokit.engine.files import (
    Package,
    QuotedStr,
    SourceError,
    YamlMap,
    YamlSeq,
    load_yaml,
    read_file,
)
from muranokit.engine.syntax import grammar
from muranokit.engine.syntax.expressions import DASHBOARD_PLAIN_TEXT, is_plain_text
from muranokit.tools.exceptions import InputError
from muranokit.tools.masking import current_masker

_ID_NAMESPACE = uuid.UUID("3f6f7d1a-7c59-4a8e-b5a1-646173686264")
_YAQL_OPTIONS = {"yaql.limitIterators": 10000, "yaql.memoryQuota": 1000000,
                 "yaql.convertTuplesToLists": False, "yaql.iterableDicts": True}
_YAQL = None


def _yaql():
    """The dashboard's yaql parser, built on first use (its tables cached on disk)."""
    global _YAQL
    if _YAQL is None:
        _YAQL = grammar.cached_engine(grammar.dashboard_factory(), _YAQL_OPTIONS)
    return _YAQL
STRING_TYPES = ("string", "password", "text", "clusterip", "flavor", "image", "keypair",
                "azone", "network", "domain", "databaselist", "choice")
BOOLEAN_TYPES = ("boolean", "floatingip")
_TRUE = ("true", "yes", "on", "1")
_FALSE = ("false", "no", "off", "0", "")


class Expr:
    """A yaql expression found in ui.yaml (a plain scalar that parses as yaql)."""

    def __init__(self, text: str, line: int) -> None:
        self.text = text
        self.line = line
        self.parsed = _yaql()(text)

    def __repr__(self) -> str:
        return f"Expr({self.text!r})"


def _is_expression(text: str) -> bool:
    """The dashboard's rule: not plain text (colons allowed), and parses."""
    if is_plain_text(text, DASHBOARD_PLAIN_TEXT):
        return False
    try:
        _yaql()(text)
    except (yaql_exc.YaqlGrammarException, yaql_exc.YaqlLexicalException):
        return False
    return True


def _with_expressions(value: Any, line: int) -> Any:
    """``value`` with every plain (unquoted) scalar that parses as yaql made an
    :class:`Expr`, keys too, as the dashboard reads ui.yaml; positions are kept."""
    if type(value) is str:
        return Expr(value, line) if _is_expression(value) else value
    if isinstance(value, QuotedStr):  # a quoted or block scalar is never an expression
        return str(value)
    if isinstance(value, YamlMap):
        result = YamlMap(value.line, value.column)
        for key, item in value.items():
            new_key = _with_expressions(key, value.key_line(key, line))
            result[new_key] = _with_expressions(item, value.line_of(key))
            for marks, new_marks in ((value.key_marks, result.key_marks),
                                     (value.value_marks, result.value_marks)):
                if key in marks:
                    new_marks[new_key] = marks[key]
        return result
    if isinstance(value, YamlSeq):
        result_seq = YamlSeq(value.line, value.column)
        result_seq.extend(_with_expressions(item, value.line_of(index))
                          for index, item in enumerate(value))
        result_seq.item_marks = list(value.item_marks)
        return result_seq
    return value


def _plain(value: Any) -> Any:
    """yaql results as plain JSON-ready Python values."""
    if isinstance(value, Mapping):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) or (
            isinstance(value, collections.abc.Iterator)):
        return [_plain(v) for v in value]
    return value


class UiForm:
    """A parsed ``ui.yaml``: forms, templates, parameters and the Application template."""

    def __init__(self, path: str, data: YamlMap) -> None:
        self.path = path
        version = str(data.get("Version", "2"))
        if not re.fullmatch(r"2(\.\d+)?", version):
            raise InputError(f"unsupported ui.yaml Version {version} (2.x is supported)", path,
                             data.line or None)
        for section in ("Application", "Forms"):
            if section not in data:
                raise InputError(f"ui.yaml has no '{section}' section", path)
        self.application = data["Application"]
        self.templates = data.get("Templates") or {}
        self.parameters = data.get("Parameters") or {}
        self.forms: list[tuple[str, YamlMap]] = []
        forms = data["Forms"]
        if not isinstance(forms, list):
            raise InputError("'Forms' must be a list of forms", path, getattr(forms, "line", None))
        for item in forms:
            if not isinstance(item, dict) or len(item) != 1:
                raise InputError("each form is a mapping {formName: {fields: [...]}}", path,
                                 getattr(item, "line", None))
            (name, body), = item.items()
            if not isinstance(body, dict) or not isinstance(body.get("fields"), list):
                raise InputError(f"form {name!r} has no 'fields' list", path,
                                 getattr(item, "line", None))
            self.forms.append((str(name), body))

    def fields(self) -> list[tuple[str, YamlMap]]:
        """(form name, field spec) for every field, in form order."""
        result = []
        for form, body in self.forms:
            for field in body["fields"]:
                if not isinstance(field, dict) or "name" not in field or "type" not in field:
                    raise InputError(f"form {form!r}: every field needs 'name' and 'type'",
                                     self.path, getattr(field, "line", None))
                result.append((form, field))
        return result

    def password_fields(self) -> list[str]:
        """Names of the fields of type password (their values are secrets)."""
        return [f["name"] for _form, f in self.fields() if f.get("type") == "password"]


def dashboard_regexp(pattern: str) -> re.Pattern[str]:
    """A ``regexpValidator`` as the dashboard compiles it (``/re/flags`` or a bare
    pattern); ``re.error`` when it does not compile."""
    flags = 0
    whole = re.fullmatch(r"/(.*)/([A-Za-z]*)", pattern)
    if whole:
        pattern = whole.group(1)
        for flag in whole.group(2).upper():
            flags |= getattr(re, flag, 0)
    return re.compile(pattern, flags)


def load_ui(source: str | Path | Package) -> UiForm:
    """Parse a ``ui.yaml`` file, or the UI form of a package (folder or zip alike); bad
    YAML or structure raises :class:`InputError` with the line."""
    if isinstance(source, Package):
        path = source.display_path(source.ui_path)
        if not source.exists(source.ui_path):
            raise InputError("the package has no UI form", path)
    else:
        path = str(source)
        try:
            text, _mode = read_file(path, what="the UI file")
        except SourceError as exc:
            raise InputError.from_source(exc) from None
    try:
        data = source.ui() if isinstance(source, Package) else load_yaml(text, path)
    except SourceError as exc:
        problem = exc.message.removeprefix("YAML error: ")
        raise InputError(f"invalid YAML: {problem}", exc.path, exc.line) from None
    if not isinstance(data, dict):
        raise InputError("ui.yaml must be a mapping", path)
    return UiForm(path, _with_expressions(data, data.line))


def parse_set(items: list[str]) -> dict[str, str]:
    """``["field=value", "form.field=value"]`` -> dict; a malformed item is an InputError."""
    values: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--set {item!r}: expected field=value")
        values[key.strip()] = value
    return values


class FormFiller:
    """Fills the forms of a :class:`UiForm` with values and evaluates the Application."""

    def __init__(self, ui: UiForm, app_name: str) -> None:
        self.ui = ui
        self.app_name = app_name
        self.masker = current_masker()     # password values never show in its messages
        self.masker.add_keys(ui.password_fields())
        self.context = legacy.create_context()
        self._ids = 0
        self._register_functions()

    # -- yaql ------------------------------------------------------------------------------
    def _register_functions(self) -> None:
        filler = self

        @specs.parameter("times", int)
        def repeat(context, template, times):
            items = []
            for index in range(times):
                child = context.create_child_context()
                child["index"] = index + 1
                items.append(filler.evaluate(template, child))
            return items

        @specs.parameter("number", int)
        def generate_hostname(pattern, number):
            if pattern:
                return str(pattern).replace("#", str(number))
            return f"{filler._slug()}-{number}"

        def name():
            return filler.app_name

        self.context.register_function(repeat, "repeat")
        self.context.register_function(generate_hostname, "generateHostname")
        self.context.register_function(name, "name")

    def _slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.app_name.lower()).strip("-") or "host"

    def _eval(self, expr: Expr, data: Any, context: Any = None) -> Any:
        try:
            return expr.parsed.evaluate(data=data, context=context or self.context)
        except Exception as exc:  # yaql raises many kinds; all are the package's fault
            raise InputError(f"yaql expression {expr.text!r} failed: {exc}", self.ui.path,
                             expr.line) from exc

    def evaluate(self, value: Any, context: Any) -> Any:
        """Evaluate every expression in ``value`` (results may hold expressions in turn)."""
        if isinstance(value, Expr):
            return self.evaluate(_plain(self._eval(value, self.data, context)), context)
        if isinstance(value, Mapping):
            return {self.evaluate(k, context): self.evaluate(v, context)
                    for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.evaluate(v, context) for v in value]
        return value

    # -- fields ----------------------------------------------------------------------------
    def _field_error(self, form: str, field: YamlMap, message: str) -> InputError:
        return InputError(f"field {form}.{field['name']}: {message}", self.ui.path, field.line)

    def _shown(self, field: YamlMap, value: Any) -> str:
        """``value`` of ``field`` as a message shows it (``***`` for a password)."""
        return self.masker.shown(value, field["name"])

    def _attr(self, field: YamlMap, key: str, default: Any = None) -> Any:
        value = field.get(key, default)
        return self._eval(value, self.data) if isinstance(value, Expr) else value

    def _coerce(self, form: str, field: YamlMap, raw: Any) -> Any:
        kind = field["type"]
        if kind == "integer":
            if isinstance(raw, int) and not isinstance(raw, bool):
                return raw
            try:
                return int(str(raw).strip())
            except ValueError:
                raise self._field_error(form, field, f"{self._shown(field, raw)} is not an "
                                        "integer") from None
        if kind in BOOLEAN_TYPES:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in _TRUE or text in _FALSE:
                return text in _TRUE
            raise self._field_error(form, field, f"{self._shown(field, raw)} is not a boolean "
                                    "(true/false)")
        return raw if isinstance(raw, (dict, list)) else ("" if raw is None else str(raw))

    def _validate(self, form: str, field: YamlMap, value: Any) -> None:
        kind = field["type"]
        messages = field.get("errorMessages") or {}
        if kind == "integer" and value is not None:
            low, high = self._attr(field, "minValue"), self._attr(field, "maxValue")
            if low is not None and value < low:
                raise self._field_error(form, field, f"{self._shown(field, value)} is less than "
                                        f"minValue {low}")
            if high is not None and value > high:
                raise self._field_error(form, field, f"{self._shown(field, value)} is greater "
                                        f"than maxValue {high}")
        if isinstance(value, str):
            low, high = self._attr(field, "minLength"), self._attr(field, "maxLength")
            if low is not None and len(value) < low:
                raise self._field_error(form, field, f"is shorter than minLength {low}")
            if high is not None and len(value) > high:
                raise self._field_error(form, field, f"is longer than maxLength {high}")
            regexp = field.get("regexpValidator")
            if regexp and value != "":
                if not self._regexp(form, field, str(regexp)).search(value):
                    raise self._field_error(form, field, messages.get(
                        "invalid", f"{self._shown(field, value)} does not match {regexp}"))
        if kind == "choice" and value not in ("", None):
            choices = [c[0] if isinstance(c, (list, tuple)) else c
                       for c in self._attr(field, "choices", []) or []]
            if value not in choices:
                raise self._field_error(form, field, f"{self._shown(field, value)} is not one of "
                                        f"{', '.join(map(str, choices))}")
        for validator in field.get("validators") or []:
            expr = validator.get("expr") if isinstance(validator, dict) else None
            if isinstance(expr, dict) and "regexpValidator" in expr:   # the documented form
                pattern = str(expr["regexpValidator"])
                valid = value == "" or bool(self._regexp(form, field, pattern).search(
                    str(value)))
            elif isinstance(expr, Expr):
                valid = self._eval(expr, value)
            else:
                continue
            if not valid:
                raise self._field_error(form, field, validator.get(
                    "message", "validation failed"))

    def _regexp(self, form: str, field: YamlMap, pattern: str) -> re.Pattern[str]:
        try:
            return dashboard_regexp(pattern)
        except re.error as exc:
            raise self._field_error(form, field, f"invalid regexpValidator: {exc}") from exc

    def fill(self, values: dict[str, str]) -> dict[str, dict[str, Any]]:
        """Form data ``{form: {field: value}}`` after defaults, coercion and validation."""
        fields = self.ui.fields()
        by_name: dict[str, list[str]] = {}
        for form, field in fields:
            by_name.setdefault(field["name"], []).append(f"{form}.{field['name']}")
        wanted: dict[str, str] = {}
        for key, value in values.items():
            if key in by_name:
                if len(by_name[key]) > 1:
                    raise InputError(f"--set {key}: ambiguous, use one of "
                                     f"{', '.join(by_name[key])}")
                wanted[by_name[key][0]] = value
            elif any(key in full for full in by_name.values()):
                wanted[key] = value
            else:
                raise InputError(f"--set {key}: no such field in {self.ui.path} (fields: "
                                 f"{', '.join(sorted(f for v in by_name.values() for f in v))})")
        self.data: dict[str, dict[str, Any]] = {form: {} for form, _body in self.ui.forms}
        for form, field in fields:
            full = f"{form}.{field['name']}"
            kind = field["type"]
            if full in wanted:
                self.masker.learn({field["name"]: wanted[full]})
                value = self._coerce(form, field, wanted[full])
            elif "initial" in field:
                value = self._coerce(form, field, self._attr(field, "initial"))
            else:
                required = self._attr(field, "required", kind not in BOOLEAN_TYPES)
                if required:
                    raise self._field_error(form, field, "this field is required (give it "
                                            f"with --set {field['name']}=VALUE)")
                value = False if kind in BOOLEAN_TYPES else (None if kind == "integer" else "")
            if value == "" and self._attr(field, "required", kind not in BOOLEAN_TYPES):
                raise self._field_error(form, field, "this field is required")
            self._validate(form, field, value)
            self.data[form][field["name"]] = value
        for form, body in self.ui.forms:
            for validator in body.get("validators") or []:
                expr = validator.get("expr") if isinstance(validator, dict) else None
                if isinstance(expr, Expr) and not self._eval(expr, self.data):
                    raise InputError(f"form {form}: {validator.get('message', 'invalid')}",
                                     self.ui.path, getattr(validator, "line", None))
        return self.data

    # -- the Application template ----------------------------------------------------------
    def application(self) -> dict[str, Any]:
        """The evaluated ``Application`` object with ids in every ``?`` block."""
        context = self.context.create_child_context()
        for name, template in self.ui.templates.items():
            context[name] = template
        for name, expr in self.ui.parameters.items():
            context[name] = self.evaluate(expr, context)
        app = self.evaluate(self.ui.application, context)
        if not isinstance(app, dict) or not isinstance(app.get("?"), dict) or not app[
                "?"].get("type"):
            raise InputError("the Application template must give an object with '?: {type:}'",
                             self.ui.path, getattr(self.ui.application, "line", None))
        return self._insert_ids(app)

    def _next_id(self) -> str:
        self._ids += 1
        return str(uuid.uuid5(_ID_NAMESPACE, f"{self.app_name}#{self._ids}"))

    def _insert_ids(self, value: Any) -> Any:
        if isinstance(value, dict):
            result = {}
            for key, item in value.items():
                if key == "?" and isinstance(item, dict):
                    item = dict(item)
                    item.setdefault("id", self._next_id())
                    result[key] = item
                else:
                    result[key] = self._insert_ids(item)
            return result
        if isinstance(value, list):
            return [self._insert_ids(v) for v in value]
        return value


def build_application(ui_source: str | Path | Package, values: dict[str, str],
                      app_name: str = "app") -> tuple[dict[str, Any], list[str]]:
    """(application object, names of password fields) from a ui.yaml (or a package's UI
    form) and field values."""
    ui = load_ui(ui_source)
    filler = FormFiller(ui, app_name)
    filler.fill(values)
    app = filler.application()
    app["?"].setdefault("name", app_name)
    return app, ui.password_fields()


def environment_model(applications: list[dict[str, Any]], name: str = "dry-run") -> dict:
    """A Murano object model holding an Environment with the given applications."""
    env_id = str(uuid.uuid5(_ID_NAMESPACE, f"environment:{name}"))
    net_id = str(uuid.uuid5(_ID_NAMESPACE, f"network:{name}"))
    return {"Objects": {
        "?": {"id": env_id, "type": "io.murano.Environment"},
        "name": name,
        "applications": applications,
        "defaultNetworks": {
            "environment": {"?": {"id": net_id, "type": "io.murano.resources.NeutronNetwork"},
                            "name": f"{name}-network"},
            "flat": None}},
        "Attributes": []}


__all__ = ["Expr", "FormFiller", "UiForm", "build_application", "environment_model",
           "load_ui", "parse_set"]
