"""`deploy --app FQN` adds the form's application to an environment, as the dashboard does:
to the saved one (--state), to a base MODEL.json, or to a new one."""

from __future__ import annotations

from pathlib import Path

import pytest
from dryrun_support import (
    APP_ID,
    DOCKER_HOST_ID,
    DOCKER_HOST_MODEL,
    HELLO_PKG,
    PACKAGES,
    PASSWORD,
    load_json,
    snapshot,
)

NGINX = "com.example.docker.DockerNginx"
DOCKER_PKGS = ("-p", PACKAGES / "DockerInterfacesLibrary", "-p",
               PACKAGES / "DockerStandaloneHost", "-p", PACKAGES / "apps" / "Nginx")


def _apps(model: dict) -> list[dict]:
    return model["Objects"]["applications"]


@pytest.fixture
def docker_host(cli, tmp_path: Path) -> Path:
    """A state folder with the Docker host of examples/kubernetes deployed."""
    state = tmp_path / "docker"
    run = cli("deploy", *DOCKER_PKGS, DOCKER_HOST_MODEL, "--state", state)
    assert run.code == 0, run.err
    return state


def test_app_joins_the_saved_environment_and_runs_on_its_host(cli, docker_host: Path) -> None:
    before = load_json(docker_host / "model.json")
    run = cli("deploy", "--app", NGINX, "--set", f"host={DOCKER_HOST_ID}",
              "--state", docker_host, "--report", "json")
    assert run.code == 0, run.err
    events = run.events()
    plans = [(e["vm"], e["name"]) for e in events if e["kind"] == "agent_plan"]
    assert ("docker-host-1", "Run a Docker container") in plans
    assert not [e for e in events if e["kind"] in ("vm_created", "vm_deleted")]
    after = load_json(docker_host / "model.json")
    assert after["Objects"]["?"] == before["Objects"]["?"]          # the same environment
    assert after["Objects"]["defaultNetworks"] == before["Objects"]["defaultNetworks"]
    host, nginx = _apps(after)
    old_host = _apps(before)[0]
    assert host["?"] == old_host["?"] and host["instance"] == old_host["instance"]
    assert host["containers"] == ["nginx"] and old_host["containers"] == []
    assert nginx["?"]["type"] == NGINX and nginx["host"] == DOCKER_HOST_ID
    assert _apps(run.result()["model"])[1]["?"]["id"] == nginx["?"]["id"]


def test_a_host_id_that_is_not_in_the_environment_is_refused(cli, docker_host: Path) -> None:
    before = snapshot(docker_host)
    run = cli("deploy", "--app", NGINX, "--set", "host=0123456789abcdef0123456789abcdef",
              "--state", docker_host)
    assert run.code == 2
    assert f"--app {NGINX}: unusable object model" in run.err
    assert '"0123456789abcdef0123456789abcdef" is not found' in run.err
    assert "Traceback" not in run.err
    assert snapshot(docker_host) == before


def test_app_is_added_to_a_base_model_file(cli, hello: Path) -> None:
    run = cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--app",
              "com.example.HelloWorld", "--set", "name=hola", "--set", "greeting=Hola",
              "--set", "unitNamingPattern=hola-#", "--set", "adminPassword=" + PASSWORD,
              "--report", "json")
    assert run.code == 0, run.err
    apps = _apps(run.result()["model"])
    assert [a["name"] for a in apps] == ["hello", "hola"]
    assert apps[0]["?"]["id"] == APP_ID
    plans = {e["vm"]: e["parameters"]["greeting"] for e in run.events()
             if e["kind"] == "agent_plan"}
    assert plans == {"hello-1": "Hello", "hola-1": "Hola"}
    assert PASSWORD not in run.out


def test_same_name_again_replaces_the_application(cli, hello: Path, tmp_path: Path) -> None:
    state = tmp_path / "state"
    base = ("deploy", "-p", HELLO_PKG, "--state", state, "--app", "com.example.HelloWorld",
            "--set", "adminPassword=" + PASSWORD)
    assert cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--state", state).code == 0
    assert cli(*base, "--set", "name=hola", "--set", "unitNamingPattern=hola-#").code == 0
    run = cli(*base, "--set", "name=hola", "--set", "unitNamingPattern=hola-#",
              "--set", "greeting=Hi", "--report", "json")
    assert run.code == 0, run.err
    apps = _apps(load_json(state / "model.json"))
    assert [(a["name"], a["greeting"]) for a in apps] == [("hello", "Hello"), ("hola", "Hi")]
    assert not [e for e in run.events() if e["kind"] == "vm_created"]   # same VM kept


def test_app_into_a_model_without_applications_list_is_refused(cli, hello: Path) -> None:
    model = hello / "not-an-env.json"
    model.write_text('{"Objects": {"?": {"id": "1", "type": "x.Y"}, "applications": 3}}')
    run = cli("deploy", "-p", HELLO_PKG, model, "--app", "com.example.HelloWorld",
              "--set", "adminPassword=" + PASSWORD)
    assert run.code == 2 and "applications is not a list" in run.err
    assert f"{model}:" in run.err
