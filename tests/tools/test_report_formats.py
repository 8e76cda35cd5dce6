"""Text, JSON lines and HTML reports: content, masking and byte-for-byte determinism."""

import json
import sys
from pathlib import Path

import pytest

from muranokit.engine import events
from muranokit.tools.report import FORMATS, render
from muranokit.tools.wording import plural

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
    assert "  at Web.yaml:12 in deploy of com.example.Web" in text
    assert "  scripts: run (install.sh)" in text
    assert lines[-1] == "# result: failed (8 events, 2 VMs)"


def test_reports_name_objects_and_frames_for_people(tmp_path):
    trace = make_trace(tmp_path)
    trace.events[:0] = [
        events.report("ead28b39d3f4552989f69b35fd83f18a", "Scaling", type_name=(
            "com.mirantis.docker.kubernetes.KubernetesCluster"), name="minimal"),
        events.exception("io.murano.system.AgentException", "boom", [
            {"file": "Web.yaml", "line": 3, "method": "deploy", "type": "com.example.Web"},
            {"file": None, "line": None, "method": "call", "type": "io.murano.system.Agent"}]),
        events.object_destroyed("3222c3930611558f8df38acb27d57ed8", "com.example.Node")]
    text = render(trace, "text")
    assert "report [KubernetesCluster minimal (ead28b39)]: Scaling" in text
    assert "  at native in call of io.murano.system.Agent" in text and "None" not in text
    assert "object.destroyed: Node (3222c393)" in text
    assert "d3f4552989f69b35fd83f18a" not in text
    page = render(trace, "html")
    assert "<td>KubernetesCluster minimal (ead28b39)</td>" in page
    assert "<li>native in call of io.murano.system.Agent</li>" in page
    assert "<td>run (install.sh)</td>" in page


def test_counts_are_singular_or_plural(tmp_path):
    trace = make_trace(tmp_path)
    trace.events[:] = [e for e in trace.events if e.get("vm") in (None, "web-1")][:1]
    assert render(trace, "text").splitlines()[-1] == "# result: ok (1 event, 0 VMs)"
    assert "1 event, 0 VMs." in render(trace, "html")
    assert [plural(n, "node") for n in (0, 1, 2)] == ["0 nodes", "1 node", "2 nodes"]
    assert plural(1, "VM") == "1 VM" and plural(3, "reply", "replies") == "3 replies"


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
