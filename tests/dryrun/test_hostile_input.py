"""Hostile and mistaken input to deploy and action (issue 14): each refused with a clear
message naming the place to fix, exit 2 (1 for a deployment that failed), no traceback,
nothing saved."""

from __future__ import annotations

import json
import os
import shutil
import threading
import zipfile
from pathlib import Path

import pytest
from dryrun_support import APP_ID, DOCKER_HOST_MODEL, HELLO_PKG, PACKAGES, load_json, snapshot

ALIAS_BOMB = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]'] + [
    f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 8)]


@pytest.fixture
def pkg(tmp_path: Path) -> Path:
    """A copy of the HelloWorld package to edit."""
    target = tmp_path / "HelloWorld"
    shutil.copytree(HELLO_PKG, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def _clean(run, code: int = 2) -> str:
    assert run.code == code, run.err
    assert "Traceback" not in run.err + run.out
    return run.err


# --- deep JSON -----------------------------------------------------------------------------
def test_a_model_nested_100k_deep_is_refused(cli, tmp_path: Path) -> None:
    model = tmp_path / "deep.json"
    model.write_text('{"Objects":\n' + "[" * 100_000 + "]" * 100_000 + "}")
    err = _clean(cli("deploy", "-p", HELLO_PKG, model))
    assert f"{model}:2: JSON nested deeper than 100 levels" in err


def test_a_state_nested_100k_deep_is_refused(cli, hello: Path, tmp_path: Path) -> None:
    folder = tmp_path / "st"
    assert cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--state", folder).code == 0
    saved = folder / "state.json"
    saved.write_text(saved.read_text().replace('"history": [',
                                               '"history": ' + "[" * 100_000 + "]" * 100_000
                                               + ', "x": [', 1))
    before = snapshot(folder)
    err = _clean(cli("action", APP_ID, "restart", "--state", folder))
    assert f"{saved}:" in err and "JSON nested deeper than 100 levels" in err
    assert snapshot(folder) == before


def test_an_action_argument_nested_deep_is_refused(cli, hello: Path, tmp_path: Path) -> None:
    folder = tmp_path / "st"
    assert cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--state", folder).code == 0
    before = snapshot(folder)
    err = _clean(cli("action", APP_ID, "restart", "--state", folder,
                     "--arg", "depth=" + "[" * 50_000 + "]" * 50_000))
    assert "--arg depth: JSON nested deeper than 100 levels" in err
    assert snapshot(folder) == before


# --- special files -------------------------------------------------------------------------
def _refused_at_once(cli, *args) -> str:
    """Run the CLI in a thread: a pipe that is read would block it for ever."""
    result = []
    worker = threading.Thread(target=lambda: result.append(cli(*args)), daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), f"muranokit {args} waited on a special file"
    return _clean(result[0])


def test_named_pipes_given_as_files_are_refused_unread(cli, hello: Path, tmp_path: Path) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    err = _refused_at_once(cli, "deploy", "-p", HELLO_PKG, pipe)
    assert f"{pipe}: the model file is a named pipe, not a regular file" in err
    err = _refused_at_once(cli, "deploy", "-p", HELLO_PKG, hello / "model.json",
                           "--agent-rules", pipe)
    assert f"{pipe}: the rules file is a named pipe" in err
    err = _refused_at_once(cli, "deploy", "-p", pipe, hello / "model.json")
    assert f"{pipe}: this package is a named pipe" in err
    err = _refused_at_once(cli, "deploy", "-p", HELLO_PKG, "/dev/zero")
    assert "/dev/zero: the model file is a character device" in err


def test_a_state_file_that_is_a_pipe_is_refused(cli, hello: Path, tmp_path: Path) -> None:
    folder = tmp_path / "st"
    assert cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--state", folder).code == 0
    target = folder / os.readlink(folder / ".current") / "state.json"
    target.unlink()
    os.mkfifo(target)
    err = _refused_at_once(cli, "action", APP_ID, "restart", "--state", folder)
    assert "the state file is a named pipe" in err


# --- YAML bombs in every YAML the engine reads ---------------------------------------------
def test_alias_bomb_in_a_class_default_is_refused_at_the_class_file(cli, hello: Path,
                                                                    pkg: Path) -> None:
    bomb = "\n".join("      " + line for line in ALIAS_BOMB)
    _edit(pkg / "Classes" / "HelloWorld.yaml", "    Default: Hello\n",
          f"    Default: Hello\n  bomb:\n    Contract: $\n    Default:\n{bomb}\n")
    err = _clean(cli("deploy", "-p", pkg, hello / "model.json"))
    assert f"{pkg}/Classes/HelloWorld.yaml:" in err and "alias bomb" in err
    assert "model.json" not in err


def test_alias_bomb_in_a_resources_template_fails_the_deployment(cli, hello: Path,
                                                                 pkg: Path) -> None:
    template = pkg / "Resources" / "SayHello.template"
    template.write_text(template.read_text() + "\n".join(ALIAS_BOMB) + "\n")
    err = _clean(cli("deploy", "-p", pkg, hello / "model.json"), code=1)
    assert "io.murano.system.ResourceError: Resources/SayHello.template:" in err
    assert "alias bomb" in err


def test_alias_bomb_in_agent_rules_is_refused(cli, hello: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("agent:\n  - plan: '*'\n    body:\n"
                     + "\n".join("      " + line for line in ALIAS_BOMB) + "\n")
    err = _clean(cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--agent-rules", rules))
    assert f"{rules}:" in err and "alias bomb" in err


def test_alias_bomb_in_the_ui_form_is_refused(cli, pkg: Path) -> None:
    form = pkg / "UI" / "ui.yaml"
    form.write_text(form.read_text() + "\n".join(ALIAS_BOMB) + "\n")
    err = _clean(cli("deploy", "-p", pkg, "--app", "com.example.HelloWorld",
                     "--set", "adminPassword=long-enough"))
    assert f"{form}:" in err and "alias bomb" in err


def test_deep_yaml_in_a_class_file_is_refused_at_its_line(cli, hello: Path, pkg: Path) -> None:
    _edit(pkg / "Classes" / "HelloWorld.yaml", "    Default: Hello\n",
          "    Default: Hello\n  deep:\n    Contract: $\n    Default: " + "[" * 600
          + "]" * 600 + "\n")
    err = _clean(cli("deploy", "-p", pkg, hello / "model.json"))
    assert f"{pkg}/Classes/HelloWorld.yaml:" in err and "nesting deeper than 500" in err


# --- the place to fix ----------------------------------------------------------------------
def test_a_yaml_error_in_a_class_file_names_the_class_file_line(cli, hello: Path,
                                                                pkg: Path) -> None:
    _edit(pkg / "Classes" / "HelloWorld.yaml", "    Default: Hello\n",
          "    Default: [Hello\n")
    err = _clean(cli("deploy", "-p", pkg, hello / "model.json"))
    assert err.startswith(f"muranokit: error: {pkg}/Classes/HelloWorld.yaml:")
    assert "model.json" not in err


def test_a_control_character_in_a_class_file_names_its_line(cli, hello: Path,
                                                            pkg: Path) -> None:
    _edit(pkg / "Classes" / "HelloWorld.yaml", "    Default: Hello\n", "    Default: He\x01llo\n")
    err = _clean(cli("deploy", "-p", pkg, hello / "model.json"))
    line = next(i for i, text in enumerate(
        (pkg / "Classes" / "HelloWorld.yaml").read_text().splitlines(), 1) if "\x01" in text)
    assert f"{pkg}/Classes/HelloWorld.yaml:{line}: " in err
    assert "character #x0001 is not allowed" in err


# --- models, packages and rules deploy used to accept --------------------------------------
def _model_with(hello: Path, tmp_path: Path, change) -> Path:
    model = load_json(hello / "model.json")
    change(model["Objects"]["applications"][0])
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(model, indent=2))
    return path


def test_a_garbage_object_header_is_refused(cli, hello: Path, tmp_path: Path) -> None:
    model = _model_with(hello, tmp_path, lambda app: app.update({"?": "garbage"}))
    err = _clean(cli("deploy", "-p", HELLO_PKG, model))
    assert f"{model}:" in err
    assert '"?" must be an object header {"type": ..., "id": ...}, not \'garbage\'' in err


@pytest.mark.parametrize("header", [
    {"type": "com.example.HelloWorld/9.9.9@com.example.HelloWorld"},
    {"type": "com.example.HelloWorld", "classVersion": "2.0.0"},
    {"type": "com.example.HelloWorld/0.0.0@com.example.Other"},
])
def test_a_type_no_loaded_package_has_is_refused(cli, hello: Path, tmp_path: Path,
                                                 header: dict) -> None:
    model = _model_with(hello, tmp_path, lambda app: app["?"].update(header))
    err = _clean(cli("deploy", "-p", HELLO_PKG, model))
    assert "NoClassFound" in err and f"{model}:" in err


def test_a_type_with_the_loaded_version_deploys(cli, hello: Path, tmp_path: Path) -> None:
    model = _model_with(hello, tmp_path, lambda app: app["?"].update(
        type="com.example.HelloWorld/0.0.0@com.example.HelloWorld"))
    assert cli("deploy", "-p", HELLO_PKG, model).code == 0


def test_p_of_a_folder_without_manifest_is_refused(cli, hello: Path, tmp_path: Path) -> None:
    empty = tmp_path / "not-a-package"
    empty.mkdir()
    (empty / "notes.txt").write_text("x")
    err = _clean(cli("deploy", "-p", HELLO_PKG, "-p", empty, hello / "model.json"))
    assert f"{empty}: not a package (no manifest.yaml, no class files)" in err
    err = _clean(cli("deploy", "-p", PACKAGES / "apps", hello / "model.json"))
    assert "a folder of" in err and f"-p {PACKAGES}/apps/" in err


def test_a_rules_file_that_is_a_list_is_refused(cli, hello: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("- plan: '*'\n  fail: boom\n")
    err = _clean(cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--agent-rules", rules))
    assert f"{rules}:1: a rules file is a mapping with 'agent' and/or 'heat' lists" in err


def test_class_not_found_outside_the_checkout_names_where_it_looked(cli) -> None:
    err = _clean(cli("deploy", DOCKER_HOST_MODEL))   # run from an empty folder
    assert 'Class "com.mirantis.docker.DockerStandaloneHost" is not found' in err
    assert f"{os.getcwd()}/packages/ (no such folder" in err
    package = PACKAGES / "DockerStandaloneHost"
    assert f"add -p {package}, or run from {PACKAGES.parent}" in err


def test_an_unknown_host_lists_the_objects_that_fit(cli, tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "st"
    monkeypatch.chdir(PACKAGES.parent)   # deploy finds the suite under ./packages
    assert cli("deploy", DOCKER_HOST_MODEL, "--state", folder).code == 0
    before = snapshot(folder)
    err = _clean(cli("deploy", "--app", "com.example.docker.DockerNginx", "--set", "host=web",
                     "--state", folder))
    assert 'Object "web" is not found' in err
    assert "objects of the model that fit com.mirantis.docker.DockerContainerHost" in err
    assert "f490683d8edd515c9a7ce7d42e5b7a72  com.mirantis.docker.DockerStandaloneHost" in err
    assert snapshot(folder) == before


# --- files a package may read --------------------------------------------------------------
@pytest.mark.parametrize("old, new, named", [
    ("      - common.sh", "      - ../../manifest.yaml", "'../../manifest.yaml'"),
    ("      - common.sh", "      - /etc/hostname", "'/etc/hostname'"),
    ("    EntryPoint: say-hello.sh", "    EntryPoint: ../SayHello.template",
     "'../SayHello.template'"),
])
def test_a_plan_cannot_read_files_outside_its_scripts(cli, hello: Path, pkg: Path,
                                                       old, new, named) -> None:
    _edit(pkg / "Resources" / "SayHello.template", old, new)
    run = cli("deploy", "-p", pkg, hello / "model.json", "--report", "json")
    err = _clean(run, code=1)
    assert f"file {named} named by the execution plan is outside Resources/scripts/" in err
    assert "FullName: com.example.HelloWorld" not in run.out


def test_a_template_name_outside_resources_is_refused(cli, hello: Path, pkg: Path) -> None:
    _edit(pkg / "Classes" / "HelloWorld.yaml", "$._runPlan('SayHello.template')",
          "$._runPlan('../manifest.yaml')")
    err = _clean(cli("deploy", "-p", pkg, hello / "model.json"), code=1)
    assert "'../manifest.yaml' is outside Resources/ of package com.example.HelloWorld" in err


def test_a_symlink_out_of_the_package_is_refused(cli, hello: Path, pkg: Path,
                                                 tmp_path: Path) -> None:
    secret = tmp_path / "secret.sh"
    secret.write_text("echo secret\n")
    (pkg / "Resources" / "scripts" / "common.sh").unlink()
    (pkg / "Resources" / "scripts" / "common.sh").symlink_to(secret)
    err = _clean(cli("deploy", "-p", pkg, hello / "model.json"))
    assert "symlink points outside the package" in err


# --- zip bombs -----------------------------------------------------------------------------
def test_a_zip_bomb_given_with_p_is_refused(cli, hello: Path, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(HELLO_PKG.rglob("*")):
            if path.is_file():
                archive.write(path, str(path.relative_to(HELLO_PKG)))
        archive.writestr("Resources/zeros.bin", b"\0" * (8 * 1024 * 1024))
    assert bomb.stat().st_size < 100_000
    err = _clean(cli("deploy", "-p", bomb, hello / "model.json"))
    assert "zip member Resources/zeros.bin inflates more than 200 times" in err
