"""What the dry-run tests of the app catalog share: example models, the values each app's
object gets, the environment variables those values must produce, and a ``muranokit deploy``
runner that reads the JSON report back.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

from app_catalog import REPO, classes, folder_of

from muranokit.tools.cli import main

EXAMPLES = REPO / "examples" / "kubernetes"
POD_MODEL = EXAMPLES / "cluster-with-pod.json"
HOST_MODEL = EXAMPLES / "docker-standalone-host.json"
POD = "com.mirantis.docker.kubernetes.KubernetesPod"
CLUSTER = "com.mirantis.docker.kubernetes.KubernetesCluster"
STANDALONE = "com.mirantis.docker.DockerStandaloneHost"
MASTER_VM = "murano-kube-1"
APP_ID = "a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0"
SCOPE_OF_PORT = re.compile(r"port => (\d+), scope => (?:\$this\.(\w+)|(\w+))")

# plan names of the host packages
RC_PLAN = "Create or replace a replication controller"
RC_DELETE_PLAN = "Delete a replication controller"
SERVICE_PLAN = "Create or replace a service and its gateway routes"
SERVICE_DELETE_PLAN = "Delete services and their gateway routes"
PULL_PLAN = "Pull a Docker image"
RUN_PLAN = "Run a Docker container"
REMOVE_PLAN = "Remove a Docker container"

# property values of each app's object in the model (secrets are unique, to be searched for);
# everything else (image included) is left to the class defaults
PROPS = {
    "Nginx": {"contentPath": "/srv/www"},
    "NginxSite": {"repository": "https://git.example.org/site.git", "branch": "main"},
    "HTTPd": {"contentPath": "/srv/www"},
    "HTTPdSite": {"repository": "https://git.example.org/site.git", "branch": "v1"},
    "MySQL": {"rootPassword": "Root-Secret-MySQL", "database": "shop", "user": "shop",
              "userPassword": "User-Secret-MySQL", "dataPath": "/srv/mysql"},
    "MariaDB": {"rootPassword": "Root-Secret-MariaDB", "database": "shop", "user": "shop",
                "userPassword": "User-Secret-MariaDB"},
    "PostgreSQL": {"password": "Secret-PostgreSQL", "database": "shop"},
    "MongoDB": {"rootUser": "admin", "rootPassword": "Secret-MongoDB", "database": "shop"},
    "Redis": {"password": "Secret-Redis"},
    "Tomcat": {"webappsPath": "/srv/webapps"},
    "WildFly": {"adminPassword": "Secret-WildFly"},
    "GlassFish": {"adminPassword": "Secret-GlassFish"},
    "Jenkins": {"skipSetupWizard": True, "dataPath": "/srv/jenkins"},
    "Grafana": {"adminPassword": "Secret-Grafana", "plugins": "grafana-clock-panel"},
    "InfluxDB": {"adminPassword": "Secret-InfluxDB", "retention": "30d",
                 "adminToken": "Token-Secret-InfluxDB"},
    "Elasticsearch": {"elasticPassword": "Secret-Elastic", "clusterName": "logs"},
    "Crate": {},
    "RabbitMQ": {"password": "Secret-RabbitMQ"},
}

# environment the container must get from those values and the class defaults, as each
# image documents it; secrets appear masked ("***") in every plan of the trace
MASKED = "***"
ENV = {
    "Nginx": {},
    "NginxSite": {"SITE_REPOSITORY": "https://git.example.org/site.git", "SITE_BRANCH": "main"},
    "HTTPd": {},
    "HTTPdSite": {"SITE_REPOSITORY": "https://git.example.org/site.git", "SITE_BRANCH": "v1"},
    "MySQL": {"MYSQL_ROOT_PASSWORD": MASKED, "MYSQL_DATABASE": "shop", "MYSQL_USER": "shop",
              "MYSQL_PASSWORD": MASKED},
    "MariaDB": {"MARIADB_ROOT_PASSWORD": MASKED, "MARIADB_DATABASE": "shop",
                "MARIADB_USER": "shop", "MARIADB_PASSWORD": MASKED},
    "PostgreSQL": {"POSTGRES_USER": "postgres", "POSTGRES_PASSWORD": MASKED,
                   "POSTGRES_DB": "shop", "PGDATA": "/var/lib/postgresql/data/pgdata"},
    "MongoDB": {"MONGO_INITDB_ROOT_USERNAME": "admin", "MONGO_INITDB_ROOT_PASSWORD": MASKED,
                "MONGO_INITDB_DATABASE": "shop"},
    "Redis": {"REDIS_PASSWORD": MASKED},
    "Tomcat": {"CATALINA_OPTS": "-Xmx512m"},
    "WildFly": {"WILDFLY_ADMIN_USER": "admin", "WILDFLY_ADMIN_PASSWORD": MASKED},
    "GlassFish": {"AS_ADMIN_PASSWORD": MASKED},
    "Jenkins": {"JAVA_OPTS": "-Djenkins.install.runSetupWizard=false"},
    "Grafana": {"GF_SECURITY_ADMIN_USER": "admin", "GF_SECURITY_ADMIN_PASSWORD": MASKED,
                "GF_INSTALL_PLUGINS": "grafana-clock-panel"},
    "InfluxDB": {"DOCKER_INFLUXDB_INIT_MODE": "setup", "DOCKER_INFLUXDB_INIT_USERNAME": "admin",
                 "DOCKER_INFLUXDB_INIT_PASSWORD": MASKED, "DOCKER_INFLUXDB_INIT_ORG": "murano",
                 "DOCKER_INFLUXDB_INIT_BUCKET": "default",
                 "DOCKER_INFLUXDB_INIT_RETENTION": "30d",
                 "DOCKER_INFLUXDB_INIT_ADMIN_TOKEN": MASKED},
    "Elasticsearch": {"discovery.type": "single-node", "cluster.name": "logs",
                      "ELASTIC_PASSWORD": MASKED, "ES_JAVA_OPTS": "-Xms512m -Xmx512m",
                      "xpack.security.enabled": "true",
                      "xpack.security.http.ssl.enabled": "false",
                      "xpack.security.transport.ssl.enabled": "false"},
    "Crate": {"CRATE_HEAP_SIZE": "1g"},
    "RabbitMQ": {"RABBITMQ_DEFAULT_USER": "murano", "RABBITMQ_DEFAULT_PASS": MASKED,
                 "RABBITMQ_DEFAULT_VHOST": "/"},
}


def secrets_of(props: dict) -> list[str]:
    return [v for v in props.values() if isinstance(v, str) and "Secret" in v]


def app_object(facts, host: str, name: str = "app1", object_id: str = APP_ID,
               **extra) -> dict:
    return {"?": {"id": object_id, "type": facts.fqn}, "name": name, "host": host,
            **PROPS.get(facts.folder, {}), **extra}


def model_with(base: Path, *apps: dict) -> dict:
    model = json.loads(base.read_text())
    model["Objects"]["applications"].extend(copy.deepcopy(list(apps)))
    return model


def host_id(model: dict, type_name: str) -> str:
    return next(a["?"]["id"] for a in model["Objects"]["applications"]
                if a["?"]["type"] == type_name)


class Run:
    """One ``muranokit`` run: exit code, JSON-lines events, report text, final model."""

    def __init__(self, code: int, report: str, is_json: bool = True) -> None:
        self.code = code
        self.text = report
        self.events = [json.loads(line) for line in report.splitlines()
                       if line.strip()] if is_json else []
        result = [e for e in self.events if e.get("kind") == "result"]
        self.model = result[0]["model"] if result else None

    def plans(self, name: str, vm: str | None = None) -> list[dict]:
        return [e for e in self.events if e.get("kind") == "agent_plan" and e["name"] == name
                and (vm is None or e["vm"] == vm)]

    def reports(self, object_id: str, level: str | None = None) -> list[str]:
        """Texts the object reported (reporter.report / report_error) during the run."""
        return [e["text"] for e in self.events if e.get("kind") == "report"
                and e["object"] == object_id and (level is None or e["level"] == level)]

    def obj(self, object_id: str) -> dict:
        stack = [self.model["Objects"]]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                if item.get("?", {}).get("id") == object_id:
                    return item
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
        raise KeyError(object_id)

    def endpoints_of(self, cluster_model: dict, app_name: str) -> list[dict]:
        cluster = self.obj(host_id(cluster_model, CLUSTER))
        return [e for e in cluster["serviceEndpoints"] if e["applicationName"] == app_name]


def run_cli(argv: list[str], out: Path) -> Run:
    """``muranokit ARGV --report json -o OUT`` and its report."""
    code = main([*argv, "--report", "json", "-o", str(out)])
    return Run(code, out.read_text() if out.exists() else "")


def deploy(model: dict | None, tmp: Path, state: Path, *packages: Path,
           rules: Path | None = None, report: str = "json") -> Run:
    """``muranokit deploy`` of ``model`` (None: the saved one) continuing from ``state``."""
    tmp.mkdir(parents=True, exist_ok=True)
    out = tmp / f"report.{report}"
    argv = ["deploy"]
    if model is not None:
        model_file = tmp / "model.json"
        model_file.write_text(json.dumps(model))
        argv.append(str(model_file))
    argv += ["--state", str(state), "--report", report, "-o", str(out)]
    for package in packages:
        argv += ["-p", str(package)]
    if rules is not None:
        argv += ["--agent-rules", str(rules)]
    code = main(argv)
    return Run(code, out.read_text() if out.exists() else "", report == "json")


def port_scopes(facts, props: dict) -> dict[int, str]:
    """Container port -> the scope the app publishes it with, given the object's props."""
    doc = classes(folder_of(facts))[facts.fqn]
    text = json.dumps(doc["Methods"]["getContainer"]["Body"])
    scopes = {}
    for port, prop, literal in SCOPE_OF_PORT.findall(text):
        scopes[int(port)] = literal or props.get(prop, doc["Properties"][prop]["Default"])
    return scopes


def pod_spec(run: Run) -> dict:
    """The pod template of the last replication controller the run created."""
    plans = run.plans(RC_PLAN, MASTER_VM)
    assert plans, "no replication controller was created"
    return plans[-1]["parameters"]["definition"]["spec"]["template"]["spec"]


def rc_container(run: Run, name: str) -> dict:
    spec = pod_spec(run)
    found = [c for c in spec["containers"] if c["name"] == name]
    assert len(found) == 1, spec["containers"]
    return {"container": found[0], "volumes": spec["volumes"]}


def gateway_ips(run: Run) -> set[str]:
    return {e["parameters"]["ip"] for e in run.plans("Set up a gateway")}
