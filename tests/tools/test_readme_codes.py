"""README.rst documents exactly the validation codes the validator can report."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from muranokit.tools.validate.findings import CODES

ROOT = Path(__file__).resolve().parents[2]


def test_readme_table_matches_codes():
    text = (ROOT / "README.rst").read_text()
    section = text[text.index("muranokit validate\n=================="):]
    rows = re.findall(r"^([A-Z]\d{3})  (error|warning)\s+(.+)$", section, re.M)
    assert {code: (level, meaning) for code, level, meaning in rows} == CODES


def test_every_code_is_reported_somewhere():
    sources = "".join(p.read_text() for p in (ROOT / "tools/validate").glob("*.py")
                      if p.name != "findings.py")
    reported = set(re.findall(r'"([A-Z]\d{3})"', sources))
    assert reported == set(CODES)


def test_every_code_has_a_behaviour_test():
    """Each code is the expected output of a bad-input case (tests/data/bad/*/case.yaml, run
    through the CLI by test_bad_input.py) or asserted by a validate test under tests/tools."""
    expected = set()
    for case in (ROOT / "tests/data/bad").glob("*/case.yaml"):
        output = yaml.safe_load(case.read_text())["output"]
        expected |= set(re.findall(r"\b([A-Z]\d{3})\b", output))
    for test in (ROOT / "tests/tools").glob("test_*.py"):
        if test.name != Path(__file__).name:
            expected |= set(re.findall(r"\b([A-Z]\d{3})\b", test.read_text()))
    assert sorted(set(CODES) - expected) == []
