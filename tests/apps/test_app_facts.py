"""App-specific facts of the Docker catalog: the image, ports, environment, volumes and
commands each class gives its container, and what each UI form builds."""

from __future__ import annotations

import re

import pytest
from app_catalog import APPS, BY_FOLDER, SECRET, classes, folder_of, ui, ui_fields

from muranokit.tools.exceptions import InputError
from muranokit.tools.forms import build_application
from muranokit.tools.scaffold import check_image

READY = [facts for facts in APPS if facts.folder != "DockerApp"]
by_ready_app = pytest.mark.parametrize("facts", READY, ids=[f.folder for f in READY])
by_app = pytest.mark.parametrize("facts", APPS, ids=[f.folder for f in APPS])


def main_class(facts) -> dict:
    return classes(folder_of(facts))[facts.fqn]


def text_of(doc, method="getContainer"):
    from app_catalog import method_text
    return method_text(doc, method)


@by_ready_app
def test_image(facts):
    doc = main_class(facts)
    assert doc["Properties"]["image"]["Default"] == facts.image
    assert check_image(facts.image) == facts.image
    assert "image => $this.image" in text_of(doc)


@by_ready_app
def test_ports(facts):
    from app_catalog import container_ports
    assert container_ports(main_class(facts)) == set(facts.ports)
    # every published port says how far it is published
    body = text_of(main_class(facts))
    for call in re.findall(r"new\(docker:ApplicationPort,[^)]*\)", body):
        assert "scope =>" in call, call


@by_ready_app
def test_environment(facts):
    from app_catalog import container_env_keys
    assert container_env_keys(main_class(facts)) == set(facts.env)


@by_ready_app
def test_volumes(facts):
    from app_catalog import container_volumes
    assert container_volumes(main_class(facts)) == set(facts.volumes)


@by_ready_app
def test_commands(facts):
    body = text_of(main_class(facts))
    for fragment in facts.commands:
        assert fragment in body, fragment


WITH_SECRETS = [f for f in READY if any(SECRET.search(k) for k in f.env)]


@pytest.mark.parametrize("facts", WITH_SECRETS, ids=[f.folder for f in WITH_SECRETS])
def test_secret_variables_come_from_password_fields(facts):
    from app_catalog import env_sources
    sources = env_sources(main_class(facts))
    for key in (k for k in facts.env if SECRET.search(k)):
        source = sources[key]
        owner = facts
        match = re.fullmatch(r"\$this\.(\w+)", source)
        if match is None:  # a property of another application, e.g. $this.mongoDb.rootPassword
            other, prop = re.fullmatch(r"\$this\.(\w+)\.(\w+)", source).groups()
            contract = main_class(facts)["Properties"][other]["Contract"]
            owner = BY_FOLDER[re.search(r"class\(Docker(\w+)\)", contract).group(1)]
        else:
            prop = match.group(1)
        application = ui(folder_of(owner))["Application"]
        field = str(application[prop]).rsplit(".", 1)[-1]
        assert ui_fields(ui(folder_of(owner)))[field]["type"] == "password", \
            f"{key} <- {source} <- {field}"


WITH_DATA = [f for f in READY if "dataPath" in main_class(f)["Properties"]]


@pytest.mark.parametrize("facts", WITH_DATA, ids=[f.folder for f in WITH_DATA])
def test_data_volume_follows_data_path(facts):
    doc = main_class(facts)
    method = text_of(doc, "_dataVolume")
    assert "new(docker:DockerHostVolume" in method and "path => $this.dataPath" in method
    assert "new(docker:DockerTempVolume" in method
    assert "$this._dataVolume()" in text_of(doc)
    assert ui_fields(ui(folder_of(facts)))["dataPath"]["required"] is False


def test_databases_are_internal_and_web_servers_public_by_default():
    for folder in ("MySQL", "MariaDB", "PostgreSQL", "MongoDB", "Redis"):
        assert main_class(BY_FOLDER[folder])["Properties"]["portScope"]["Default"] == "internal"
    for folder in ("Nginx", "NginxSite", "HTTPd", "HTTPdSite", "Tomcat", "GuestBook"):
        assert main_class(BY_FOLDER[folder])["Properties"]["portScope"]["Default"] == "public"


def test_guestbook_wires_front_end_to_redis():
    facts = BY_FOLDER["GuestBook"]
    docs = classes(folder_of(facts))
    front = docs[facts.fqn]
    assert front["Properties"]["redisMaster"]["Contract"] == "$.class(DockerRedisMaster).notNull()"
    assert front["Properties"]["redisSlaves"]["Contract"] == ["$.class(DockerRedisSlave).notNull()"]
    deploy = front["Methods"]["deploy"]["Body"]
    assert deploy[0] == "$this.redisMaster.deploy()"
    assert deploy[-1] == "$.super($.deploy())"
    assert "getConnectionTo($redis, 6379)" in text_of(front, "_redisConnection")
    assert ".where($.port = 6379)" in text_of(front)
    master = docs["com.example.docker.DockerRedisMaster"]
    slave = docs["com.example.docker.DockerRedisSlave"]
    assert master["Properties"]["image"]["Default"] == "redis:7.2"
    assert "port => 6379" in text_of(master)
    assert "list('redis-server', '--replicaof', $connection.host, str($connection.port))" \
        in text_of(slave)
    assert "$this.find(DockerGuestBook).require().redisMaster" in text_of(slave, "getMaster")


def test_guestbook_form_builds_master_and_slaves():
    app, passwords = build_application(folder_of(BY_FOLDER["GuestBook"]) / "UI" / "ui.yaml",
                                       {"host": "front-host", "masterHost": "master-pod",
                                        "slaveHost": "slave-host", "slaveCount": "3"}, "gb")
    assert app["redisMaster"]["?"]["type"] == "com.example.docker.DockerRedisMaster"
    assert app["redisMaster"]["host"] == "master-pod"
    assert {s["host"] for s in app["redisSlaves"]} == {"slave-host"}
    slaves = app["redisSlaves"]
    assert [s["name"] for s in slaves] == [f"guestbook-redis-slave-{i}" for i in (1, 2, 3)]
    assert {s["?"]["type"] for s in slaves} == {"com.example.docker.DockerRedisSlave"}
    ids = {app["?"]["id"], app["redisMaster"]["?"]["id"], *(s["?"]["id"] for s in slaves)}
    assert len(ids) == 5
    assert passwords == []


def test_orion_uses_the_mongodb_application():
    doc = main_class(BY_FOLDER["Orion"])
    assert doc["Properties"]["mongoDb"]["Contract"] == "$.class(DockerMongoDB).notNull()"
    body = text_of(doc)
    assert "$this.getConnectionTo($this.mongoDb, 27017)" in body
    assert "ORION_MONGO_PASSWORD => $this.mongoDb.rootPassword" in body
    fields = ui_fields(ui(folder_of(BY_FOLDER["Orion"])))
    assert fields["mongoDb"]["type"] == "com.example.docker.DockerMongoDB"


def test_docker_app_takes_everything_from_the_form():
    facts = BY_FOLDER["DockerApp"]
    doc = main_class(facts)
    assert "Default" not in doc["Properties"]["image"]
    for prop in ("ports", "env", "volumes", "commands", "privileged"):
        assert prop in doc["Properties"]
    assert "int($parts[0])" in text_of(doc, "getPorts")
    assert "new(docker:DockerHostVolume" in text_of(doc, "getVolumes")
    fields = ui_fields(ui(folder_of(facts)))
    assert fields["env"]["type"] == "text" and fields["volumes"]["type"] == "text"
    app, _ = build_application(folder_of(facts) / "UI" / "ui.yaml",
                               {"host": "h", "image": "nginx:1.27", "ports": "80, 53/udp",
                                "env": "A=1\nB=two words", "volumes": "/data\n/srv:/www"}, "x")
    assert (app["image"], app["ports"], app["env"]) == ("nginx:1.27", "80, 53/udp",
                                                        "A=1\nB=two words")
    for bad in ({"ports": "80, http"}, {"volumes": "data"}, {"image": "-bad"}):
        values = {"host": "h", "image": "nginx", **bad}
        with pytest.raises(InputError):
            build_application(folder_of(facts) / "UI" / "ui.yaml", values, "x")


def _required_values(fields: dict) -> dict[str, str]:
    values = {}
    for name, field in fields.items():
        if field.get("required", True) and "initial" not in field:
            if field["type"] == "password":
                values[name] = f"Secret-{name}-42"
            elif "." in field["type"]:
                values[name] = f"object-{name}"
            elif name == "repository":
                values[name] = "https://git.example.org/site.git"
            elif name == "image":
                values[name] = "nginx:1.27"
            else:
                raise AssertionError(f"no sample value for required field {name}")
    return values


@by_app
def test_form_builds_the_application(facts):
    path = folder_of(facts) / "UI" / "ui.yaml"
    fields = ui_fields(ui(folder_of(facts)))
    values = _required_values(fields)
    app, passwords = build_application(path, values, facts.folder.lower())
    assert app["?"]["type"] == facts.fqn
    assert app["host"] == "object-host"
    assert set(passwords) == {n for n, f in fields.items() if f["type"] == "password"}
    for name in passwords:
        if name in values:
            assert app[name] == values[name]
    props = main_class(facts)["Properties"]
    for prop, value in app.items():
        if prop in props and isinstance(value, str) and "Contract" in props[prop]:
            contract = props[prop]["Contract"]
            if "check($ in list(public, cloud, internal, host))" in str(contract):
                assert value in ("public", "cloud", "internal", "host")


def _mandatory_passwords(facts) -> list[str]:
    return [n for n, f in ui_fields(ui(folder_of(facts))).items()
            if f["type"] == "password" and f.get("required", True)]


WITH_PASSWORDS = [f for f in APPS if _mandatory_passwords(f)]


@pytest.mark.parametrize("facts", WITH_PASSWORDS, ids=[f.folder for f in WITH_PASSWORDS])
def test_form_requires_the_mandatory_passwords(facts):
    fields = ui_fields(ui(folder_of(facts)))
    required = _mandatory_passwords(facts)
    values = _required_values(fields)
    del values[required[0]]
    with pytest.raises(InputError, match=required[0]):
        build_application(folder_of(facts) / "UI" / "ui.yaml", values, "x")
