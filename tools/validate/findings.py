"""Validation findings: stable codes, severities, and their text and JSON forms."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"

#: code -> (severity, one-line description). Codes are stable: never renumber one;
#: README.rst's table of validation codes is checked against this by the tests.
CODES: dict[str, tuple[str, str]] = {
    # package files
    "P001": (ERROR, "a YAML file does not load (syntax error, not UTF-8, alias bomb, "
                    "several documents where one is expected)"),
    "P002": (WARNING, "unknown file at the top of the package"),
    # manifest.yaml
    "M001": (ERROR, "required manifest key missing (FullName, Type)"),
    "M002": (ERROR, "FullName is not a dotted name"),
    "M003": (ERROR, "unknown or unsupported Format"),
    "M004": (ERROR, "Type is neither Application nor Library"),
    "M005": (ERROR, "Version is not a version number"),
    "M006": (ERROR, "manifest value has the wrong type"),
    "M007": (WARNING, "unknown manifest key"),
    "M008": (ERROR, "class file named in Classes does not exist"),
    "M009": (WARNING, "file under Classes/ not named in the manifest"),
    "M010": (ERROR, "Require entry is not a dotted name with a version spec"),
    "M011": (WARNING, "Description missing"),
    "M012": (ERROR, "Classes key is not a dotted class name"),
    # Classes/*.yaml
    "C001": (ERROR, "class document is not a mapping"),
    "C002": (ERROR, "class Name missing or not a valid name"),
    "C003": (ERROR, "class Name and Namespaces do not give the FQN the manifest maps to the file"),
    "C004": (ERROR, "Namespaces invalid"),
    "C005": (ERROR, "class reference uses an undeclared namespace prefix"),
    "C006": (ERROR, "property declaration invalid"),
    "C007": (ERROR, "method declaration invalid"),
    "C008": (ERROR, "statement invalid (unknown or incomplete block, bad assignment target)"),
    "C009": (WARNING, "unknown class key"),
    "C010": (ERROR, "contract is not a $-expression"),
    "C011": (WARNING, "class name not in CamelCase"),
    "C012": (ERROR, "class Usage, Cardinality, Applies or Inherited invalid"),
    # yaql
    "Y001": (ERROR, "yaql expression does not compile"),
    "Y002": (ERROR, "string looks like an expression but does not compile "
                    "(Murano would use it as plain text)"),
    # Resources
    "R001": (ERROR, "file named in a Resources call (yaml/string/json/bytes) is missing"),
    "R002": (ERROR, "execution plan template invalid"),
    "R003": (ERROR, "execution plan EntryPoint missing under Resources/scripts"),
    "R004": (ERROR, "execution plan Files entry missing under Resources/scripts"),
    "R005": (ERROR, "a plan or Resources call names a file outside its folder (an absolute "
                    "path or '..')"),
    # UI/ui.yaml
    "U001": (ERROR, "UI definition is not a mapping or has an unsupported Version"),
    "U002": (ERROR, "form invalid"),
    "U003": (ERROR, "form field invalid"),
    "U004": (WARNING, "unknown form field type"),
    "U005": (ERROR, "Application section invalid"),
    "U006": (ERROR, "reference $.form.field to a form or field that does not exist"),
    "U007": (WARNING, "unknown UI key"),
    "U008": (ERROR, "two fields of one form have the same name (the dashboard would keep one)"),
    # logo, LICENSE, UI file
    "A001": (WARNING, "logo file missing"),
    "A002": (ERROR, "logo is not a PNG image"),
    "A003": (WARNING, "LICENSE missing"),
    "A004": (WARNING, "UI file missing"),
    # across the package set
    "S001": (ERROR, "two packages have the same FullName"),
    "S002": (ERROR, "Require names a package that is not in the set"),
    "S003": (ERROR, "two packages define the same class"),
    "S004": (ERROR, "the package a Require names has a version outside the required range"),
}


@dataclass(frozen=True, order=True)
class Finding:
    """One problem found: where (``path``, 1-based ``line`` or 0), what (``code``)."""

    path: str
    line: int
    code: str
    message: str

    @property
    def severity(self) -> str:
        """``error`` or ``warning``, from the code."""
        return CODES[self.code][0]

    def text(self) -> str:
        """``path:line: CODE message`` (``path: CODE message`` without a line)."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.code} {self.message}"

    def as_dict(self) -> dict:
        """JSON-ready form, with the severity."""
        return {**asdict(self), "severity": self.severity}


def count(findings: list[Finding], severity: str) -> int:
    """How many findings have ``severity``."""
    return sum(1 for f in findings if f.severity == severity)


def to_json(findings: list[Finding], packages: list[dict]) -> str:
    """The JSON report: findings, checked packages and totals."""
    return json.dumps({
        "packages": packages,
        "findings": [f.as_dict() for f in findings],
        "errors": count(findings, ERROR),
        "warnings": count(findings, WARNING),
    }, indent=2, sort_keys=True)
