"""Reading murano-agent's log: per plan, each script's exit code, output and the duration.

``data/agent.log`` has the shape of Debian's murano-agent 10 debug log (records of a real
run, paths shortened).
"""

from __future__ import annotations

from pathlib import Path

from muranokit.tools.localcloud import guestlog

SAMPLE = (Path(__file__).parent / "data" / "agent.log").read_text()


def test_each_plan_has_its_scripts_with_exit_codes_and_output() -> None:
    runs = guestlog.plan_runs(SAMPLE)
    assert set(runs) == {"aaa111", "bbb222"}
    hello = runs["aaa111"]
    assert [(s.name, s.exit_code) for s in hello.scripts] == [("hello.sh", 0)]
    assert hello.scripts[0].stdout == "hello x\nsecond line"
    assert hello.scripts[0].stderr == "to-stderr"
    assert abs(hello.duration - 0.2) < 0.01
    fail = runs["bbb222"]
    assert [(s.name, s.exit_code, s.stderr) for s in fail.scripts] == [
        ("fail.sh", 3, "bad thing")]
    assert abs(fail.duration - 2.33) < 0.01


def test_a_plan_still_running_has_no_exit_code_yet() -> None:
    partial = "\n".join(SAMPLE.splitlines()[:3])
    run = guestlog.plan_runs(partial)["aaa111"]
    assert [(s.name, s.exit_code) for s in run.scripts] == [("hello.sh", None)]


def test_tail_keeps_the_last_lines() -> None:
    text = "\n".join(f"line {i}" for i in range(100))
    assert guestlog.tail(text, 3) == "line 97\nline 98\nline 99"
    assert len(guestlog.tail("x" * 5000, 3, 100)) == 100


def test_vendor_config_streams_the_agent_log_to_the_virtio_port() -> None:
    assert guestlog.VENDOR_CONFIG.startswith("#cloud-config\n")
    assert f"/dev/virtio-ports/{guestlog.PORT_NAME}" in guestlog.VENDOR_CONFIG
    assert guestlog.AGENT_LOG in guestlog.VENDOR_CONFIG
