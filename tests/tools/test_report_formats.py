"""Text, JSON lines and HTML reports: content, masking and byte-for-byte determinism."""

import json
import sys
from pathlib import Path

import pytest

from muranokit.tools.report import FORMATS, render

sys.path.insert(0, str(Path(__file__).parent))
from report_trace import make_trace  # noqa: E402


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_same_trace_same_bytes_and_no_secret(tmp_path, fmt):
    first = render(make_trace(tmp_path / "a"), fmt)
    second = render(make_trace(tmp_path / "b"), fmt)
    assert first == second
    assert "Pa55word!" not in first
    assert "***" in first


def test_text_report_numbers_steps_and_shows_plans(tmp_path):
    text = render(make_trace(tmp_path, fail_second=True), "text")
    lines = text.splitlines()
    assert lines[0] == "# web dry-run"
    assert lines[1].startswith("[1] heat push env-1: ok +web-1 +web-2")
    assert "agent call web-1: Install web -> ok" in text
    assert "agent call web-2: Install web -> failed" in text
    assert "  error: apt failed" in text
    assert "exception io.murano.system.AgentException: apt failed" in text
    assert "at com.example.Web.deploy (Web.yaml:12)" in text
    assert lines[-1] == "# result: failed (8 events, 2 VMs)"


def test_json_lines_are_events_then_result(tmp_path):
    trace = make_trace(tmp_path)
    rows = [json.loads(line) for line in render(trace, "json").splitlines()]
    assert [r["kind"] for r in rows[:-1]] == [e["kind"] for e in trace.events]
    assert rows[-1]["kind"] == "result" and rows[-1]["status"] == "ok"
    assert rows[-1]["model"]["Objects"]["applications"][0]["dbPassword"] == "***"
    plan = next(r for r in rows if r["kind"] == "agent_plan")
    assert plan["parameters"] == {"dbPassword": "***", "site": "example"}
    assert plan["files"][0]["body"].startswith("#!/bin/sh")


def test_html_is_self_contained_and_escaped(tmp_path):
    page = render(make_trace(tmp_path), "html")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert 'data-vm="web-1"' in page and 'data-vm="web-2"' in page
    assert "Installing &lt;web&gt;" in page
    assert "apt-get install &lt;nginx&gt;" in page
    assert "OS::Nova::Server" in page  # the final template


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown report format 'pdf'"):
        render(make_trace(tmp_path), "pdf")
