"""The HTML report opened in headless Chromium (Debian's ``chromium``): the page renders."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from muranokit.tools.report import render

sys.path.insert(0, str(Path(__file__).parent))
from report_trace import make_trace  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian package chromium not installed"
                                " (.ci/run installs it)")


def _chromium(profile: Path, *args: str) -> subprocess.CompletedProcess:
    """Headless Chromium with a throw-away profile folder and no background networking."""
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                           "--no-first-run", "--disable-background-networking",
                           "--disable-component-update", "--disable-sync",
                           f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120, check=False)


def test_chromium_shows_the_timeline_per_vm(tmp_path):
    page = tmp_path / "report.html"
    page.write_text(render(make_trace(tmp_path, fail_second=True), "html"), encoding="utf-8")
    done = _chromium(tmp_path / "profile", "--dump-dom", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    # the DOM Chromium built (not our source text): the timeline boxes and their entries
    timeline = dom.split('id="timeline"', 1)[1].split("<h2>", 1)[0]
    assert timeline.count('class="vm"') == 2
    assert "agent call web-1: Install web -&gt; ok" in timeline
    assert 'class="status-failed">agent call web-2: Install web -&gt; failed' in timeline
    assert "Pa55word!" not in dom


def test_chromium_renders_a_screenshot(tmp_path):
    page = tmp_path / "report.html"
    page.write_text(render(make_trace(tmp_path), "html"), encoding="utf-8")
    shot = tmp_path / "shot.png"
    done = _chromium(tmp_path / "profile", f"--screenshot={shot}", "--window-size=1000,800",
                     page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
