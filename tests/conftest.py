"""Every pytest run ends by naming, loudly, the tests that did not run.

A test skipped because this machine lacks something (root, loop devices, ``sfdisk``, a
program, a mirror) leaves a hole in what the run proves, and pytest's ``N skipped`` hides
it. The banner lists each reason with its tests. Skips whose reason names another tox
environment (``(tox -e image)``) are only counted: that environment runs them (when the
run is that environment itself, they are listed like the others).
"""

from __future__ import annotations

import os
import re
from collections import defaultdict

import pytest

_TOX_ENV = re.compile(r"\(tox -e ([\w-]+)\)")
_SHOWN_PER_REASON = 5


def _reason(report) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        text = str(longrepr[2])
    else:
        text = str(longrepr)
    return text.removeprefix("Skipped: ")


def _runs_elsewhere(reason: str) -> str | None:
    """The tox environment a skip reason leaves the test to, unless it is this one."""
    match = _TOX_ENV.search(reason)
    if match and match.group(1) != os.environ.get("TOX_ENV_NAME"):
        return match.group(1)
    return None


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """After pytest's own summary, just above its final counts."""
    yield
    _banner(terminalreporter)


def _banner(terminalreporter) -> None:
    by_reason: dict[str, list[str]] = defaultdict(list)
    for report in terminalreporter.stats.get("skipped", []):
        by_reason[_reason(report)].append(report.nodeid)
    elsewhere: dict[str, int] = defaultdict(int)
    missing: dict[str, list[str]] = {}
    for reason, nodeids in by_reason.items():
        env = _runs_elsewhere(reason)
        if env:
            elsewhere[env] += len(nodeids)
        else:
            missing[reason] = nodeids
    if missing:
        count = sum(len(ids) for ids in missing.values())
        terminalreporter.write_sep(
            "!", f"{count} test{'s' if count > 1 else ''} did NOT run on this machine",
            red=True, bold=True)
        for reason, nodeids in sorted(missing.items()):
            terminalreporter.write_line(f"{len(nodeids)} skipped: {reason}", red=True, bold=True)
            for nodeid in nodeids[:_SHOWN_PER_REASON]:
                terminalreporter.write_line(f"    {nodeid}")
            if len(nodeids) > _SHOWN_PER_REASON:
                terminalreporter.write_line(
                    f"    ... and {len(nodeids) - _SHOWN_PER_REASON} more")
    if elsewhere:
        terminalreporter.write_line(
            "left to their own tox environments: " + ", ".join(
                f"{count} to {env}" for env, count in sorted(elsewhere.items())))
