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


# Written into a copy of the page: how many pixels the page, and each box, would scroll sideways.
MEASURE = """<script>
const root = document.documentElement;
const boxes = [...document.querySelectorAll('body *')].filter(
    e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible');
document.body.setAttribute('data-page-overflow', root.scrollWidth - root.clientWidth);
document.body.setAttribute('data-scrolling-boxes', boxes.map(e => e.tagName).join(' '));
</script></body>"""


def test_failed_deployment_stack_is_readable_and_nothing_scrolls_sideways(
        cli, hello: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    run = cli("deploy", "-p", HELLO_PKG, hello / "model-two-apps.json", "--agent-rules",
              hello / "agent-rules-fail.yaml", "--report", "html", "-o", page)
    assert run.code == 1
    measured = tmp_path / "measured.html"
    measured.write_text(page.read_text().replace("</body>", MEASURE), encoding="utf-8")
    done = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                           f"--user-data-dir={tmp_path / 'profile'}", "--window-size=800,600",
                           "--dump-dom", measured.as_uri()], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert 'data-page-overflow="0"' in dom and 'data-scrolling-boxes=""' in dom
    stack = dom.split('class="stack"', 1)[1].split("</ol>", 1)[0]
    assert "HelloWorld.yaml:51 in _runPlan of com.example.HelloWorld</li>" in stack
    assert "<li>native in call of io.murano.system.Agent</li>" in stack
    assert "{" not in stack and "None" not in stack
