"""Dry-runs (``muranokit deploy``) of every catalog app on a KubernetesPod and on a
DockerStandaloneHost: the replication controller, services and gateway endpoints, the
``docker run`` plan, removal in a later deploy, and passwords kept out of the trace.

The models leave ``image`` (and most other settings) unset, so the defaults of the class
files run as they are: quoted YAML strings such as ``'nginx:1.27'`` are literals.
"""

from __future__ import annotations

import copy
import re

import pytest
from app_catalog import APPS, BY_FOLDER
from app_dryrun_support import (
    APP_ID,
    CLUSTER,
    ENV,
    HOST_MODEL,
    MASTER_VM,
    POD,
    POD_MODEL,
    PROPS,
    PULL_PLAN,
    RC_DELETE_PLAN,
    RC_PLAN,
    REMOVE_PLAN,
    RUN_PLAN,
    SERVICE_DELETE_PLAN,
    SERVICE_PLAN,
    STANDALONE,
    app_object,
    deploy,
    gateway_ips,
    host_id,
    model_with,
    port_scopes,
    rc_container,
    secrets_of,
)

from muranokit.tools.cli import main

SIMPLE = [BY_FOLDER[name] for name in PROPS]
by_simple_app = pytest.mark.parametrize("facts", SIMPLE, ids=[f.folder for f in SIMPLE])


def _env_of(container: dict) -> dict[str, str]:
    return {e["name"]: e["value"] for e in container["env"]}


@by_simple_app
def test_on_a_kubernetes_pod_and_removed_later(facts, tmp_path, in_repo):
    base = model_with(POD_MODEL)
    model = copy.deepcopy(base)
    model["Objects"]["applications"].append(app_object(facts, host_id(model, POD)))
    state = tmp_path / "state"
    run = deploy(model, tmp_path / "run", state)
    assert run.code == 0, run.text[-2000:]

    spec = rc_container(run, "app1")
    container = spec["container"]
    assert container["image"] == facts.image  # the class default
    assert {p["containerPort"] for p in container["ports"]} == set(facts.ports)
    assert _env_of(container) == ENV[facts.folder]
    assert set(ENV[facts.folder]) <= set(facts.env)
    launch = " ".join([*container["args"], *_env_of(container).values()])
    for fragment in facts.commands:  # how the container is started (arguments or options)
        assert fragment in launch, fragment
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    assert set(mounts) == set(facts.volumes)
    sources = {v["name"]: v for v in spec["volumes"]}
    props = PROPS[facts.folder]
    host_path = props.get("dataPath") or props.get("contentPath") or props.get("webappsPath")
    for path, volume in mounts.items():
        expected = {"hostPath": {"path": host_path}} if host_path else {"emptyDir": {}}
        assert {k: v for k, v in sources[volume].items() if k != "name"} == expected, path

    # one service for the app, with one service port per port that is not host-only
    scopes = port_scopes(facts, props)
    published = sorted(p for p, s in scopes.items() if s != "host")
    services = run.plans(SERVICE_PLAN, MASTER_VM)
    assert len(services) == 1
    definition = services[0]["parameters"]["definition"]
    service_name = definition["metadata"]["name"]
    assert definition["spec"]["selector"] == {"id": "web"}
    assert sorted(p["targetPort"] for p in definition["spec"]["ports"]) == published

    # the cluster's serviceEndpoints: internal ones per published port, gateway ones for
    # the ports published outside the cluster
    mine = run.endpoints_of(model, "app1")
    assert sorted(e["containerPort"] for e in mine if e["scope"] == "internal") == published
    outside = {p for p, s in scopes.items() if s in ("public", "cloud")}
    gateways = gateway_ips(run)
    assert gateways
    assert {e["containerPort"] for e in mine
            if e["scope"] == "cloud" and e["address"] in gateways} == outside
    assert {e["containerPort"] for e in mine if e["scope"] == "public"} == {
        p for p, s in scopes.items() if s == "public"}  # the gateways' floating IPs
    assert {e["serviceName"] for e in mine if e["scope"] != "host"} == {service_name}
    assert {(e["containerPort"], e["address"]) for e in mine if e["scope"] == "host"} == {
        (p, "127.0.0.1") for p in facts.ports}
    app = run.obj(APP_ID)
    assert {e["containerPort"] for e in app["applicationEndpoints"]} == set(facts.ports)
    for secret in secrets_of(props):
        assert secret not in run.text

    # a later deploy without the app deletes its controller and its service
    later = deploy(base, tmp_path / "later", state)
    assert later.code == 0, later.text[-2000:]
    assert [p["parameters"]["services"] for p in later.plans(SERVICE_DELETE_PLAN, MASTER_VM)] \
        == [[service_name]]
    assert [p["parameters"]["rcId"] for p in later.plans(RC_DELETE_PLAN, MASTER_VM)] == ["web"]
    assert not later.plans(RC_PLAN)
    assert later.endpoints_of(base, "app1") == []


@by_simple_app
def test_on_a_standalone_docker_host_and_removed_later(facts, tmp_path, in_repo):
    base = model_with(HOST_MODEL)
    model = copy.deepcopy(base)
    model["Objects"]["applications"].append(app_object(facts, host_id(model, STANDALONE)))
    state = tmp_path / "state"
    run = deploy(model, tmp_path / "run", state)
    assert run.code == 0, run.text[-2000:]

    assert [p["parameters"]["image"] for p in run.plans(PULL_PLAN)] == [facts.image]
    runs = run.plans(RUN_PLAN)
    assert len(runs) == 1
    params = runs[0]["parameters"]
    assert (params["name"], params["image"]) == ("app1", facts.image)
    assert params["env"] == ENV[facts.folder]
    launch = " ".join([*params["commands"], *params["env"].values()])
    for fragment in facts.commands:
        assert fragment in launch, fragment
    scopes = port_scopes(facts, PROPS[facts.folder])
    published = {}
    for spec in params["publish"]:
        match = re.fullmatch(r"(127\.0\.0\.1:)?(\d+):(\d+)/(tcp|udp)", spec)
        assert match, spec
        published[int(match.group(3))] = (bool(match.group(1)), int(match.group(2)))
    assert set(published) == set(facts.ports)
    for port, (local_only, host_port) in published.items():
        assert local_only == (scopes[port] == "host")
        assert host_port == port  # the only container on the host keeps its ports
    mounted = {v.rsplit(":", 1)[-1] for v in params["volumes"]}
    assert mounted == set(facts.volumes)
    for secret in secrets_of(PROPS[facts.folder]):
        assert secret not in run.text
    endpoints = run.obj(APP_ID)["applicationEndpoints"]
    assert {e["containerPort"] for e in endpoints} == set(facts.ports)

    later = deploy(base, tmp_path / "later", state)
    assert later.code == 0, later.text[-2000:]
    assert [p["parameters"] for p in later.plans(REMOVE_PLAN)] == [{"name": "app1"}]
    assert not later.plans(RUN_PLAN)


def test_redeploy_with_nothing_changed_runs_no_container_plan(tmp_path, in_repo):
    facts = BY_FOLDER["Redis"]
    model = model_with(HOST_MODEL)
    model["Objects"]["applications"].append(
        app_object(facts, host_id(model, STANDALONE)))
    assert deploy(model, tmp_path / "one", tmp_path / "state").code == 0
    again = deploy(model, tmp_path / "two", tmp_path / "state")
    assert again.code == 0
    assert again.plans(RUN_PLAN) == []


def _guestbook(front: str, master: str, slave: str, slaves: int = 1) -> dict:
    return {"?": {"id": APP_ID, "type": "com.example.docker.DockerGuestBook"}, "name": "gb",
            "host": front,
            "redisMaster": {"?": {"id": "b1" * 16, "type": "com.example.docker.DockerRedisMaster"},
                            "name": "gb-master", "host": master},
            "redisSlaves": [
                {"?": {"id": f"c{i}" * 16, "type": "com.example.docker.DockerRedisSlave"},
                 "name": f"gb-slave-{i}", "host": slave}
                for i in range(1, slaves + 1)]}


def test_guestbook_on_three_pods(tmp_path, in_repo):
    model = model_with(POD_MODEL)
    base = copy.deepcopy(model)
    web = next(a for a in model["Objects"]["applications"] if a["?"]["type"] == POD)
    pods = {}
    for name, pid in (("redis-master", "d1" * 16), ("redis-slaves", "d2" * 16)):
        pod = copy.deepcopy(web)
        pod["?"]["id"], pod["name"] = pid, name
        model["Objects"]["applications"].append(pod)
        pods[name] = pid
    base["Objects"]["applications"] = copy.deepcopy(model["Objects"]["applications"])
    model["Objects"]["applications"].append(
        _guestbook(web["?"]["id"], pods["redis-master"], pods["redis-slaves"]))
    run = deploy(model, tmp_path / "run", tmp_path / "state")
    assert run.code == 0, run.text[-2000:]
    cluster = run.obj(host_id(model, CLUSTER))
    master_ip = next(e["address"] for e in cluster["serviceEndpoints"]
                     if e["applicationName"] == "gb-master" and e["scope"] == "internal")
    rcs = {p["parameters"]["definition"]["metadata"]["name"]: p["parameters"]["definition"]
           for p in run.plans(RC_PLAN)}
    assert set(rcs) == {"web", "redis-master", "redis-slaves"}
    images = {c["name"]: c["image"] for rc in rcs.values()
              for c in rc["spec"]["template"]["spec"]["containers"]}
    assert images == {"gb": "gcr.io/google-samples/gb-frontend:v4", "gb-master": "redis:7.2",
                      "gb-slave-1": "redis:7.2"}
    slave = rcs["redis-slaves"]["spec"]["template"]["spec"]["containers"][0]
    assert slave["args"] == ["redis-server", "--replicaof", master_ip, "6379"]
    front = rcs["web"]["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e["value"] for e in front["env"]}
    assert env["GET_HOSTS_FROM"] == "env"
    assert env["REDIS_MASTER_SERVICE_HOST"] == master_ip
    slave_endpoint = next(e for e in cluster["serviceEndpoints"]
                          if e["applicationName"] == "gb-slave-1" and e["scope"] == "internal")
    expected_reader = slave_endpoint["address"] if slave_endpoint["port"] == 6379 else master_ip
    assert env["REDIS_SLAVE_SERVICE_HOST"] == expected_reader
    # the front end is published through the gateway; redis stays inside the cluster
    front_out = [e for e in run.endpoints_of(model, "gb") if e["scope"] == "cloud"]
    assert [e["containerPort"] for e in front_out] == [80]
    assert front_out[0]["address"] in gateway_ips(run)
    assert {e["scope"] for e in cluster["serviceEndpoints"]
            if e["applicationName"] != "gb"} == {"internal", "host"}

    services = {e["serviceName"] for e in cluster["serviceEndpoints"] if e["scope"] != "host"}
    assert len(services) == 3
    later = deploy(base, tmp_path / "later", tmp_path / "state")
    assert later.code == 0, later.text[-2000:]
    deleted = [n for p in later.plans(SERVICE_DELETE_PLAN, MASTER_VM)
               for n in p["parameters"]["services"]]
    assert sorted(deleted) == sorted(services)
    assert sorted(p["parameters"]["rcId"] for p in later.plans(RC_DELETE_PLAN)) == [
        "redis-master", "redis-slaves", "web"]
    assert later.obj(host_id(base, CLUSTER))["serviceEndpoints"] == []


def test_guestbook_on_one_docker_host_reads_from_the_master(tmp_path, in_repo):
    model = model_with(HOST_MODEL)
    host = host_id(model, STANDALONE)
    model["Objects"]["applications"].append(_guestbook(host, host, host, slaves=2))
    run = deploy(model, tmp_path / "run", tmp_path / "state")
    assert run.code == 0, run.text[-2000:]
    runs = {p["parameters"]["name"]: p["parameters"] for p in run.plans(RUN_PLAN)}
    assert list(runs) == ["gb-master", "gb-slave-1", "gb-slave-2", "gb"]
    assert {n: r["image"] for n, r in runs.items()} == {
        "gb-master": "redis:7.2", "gb-slave-1": "redis:7.2", "gb-slave-2": "redis:7.2",
        "gb": "gcr.io/google-samples/gb-frontend:v4"}
    assert runs["gb-master"]["publish"] == ["6379:6379/tcp"]
    assert runs["gb-slave-1"]["publish"] == ["1025:6379/tcp"]
    assert runs["gb-slave-2"]["publish"] == ["1026:6379/tcp"]
    vm_ip = runs["gb-slave-1"]["commands"][2]
    assert runs["gb-slave-2"]["commands"] == ["redis-server", "--replicaof", vm_ip, "6379"]
    assert runs["gb"]["env"] == {"GET_HOSTS_FROM": "env", "REDIS_MASTER_SERVICE_HOST": vm_ip,
                                 "REDIS_SLAVE_SERVICE_HOST": vm_ip}


def test_orion_with_mongodb_in_the_same_pod(tmp_path, in_repo):
    base = model_with(POD_MODEL)
    model = copy.deepcopy(base)
    pod = host_id(model, POD)
    model["Objects"]["applications"].append({
        "?": {"id": APP_ID, "type": "com.example.docker.DockerOrion"}, "name": "orion",
        "host": pod,
        "mongoDb": {"?": {"id": "e1" * 16, "type": "com.example.docker.DockerMongoDB"},
                    "name": "mongo", "host": pod, "rootUser": "admin",
                    "rootPassword": "Secret-Orion-Mongo"}})
    run = deploy(model, tmp_path / "run", tmp_path / "state")
    assert run.code == 0, run.text[-2000:]
    spec = rc_container(run, "orion")
    env = {e["name"]: e["value"] for e in spec["container"]["env"]}
    assert env["ORION_MONGO_HOST"] == "127.0.0.1:27017"  # containers of a pod share localhost
    assert (env["ORION_MONGO_USER"], env["ORION_MONGO_PASSWORD"]) == ("admin", "***")
    assert {p["containerPort"] for p in spec["container"]["ports"]} == {1026}
    assert spec["container"]["image"] == "fiware/orion:3.10.1"
    assert rc_container(run, "mongo")["container"]["image"] == "mongo:6.0"
    assert "Secret-Orion-Mongo" not in run.text
    # Orion's API goes out through the gateway, MongoDB stays internal
    assert [e["containerPort"] for e in run.endpoints_of(model, "orion")
            if e["scope"] == "cloud" and e["address"] in gateway_ips(run)] == [1026]
    assert {e["scope"] for e in run.endpoints_of(model, "mongo")} == {"internal", "host"}

    later = deploy(base, tmp_path / "later", tmp_path / "state")
    assert later.code == 0, later.text[-2000:]
    assert len(later.plans(SERVICE_DELETE_PLAN, MASTER_VM)) == 2
    assert [p["parameters"]["rcId"] for p in later.plans(RC_DELETE_PLAN)] == ["web"]
    assert later.obj(host_id(base, CLUSTER))["serviceEndpoints"] == []


def test_scaffolded_package_dry_runs_on_a_pod(tmp_path, in_repo, capsys):
    target = tmp_path / "pkg" / "Whoami"
    assert main(["new-app", "traefik/whoami:v1.10", "--port", "80", "--env", "WHOAMI_NAME=me",
                 "--env", "API_TOKEN=", "--env", "ALLOW_EMPTY_PASSWORD=yes",
                 "-o", str(target)]) == 0
    capsys.readouterr()
    model = model_with(POD_MODEL)
    pod = host_id(model, POD)
    model["Objects"]["applications"].append({
        "?": {"id": APP_ID, "type": "com.example.docker.DockerWhoami"}, "name": "whoami",
        "host": pod, "apiToken": "Secret-Token-Whoami"})
    run = deploy(model, tmp_path / "run", tmp_path / "state", target)
    assert run.code == 0, run.text[-2000:]
    container = rc_container(run, "whoami")["container"]
    assert container["image"] == "traefik/whoami:v1.10"
    assert {e["name"]: e["value"] for e in container["env"]} == {
        "API_TOKEN": "***", "WHOAMI_NAME": "me", "ALLOW_EMPTY_PASSWORD": "yes"}  # a switch
    assert run.obj(APP_ID)["allowEmptyPassword"] == "yes"
    assert [p["containerPort"] for p in container["ports"]] == [80]
    assert "Secret-Token-Whoami" not in run.text


def test_every_app_is_dry_run_here():
    covered = set(PROPS) | {"DockerApp", "GuestBook", "Orion"}
    assert {f.folder for f in APPS} <= covered


@pytest.mark.parametrize("base, kind", [(POD_MODEL, POD), (HOST_MODEL, STANDALONE)])
def test_docker_app_runs_any_image(base, kind, tmp_path, in_repo):
    model = model_with(base)
    model["Objects"]["applications"].append({
        "?": {"id": APP_ID, "type": "com.example.docker.DockerApp"}, "name": "echo",
        "host": host_id(model, kind), "image": "ealen/echo-server:0.9.2",
        "ports": "80, 5353/udp", "portScope": "cloud",
        "env": "PORT=80\n  LOGS__IGNORE__PING = true\n",
        "volumes": "/tmp/cache\n/srv/echo:/data", "commands": "--verbose\n--log-level=debug"})
    run = deploy(model, tmp_path / "run", tmp_path / "state")
    assert run.code == 0, run.text[-2000:]
    env = {"PORT": "80", "LOGS__IGNORE__PING": "true"}
    if kind == POD:
        spec = rc_container(run, "echo")
        container = spec["container"]
        assert container["image"] == "ealen/echo-server:0.9.2"
        assert [(p["containerPort"], p["protocol"]) for p in container["ports"]] == [
            (80, "TCP"), (5353, "UDP")]
        assert {e["name"]: e["value"] for e in container["env"]} == env
        assert container["args"] == ["--verbose", "--log-level=debug"]
        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        sources = {v["name"]: v for v in spec["volumes"]}
        assert sources[mounts["/data"]]["hostPath"] == {"path": "/srv/echo"}
        assert sources[mounts["/tmp/cache"]]["emptyDir"] == {}
        services = run.plans(SERVICE_PLAN, MASTER_VM)
        assert [(p["targetPort"], p["protocol"]) for s in services
                for p in s["parameters"]["definition"]["spec"]["ports"]] == [
            (80, "TCP"), (5353, "UDP")]
        assert sorted((e["containerPort"], e["protocol"]) for e in run.endpoints_of(model, "echo")
                      if e["scope"] == "cloud" and e["address"] in gateway_ips(run)) == [
            (80, "TCP"), (5353, "UDP")]
    else:
        params = run.plans(RUN_PLAN)[0]["parameters"]
        assert params["image"] == "ealen/echo-server:0.9.2"
        assert params["publish"] == ["80:80/tcp", "5353:5353/udp"]
        assert params["env"] == env
        assert sorted(params["volumes"]) == ["/srv/echo:/data", "/tmp/cache"]
        assert params["commands"] == ["--verbose", "--log-level=debug"]
