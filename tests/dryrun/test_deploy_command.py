"""`muranokit deploy`: a one-VM application end to end, reports, secrets, determinism."""

from __future__ import annotations

from pathlib import Path

from dryrun_support import APP_ID, HELLO_PKG, PASSWORD


def test_deploy_runs_every_step_of_the_application(cli, hello: Path) -> None:
    run = cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--report", "json")
    assert run.code == 0, run.err
    events = run.events()
    kinds = [e["kind"] for e in events]
    # the order Murano would run: report, Heat pushes, VM, agent plan, final report
    assert kinds.index("report") < kinds.index("heat_push") < kinds.index("vm_created") \
        < kinds.index("agent_plan")
    plan = next(e for e in events if e["kind"] == "agent_plan")
    assert plan["vm"] == "hello-1" and plan["name"] == "Say hello"
    assert plan["scripts"] == ["sayHello"]
    assert {f["name"] for f in plan["files"]} == {"say-hello.sh", "common.sh"}
    body = next(f["body"] for f in plan["files"] if f["name"] == "say-hello.sh")
    assert "/var/www/index.html" in body          # file contents travel with the plan
    assert plan["parameters"]["greeting"] == "Hello"
    reports = [e["text"] for e in events if e["kind"] == "report"]
    assert reports[0] == "Creating the VM of hello"
    assert reports[-1].startswith("hello says Hello at 10.0.")
    result = run.result()
    assert result["status"] == "ok"
    app = result["model"]["Objects"]["applications"][0]
    assert app["?"]["id"] == APP_ID
    assert app["instance"]["ipAddresses"][0].startswith("10.0.")
    assert app["instance"]["floatingIpAddress"] == app["instance"]["ipAddresses"][-1]
    (stack, template), = result["templates"].items()
    assert template["resources"]["hello-1"]["type"] == "OS::Nova::Server"


def test_text_report_is_the_default(cli, hello: Path) -> None:
    run = cli("deploy", "-p", HELLO_PKG, hello / "model.json")
    assert run.code == 0
    assert run.out.startswith("# muranokit deploy ")
    assert "agent call hello-1: Say hello -> ok" in run.out
    assert "vm created hello-1" in run.out
    assert "  scripts: sayHello (say-hello.sh)" in run.out          # the entry point
    assert "report [HelloWorld hello (7c1a0c3e)]: hello says Hello" in run.out
    assert run.out.rstrip().endswith("# result: ok (7 events, 1 VM)")   # not "1 VMs"


def test_same_input_gives_the_same_bytes(cli, hello: Path) -> None:
    first = cli("deploy", "-p", HELLO_PKG, hello / "model-two-apps.json", "--report", "json")
    second = cli("deploy", "-p", HELLO_PKG, hello / "model-two-apps.json", "--report", "json")
    assert first.code == second.code == 0
    assert first.out == second.out
    assert len(first.events()) > 10


def test_secrets_are_masked_in_every_report_format(cli, hello: Path, tmp_path: Path) -> None:
    for fmt in ("text", "json", "html"):
        out = tmp_path / f"report.{fmt}"
        run = cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--report", fmt, "-o", out)
        assert run.code == 0 and run.out == ""
        text = out.read_text()
        assert PASSWORD not in text, fmt
        assert "***" in text, fmt
    html = (tmp_path / "report.html").read_text()
    assert html.lstrip().lower().startswith("<!doctype html")
    assert "hello-1" in html and "Say hello" in html


def test_secret_in_an_error_message_is_masked(cli, hello: Path) -> None:
    rules = hello / "leak.yaml"
    rules.write_text(f'agent:\n  - plan: "Say hello"\n    fail: "bad password {PASSWORD}"\n')
    run = cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--agent-rules", rules)
    assert run.code == 1
    assert PASSWORD not in run.out + run.err
    assert "bad password ***" in run.err


def test_packages_under_the_working_folder_are_found_by_default(cli, hello: Path,
                                                                tmp_path: Path,
                                                                monkeypatch) -> None:
    import shutil
    work = tmp_path / "repo"
    shutil.copytree(HELLO_PKG, work / "packages" / "apps" / "HelloWorld")
    monkeypatch.chdir(work)
    run = cli("deploy", hello / "model.json")
    assert run.code == 0, run.err
    without = tmp_path / "elsewhere"
    without.mkdir()
    monkeypatch.chdir(without)
    run = cli("deploy", hello / "model.json")
    assert run.code == 2 and 'Class "com.example.HelloWorld" is not found' in run.err


def test_many_instances_one_push_and_one_plan_each(cli, tmp_path: Path) -> None:
    from dryrun_support import FLEET_PKG, write_json
    model = write_json(tmp_path / "fleet.json", {"Objects": {
        "?": {"id": "env", "type": "io.murano.Environment"}, "name": "fleet",
        "defaultNetworks": {"environment": {
            "?": {"id": "net", "type": "io.murano.resources.NeutronNetwork"},
            "name": "fleet-net"}, "flat": None},
        "applications": [{"?": {"id": "fleet", "type": "com.example.bench.Fleet"},
                          "count": 4}]}})
    run = cli("deploy", "-p", FLEET_PKG, model, "--report", "json")
    assert run.code == 0, run.err
    events = run.events()
    plans = [e for e in events if e["kind"] == "agent_plan"]
    assert [p["vm"] for p in plans] == ["node-1", "node-2", "node-3", "node-4"]
    assert [p["parameters"]["node"] for p in plans] == ["node-1", "node-2", "node-3", "node-4"]
    server_pushes = [e for e in events if e["kind"] == "heat_push" and e["servers"]]
    assert len(server_pushes) == 1
    ips = [i["ipAddresses"][0] for i in
           run.result()["model"]["Objects"]["applications"][0]["instances"]]
    assert len(set(ips)) == 4


def test_package_from_a_zip(cli, hello: Path, tmp_path: Path) -> None:
    import zipfile
    archive = tmp_path / "com.example.HelloWorld.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(HELLO_PKG.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(HELLO_PKG).as_posix())
    run = cli("deploy", "-p", archive, hello / "model.json", "--report", "json")
    assert run.code == 0, run.err
    plan = next(e for e in run.events() if e["kind"] == "agent_plan")
    assert {f["name"] for f in plan["files"]} == {"say-hello.sh", "common.sh"}


def test_engine_bug_is_a_failed_deployment_not_a_traceback(cli, hello: Path, tmp_path: Path,
                                                          monkeypatch) -> None:
    from muranokit.engine import Runtime

    def broken(self, target, method, *args, **kwargs):
        raise KeyError("lost")
    monkeypatch.setattr(Runtime, "call", broken)
    state = tmp_path / "state"
    run = cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--state", state)
    assert run.code == 1
    assert "InternalError: KeyError: 'lost'" in run.err and "Traceback" not in run.err
    assert (state / "state.json").is_file()


def test_a_property_a_form_marks_as_password_is_masked(cli) -> None:
    from dryrun_support import VAULT_MODEL, VAULT_PKG
    run = cli("deploy", "-p", VAULT_PKG, VAULT_MODEL, "--report", "json")
    assert run.code == 0, run.err
    assert "8472-blue-heron" not in run.out
    log = next(e for e in run.events() if e["kind"] == "log" and e["logger"] == "vault")
    assert log["message"] == "opening the vault with ***"
    report = next(e for e in run.events() if e["kind"] == "report")
    assert report["text"] == "code *** used"
    assert run.result()["model"]["Objects"]["applications"][0]["accessCode"] == "***"
