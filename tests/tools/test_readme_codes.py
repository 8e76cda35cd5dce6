"""README.rst documents exactly the validation codes the validator can report."""

from __future__ import annotations

import re
from pathlib import Path

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
