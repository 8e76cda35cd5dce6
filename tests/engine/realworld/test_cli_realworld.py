"""The muranokit command on upstream-shaped input: plain strings into state and reports,
format-1 agent plans, and Python errors reported without a traceback."""

import json

from realworld_support import environment, fixture, gap, instance

APP = "c0000000000000000000000000000001"
VM = "c0000000000000000000000000000002"
CIDR = "192.168.0.0/16"


def write_model(tmp_path, **props):
    app = {"?": {"id": APP, "type": "rw.cli.App"}, "name": "probe",
           "instance": instance(VM), **props}
    path = tmp_path / "model.json"
    path.write_text(json.dumps(environment(app)))
    return path


@gap("a quoted YAML default reaches the Heat template as QuotedStr: saving the state fails")
def test_quoted_default_reaches_state_and_json_report(cli, tmp_path):
    state = tmp_path / "state"
    result = cli("deploy", write_model(tmp_path), "-p", fixture("clipkg"),
                 "--state", state, "--report", "json")
    assert result.code == 0, result.err
    final = json.loads(result.out.splitlines()[-1])
    assert final["status"] == "ok"
    assert CIDR in json.dumps(final["templates"])
    assert CIDR in (state / "heat-templates.yaml").read_text()


@gap("a quoted YAML default reaches the Heat template as QuotedStr: the HTML report fails")
def test_quoted_default_in_html_report(cli, tmp_path):
    report = tmp_path / "report.html"
    result = cli("deploy", write_model(tmp_path), "-p", fixture("clipkg"),
                 "--report", "html", "-o", report)
    assert result.code == 0, result.err
    assert CIDR in report.read_text()


@gap("agent execution plans of FormatVersion 1.x are refused")
def test_format_1_plan_is_sent_to_the_agent(cli, tmp_path):
    result = cli("deploy", write_model(tmp_path, pushTemplate=False, useV1Plan=True),
                 "-p", fixture("clipkg"), "--report", "json")
    assert result.code == 0, result.err
    plans = [json.loads(line) for line in result.out.splitlines()]
    plans = [e for e in plans if e.get("kind") == "agent_plan"]
    assert len(plans) == 1
    assert "probe.ps1" in json.dumps(plans[0])


@gap("StopIteration raised inside yaql reaches the report as yaql's WrappedException")
def test_python_error_is_reported_by_name_without_traceback(cli, tmp_path):
    result = cli("deploy", write_model(tmp_path, pushTemplate=False, explode=True),
                 "-p", fixture("clipkg"))
    assert result.code == 1
    assert "Traceback" not in result.err
    assert "StopIteration" in result.err
    assert "App.yaml" in result.err
