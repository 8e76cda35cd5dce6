"""What the tests of the Docker application catalog (packages/apps/) know and share.

``APPS`` lists every app with the facts its image needs (documented image variables,
ports, data folders); the helpers read a package the way Murano does (safe YAML; a plain
scalar that is not just words and dots and that parses as yaql is an expression).
"""

from __future__ import annotations

import collections.abc  # noqa: F401  (yaql 3.2 needs it before `import yaql`)
import re
import subprocess
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import yaml

from muranokit.engine.syntax import expressions as syntax

REPO = Path(__file__).resolve().parents[2]
PACKAGES = REPO / "packages"
APPS_DIR = PACKAGES / "apps"
INTERFACES = PACKAGES / "DockerInterfacesLibrary"
HOSTS = [PACKAGES / "DockerStandaloneHost", PACKAGES / "KubernetesPod",
         PACKAGES / "KubernetesCluster"]
INTERFACES_FQN = "com.mirantis.docker.Interfaces"
HOST_INTERFACE = "com.mirantis.docker.DockerContainerHost"
LITERAL = syntax.PLAIN_TEXT
SECRET = re.compile(r"(?i)(password|passwd|secret|token|_pass$)")



_parser = syntax.parser(legacy=False, persistent=False)   # Format 1.3+, as the engine


@dataclass(frozen=True)
class AppFacts:
    """Expected facts of one app package (main class unless ``cls`` says otherwise)."""

    folder: str
    image: str
    ports: frozenset = frozenset()
    env: frozenset = frozenset()  # variable names the container may get
    volumes: frozenset = frozenset()  # mount paths inside the container
    secrets: frozenset = frozenset()  # properties that must be password fields
    extra_classes: tuple = ()
    requires: tuple = ()  # other catalog packages in Require
    commands: tuple = ()  # fragments expected in the container's command arguments

    @property
    def fqn(self) -> str:
        short = self.folder if self.folder.startswith("Docker") else f"Docker{self.folder}"
        return f"com.example.docker.{short}"


def _f(*items):
    return frozenset(items)


APPS = [
    AppFacts("DockerApp", image=""),
    AppFacts("Nginx", "nginx:1.27", _f(80), volumes=_f("/usr/share/nginx/html")),
    AppFacts("NginxSite", "nginx:1.27-alpine", _f(80), _f("SITE_REPOSITORY", "SITE_BRANCH"),
             commands=("git clone", "/usr/share/nginx/html", "exec nginx -g 'daemon off;'")),
    AppFacts("HTTPd", "httpd:2.4", _f(80), volumes=_f("/usr/local/apache2/htdocs")),
    AppFacts("HTTPdSite", "httpd:2.4-alpine", _f(80), _f("SITE_REPOSITORY", "SITE_BRANCH"),
             commands=("git clone", "/usr/local/apache2/htdocs", "exec httpd-foreground")),
    AppFacts("MySQL", "mysql:8.4", _f(3306),
             _f("MYSQL_ROOT_PASSWORD", "MYSQL_DATABASE", "MYSQL_USER", "MYSQL_PASSWORD"),
             _f("/var/lib/mysql"), _f("rootPassword", "userPassword")),
    AppFacts("MariaDB", "mariadb:11.4", _f(3306),
             _f("MARIADB_ROOT_PASSWORD", "MARIADB_DATABASE", "MARIADB_USER", "MARIADB_PASSWORD"),
             _f("/var/lib/mysql"), _f("rootPassword", "userPassword")),
    AppFacts("PostgreSQL", "postgres:16", _f(5432),
             _f("POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB", "PGDATA"),
             _f("/var/lib/postgresql/data"), _f("password")),
    AppFacts("MongoDB", "mongo:6.0", _f(27017),
             _f("MONGO_INITDB_ROOT_USERNAME", "MONGO_INITDB_ROOT_PASSWORD",
                "MONGO_INITDB_DATABASE"), _f("/data/db"), _f("rootPassword")),
    AppFacts("Redis", "redis:7.2", _f(6379), _f("REDIS_PASSWORD"), _f("/data"), _f("password"),
             commands=("redis-server", "--appendonly", '--requirepass "$REDIS_PASSWORD"')),
    AppFacts("GuestBook", "gcr.io/google-samples/gb-frontend:v4", _f(80),
             _f("GET_HOSTS_FROM", "REDIS_MASTER_SERVICE_HOST", "REDIS_SLAVE_SERVICE_HOST"),
             extra_classes=("com.example.docker.DockerRedisMaster",
                            "com.example.docker.DockerRedisSlave")),
    AppFacts("Tomcat", "tomcat:10.1", _f(8080), _f("CATALINA_OPTS"),
             _f("/usr/local/tomcat/webapps")),
    AppFacts("WildFly", "jboss/wildfly:25.0.0.Final", _f(8080, 9990),
             _f("WILDFLY_ADMIN_USER", "WILDFLY_ADMIN_PASSWORD"), secrets=_f("adminPassword"),
             commands=("add-user.sh", "standalone.sh", "-bmanagement 0.0.0.0")),
    AppFacts("GlassFish", "ghcr.io/eclipse-ee4j/glassfish:7.0.15", _f(8080, 8181, 4848),
             _f("AS_ADMIN_PASSWORD"), secrets=_f("adminPassword")),
    AppFacts("Jenkins", "jenkins/jenkins:lts-jdk17", _f(8080, 50000), _f("JAVA_OPTS"),
             _f("/var/jenkins_home"), commands=("-Djenkins.install.runSetupWizard=false",)),
    AppFacts("Grafana", "grafana/grafana:11.1.0", _f(3000),
             _f("GF_SECURITY_ADMIN_USER", "GF_SECURITY_ADMIN_PASSWORD", "GF_INSTALL_PLUGINS"),
             _f("/var/lib/grafana"), _f("adminPassword")),
    AppFacts("InfluxDB", "influxdb:2.7", _f(8086),
             _f("DOCKER_INFLUXDB_INIT_MODE", "DOCKER_INFLUXDB_INIT_USERNAME",
                "DOCKER_INFLUXDB_INIT_PASSWORD", "DOCKER_INFLUXDB_INIT_ORG",
                "DOCKER_INFLUXDB_INIT_BUCKET", "DOCKER_INFLUXDB_INIT_RETENTION",
                "DOCKER_INFLUXDB_INIT_ADMIN_TOKEN"),
             _f("/var/lib/influxdb2"), _f("adminPassword", "adminToken")),
    AppFacts("Elasticsearch", "elasticsearch:8.14.3", _f(9200, 9300),
             _f("discovery.type", "cluster.name", "ELASTIC_PASSWORD", "ES_JAVA_OPTS",
                "xpack.security.enabled", "xpack.security.http.ssl.enabled",
                "xpack.security.transport.ssl.enabled"),
             _f("/usr/share/elasticsearch/data"), _f("elasticPassword")),
    AppFacts("Crate", "crate:5.7", _f(4200, 5432, 4300), _f("CRATE_HEAP_SIZE"), _f("/data"),
             commands=("-Cdiscovery.type=single-node", "-Ccluster.name=")),
    AppFacts("Orion", "fiware/orion:3.10.1", _f(1026),
             _f("ORION_MONGO_HOST", "ORION_MONGO_DB", "ORION_LOG_LEVEL", "ORION_MONGO_USER",
                "ORION_MONGO_PASSWORD", "ORION_MONGO_AUTH_SOURCE"),
             requires=("com.example.docker.DockerMongoDB",)),
    AppFacts("RabbitMQ", "rabbitmq:3.13-management", _f(5672, 15672),
             _f("RABBITMQ_DEFAULT_USER", "RABBITMQ_DEFAULT_PASS", "RABBITMQ_DEFAULT_VHOST"),
             _f("/var/lib/rabbitmq"), _f("password")),
]
BY_FOLDER = {facts.folder: facts for facts in APPS}


def folder_of(facts: AppFacts) -> Path:
    return APPS_DIR / facts.folder


def app_ids() -> list[str]:
    return [facts.folder for facts in APPS]


# --- reading packages ---------------------------------------------------------------
def load_yaml(path: Path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def manifest(folder: Path) -> dict:
    return load_yaml(folder / "manifest.yaml")


def classes(folder: Path) -> dict[str, dict]:
    """FQN -> class document, as the manifest maps them."""
    return {fqn: load_yaml(folder / "Classes" / name)
            for fqn, name in manifest(folder)["Classes"].items()}


def ui(folder: Path) -> dict:
    return load_yaml(folder / "UI" / "ui.yaml")


def ui_fields(document: dict) -> dict[str, dict]:
    """Field name -> field, over every form."""
    fields = {}
    for form in document["Forms"]:
        (_, body), = form.items()
        for item in body["fields"]:
            fields[item["name"]] = item
    return fields


def plain_scalars(path: Path) -> list[tuple[str, int]]:
    """(text, line) of every plain (unquoted) scalar of a YAML file."""
    found = []
    for event in yaml.parse(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader):
        if isinstance(event, yaml.ScalarEvent) and event.style is None:
            found.append((event.value, event.start_mark.line + 1))
    return found


def parse_yaql(text: str):
    """Parse like Murano's Format 1.3+ (yaql 3, non-legacy); raises on errors."""
    return _parser.engine(text)


def is_expression(text: str) -> bool:
    """MuranoPL's rule (engine/syntax), for a plain scalar."""
    return _parser.is_expression(text)


def strings(value) -> list[str]:
    """Every string (mapping keys too) inside a YAML value."""
    out = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return out


def assigned_mappings(body: list, var: str) -> list[dict]:
    """Every mapping a method body assigns to ``var`` (e.g. ``$env``), in walk order."""
    found = []
    stack = list(body)
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key == var and isinstance(value, dict):
                    found.append(value)
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return found


def method_text(class_doc: dict, method: str) -> str:
    """The strings of a method body joined by newlines (to look for facts in)."""
    return "\n".join(strings(class_doc["Methods"][method]["Body"]))


def container_env_keys(class_doc: dict) -> set[str]:
    """Variable names getContainer puts in the container's environment."""
    body = class_doc["Methods"]["getContainer"]["Body"]
    keys: set[str] = set()
    for mapping in assigned_mappings(body, "$env"):
        keys.update(mapping)
    text = "\n".join(strings(body))
    keys.update(re.findall(r"\b([A-Z][A-Z0-9_]+) =>", text))
    keys.update(re.findall(r"'([-.\w]+)' =>", text))
    return {k for k in keys if not k.startswith("/")}


def env_sources(class_doc: dict) -> dict[str, str]:
    """Variable name -> the expression getContainer sets it from (mappings and ``=>``)."""
    body = class_doc["Methods"]["getContainer"]["Body"]
    sources: dict[str, str] = {}
    for mapping in assigned_mappings(body, "$env"):
        sources.update({k: str(v) for k, v in mapping.items()})
    for text in strings(body):
        for key, source in re.findall(r"'?\b([-.\w]+)'? => (\$[\w.]+)", text):
            sources.setdefault(key, source)
    return sources


def container_ports(class_doc: dict) -> set[int]:
    return {int(p) for p in re.findall(r"\bport => (\d+)", method_text(class_doc, "getContainer"))}


def container_volumes(class_doc: dict) -> set[str]:
    """Mount paths: keys of ``$volumes`` mappings and ``'/path' =>`` items."""
    body = class_doc["Methods"]["getContainer"]["Body"]
    paths = set(re.findall(r"'(/[^']*)' =>", method_text(class_doc, "getContainer")))
    for mapping in assigned_mappings(body, "$volumes"):
        paths.update(mapping)
    return paths


# --- zips and the upstream checker -----------------------------------------------------
def zip_folder(folder: Path, target: Path) -> Path:
    """A zip of a package folder named FQN.zip (what Package.from_location looks for)."""
    out = target / f"{manifest(folder)['FullName']}.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            archive.write(path, path.relative_to(folder).as_posix())
    return out


def pkg_check(zips: list[Path]) -> dict[Path, tuple[int, str]]:
    """Run murano-pkg-check on each zip (it takes one at a time): zip -> (exit code, output)."""
    def one(path: Path) -> tuple[Path, tuple[int, str]]:
        proc = subprocess.run(["murano-pkg-check", str(path)], capture_output=True, text=True,
                              timeout=300)
        return path, (proc.returncode, (proc.stdout + proc.stderr).strip())

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(one, zips))
