"""Individual validation checks, each shown on an edited copy of a clean fixture."""

from __future__ import annotations

import pytest
from packaging_helpers import copy_fixtures, edit

from muranokit.tools.package import load_package
from muranokit.tools.validate import CODES, validate_packages
from muranokit.tools.validate.findings import Finding


def findings_after(tmp_path, name, *edits, extra=None):
    """Findings of all fixtures after applying (file, old, new) edits to fixture ``name``."""
    copies = copy_fixtures(tmp_path)
    for rel, old, new in edits:
        path = copies[name] / rel
        if old is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(new)
        else:
            edit(path, old, new)
    if extra:
        extra(copies[name])
    return validate_packages([load_package(str(p)) for p in copies.values()]), copies[name]


def codes_at(findings, rel):
    return {(f.code, f.line) for f in findings if f.path.endswith(rel)}


CASES = [
    # (fixture, file, old text, new text, expected code, text on the expected line
    #  (None: the first line of the new text))
    ("FixtureApp", "Classes/App.yaml", "Contract: $.int().notNull().check($ > 0 and $ < 65536)",
     "Contract: $.int().notNull().check($ > 0 and", "Y001", None),
    ("FixtureApp", "Classes/App.yaml", "Contract: $.string()\n    Usage: Out",
     "Contract: string\n    Usage: Out", "C010", None),
    ("FixtureApp", "Classes/App.yaml", "Extends: Service", "Extends: lib:Service", "C005", None),
    ("FixtureApp", "Classes/App.yaml", "  siteUrl:\n    Contract: $.string()\n    Usage: Out\n",
     "  siteUrl:\n    Usage: Out\n", "C006", None),
    ("FixtureApp", "Classes/App.yaml", "    Usage: Out", "    Usage: Output", "C006", None),
    ("FixtureApp", "Classes/App.yaml", "      - If: $.getAttr(deployed, false)",
     "      - Iff: $.getAttr(deployed, false)", "C008", None),
    ("FixtureApp", "Classes/App.yaml", "        Finally:\n          - $.setAttr(attempted, true)\n",
     "        Final:\n          - $.setAttr(attempted, true)\n", "C008", None),
    ("FixtureApp", "Classes/App.yaml", "  restart:\n    Scope: Public",
     "  restart:\n    Scope: Everyone", "C007", "Scope: Everyone"),
    ("FixtureApp", "Classes/App.yaml", "Name: App", "Name: app", ("C003", "C011"), None),
    ("FixtureApp", "Classes/App.yaml", "'Site is ready at ' + $.siteUrl",
     "'Site is ready at ' + $.siteUrl)", "Y001", "Site is ready"),
    ("FixtureApp", "Classes/App.yaml", "$._resources.yaml('Restart.template')",
     "$._resources.string('Restart.tmpl')", "R001", None),
    ("FixtureApp", "UI/ui.yaml", "type: integer", "type: integr", "U004", None),
    ("FixtureApp", "UI/ui.yaml", "required: true", "required: yes please", "U003", None),
    ("FixtureApp", "UI/ui.yaml", "expr: $.appConfiguration.port != 22",
     "expr: $.appConfiguration.port !=", "Y001", None),
    ("FixtureApp", "UI/ui.yaml", "Version: 2.2", "Version: 3", "U001", None),
    ("FixtureApp", "UI/ui.yaml", "  instance: $appInstance",
     "  instance: $appInstance\n  bad-key: 1", "U005", "bad-key"),
    ("FixtureApp", "manifest.yaml", "Type: Application", "Type: Service", "M004", None),
    ("FixtureApp", "manifest.yaml", "Version: 2.0.1", "Version: two", "M005", None),
    ("FixtureApp", "manifest.yaml", "Tags: [fixture, web]", "Tags: fixture", "M006", None),
    ("FixtureApp", "manifest.yaml", "Author: muranokit tests", "Authors: muranokit tests",
     "M007", None),
    ("FixtureApp", "manifest.yaml", " App.yaml\n", " Missing.yaml\n", "M008", "Missing.yaml"),
    ("FixtureApp", "manifest.yaml", "'>=1.0.0'", "'about one'", "M010", "about one"),
    ("FixtureLibrary", "Resources/Configure.template", "EntryPoint: configure.sh",
     "EntryPoint: configure.bash", "R003", None),
    ("FixtureLibrary", "Resources/Configure.template", "      - common.sh",
     "      - lib/common.sh", "R004", None),
    ("FixtureLibrary", "Resources/Configure.template", "    Type: Application",
     "    Type: Shell", "R002", None),
    ("FixtureLibrary", "Classes/Helpers.yaml", "          $memory < 1024:",
     "          $memory <:", "Y001", None),
    ("FixtureLegacy", "Classes/Legacy.yaml", "      - While: $attempt < 3",
     "      - While: $attempt <", "Y001", None),
]


@pytest.mark.parametrize("fixture, rel, old, new, code, marker", CASES,
                         ids=[f"{c[4] if isinstance(c[4], str) else c[4][-1]}-{i}"
                              for i, c in enumerate(CASES)])
def test_check_reports_code_at_line(tmp_path, fixture, rel, old, new, code, marker):
    findings, folder = findings_after(tmp_path, fixture, (rel, old, new))
    marker = (marker or new.strip().splitlines()[0]).strip()
    lines = (folder / rel).read_text().splitlines()
    line = next(number for number, text in enumerate(lines, 1) if marker in text)
    codes = code if isinstance(code, tuple) else (code,)
    assert set(codes) <= set(CODES)
    assert codes_at(findings, rel) == {(c, line) for c in codes}, findings


def test_unlisted_class_file_and_stray_top_file(tmp_path):
    findings, _ = findings_after(
        tmp_path, "FixtureLibrary",
        ("Classes/Extra.yaml", None, "Name: com.example.fixture.Extra\n"),
        ("NOTES.txt", None, "notes\n"))
    assert ("M009", 0) in codes_at(findings, "FixtureLibrary/Classes/Extra.yaml")
    assert ("P002", 0) in codes_at(findings, "FixtureLibrary/NOTES.txt")


def test_logo_and_ui_file(tmp_path):
    def remove(folder):
        (folder / "logo.png").unlink()
        (folder / "UI/ui.yaml").unlink()
    findings, _ = findings_after(tmp_path, "FixtureApp", extra=remove)
    codes = {f.code for f in findings if "FixtureApp" in f.path}
    assert codes == {"A001", "A004"}


def test_same_class_in_two_packages(tmp_path):
    findings, _ = findings_after(
        tmp_path, "FixtureLegacy",
        ("Classes/Helpers.yaml", None, "Name: com.example.fixture.Helpers\n"),
        ("manifest.yaml", "  com.example.fixture.Legacy: Legacy.yaml",
         "  com.example.fixture.Legacy: Legacy.yaml\n  com.example.fixture.Helpers: Helpers.yaml"))
    # the fixtures are validated in the order App, Legacy, Library: Legacy's comes first
    assert [(f.code, f.path.split("/")[-3:]) for f in findings] == [
        ("S003", ["FixtureLibrary", "Classes", "Helpers.yaml"])]
    assert findings[0].message == ("class com.example.fixture.Helpers is also defined by "
                                   "com.example.fixture.Legacy (Classes/Helpers.yaml)")


def test_plain_strings_are_not_expressions(tmp_path):
    findings, _ = findings_after(tmp_path, "FixtureLibrary", (
        "Classes/Helpers.yaml", "      - $text: ''",
        "      - $text: ''\n      - $cmd: 'echo $HOME > /tmp/x'\n"
        "      - $doc: 'see http://example.com/a.b'\n      - $word: plain words"))
    assert findings == []


def test_broken_data_expression_is_y002(tmp_path):
    findings, _ = findings_after(tmp_path, "FixtureLibrary", (
        "Classes/Helpers.yaml", "      - $text: ''", "      - $text: $ports.select(str($)"))
    assert [(f.code, f.line) for f in findings] == [("Y002", 16)]


def test_format_1_0_package_without_format_key(tmp_path):
    findings, folder = findings_after(tmp_path, "FixtureLegacy", (
        "manifest.yaml", "Format: MuranoPL/1.3\n", ""))
    assert findings == []
    assert load_package(str(folder)).format == (1, 0)


def test_finding_text_form():
    finding = Finding("pkg/Classes/A.yaml", 12, "Y001", "statement does not compile")
    assert finding.text() == "pkg/Classes/A.yaml:12: Y001 statement does not compile"
    assert Finding("pkg", 0, "A003", "no LICENSE file").text() == "pkg: A003 no LICENSE file"
    assert finding.as_dict()["severity"] == "error"


def test_resources_yaml_other_than_templates_is_only_looked_into(tmp_path):
    findings, _ = findings_after(
        tmp_path, "FixtureLibrary",
        ("Resources/addons/dashboard.yaml", None, "kind: Service\n---\nkind: Deployment\n"),
        ("Resources/heat/broken.yaml", None, "a: [1\n"),
        ("Resources/Broken.template", None, "FormatVersion: 2.1.0\nScripts: {a: 1\n"))
    assert [(f.code, f.path.split("/")[-1], f.line) for f in findings] == [
        ("P001", "Broken.template", 3)]


# Scope and Usage: Static are accepted in every Format, as the engine (and upstream) runs
# them: tests/tools/test_validate_engine_agreement.py shows both sides.
@pytest.mark.parametrize("fixture, rel, old, new, code", [
    ("FixtureLibrary", "Classes/Helpers.yaml", "Name: Helpers",
     "Name: Helpers\nUsage: Meta\nCardinality: Several", "C012"),
])
def test_format_and_meta_class_rules(tmp_path, fixture, rel, old, new, code):
    findings, _ = findings_after(tmp_path, fixture, (rel, old, new))
    assert code in {f.code for f in findings}, findings


def test_broken_call_in_data_is_y002_but_prose_is_not(tmp_path):
    findings, _ = findings_after(tmp_path, "FixtureLibrary", (
        "Classes/Helpers.yaml", "      - $text: ''",
        "      - $text: format('{0}', $ports\n      - $note: Deploy (with logs)"))
    assert [(f.code, f.line) for f in findings] == [("Y002", 16)]
