"""`deploy --report html` opened in headless Chromium: the page shows each VM's timeline."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from dryrun_support import HELLO_PKG, PASSWORD

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian package chromium not installed"
                                " (.ci/run installs it)")


def test_failed_deployment_page_in_chromium(cli, hello: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    run = cli("deploy", "-p", HELLO_PKG, hello / "model-two-apps.json", "--agent-rules",
              hello / "agent-rules-fail.yaml", "--report", "html", "-o", page)
    assert run.code == 1
    done = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                           f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
                           page.as_uri()], capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    timeline = dom.split('id="timeline"', 1)[1].split("<h2>", 1)[0]
    assert timeline.count('class="vm"') == 2
    assert "agent call hello-1: Say hello -&gt; ok" in timeline
    assert "agent call bonjour-1: Say hello -&gt; failed" in timeline
    assert "io.murano.system.AgentException" in dom
    assert PASSWORD not in dom
