"""tests/conftest.py's gates: a missing capability skips, or fails where the env requires it;
an ``unprivileged`` test meets file modes as an ordinary user even when run as root."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]

SAMPLE = textwrap.dedent("""\
    import os
    import pytest

    @pytest.mark.needs("muranokit-no-such-command")
    def test_needs_a_missing_command():
        pass

    @pytest.mark.needs("sh")
    def test_needs_a_present_command():
        pass

    def test_finds_out_late(missing_capability):
        missing_capability("mirror", "mirror unreachable")

    @pytest.mark.unprivileged
    def test_read_only_folder_refuses_a_write(tmp_path):
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o555)
        with pytest.raises(PermissionError):
            (folder / "file").write_text("x")
        # a program started from the test does not regain the power either
        assert os.system(f"touch {folder}/other 2>/dev/null") != 0

    @pytest.mark.unprivileged
    def test_failure_in_the_child_is_reported():
        assert 1 + 1 == 3, "child assertion"
    """)


def run_sample(tmp_path: Path, require: str | None) -> dict[str, tuple[str, str]]:
    """Run the sample under tests/conftest.py; test name -> (outcome, message)."""
    folder = tmp_path / f"sample-{require}"
    folder.mkdir()
    shutil.copy(TESTS / "conftest.py", folder / "conftest.py")
    (folder / "test_sample.py").write_text(SAMPLE)
    env = {k: v for k, v in os.environ.items() if k != "MURANOKIT_REQUIRE"}
    if require is not None:
        env["MURANOKIT_REQUIRE"] = require
    report = folder / "report.xml"
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                    "--rootdir", str(folder), "--junitxml", str(report), str(folder)],
                   env=env, capture_output=True, text=True, timeout=120, cwd=folder)
    outcomes = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        outcome, message = "passed", ""
        for child in case:
            if child.tag in ("skipped", "failure", "error"):
                outcome, message = child.tag, child.get("message", "") + (child.text or "")
        outcomes[case.get("name")] = (outcome, message)
    return outcomes


def test_missing_capability_skips_unless_the_env_requires_it(tmp_path: Path) -> None:
    free = run_sample(tmp_path, None)
    assert free["test_needs_a_missing_command"][0] == "skipped"
    assert "needs muranokit-no-such-command" in free["test_needs_a_missing_command"][1]
    assert free["test_needs_a_present_command"][0] == "passed"
    assert free["test_finds_out_late"][0] == "skipped"
    assert "mirror unreachable" in free["test_finds_out_late"][1]

    strict = run_sample(tmp_path, "all")
    assert strict["test_needs_a_missing_command"][0] == "error"  # fails at set-up
    assert "this env requires it" in strict["test_needs_a_missing_command"][1]
    assert strict["test_needs_a_present_command"][0] == "passed"
    assert strict["test_finds_out_late"][0] == "failure"

    listed = run_sample(tmp_path, "mirror")  # only the capabilities named
    assert listed["test_needs_a_missing_command"][0] == "skipped"
    assert listed["test_finds_out_late"][0] == "failure"


def test_unprivileged_tests_run_and_check_even_as_root(tmp_path: Path) -> None:
    outcomes = run_sample(tmp_path, None)
    assert outcomes["test_read_only_folder_refuses_a_write"] == ("passed", "")
    outcome, message = outcomes["test_failure_in_the_child_is_reported"]
    assert outcome == "failure" and "child assertion" in message
