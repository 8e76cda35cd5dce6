"""Every yaql expression of the suite's classes and UI forms compiles with yaql 3.

Murano treats a plain scalar as yaql when it is more than words and dots and
parses; a typo therefore silently turns an expression into a string. These
tests make both mistakes visible: an expression-looking scalar (with `$`) that
does not parse, and a literal-looking scalar that yaql would evaluate.
"""

import re

import pytest
import yaml
from k8s_package_helpers import (
    PACKAGES,
    SUITE,
    class_files,
    is_expression,
    parse_yaql,
    plain_scalars,
)

# `ns:Name` in Extends is a type reference, never evaluated
TYPE_NAME = re.compile(r"^\w+:\w+$")
CLASS_FILES = [path for package in SUITE for path in class_files(package)]
UI_FILES = sorted(PACKAGES.glob("*/UI/ui.yaml"))
UI_FILES = [p for p in UI_FILES if p.parts[-3] in SUITE]


def _ids(paths):
    return [f"{p.parts[-3]}/{p.name}" for p in paths]


@pytest.mark.parametrize("path", CLASS_FILES + UI_FILES, ids=_ids(CLASS_FILES + UI_FILES))
def test_dollar_scalars_compile(path):
    broken = []
    for scalar in plain_scalars(path.read_text()):
        if "$" in scalar.text and not is_expression(scalar.text):
            try:
                parse_yaql(scalar.text)
            except Exception as exc:  # noqa: BLE001 - reported below
                broken.append(f"{path.name}:{scalar.line}: {scalar.text!r}: {exc}")
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("path", CLASS_FILES + UI_FILES, ids=_ids(CLASS_FILES + UI_FILES))
def test_no_accidental_expressions(path):
    """Plain text such as murano-kube-1 would be evaluated as `murano - kube - 1`."""
    suspicious = [
        f"{path.name}:{s.line}: {s.text!r}"
        for s in plain_scalars(path.read_text())
        if is_expression(s.text) and "$" not in s.text and "(" not in s.text
        and not TYPE_NAME.match(s.text)
    ]
    assert not suspicious, "plain scalars that yaql would evaluate:\n" + "\n".join(suspicious)


def test_scanner_tells_literals_from_expressions():
    assert is_expression("$.nodeCount + 1")
    assert is_expression("murano-kube-1")  # what the no-accidental test guards against
    assert not is_expression("HostPath")
    assert not is_expression("2.1.0")
    assert not is_expression("$.broken(")
    assert is_expression("$.find(std:Environment).require()")


@pytest.mark.parametrize("path", CLASS_FILES, ids=_ids(CLASS_FILES))
def test_quoted_literals_are_not_yaql(path):
    """Upstream reads a YAML-quoted scalar as a literal; in classes, text that yaql could
    also parse (10.0.0.0/16) is written as a yaql string literal instead, so that it means
    the same whichever way an engine reads it. (Forms keep quoted literals: the dashboard
    never evaluates them.)"""
    ambiguous = [
        f"{path.name}:{event.start_mark.line + 1}: {event.value!r}"
        for event in yaml.parse(path.read_text(), Loader=yaml.SafeLoader)
        if isinstance(event, yaml.ScalarEvent) and event.style in ("'", '"')
        and is_expression(event.value)
    ]
    assert not ambiguous, "\n".join(ambiguous)
