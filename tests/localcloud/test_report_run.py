"""How reports show a plan that ran on a real VM: where, exit codes, duration, output tails,
stand-ins; a failing one with its stderr."""

from __future__ import annotations

from muranokit.engine import events
from muranokit.tools.report import Trace, render

PLAN = {"Name": "Start etcd", "ID": "abc", "Stamp": 1, "Scripts": {"run": {}},
        "Files": {"f1": {"Name": "etcd-setup.sh", "BodyType": "Text", "Body": "etcd\n"}},
        "Parameters": {"password": "s3cret-value"}, "Body": "return run().stdout"}


def plan_event(status: str, error=None, **run) -> dict:
    event = events.agent_plan("vm-1", "host-id", "call", PLAN, status,
                              None if error else "etcd is up", error)
    event["run"] = {"vm": "vm-1", "addresses": ["10.0.0.4"], "waited": 12.5, **run}
    return event


def test_text_report_shows_where_how_long_exit_codes_and_output() -> None:
    event = plan_event("ok", duration=3.2, standins=["kubectl"], scripts=[
        {"name": "etcd-setup.sh", "exitCode": 0, "stdout": "etcd is up\nmember s3cret-value",
         "stderr": ""}])
    text = render(Trace([event], {}, {}, "ok", "t"), "text")
    assert ("ran on vm-1 (10.0.0.4) in 3.2 s (answer after 12.5 s): etcd-setup.sh exit 0; "
            "calls stand-ins of a test image: kubectl") in text
    assert "    | etcd is up" in text
    assert "s3cret-value" not in text and "member ***" in text


def test_failed_plan_shows_its_stderr_in_every_format() -> None:
    error = {"message": "Script run returned error code (exit code 7): boom", "errorCode": 100}
    event = plan_event("failed", error, duration=0.4, scripts=[
        {"name": "etcd-setup.sh", "exitCode": 7, "stdout": "", "stderr": "boom"}])
    trace = Trace([event], {}, {}, "failed", "t")
    text = render(trace, "text")
    assert "error: Script run returned error code (exit code 7): boom" in text
    assert "etcd-setup.sh exit 7" in text and "    | boom" in text
    html = render(trace, "html")
    assert "etcd-setup.sh exit 7" in html and "<pre>boom</pre>" in html
    assert '"exitCode": 7' in render(trace, "json")


def test_a_sent_plan_says_so() -> None:
    event = plan_event("ok", sent=True)
    assert "ran on vm-1 (10.0.0.4), sent without waiting" in render(
        Trace([event], {}, {}, "ok", "t"), "text")
