"""Every package of the Docker application catalog: layout, manifest, UI form, logo,
yaql, muranokit validate, yamllint, murano-pkg-check and python-muranoclient loading."""

from __future__ import annotations

import hashlib
import re
import struct
import subprocess
import zlib

import pytest
from app_catalog import (
    APPS,
    APPS_DIR,
    HOST_INTERFACE,
    HOSTS,
    INTERFACES,
    INTERFACES_FQN,
    SECRET,
    app_ids,
    classes,
    folder_of,
    is_expression,
    manifest,
    parse_yaql,
    pkg_check,
    plain_scalars,
    ui,
    ui_fields,
    zip_folder,
)

from muranokit.tools.cli import main
from muranokit.tools.forms import load_ui
from muranokit.tools.package import load_package
from muranokit.tools.validate import validate_packages

READY = {"Nginx", "NginxSite", "HTTPd", "HTTPdSite", "MySQL", "MariaDB", "PostgreSQL",
         "MongoDB", "Redis", "GuestBook", "Tomcat", "WildFly", "GlassFish", "Jenkins",
         "Grafana", "InfluxDB", "Elasticsearch", "Crate", "Orion", "RabbitMQ"}

by_app = pytest.mark.parametrize("facts", APPS, ids=app_ids())


def test_the_catalog_has_docker_app_and_twenty_ready_apps():
    folders = {p.name for p in APPS_DIR.iterdir() if (p / "manifest.yaml").is_file()}
    assert "DockerApp" in folders
    assert READY <= folders
    assert folders == {facts.folder for facts in APPS}, "every package needs its facts in APPS"


@by_app
def test_manifest(facts):
    data = manifest(folder_of(facts))
    assert data["FullName"] == facts.fqn
    assert data["Type"] == "Application"
    major, minor = (int(x) for x in str(data["Format"]).split("."))
    assert (major, minor) >= (1, 3)
    assert set(data["Require"]) == {INTERFACES_FQN, *facts.requires}
    assert set(data["Classes"]) == {facts.fqn, *facts.extra_classes}
    for name in data["Classes"].values():
        assert (folder_of(facts) / "Classes" / name).is_file()
    assert data["Description"].strip() and data["Tags"]


@by_app
def test_classes_are_docker_applications(facts):
    docs = classes(folder_of(facts))
    for fqn, doc in docs.items():
        namespace, short = fqn.rsplit(".", 1)
        assert doc["Name"] == short and doc["Namespaces"]["="] == namespace
        assert doc["Namespaces"]["docker"] == "com.mirantis.docker"
        assert doc["Extends"] == "docker:DockerApplication"
        assert "getContainer" in doc["Methods"]
        assert "name" in doc["Properties"]


@by_app
def test_license_is_apache_2(facts):
    text = (folder_of(facts) / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR"
    header = data[16:16 + length]
    crc, = struct.unpack(">I", data[16 + length:20 + length])
    assert crc == zlib.crc32(kind + header) & 0xFFFFFFFF
    return struct.unpack(">II", header[:8])


@by_app
def test_logo_is_a_square_png(facts):
    width, height = _png_size((folder_of(facts) / "logo.png").read_bytes())
    assert width == height >= 128


def test_logos_are_all_different():
    digests = {hashlib.sha256((folder_of(f) / "logo.png").read_bytes()).hexdigest()
               for f in APPS}
    assert len(digests) == len(APPS)


@by_app
def test_ui_form(facts):
    folder = folder_of(facts)
    document = ui(folder)
    assert re.fullmatch(r"2\.\d+", str(document["Version"]))
    assert document["Application"]["?"]["type"] == facts.fqn
    fields = ui_fields(document)
    assert fields["host"]["type"] == HOST_INTERFACE
    assert fields["name"]["regexpValidator"] == "^[a-z]([-a-z0-9]*[a-z0-9])?$"
    props = classes(folder)[facts.fqn]["Properties"]
    application = document["Application"]
    for prop in application:
        if prop == "?":
            continue
        assert prop in props or prop == "host", f"{prop} is not a property of {facts.fqn}"
    # every property without a default reaches the object from the form
    for prop, spec in props.items():
        if "Default" not in spec and "notNull()" in str(spec["Contract"]):
            assert prop in application, f"required property {prop} not filled by the UI"
    load_ui(folder / "UI" / "ui.yaml")  # the dashboard-side parser accepts it


@by_app
def test_secrets_are_password_fields(facts):
    folder = folder_of(facts)
    fields = ui_fields(ui(folder))
    application = ui(folder)["Application"]
    secret_props = {p for p in application if p != "?" and SECRET.search(p)}
    assert facts.secrets <= secret_props
    for prop in secret_props:
        field_name = str(application[prop]).rsplit(".", 1)[-1]
        assert fields[field_name]["type"] == "password", f"{prop} must be a password field"
        assert "initial" not in fields[field_name]
    for fqn, doc in classes(folder).items():
        for prop, spec in doc["Properties"].items():
            if SECRET.search(prop):
                assert spec.get("Default", "") == "", f"{fqn}.{prop} has a default secret"


@by_app
def test_every_expression_compiles_with_yaql_3(facts):
    folder = folder_of(facts)
    expressions = 0
    for path in sorted((folder / "Classes").glob("*.yaml")):
        for text, line in plain_scalars(path):
            if text.startswith("$") or re.match(r"^\w+\(", text) or " => " in text:
                parse_yaql(text)  # raises with the offending text when it does not compile
                assert is_expression(text), f"{path.name}:{line}: {text!r}"
                expressions += 1
    assert expressions > 5


def test_validate_strict_finds_nothing():
    """No error or warning in any app (validated with the library they require)."""
    paths = [INTERFACES, *(folder_of(f) for f in APPS)]
    findings = validate_packages([load_package(str(p)) for p in paths])
    mine = [f.text() for f in findings if str(APPS_DIR) in str(f.path)]
    assert mine == []
    assert len(paths) == len(APPS) + 1


def test_yamllint_is_clean():
    proc = subprocess.run(["yamllint", "-f", "parsable", "-c", ".yamllint", "packages/apps"],
                          cwd=APPS_DIR.parents[1], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def zips(tmp_path_factory):
    """FullName -> zip: the apps and the Interfaces library as ``muranokit build`` writes
    them, the host packages beside them (zipped here, so that their own state does not
    matter to these tests)."""
    target = tmp_path_factory.mktemp("app-zips")
    paths = [INTERFACES, *(folder_of(f) for f in APPS)]
    assert main(["build", "-q", "-o", str(target), *map(str, paths)]) == 0
    built = {manifest(p)["FullName"]: target / f"{manifest(p)['FullName']}.zip" for p in paths}
    assert all(path.is_file() for path in built.values())
    return {**built, **{manifest(p)["FullName"]: zip_folder(p, target) for p in HOSTS}}


@pytest.fixture(scope="module")
def pkg_check_results(zips):
    wanted = [zips[f.fqn] for f in APPS]
    return pkg_check(wanted)


@by_app
def test_murano_pkg_check_is_clean(facts, zips, pkg_check_results):
    code, output = pkg_check_results[zips[facts.fqn]]
    assert (code, output) == (0, "No errors found!")


@by_app
def test_muranoclient_loads_with_dependencies(facts, zips):
    from muranoclient.common import utils

    package = utils.Package.from_file(str(zips[facts.fqn]))
    assert package.manifest["FullName"] == facts.fqn
    chain = package.requirements(base_url=None, path=str(zips[facts.fqn].parent))
    assert list(chain)[-1] == facts.fqn
    assert set(chain) == {facts.fqn, INTERFACES_FQN, *facts.requires}
    assert list(chain).index(INTERFACES_FQN) < list(chain).index(facts.fqn)


def test_host_packages_load_with_dependencies(zips):
    from muranoclient.common import utils

    for fqn in ("com.mirantis.docker.DockerStandaloneHost",
                "com.mirantis.docker.kubernetes.KubernetesPod"):
        chain = utils.Package.from_file(str(zips[fqn])).requirements(
            base_url=None, path=str(zips[fqn].parent))
        assert INTERFACES_FQN in chain and fqn in chain
