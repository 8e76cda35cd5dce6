"""The muranokit command on upstream-shaped input: plain strings into state and reports,
format-1 agent plans, and Python errors reported without a traceback."""

import json

import pytest
from realworld_support import environment, fixture, instance

APP = "c0000000000000000000000000000001"
VM = "c0000000000000000000000000000002"
CIDR = "192.168.0.0/16"


def write_model(tmp_path, **props):
    app = {"?": {"id": APP, "type": "rw.cli.App"}, "name": "probe",
           "instance": instance(VM), **props}
    path = tmp_path / "model.json"
    path.write_text(json.dumps(environment(app)))
    return path


def test_quoted_default_reaches_state_and_json_report(cli, tmp_path):
    state = tmp_path / "state"
    result = cli("deploy", write_model(tmp_path), "-p", fixture("clipkg"),
                 "--state", state, "--report", "json")
    assert result.code == 0, result.err
    final = json.loads(result.out.splitlines()[-1])
    assert final["status"] == "ok"
    assert CIDR in json.dumps(final["templates"])
    assert CIDR in (state / "heat-templates.yaml").read_text()


def test_quoted_default_in_html_report(cli, tmp_path):
    report = tmp_path / "report.html"
    result = cli("deploy", write_model(tmp_path), "-p", fixture("clipkg"),
                 "--report", "html", "-o", report)
    assert result.code == 0, result.err
    assert CIDR in report.read_text()


def test_format_1_plan_is_sent_to_the_agent(cli, tmp_path):
    result = cli("deploy", write_model(tmp_path, pushTemplate=False, useV1Plan=True),
                 "-p", fixture("clipkg"), "--report", "json")
    assert result.code == 0, result.err
    plans = [json.loads(line) for line in result.out.splitlines()]
    plans = [e for e in plans if e.get("kind") == "agent_plan"]
    assert len(plans) == 1
    assert "probe.ps1" in json.dumps(plans[0])


def test_python_error_is_reported_by_name_without_traceback(cli, tmp_path):
    result = cli("deploy", write_model(tmp_path, pushTemplate=False, explode=True),
                 "-p", fixture("clipkg"))
    assert result.code == 1
    assert "Traceback" not in result.err
    assert "StopIteration" in result.err
    assert "App.yaml" in result.err


def test_budget_flags_stop_a_deployment_with_a_muranopl_error(cli, tmp_path):
    report = tmp_path / "report.json"
    result = cli("deploy", write_model(tmp_path), "-p", fixture("clipkg"),
                 "--max-steps", "600", "--report", "json", "-o", report)
    assert result.code == 1
    assert "StepBudgetExceeded" in result.err and "600 steps" in result.err
    assert "Traceback" not in result.err
    final = json.loads(report.read_text().splitlines()[-1])
    assert final["status"] == "failed"


def test_budget_flags_of_muranokit_test(cli):
    assert cli("test", fixture("budgetpkg")).code == 0
    result = cli("test", fixture("budgetpkg"), "--max-steps", "100")
    assert result.code == 1
    assert "LoopTest.testShort ... ok" in result.out
    assert "LoopTest.testCounting ... FAILED" in result.out
    assert "StepBudgetExceeded" in result.out and "LoopTest.yaml" in result.out


def test_budget_exceeded_while_loading_the_model_is_failed_work_not_bad_input(cli, tmp_path):
    result = cli("deploy", write_model(tmp_path), "-p", fixture("clipkg"), "--max-steps", "1")
    assert result.code == 1, result.err
    assert "loading the object model stopped" in result.err
    assert "StepBudgetExceeded" in result.err and "unusable" not in result.err


@pytest.mark.parametrize(("flag", "value"), [
    ("--max-seconds", "nan"), ("--max-seconds", "inf"), ("--max-steps", "-2"),
    ("--max-collection", "many")])
def test_budget_flags_refuse_what_is_not_a_limit(cli, tmp_path, capsys, flag, value):
    with pytest.raises(SystemExit) as info:
        cli("deploy", write_model(tmp_path), "-p", fixture("clipkg"), flag, value)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {flag}:" in err and repr(value) in err and "Traceback" not in err
