"""``muranokit new-app``: the scaffolded package is complete and clean; bad input is refused
with a clear message and nothing written; existing folders are kept unless --force."""

from __future__ import annotations

import os
import shlex
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
import yaml
from app_catalog import (
    INTERFACES,
    INTERFACES_FQN,
    container_env_keys,
    container_ports,
    container_volumes,
    env_sources,
    is_expression,
    parse_yaql,
    pkg_check,
    plain_scalars,
    ui_fields,
    zip_folder,
)

from muranokit.tools.cli import main
from muranokit.tools.forms import Expr, build_application, load_ui
from muranokit.tools.package import load_package
from muranokit.tools.scaffold import check_image, default_name, make_spec, property_name
from muranokit.tools.validate import validate_packages

FULL = ["bitnami/redis:7.2", "--port", "6379", "--port", "53/udp",
        "--env", "REDIS_PASSWORD=hunter2-secret", "--env", "ALLOW_EMPTY_PASSWORD=no",
        "--env", "discovery.type=single-node", "--env", "NAME=clash",
        "--volume", "/bitnami/redis/data"]


@pytest.fixture(autouse=True)
def outside_the_checkout(tmp_path, monkeypatch):
    """Run where no ./packages holds the catalog's own DockerRedis, DockerNginx, ..."""
    monkeypatch.chdir(tmp_path)


def run(argv, capsys):
    code = main(["new-app", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


@pytest.fixture
def scaffolded(tmp_path, capsys):
    target = tmp_path / "Redis"
    code, out, err = run([*FULL, "-o", str(target)], capsys)
    assert (code, err) == (0, "")
    assert "com.example.docker.DockerRedis" in out
    return target


def load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_files_of_the_package(scaffolded):
    assert sorted(snapshot(scaffolded)) == ["Classes/DockerRedis.yaml", "LICENSE", "UI/ui.yaml",
                                            "logo.png", "manifest.yaml"]
    manifest = load(scaffolded / "manifest.yaml")
    assert manifest["FullName"] == "com.example.docker.DockerRedis"
    assert manifest["Format"] == 1.4 and manifest["Type"] == "Application"
    assert manifest["Require"] == {INTERFACES_FQN: ">=1.0.0,<2.0.0"}
    assert "bitnami/redis:7.2" in manifest["Description"]
    assert (scaffolded / "LICENSE").read_text().lstrip().startswith("Apache License")


def test_class_describes_the_container(scaffolded):
    doc = load(scaffolded / "Classes" / "DockerRedis.yaml")
    assert doc["Extends"] == "docker:DockerApplication"
    assert doc["Properties"]["image"]["Default"] == "bitnami/redis:7.2"
    assert container_ports(doc) == {6379, 53}
    body = "\n".join(str(s) for s in doc["Methods"]["getContainer"]["Body"])
    assert "port => 53, protocol => UDP" in body and "port => 6379, protocol => TCP" in body
    assert container_env_keys(doc) == {"REDIS_PASSWORD", "ALLOW_EMPTY_PASSWORD",
                                       "discovery.type", "NAME"}
    sources = env_sources(doc)
    assert sources["NAME"] == "$this.nameEnv"  # 'name' is the container name property
    assert sources["discovery.type"] == "$this.discoveryType"
    assert doc["Properties"]["discoveryType"]["Default"] == "single-node"
    assert container_volumes(doc) == {"/bitnami/redis/data"}
    for text, line in plain_scalars(scaffolded / "Classes" / "DockerRedis.yaml"):
        if text.startswith("$") or "(" in text:
            parse_yaql(text)
            assert is_expression(text), line


def test_secret_values_are_never_written(scaffolded):
    for rel, data in snapshot(scaffolded).items():
        assert b"hunter2-secret" not in data, rel
    doc = load(scaffolded / "Classes" / "DockerRedis.yaml")
    assert doc["Properties"]["redisPassword"]["Default"] == ""
    fields = ui_fields(load(scaffolded / "UI" / "ui.yaml"))
    assert fields["redisPassword"]["type"] == "password"
    assert fields["allowEmptyPassword"]["type"] == "string"
    assert fields["allowEmptyPassword"]["initial"] == "no"
    assert fields["host"]["type"] == "com.mirantis.docker.DockerContainerHost"
    assert fields["name"]["initial"] == "redis"


def test_new_app_decides_by_the_same_rule() -> None:
    spec = make_spec("bitnami/redis:7.2", env=["REDIS_PASSWORD=", "ALLOW_EMPTY_PASSWORD=no",
                                               "API_KEY=", "ROUTING_KEY=jobs"])
    assert {var.key: var.secret for var in spec.env} == {
        "REDIS_PASSWORD": True, "ALLOW_EMPTY_PASSWORD": False, "API_KEY": True,
        "ROUTING_KEY": False}


def test_form_builds_the_application(scaffolded):
    app, passwords = build_application(scaffolded / "UI" / "ui.yaml",
                                       {"host": "pod-1", "redisPassword": "pw-123"}, "r")
    assert app["?"]["type"] == "com.example.docker.DockerRedis"
    assert (app["host"], app["redisPassword"], app["discoveryType"]) == (
        "pod-1", "pw-123", "single-node")
    assert passwords == ["redisPassword"]


def test_validate_yamllint_and_pkg_check_are_clean(scaffolded, tmp_path):
    findings = validate_packages([load_package(str(scaffolded)), load_package(str(INTERFACES))])
    assert [f.text() for f in findings] == []
    lint = subprocess.run(["yamllint", "-f", "parsable", "-c",
                           str(INTERFACES.parents[1] / ".yamllint"), str(scaffolded)],
                          capture_output=True, text=True, timeout=120)
    assert lint.returncode == 0, lint.stdout
    zips = tmp_path / "zips"
    zips.mkdir()
    app_zip = zip_folder(scaffolded, zips)
    zip_folder(INTERFACES, zips)
    assert pkg_check([app_zip]) == {app_zip: (0, "No errors found!")}
    from muranoclient.common import utils
    chain = utils.Package.from_file(str(app_zip)).requirements(base_url=None, path=str(zips))
    assert list(chain) == [INTERFACES_FQN, "com.example.docker.DockerRedis"]


def test_logo_is_a_valid_png_that_depends_on_the_name(tmp_path, capsys):
    def pixels(folder: Path) -> tuple[int, int, bytes]:
        data = (folder / "logo.png").read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        pos, idat, size = 8, b"", None
        while pos < len(data):
            length, kind = struct.unpack(">I4s", data[pos:pos + 8])
            body = data[pos + 8:pos + 8 + length]
            crc, = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
            assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
            if kind == b"IHDR":
                size = struct.unpack(">IIBB", body[:10])
            elif kind == b"IDAT":
                idat += body
            pos += 12 + length
        width, height, depth, colour = size
        assert (depth, colour) == (8, 6)
        raw = zlib.decompress(idat)
        assert len(raw) == height * (1 + 4 * width)
        return width, height, raw

    assert run(["nginx", "-o", str(tmp_path / "a")], capsys)[0] == 0
    assert run(["nginx", "--name", "Web", "-o", str(tmp_path / "b")], capsys)[0] == 0
    wa, ha, raw_a = pixels(tmp_path / "a")
    wb, hb, raw_b = pixels(tmp_path / "b")
    assert wa == ha == wb == hb == 128
    assert raw_a != raw_b
    assert raw_a[1:5] == b"\x00\x00\x00\x00"  # the rounded corner is transparent


def test_same_input_gives_the_same_bytes(tmp_path, capsys):
    assert run([*FULL, "-o", str(tmp_path / "one")], capsys)[0] == 0
    assert run([*FULL, "-o", str(tmp_path / "two")], capsys)[0] == 0
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


def test_default_folder_is_the_name_in_the_current_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["registry.example.org:5000/team/my-web_app:1.0", "--port", "8080"],
                       capsys)
    assert code == 0
    doc = load(tmp_path / "MyWebApp" / "Classes" / "DockerMyWebApp.yaml")
    assert doc["Properties"]["image"]["Default"] == "registry.example.org:5000/team/my-web_app:1.0"
    assert ui_fields(load(tmp_path / "MyWebApp" / "UI" / "ui.yaml"))["name"]["initial"] == \
        "my-web-app"


def test_refuses_to_overwrite_without_force(scaffolded, capsys):
    (scaffolded / "manifest.yaml").write_text("Format: 1.4\n# edited by hand\n")
    (scaffolded / "notes.txt").write_text("keep me")
    before = snapshot(scaffolded)
    code, out, err = run([*FULL, "-o", str(scaffolded)], capsys)
    assert code == 2
    assert "already exists; use --force" in err and "Traceback" not in err
    assert snapshot(scaffolded) == before


def test_force_replaces_the_folder(scaffolded, capsys, tmp_path):
    (scaffolded / "notes.txt").write_text("old")
    code, _, _ = run(["nginx:1.27", "--port", "80", "--force", "-o", str(scaffolded)], capsys)
    assert code == 0
    assert not (scaffolded / "notes.txt").exists()
    assert load(scaffolded / "manifest.yaml")["FullName"] == "com.example.docker.DockerNginx"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_target_that_is_a_file_is_refused(tmp_path, capsys):
    target = tmp_path / "App"
    target.write_text("not a folder")
    code, _, err = run(["nginx", "-o", str(target), "--force"], capsys)
    assert code == 2 and "is not a folder" in err
    assert target.read_text() == "not a folder"


BAD = [
    (["Nginx:1.27"], "'Nginx' is not a valid repository name component"),
    (["nginx:-latest"], "tag '-latest' is not valid"),
    (["nginx:"], "tag '' is not valid"),
    (["nginx@sha256:1234"], "digest 'sha256:1234' is not ALGORITHM:HEX"),
    (["my registry/app"], "contains blanks"),
    ([""], "image reference is empty"),
    (["bad..host.org/app"], "registry 'bad..host.org' is not a host name"),
    (["team//app"], "'' is not a valid repository name component"),
    (["app_"], "'app_' is not a valid repository name component"),
    (["nginx", "--port", "0"], "port 0 is outside 1-65535"),
    (["nginx", "--port", "65536"], "port 65536 is outside 1-65535"),
    (["nginx", "--port", "-1"], "is not a port number"),
    (["nginx", "--port", "http"], "is not a port number"),
    (["nginx", "--port", "80/sctp"], "protocol must be tcp or udp"),
    (["nginx", "--port", "80", "--port", "80/tcp"], "is given twice"),
    (["nginx", "--name", "my-app"], "'my-app' is not a valid class name"),
    (["nginx", "--name", "1App"], "'1App' is not a valid class name"),
    (["nginx", "--name", "web"], "'web' is not a valid class name"),
    (["nginx", "--name", "My.App"], "'My.App' is not a valid class name"),
    (["nginx", "--name", "Café"], "'Café' is not a valid class name"),
    (["nginx", "--namespace", "Com.Example"], "is not a dotted lower-case name"),
    (["nginx", "--env", "NOVALUE"], "is not KEY=VALUE"),
    (["nginx", "--env", "1KEY=x"], "'1KEY' is not a valid variable name"),
    (["nginx", "--env", "A B=x"], "'A B' is not a valid variable name"),
    (["nginx", "--env", "A=x", "--env", "A=y"], "--env A is given twice"),
    (["nginx", "--volume", "data"], "is not an absolute path"),
    (["nginx", "--volume", "/a/../etc"], "is not an absolute path"),
    (["nginx", "--volume", "/host:/data"], "is not an absolute path"),
]


def test_a_refused_variable_does_not_show_its_value(tmp_path, capsys):
    code, out, err = run(["nginx", "--env", "DB PASSWORD=hunter2-secret", "-o",
                          str(tmp_path / "Out")], capsys)
    assert code == 2 and "'DB PASSWORD' is not a valid variable name" in err
    assert "hunter2-secret" not in out + err


@pytest.mark.parametrize("argv, message", BAD, ids=[" ".join(a) or "empty" for a, _ in BAD])
def test_bad_input_is_refused_and_nothing_written(argv, message, tmp_path, capsys):
    target = tmp_path / "Out"
    code, out, err = run([*argv, "-o", str(target)], capsys)
    assert code == 2
    assert err.startswith("muranokit: error: ") and message in err
    assert out == ""
    assert list(tmp_path.iterdir()) == []


def test_command_line_shows_no_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "muranokit.tools.cli", "new-app", "MyImage:1",
                           "-o", str(tmp_path / "x")], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().startswith("muranokit: error: image reference 'MyImage:1'")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("reference", [
    "nginx", "nginx:1.27", "library/nginx:1.27-alpine", "localhost/app", "localhost:5000/a/b:c",
    "ghcr.io/eclipse-ee4j/glassfish:7.0.15", "quay.io/wildfly/wildfly",
    "registry-1.docker.io:443/x/y__z:v1.0_rc",
    "busybox@sha256:" + "a" * 64, "UPPER/case", "team/app:2@sha256:" + "0123456789abcdef" * 4,
])
def test_valid_image_references(reference):
    assert check_image(reference) == reference


@pytest.mark.parametrize("image, name", [
    ("nginx", "Nginx"), ("bitnami/redis:7.2", "Redis"), ("gb-frontend:v4", "GbFrontend"),
    ("x/my_web.app@sha256:" + "b" * 64, "MyWebApp"), ("2048", "App2048"),
])
def test_name_from_image(image, name):
    assert default_name(image) == name
    assert make_spec(image).class_name == f"Docker{name}"


def test_property_names_avoid_the_fixed_ones():
    spec = make_spec("nginx", env=["NAME=a", "IMAGE=b", "HOST=c", "PORT_SCOPE=d", "DB_HOST=e"])
    assert [v.prop for v in spec.env] == ["nameEnv", "imageEnv", "hostEnv", "portScopeEnv",
                                          "dbHost"]
    assert property_name("9LIVES") == "env9lives"
    assert make_spec("nginx", name="DockerWeb").class_name == "DockerWeb"


# --- generated values are literals ---------------------------------------------------------------
def _expressions(value) -> list[str]:
    """Texts of every scalar the dashboard's loader reads as a yaql expression."""
    if isinstance(value, Expr):
        return [value.text]
    if isinstance(value, dict):
        return [e for k, v in value.items() for e in _expressions(k) + _expressions(v)]
    if isinstance(value, list | tuple):
        return [e for item in value for e in _expressions(item)]
    return []


@pytest.mark.parametrize("argv", [
    ["grafana/loki-canary"],
    ["registry.example.org:5000/team/my-web_app:1.0", "--port", "8080"],
    [*FULL, "--env", "OPTS=-Xmx512m -Dfoo=a-b", "--env", "CMD=$(id)", "--env", "N=1+1"],
], ids=["loki-canary", "registry-name", "env-values"])
def test_form_values_are_literals(argv, tmp_path, capsys):
    """Only the $.appConfiguration references are expressions: a plain ``loki-canary`` would
    be read by the dashboard (and deploy --app) as loki minus canary."""
    target = tmp_path / "App"
    assert run([*argv, "-o", str(target)], capsys)[0] == 0
    ui = load_ui(target / "UI" / "ui.yaml")
    expressions = _expressions(ui.application) + _expressions([b for _, b in ui.forms])
    assert expressions and all(e.startswith("$.appConfiguration.") for e in expressions), \
        expressions
    values = {"host": "pod-1", "redisPassword": "pw"} if "redisPassword" in str(
        ui.forms) else {"host": "pod-1"}
    app, _ = build_application(target / "UI" / "ui.yaml", values, "a")
    for _form, field in ui.fields():
        if isinstance(field.get("initial"), str):
            assert app[field["name"]] == field["initial"]


def test_loki_canary_keeps_its_name(tmp_path, capsys):
    target = tmp_path / "LokiCanary"
    assert run(["grafana/loki-canary", "-o", str(target)], capsys)[0] == 0
    app, _ = build_application(target / "UI" / "ui.yaml", {"host": "pod-1"}, "a")
    assert app["name"] == "loki-canary"
    assert app["?"]["type"] == "com.example.docker.DockerLokiCanary"


# --- FullNames that exist already ---------------------------------------------------------------
def test_a_full_name_taken_under_packages_is_refused_naming_the_package(tmp_path, capsys):
    assert run(["bitnami/redis:7.2", "-o", "packages/apps/Redis"], capsys)[0] == 0
    code, out, err = run(["redis:7", "--port", "6379", "-o", "packages/apps/OtherRedis"], capsys)
    assert code == 2 and out == ""
    assert err == ("muranokit: error: com.example.docker.DockerRedis is already the FullName of "
                   "packages/apps/Redis: two packages with one FullName cannot be built or "
                   "uploaded together; choose another --name or --namespace (or --force)\n")
    assert not (tmp_path / "packages" / "apps" / "OtherRedis").exists()
    assert run(["redis:7", "--name", "OtherRedis", "-o", "packages/apps/OtherRedis"],
               capsys)[0] == 0


def test_the_packages_tree_of_the_destination_is_checked_too(tmp_path, capsys, monkeypatch):
    checkout = tmp_path / "checkout"
    assert run(["nginx:1.27", "-o", str(checkout / "packages" / "apps" / "Nginx")], capsys)[0] == 0
    monkeypatch.chdir(tmp_path)  # no ./packages here
    code, _, err = run(["nginx:1.26", "-o", str(checkout / "packages" / "apps" / "Web")], capsys)
    assert code == 2 and str(checkout / "packages" / "apps" / "Nginx") in err


def test_force_writes_a_taken_full_name_with_a_warning(tmp_path, capsys):
    assert run(["nginx:1.27", "-o", "packages/Nginx"], capsys)[0] == 0
    code, _, err = run(["nginx:1.26", "-o", "packages/Nginx2", "--force"], capsys)
    assert code == 0
    assert err.startswith("muranokit: warning: com.example.docker.DockerNginx is already the "
                          "FullName of packages/Nginx;")


def test_regenerating_a_package_in_place_is_not_a_clash(tmp_path, capsys):
    assert run(["nginx:1.27", "-o", "packages/Nginx"], capsys)[0] == 0
    code, _, err = run(["nginx:1.27", "--port", "80", "-o", "packages/Nginx", "--force"], capsys)
    assert (code, err) == (0, "")


def test_the_readme_example_works_in_the_checkout(tmp_path, capsys):
    """README.rst's new-app example, run as written on a copy of packages/."""
    repo = Path(__file__).resolve().parents[2]
    shutil.copytree(repo / "packages", tmp_path / "packages")
    readme = (repo / "README.rst").read_text(encoding="utf-8")
    section = readme[readme.index("\nmuranokit new-app\n"):]
    example = section[section.index("For example::"):].split("\n\n")[1]
    commands = [shlex.split(line) for line in example.replace("\\\n", " ").splitlines()]
    assert [c[:2] for c in commands] == [["muranokit", "new-app"], ["muranokit", "validate"]]
    for command in commands:
        code = main(command[1:])
        _, err = capsys.readouterr()
        assert code == 0, (command, err)
