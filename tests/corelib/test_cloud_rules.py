"""Agent and Heat rules files: format, matching and clear errors with file:line."""

import pytest

from muranokit.engine.corelib.cloud.rules import RulesError, load_rules, parse_rules


def test_rules_parse_both_sections():
    rules = parse_rules("agent:\n  - plan: A*\n    stdout: x\nheat:\n  - type: OS::Nova::*\n"
                        "    fail: nope\n")
    assert rules.agent[0].match == {"plan": "A*"} and rules.agent[0].answer == {"stdout": "x"}
    assert rules.heat[0].line == 5


def test_times_limits_a_rule_and_hits_carry_over():
    rules = parse_rules("agent:\n  - vm: a\n    fail: x\n    times: 1\n")
    assert rules.agent_answer("p", [], "a") is rules.agent[0]
    assert rules.agent_answer("p", [], "a") is None
    again = parse_rules("agent:\n  - vm: a\n    fail: x\n    times: 1\n", hits=rules.hits)
    assert again.agent_answer("p", [], "a") is None


@pytest.mark.parametrize("text, line, message", [
    ("agent:\n  - plan: a\n    colour: red\n", 2, "unknown key(s) colour"),
    ("- plan: a\n  fail: x\n", 1, "not a list: put the rules under 'agent:' or 'heat:'"),
    ("agent:\n  - plan: [a]\n", 2, "'plan' must be a string pattern"),
    ("heat:\n  - stack: s\n", 2, "needs 'fail'"),
    ("agent:\n  - times: 0\n    fail: x\n", 2, "positive integer"),
    ("agent: {a: 1}\n", 1, "must be a list"),
    ("vms:\n  - a\n", 1, "unknown section 'vms'"),
    ("agent:\n  - plan: a\n  -: [\n", 3, "invalid YAML"),
    ("agent:\n  - 42\n", 2, "expected a mapping"),
])
def test_malformed_rules_name_file_and_line(tmp_path, text, line, message):
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    with pytest.raises(RulesError) as info:
        load_rules(path)
    assert info.value.path == str(path)
    assert info.value.line == line
    assert message in str(info.value)
    assert str(info.value).startswith(f"{path}:{line}: ")


def test_missing_rules_file_is_a_clear_error(tmp_path):
    with pytest.raises(RulesError, match="absent.yaml: cannot read the rules file"):
        load_rules(tmp_path / "absent.yaml")
