"""io.murano.configuration.Linux: runCommand/putFile send named v2 plans through the agent."""

from muranokit.engine.corelib.cloud import Cloud


def test_run_command_and_put_file_send_named_plans(make_runtime):
    rt = make_runtime("linuxconf", cloud=Cloud())
    runner = rt.new("test.linux.Runner", name="vm1")
    assert rt.call(runner, "run") == ""
    plans = [e for e in rt.events if e["kind"] == "agent_plan"]
    assert [(p["vm"], p["name"]) for p in plans] == [("vm1", "Say hi"),
                                                     ("vm1", "Put to /etc/x.conf")]
    assert plans[0]["parameters"]["command"] == "echo hi"
    assert plans[0]["parameters"]["verifyExitcode"] is True
    assert plans[1]["parameters"]["content"] == "ZGF0YQ=="     # base64 of 'data'
