"""Catalog apps over a deployment's life: secrets in every report format, an injected
failure of the container step and the recovery, pod actions with apps on the pod, and
models built from the apps' forms (UI/ui.yaml) the way the dashboard builds them.
"""

from __future__ import annotations

import pytest
from app_catalog import APPS_DIR, BY_FOLDER
from app_dryrun_support import (
    APP_ID,
    ENV,
    HOST_MODEL,
    MASKED,
    MASTER_VM,
    POD,
    POD_MODEL,
    PROPS,
    RC_DELETE_PLAN,
    RC_PLAN,
    RUN_PLAN,
    SERVICE_DELETE_PLAN,
    SERVICE_PLAN,
    STANDALONE,
    Run,
    app_object,
    deploy,
    gateway_ips,
    host_id,
    model_with,
    rc_container,
    run_cli,
    secrets_of,
)

from muranokit.tools.cli import main
from muranokit.tools.forms import build_application, parse_set

WITH_SECRETS = [name for name, props in PROPS.items() if secrets_of(props)]
# apps whose ports do not clash, so that they share one pod
ON_ONE_POD = ["MySQL", "Redis", "Grafana", "Elasticsearch", "RabbitMQ", "MongoDB"]


def _object_id(index: int) -> str:
    return f"{index + 1:02x}" * 16


def _many_apps(base, kind: str, names: list[str]) -> dict:
    model = model_with(base)
    host = host_id(model, kind)
    model["Objects"]["applications"] += [
        app_object(BY_FOLDER[name], host, name=name.lower(), object_id=_object_id(i))
        for i, name in enumerate(names)]
    return model


@pytest.mark.parametrize("report", ["text", "json", "html"])
@pytest.mark.parametrize("base, kind, names", [
    (POD_MODEL, POD, ON_ONE_POD), (HOST_MODEL, STANDALONE, WITH_SECRETS)],
    ids=["pod", "standalone"])
def test_passwords_stay_out_of_every_report_format(report, base, kind, names, tmp_path,
                                                   in_repo):
    model = _many_apps(base, kind, names)
    run = deploy(model, tmp_path / "run", tmp_path / "state", report=report)
    assert run.code == 0, run.text[-2000:]
    secrets = [s for name in names for s in secrets_of(PROPS[name])]
    assert len(secrets) >= len(names)
    for secret in secrets:
        assert secret not in run.text, secret
    # the report does show the containers, their images and the masked variables
    for name in names:
        assert BY_FOLDER[name].image in run.text, name
    assert MASKED in run.text
    assert "MYSQL_ROOT_PASSWORD" in run.text

    # nor does removing them all again show a secret
    later = deploy(model_with(base), tmp_path / "later", tmp_path / "state", report=report)
    assert later.code == 0
    for secret in secrets:
        assert secret not in later.text, secret


FAILURE = "docker: Error response from daemon: driver failed programming external connectivity"


@pytest.mark.parametrize("base, kind, plan, vm", [
    (POD_MODEL, POD, RC_PLAN, MASTER_VM),
    (HOST_MODEL, STANDALONE, RUN_PLAN, "docker-host-1")], ids=["pod", "standalone"])
def test_a_failed_container_step_is_reported_and_a_later_deploy_recovers(
        base, kind, plan, vm, tmp_path, in_repo):
    facts = BY_FOLDER["Redis"]
    model = model_with(base)
    model["Objects"]["applications"].append(app_object(facts, host_id(model, kind)))
    rules = tmp_path / "rules.yaml"
    rules.write_text(f'agent:\n  - plan: "{plan}"\n    vm: "{vm}"\n'
                     f'    fail: "{FAILURE}"\n    times: 1\n')
    state = tmp_path / "state"

    failed = deploy(model, tmp_path / "failed", state, rules=rules)
    assert failed.code == 1
    assert len(failed.plans(plan, vm)) == 1
    errors = failed.reports(APP_ID, "error")
    assert len(errors) == 1 and FAILURE in errors[0]
    exception = [e for e in failed.events if e.get("kind") == "exception"]
    assert [e["type"] for e in exception] == ["io.murano.system.AgentException"]
    assert [e for e in failed.events if e.get("kind") == "result"][0]["status"] == "failed"
    assert "Secret-Redis" not in failed.text
    assert not failed.obj(APP_ID).get("applicationEndpoints")

    recovered = deploy(None, tmp_path / "recovered", state)  # the saved deployment again
    assert recovered.code == 0, recovered.text[-2000:]
    assert recovered.reports(APP_ID, "error") == []
    endpoints = recovered.obj(APP_ID)["applicationEndpoints"]
    assert {e["containerPort"] for e in endpoints} == {6379}
    if kind == POD:
        container = rc_container(recovered, "app1")["container"]
        assert container["image"] == facts.image
        assert {e["name"]: e["value"] for e in container["env"]} == ENV["Redis"]
        assert len(recovered.plans(SERVICE_PLAN, MASTER_VM)) == 1
    else:
        runs = recovered.plans(RUN_PLAN, vm)
        assert [(r["parameters"]["name"], r["parameters"]["image"]) for r in runs] == [
            ("app1", facts.image)]
        assert runs[0]["parameters"]["env"] == ENV["Redis"]
    assert "Secret-Redis" not in recovered.text


def _published(run: Run, model: dict) -> dict[str, list]:
    """App name -> its service endpoints (not host-only) in the cluster of the run's model."""
    out: dict[str, list] = {}
    for name in ("mysql", "redis"):
        out[name] = sorted((e["scope"], e["containerPort"], e["port"], e["address"])
                           for e in run.endpoints_of(model, name) if e["scope"] != "host")
    return out


def test_pod_actions_keep_the_apps_controller_and_services(tmp_path, in_repo):
    model = _many_apps(POD_MODEL, POD, ["MySQL", "Redis"])
    pod_id = host_id(model, POD)
    state = tmp_path / "state"
    first = deploy(model, tmp_path / "deploy", state)
    assert first.code == 0, first.text[-2000:]
    replicas = first.obj(pod_id)["replicas"]
    endpoints = _published(first, model)
    assert endpoints["mysql"] and endpoints["redis"]

    def action(name: str) -> Run:
        run = run_cli(["action", "--state", str(state), pod_id, name],
                      tmp_path / f"{name}.json")
        assert run.code == 0, run.text[-2000:]
        assert not run.plans(RC_DELETE_PLAN) and not run.plans(SERVICE_DELETE_PLAN)
        assert _published(run, model) == endpoints
        for app in ("mysql", "redis"):
            assert run.obj(next(a["?"]["id"] for a in model["Objects"]["applications"]
                                if a["name"] == app))["applicationEndpoints"]
        return run

    up = action("scalePodUp")
    assert [p["parameters"] for p in up.plans("Resize a replication controller", MASTER_VM)] \
        == [{"rcName": "web", "replicas": replicas + 1}]
    assert up.obj(pod_id)["replicas"] == replicas + 1
    down = action("scalePodDown")
    assert [p["parameters"] for p in down.plans("Resize a replication controller")] == [
        {"rcName": "web", "replicas": replicas}]
    recreated = action("recreatePod")
    assert [p["parameters"] for p in recreated.plans("Delete pods by label", MASTER_VM)] == [
        {"selector": "id=web"}]
    assert "Pod web recreated" in recreated.reports(pod_id)

    # the next deploy still knows both containers: nothing is deleted or published anew
    again = deploy(None, tmp_path / "again", state)
    assert again.code == 0, again.text[-2000:]
    assert not again.plans(RC_DELETE_PLAN) and not again.plans(SERVICE_DELETE_PLAN)
    assert _published(again, model) == endpoints
    for plan in again.plans(RC_PLAN):
        names = {c["name"] for c in plan["parameters"]["definition"]["spec"]["template"][
            "spec"]["containers"]}
        assert names == {"mysql", "redis"}
    assert "Root-Secret-MySQL" not in again.text + up.text + recreated.text


# --- models built from the forms (what `deploy --app FQN --set` does, plus a host) -------
def _from_form(folder: str, values: list[str], name: str) -> dict:
    app, _secret_fields = build_application(APPS_DIR / folder / "UI" / "ui.yaml",
                                            parse_set(values), name)
    return app


def test_mysql_from_its_form_on_a_pod(tmp_path, in_repo):
    model = model_with(POD_MODEL)
    app = _from_form("MySQL", [f"host={host_id(model, POD)}", "name=shopdb",
                               "rootPassword=Form-Secret-Root", "database=shop", "user=shop",
                               "userPassword=Form-Secret-User", "dataPath=/srv/mysql"], "shopdb")
    model["Objects"]["applications"].append(app)
    run = deploy(model, tmp_path / "run", tmp_path / "state")
    assert run.code == 0, run.text[-2000:]
    spec = rc_container(run, "shopdb")
    container = spec["container"]
    assert container["image"] == "mysql:8.4"
    assert {e["name"]: e["value"] for e in container["env"]} == {
        "MYSQL_ROOT_PASSWORD": MASKED, "MYSQL_DATABASE": "shop", "MYSQL_USER": "shop",
        "MYSQL_PASSWORD": MASKED}
    (mount,) = container["volumeMounts"]
    assert mount["mountPath"] == "/var/lib/mysql"
    assert [v["hostPath"] for v in spec["volumes"] if v["name"] == mount["name"]] == [
        {"path": "/srv/mysql"}]
    # the form's default scope is internal: a service, but nothing on the gateways
    assert {e["scope"] for e in run.endpoints_of(model, "shopdb")} == {"internal", "host"}
    assert "Form-Secret-Root" not in run.text and "Form-Secret-User" not in run.text


def test_elasticsearch_from_its_form_on_a_pod(tmp_path, in_repo):
    model = model_with(POD_MODEL)
    app = _from_form("Elasticsearch", [f"host={host_id(model, POD)}",
                                       "elasticPassword=Form-Secret-Elastic", "heapSize=1g"],
                     "elasticsearch")
    model["Objects"]["applications"].append(app)
    run = deploy(model, tmp_path / "run", tmp_path / "state")
    assert run.code == 0, run.text[-2000:]
    container = rc_container(run, "elasticsearch")["container"]
    env = {e["name"]: e["value"] for e in container["env"]}
    assert (env["discovery.type"], env["cluster.name"]) == ("single-node", "murano")
    assert env["ES_JAVA_OPTS"] == "-Xms1g -Xmx1g"
    assert env["ELASTIC_PASSWORD"] == MASKED
    # HTTP (cloud scope by default) through the gateways, transport only inside
    outside = {e["containerPort"] for e in run.endpoints_of(model, "elasticsearch")
               if e["scope"] == "cloud" and e["address"] in gateway_ips(run)}
    assert outside == {9200}
    assert "Form-Secret-Elastic" not in run.text


@pytest.mark.parametrize("base, kind", [(POD_MODEL, POD), (HOST_MODEL, STANDALONE)],
                         ids=["pod", "standalone"])
def test_guestbook_from_its_forms(base, kind, tmp_path, in_repo):
    model = model_with(base)
    host = host_id(model, kind)
    app = _from_form("GuestBook", [f"host={host}", f"masterHost={host}", f"slaveHost={host}",
                                   "slaveCount=2"], "guestbook")
    assert len(app["redisSlaves"]) == 2
    model["Objects"]["applications"].append(app)
    run = deploy(model, tmp_path / "run", tmp_path / "state")
    if kind == POD:
        # three containers in one pod would all listen on 6379 (the pod's shared network):
        # the pod refuses the second one
        assert run.code == 1
        exception = [e for e in run.events if e.get("kind") == "exception"]
        assert "PortConflictException" in exception[0]["type"]
        assert "6379" in exception[0]["message"]
        return
    assert run.code == 0, run.text[-2000:]
    runs = {p["parameters"]["name"]: p["parameters"] for p in run.plans(RUN_PLAN)}
    assert len(runs) == 4
    front = runs.pop("guestbook")
    assert front["image"] == "gcr.io/google-samples/gb-frontend:v4"
    assert front["publish"] == ["80:80/tcp"]
    assert {r["image"] for r in runs.values()} == {"redis:7.2"}
    assert sorted(p for r in runs.values() for p in r["publish"]) == [
        "1025:6379/tcp", "1026:6379/tcp", "6379:6379/tcp"]


def test_docker_app_from_its_form_on_a_standalone_host(tmp_path, in_repo):
    model = model_with(HOST_MODEL)
    app = _from_form("DockerApp", [f"host={host_id(model, STANDALONE)}", "name=whoami",
                                   "image=traefik/whoami:v1.10", "ports=80, 8443",
                                   "portScope=host", "env=WHOAMI_NAME=form"], "whoami")
    model["Objects"]["applications"].append(app)
    run = deploy(model, tmp_path / "run", tmp_path / "state")
    assert run.code == 0, run.text[-2000:]
    params = run.plans(RUN_PLAN)[0]["parameters"]
    assert (params["name"], params["image"]) == ("whoami", "traefik/whoami:v1.10")
    assert params["publish"] == ["127.0.0.1:80:80/tcp", "127.0.0.1:8443:8443/tcp"]
    assert params["env"] == {"WHOAMI_NAME": "form"}
    app_id = app["?"]["id"]
    assert {(e["containerPort"], e["scope"]) for e in run.obj(app_id)[
        "applicationEndpoints"]} == {(80, "host"), (8443, "host")}


def test_a_form_host_must_name_an_object_of_the_model(tmp_path, in_repo, capsys):
    model = model_with(POD_MODEL)
    missing = "f" * 32
    model["Objects"]["applications"].append(_from_form("Nginx", [f"host={missing}"], "nginx"))
    run = deploy(model, tmp_path / "run", tmp_path / "state")
    assert run.code == 2
    error = capsys.readouterr().err
    assert f'com.example.docker.DockerNginx.host: Object "{missing}" is not found' in error
    assert "Traceback" not in error


@pytest.mark.parametrize("fqn", ["com.example.docker.DockerNginx",
                                 "com.example.docker.DockerGuestBook"])
def test_deploy_from_a_form_without_a_host_is_refused(fqn, tmp_path, in_repo, capsys):
    out = tmp_path / "report.json"
    code = main(["deploy", "--app", fqn, "--set", "name=web", "-o", str(out)])
    assert code == 2
    error = capsys.readouterr().err
    assert "appConfiguration.host: this field is required" in error
    assert "Traceback" not in error
    assert not out.exists()
