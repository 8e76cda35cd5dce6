"""Per-package state shared by the checks: findings, parsed YAML, compiled expressions.

Strings are read by MuranoPL's one rule (:mod:`muranokit.engine.syntax.expressions`): quoted
scalars and plain words are literals; in a code position (a statement, a condition, a
contract, an assignment target) a string that looks like code must compile (Y001, the engine
refuses the class), any other string there is a literal; in a data position a string that
looks like code and does not compile is Y002 (Murano would use it as text). Classes are
parsed in the yaql flavour of the package's Format."""

from __future__ import annotations

from typing import Any

from muranokit.engine.files import MANIFEST, Package, SourceError, YamlMap, line_of
from muranokit.engine.syntax.expressions import is_legacy
from muranokit.tools.validate import yaqlcheck
from muranokit.tools.validate.findings import Finding

_FAILED = object()


class PackageCheck:
    """Collects the findings of one package and caches what several checks need."""

    def __init__(self, package: Package, findings: list[Finding]) -> None:
        self.package = package
        self.findings = findings
        self._yaml: dict[tuple[str, bool], Any] = {}
        #: (file name, file, line) of every constant name passed to a Resources call
        self.resource_refs: list[tuple[str, str, int]] = []
        #: classes run in yaql's legacy flavour (Format below 1.2)
        self.legacy = is_legacy(package.format or (1, 4))

    def report(self, code: str, rel: str, line: int | None, message: str) -> None:
        """Record a finding about the package file ``rel`` (``""`` for the package)."""
        self.findings.append(Finding(self.package.display_path(rel), line or 0, code, message))

    def yaml(self, rel: str, *, several: bool = False, quiet: bool = False) -> Any:
        """The parsed YAML file ``rel`` (a list of documents if ``several``).

        A file that does not load is reported once (P001, unless ``quiet``) and gives
        ``None``.
        """
        key = (rel, several)
        if key not in self._yaml:
            try:
                self._yaml[key] = (self.package.yaml_documents(rel) if several
                                   else self.package.yaml(rel))
            except SourceError as exc:
                if quiet:
                    return None
                self.report("P001", rel, exc.line, exc.message)
                self._yaml[key] = _FAILED
        value = self._yaml[key]
        return None if value is _FAILED else value

    def _legacy(self, rel: str) -> bool:
        return self.legacy and rel.startswith("Classes/")

    def expression(self, text: Any, rel: str, line: int, what: str = "expression") -> Any:
        """A string that must be an expression (a UI validator): Y001 if it does not
        compile."""
        if not isinstance(text, str):
            self.report("Y001", rel, line, f"{what} must be a yaql expression, not "
                                           f"{type(text).__name__} {text!r}")
            return None
        parsed, error = yaqlcheck.compile_expression(text, self._legacy(rel))
        if error:
            self.report("Y001", rel, line, f"{what} {_short(text)!r} does not compile: {error}")
            return None
        self._note_resources(text, rel, line)
        return parsed

    def parse(self, text: str, rel: str) -> tuple[Any, str | None]:
        """(parsed, None) or (None, error) for ``text`` in the flavour of file ``rel``."""
        return yaqlcheck.compile_expression(text, self._legacy(rel))

    def code(self, text: Any, rel: str, line: int, what: str = "expression") -> Any:
        """A string in a code position: an expression when it is one (Y001 when it looks
        like code and does not compile: the engine refuses that); else a literal."""
        if yaqlcheck.is_literal(text):
            return None
        parsed, error = yaqlcheck.compile_expression(text, self._legacy(rel))
        if error:
            if yaqlcheck.looks_like_expression(text):
                self.report("Y001", rel, line,
                            f"{what} {_short(text)!r} does not compile: {error}")
            return None
        self._note_resources(text, rel, line)
        return parsed

    def maybe_expression(self, text: str, rel: str, line: int) -> None:
        """A string in a data position: Murano evaluates it if it parses as yaql."""
        if yaqlcheck.is_literal(text):
            return
        looks = yaqlcheck.looks_like_expression(text)
        if not looks and not yaqlcheck.may_name_resources(text):
            return  # whatever yaql makes of it, there is nothing to report or record
        parsed, error = yaqlcheck.compile_expression(text, self._legacy(rel))
        if error is None:
            self._note_resources(text, rel, line)
        elif looks:
            self.report("Y002", rel, line,
                        f"{_short(text)!r} looks like an expression but does not compile: "
                        f"{error}")

    def data(self, value: Any, rel: str, line: int) -> None:
        """Check every string of a data value (keys too) with :meth:`maybe_expression`."""
        stack = [(value, line)]
        while stack:
            item, where = stack.pop()
            if isinstance(item, str):
                self.maybe_expression(item, rel, where)
            elif isinstance(item, YamlMap):
                for key, sub in item.items():
                    if isinstance(key, str):
                        self.maybe_expression(key, rel, item.key_line(key, where))
                    stack.append((sub, item.value_line(key, where)))
            elif isinstance(item, dict):
                for key, sub in item.items():
                    if isinstance(key, str):
                        self.maybe_expression(key, rel, where)
                    stack.append((sub, where))
            elif isinstance(item, list):
                for index, sub in enumerate(item):
                    stack.append((sub, line_of(item, index, where)))

    def _note_resources(self, text: str, rel: str, line: int) -> None:
        if rel == MANIFEST or not rel.startswith("Classes/"):
            return
        for name in yaqlcheck.resource_names_in(text, self._legacy(rel)):
            self.resource_refs.append((name, rel, line))


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."
