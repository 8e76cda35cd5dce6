"""Hostile and mistaken packages for validate, build and upload (issue 14): zip bombs,
files outside the package, keys given twice, validators and logos that cannot work,
dependencies resolved as deploy resolves them."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest
from packaging_helpers import edit, run_cli, tree_snapshot

from muranokit.engine.files import members
from muranokit.tools.placeholder_logo import placeholder_logo

REPO = Path(__file__).resolve().parents[2]
HELLO_PKG = REPO / "examples" / "hello" / "HelloWorld"
PACKAGES = REPO / "packages"


@pytest.fixture
def pkg(tmp_path: Path, monkeypatch) -> Path:
    """A copy of HelloWorld with a LICENSE and a logo (so it validates clean), run from
    an empty folder."""
    target = tmp_path / "HelloWorld"
    shutil.copytree(HELLO_PKG, target)
    (target / "LICENSE").write_text("Apache-2.0\n")
    (target / "logo.png").write_bytes(placeholder_logo("hello"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return target


def _zip(folder: Path, dest: Path, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, str(path.relative_to(folder)))
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return dest


def test_the_clean_copy_validates(capsys, pkg: Path) -> None:
    run = run_cli(capsys, "validate", str(pkg))
    assert run.code == 0 and run.out == "", run.out + run.err


# --- zip bombs -----------------------------------------------------------------------------
@pytest.mark.parametrize("command", [["validate"], ["upload", "--dry-run"]])
def test_a_zip_bomb_is_refused_while_inflating(capsys, pkg: Path, tmp_path: Path,
                                               command) -> None:
    bomb = _zip(pkg, tmp_path / "bomb.zip", {"Resources/zeros.bin": b"\0" * (8 << 20)})
    run = run_cli(capsys, *command, str(bomb))
    assert run.code == 2
    assert "zip member Resources/zeros.bin inflates more than 200 times its compressed " \
           "size; refused as a possible zip bomb" in run.err
    assert "Traceback" not in run.err


@pytest.mark.parametrize("cap, value, message", [
    ("MAX_MEMBER_BYTES", 300_000, "inflates to 400000 bytes (limit 300000)"),
    ("MAX_TOTAL_BYTES", 500_000, "inflates to 400000 bytes (limit"),
])
@pytest.mark.parametrize("command", [["validate"], ["upload", "--dry-run"]])
def test_member_and_total_size_caps(capsys, pkg: Path, tmp_path: Path, monkeypatch, cap,
                                    value, message, command) -> None:
    monkeypatch.setattr(members, cap, value)
    extra = {f"Resources/part{i}.bin": bytes(range(256)) * 1563 for i in range(2)}
    archive = _zip(pkg, tmp_path / "big.zip",
                   {name: data[:400_000] for name, data in extra.items()})
    run = run_cli(capsys, *command, str(archive))
    assert run.code == 2 and message in run.err and "zip bomb" in run.err


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_two_manifests_in_one_zip_are_refused(capsys, pkg: Path, tmp_path: Path) -> None:
    archive = _zip(pkg, tmp_path / "two.zip", {"manifest.yaml": b"FullName: x.y\n"})
    run = run_cli(capsys, "validate", str(archive))
    assert run.code == 2 and "zip has two members named manifest.yaml" in run.err


# --- keys given twice ----------------------------------------------------------------------
def test_a_duplicate_fullname_key_is_refused(capsys, pkg: Path) -> None:
    (pkg / "manifest.yaml").write_text((pkg / "manifest.yaml").read_text()
                                       + "FullName: com.example.Other\n")
    run = run_cli(capsys, "validate", str(pkg))
    assert run.code == 2
    assert f"{pkg}/manifest.yaml:13: duplicate key 'FullName' (first at line 3)" in run.err


def test_a_duplicate_method_is_an_error(capsys, pkg: Path) -> None:
    path = pkg / "Classes" / "HelloWorld.yaml"
    path.write_text(path.read_text() + "  greet:\n    Body:\n      - Return: 1\n")
    run = run_cli(capsys, "validate", str(pkg))
    assert run.code == 1
    assert f"{path}:66: P001 duplicate key 'greet' (first at line 60)" in run.out


def test_a_control_character_is_reported_at_its_line(capsys, pkg: Path) -> None:
    path = pkg / "UI" / "ui.yaml"
    edit(path, "label: Greeting", "label: Gree\x1bting")
    run = run_cli(capsys, "validate", str(pkg))
    assert run.code == 1
    assert f"{path}:27: P001 YAML error: character #x001b is not allowed" in run.out


# --- form validators and logos -------------------------------------------------------------
@pytest.mark.parametrize("old, new", [
    ("regexpValidator: '^[a-z][-a-z0-9]{0,30}$'", "regexpValidator: '^[a-z(+'"),
    ("regexpValidator: '^.{8,}$'", "regexpValidator: '/(unclosed/i'"),
])
def test_an_invalid_regexp_validator_is_an_error(capsys, pkg: Path, old, new) -> None:
    edit(pkg / "UI" / "ui.yaml", old, new)
    run = run_cli(capsys, "validate", str(pkg))
    assert run.code == 1 and "U003" in run.out and "invalid regexpValidator" in run.out


def test_an_invalid_regexp_in_validators_is_an_error(capsys, pkg: Path) -> None:
    edit(pkg / "UI" / "ui.yaml", "          maxLength: 40\n",
         "          maxLength: 40\n          validators:\n"
         "            - expr: {regexpValidator: '[a-'}\n              message: no\n")
    run = run_cli(capsys, "validate", str(pkg))
    assert run.code == 1 and "U003 invalid regexpValidator '[a-'" in run.out


@pytest.mark.parametrize("damage", [
    lambda png: png[: len(png) // 2],                  # truncated in the image data
    lambda png: png[:-12],                             # no IEND
    lambda png: png[:40] + bytes([png[40] ^ 1]) + png[41:],   # a flipped bit
])
def test_a_damaged_png_logo_is_an_error(capsys, pkg: Path, damage) -> None:
    logo = pkg / "logo.png"
    logo.write_bytes(damage(logo.read_bytes()))
    run = run_cli(capsys, "validate", str(pkg))
    assert run.code == 1 and f"{logo}: A002 logo is not a PNG image: " in run.out


# --- files outside the package -------------------------------------------------------------
@pytest.mark.parametrize("old, new", [
    ("      - common.sh", "      - ../../manifest.yaml"),
    ("      - common.sh", "      - /etc/hostname"),
    ("    EntryPoint: say-hello.sh", "    EntryPoint: ../SayHello.template"),
])
@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_plan_naming_a_file_outside_its_scripts_is_refused(capsys, pkg: Path, tmp_path: Path,
                                                             old, new, command) -> None:
    edit(pkg / "Resources" / "SayHello.template", old, new)
    args = [command, str(pkg)] + (["-o", str(tmp_path / "dist")] if command == "build" else [])
    run = run_cli(capsys, *args)
    assert run.code == 1
    assert "R005" in run.out + run.err and "outside Resources/scripts/" in run.out + run.err
    assert not (tmp_path / "dist").exists()


def test_a_resources_call_outside_resources_is_refused(capsys, pkg: Path) -> None:
    edit(pkg / "Classes" / "HelloWorld.yaml", "$._runPlan('SayHello.template')",
         "$._runPlan('x') + $resources.string('../manifest.yaml')")
    run = run_cli(capsys, "validate", str(pkg))
    assert run.code == 1 and "R005 Resources call names '../manifest.yaml'" in run.out


@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_symlink_out_of_the_package_is_refused(capsys, pkg: Path, tmp_path: Path,
                                                 command) -> None:
    outside = tmp_path / "outside.sh"
    outside.write_text("echo outside\n")
    (pkg / "Resources" / "scripts" / "common.sh").unlink()
    (pkg / "Resources" / "scripts" / "common.sh").symlink_to(outside)
    run = run_cli(capsys, command, str(pkg), *(["-o", str(tmp_path / "d")]
                                                if command == "build" else []))
    assert run.code == 2 and "symlink points outside the package" in run.err


# --- dependencies: the set, ./packages, --in-catalog ---------------------------------------
def test_an_app_alone_finds_its_libraries_under_packages(capsys, monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    run = run_cli(capsys, "validate", "packages/apps/Redis")
    assert run.code == 0, run.out + run.err


def test_a_missing_library_says_how_to_declare_it(capsys, tmp_path: Path,
                                                  monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = str(PACKAGES / "apps" / "Redis")
    run = run_cli(capsys, "validate", app)
    assert run.code == 1
    assert "S002 requires com.mirantis.docker.Interfaces, which no package in the set " \
           "provides (nor one under ./packages/)" in run.out
    assert "--in-catalog com.mirantis.docker.Interfaces[=VERSION]" in run.out
    run = run_cli(capsys, "validate", app, "--in-catalog", "com.mirantis.docker.Interfaces")
    assert run.code == 0, run.out
    run = run_cli(capsys, "validate", app, "--in-catalog=com.mirantis.docker.Interfaces=3.0")
    assert run.code == 1 and "S004" in run.out and "--in-catalog gives version 3.0" in run.out
    run = run_cli(capsys, "build", app, "-o", str(tmp_path / "dist"),
                  "--in-catalog", "com.mirantis.docker.Interfaces=1.2.0")
    assert run.code == 0, run.err
    assert [p.name for p in (tmp_path / "dist").glob("*.zip")] == [
        "com.example.docker.DockerRedis.zip"]
    run = run_cli(capsys, "validate", app, "--in-catalog", "not dotted")
    assert run.code == 2 and "expected FQN or FQN=VERSION" in run.err


def test_a_bad_package_under_packages_is_not_blamed(capsys, tmp_path: Path,
                                                    monkeypatch) -> None:
    """Packages under ./packages only provide names; their own defects are not reported."""
    (tmp_path / "packages" / "Broken").mkdir(parents=True)
    (tmp_path / "packages" / "Broken" / "manifest.yaml").write_text("FullName: [\n")
    monkeypatch.chdir(tmp_path)
    before = tree_snapshot(tmp_path / "packages")
    run = run_cli(capsys, "validate", str(PACKAGES / "apps" / "Redis"))
    assert run.code == 1 and "S002" in run.out and "Broken" not in run.out + run.err
    assert tree_snapshot(tmp_path / "packages") == before


@pytest.mark.parametrize("command", [["validate"], ["upload", "--dry-run"], ["test"],
                                     ["build", "-o", "dist"]])
def test_a_package_that_is_a_named_pipe_is_refused_unread(capsys, tmp_path: Path,
                                                          monkeypatch, command) -> None:
    monkeypatch.chdir(tmp_path)
    pipe = tmp_path / "pkg.zip"
    os.mkfifo(pipe)
    run = run_cli(capsys, *command, str(pipe))   # reading the pipe would block for ever
    assert run.code == 2
    assert f"{pipe}: this package is a named pipe, not a regular file: refused" in run.err
