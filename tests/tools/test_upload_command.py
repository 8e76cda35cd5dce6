"""``muranokit upload`` against the loopback catalog, through the real python-muranoclient."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from fake_catalog import FakeCatalog
from muranoclient.v1.client import Client
from upload_support import AUTH_VARIABLES, TOKEN, make_zip, row, upload

# python-muranoclient builds its session adapter on keystoneclient's deprecated one
pytestmark = [
    pytest.mark.filterwarnings("ignore:keystoneclient.adapter.Adapter is deprecated"),
    pytest.mark.filterwarnings("ignore:Support for InfluxDB"),  # openstacksdk, on every load
]

def suite(folder):
    """Three packages whose file names sort against their dependency order."""
    make_zip(folder, "com.example.App", requires=("com.example.Mid", "io.murano"),
             filename="a-app.zip")
    make_zip(folder, "com.example.Mid", requires=("com.example.Base",), filename="b-mid.zip")
    make_zip(folder, "com.example.Base", filename="c-base.zip")
    return folder


# --- packages that exist already ---------------------------------------------------------------
def test_exists_skip_keeps_the_catalog_copy(server, token_env, existing, capsys):
    old, new = existing
    code, out, _ = upload(capsys, new, "--exists-action", "skip")
    assert code == 0
    assert row(out, "com.example.Lib")[2] == "skipped"
    assert server.archive_of("com.example.Lib") == old.read_bytes()


def test_exists_update_replaces_it(server, token_env, existing, capsys):
    _, new = existing
    code, out, err = upload(capsys, new, "--exists-action", "update", "--category", "Databases")
    assert code == 0, err
    assert row(out, "com.example.Lib")[2] == "updated"
    [package] = server.packages()
    assert package["categories"] == ["Databases"]
    assert server.archive_of("com.example.Lib") == new.read_bytes()
    assert [r.method for r in server.requests if r.path.startswith("/v1/")] == [
        "POST", "POST", "GET", "GET", "DELETE", "POST"]  # preload, 409, find, backup, ...


def test_exists_update_puts_the_old_one_back_when_the_new_one_fails(
        server, token_env, existing, pauses, capsys):
    old, new = existing
    server.fail_next(2, "503", after=1)  # the first POST meets 409, its replacement fails
    code, out, _ = upload(capsys, new, "--exists-action", "update", "--retries", "1")
    assert code == 1
    assert row(out, "com.example.Lib")[2] == "failed"
    assert "previous version was restored" in out
    [package] = server.packages()
    assert package["categories"] == ["Web"]
    assert server.archive_of("com.example.Lib") == old.read_bytes()


def test_exists_update_refuses_another_projects_package(server, token_env, capsys, tmp_path):
    server.add_project("other-token", "other")
    theirs = Client(endpoint=server.url, token="other-token")
    with open(make_zip(tmp_path / "old", "com.example.Lib"), "rb") as handle:
        theirs.packages.create({"is_public": True}, {"com.example.Lib": handle})
    code, out, _ = upload(capsys, make_zip(tmp_path, "com.example.Lib"),
                          "--exists-action", "update")
    assert code == 1
    assert "only its owner can replace it" in out
    assert server.requests_of("DELETE") == []


def test_exists_abort_stops_before_the_rest(server, token_env, existing, capsys, tmp_path):
    _, new = existing
    make_zip(tmp_path / "dist", "com.example.Zed")
    code, out, _ = upload(capsys, tmp_path / "dist", "--exists-action", "abort")
    assert code == 1
    assert row(out, "com.example.Lib")[2] == "exists"
    assert row(out, "com.example.Zed")[2:4] == ["not", "tried"]
    assert "com.example.Zed" not in server.uploads()


# --- flaky catalogs ------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["503", "502", "504", "500", "drop"])
def test_transient_failures_are_retried_with_growing_delays(server, token_env, pauses,
                                                            capsys, tmp_path, kind):
    server.fail_next(3, kind)
    code, out, err = upload(capsys, make_zip(tmp_path, "com.example.Lib"))
    assert code == 0, err
    assert row(out, "com.example.Lib")[2:4] == ["uploaded", "4"]
    assert pauses == [0.5, 1.0, 2.0]
    assert err.count("upload com.example.Lib:") == 3
    assert server.uploads() == ["com.example.Lib"]


def test_retries_are_bounded_and_dependents_are_not_tried(server, token_env, pauses, capsys,
                                                          tmp_path):
    server.fail_next(50, "503")
    code, out, _ = upload(capsys, suite(tmp_path / "dist"), "--retries", "2")
    assert code == 1
    assert row(out, "com.example.Base")[2:4] == ["failed", "3"]
    assert "gave up after 3 tries" in out
    assert row(out, "com.example.Mid")[2] == "blocked"
    assert row(out, "com.example.App")[2] == "blocked"
    assert len(server.requests_of("POST")) == 3
    assert pauses == [0.5, 1.0]


def test_an_upload_that_landed_before_its_answer_was_lost_counts_once(
        server, token_env, pauses, capsys, tmp_path):
    server.fail_next(1, "store-then-drop")
    path = make_zip(tmp_path, "com.example.Lib")
    code, out, err = upload(capsys, path, "--exists-action", "abort")
    assert code == 0, err
    assert row(out, "com.example.Lib")[2:4] == ["uploaded", "2"]
    assert len(server.packages()) == 1


def test_an_unreachable_catalog_stops_the_run(monkeypatch, no_credentials, pauses, capsys,
                                              tmp_path):
    import socket
    with socket.socket() as probe:  # a loopback port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("OS_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("MURANO_URL", f"http://127.0.0.1:{port}")
    make_zip(tmp_path / "dist", "com.example.A")
    make_zip(tmp_path / "dist", "com.example.B")
    code, out, err = upload(capsys, tmp_path / "dist", "--retries", "1")
    assert code == 1
    assert row(out, "com.example.A")[2:4] == ["failed", "2"]
    assert f"connection to http://127.0.0.1:{port} failed (connection refused)" in out
    assert row(out, "com.example.B")[2:4] == ["not", "tried"]
    assert pauses == [0.5]


def test_a_4xx_answer_is_not_retried(server, token_env, pauses, capsys, tmp_path):
    code, out, _ = upload(capsys, make_zip(tmp_path, "com.example.Lib"),
                          "--category", "Missing")
    assert code == 1 and pauses == []
    assert len(server.requests_of("POST")) == 1


# --- dry run -------------------------------------------------------------------------------------
def test_dry_run_sends_nothing_and_needs_no_credentials(server, no_credentials, capsys,
                                                        tmp_path):
    code, out, err = upload(capsys, suite(tmp_path / "dist"), "--dry-run")
    assert code == 0, err
    names = [line.split()[0] for line in out.splitlines()[1:4]]
    assert names == ["com.example.Base", "com.example.Mid", "com.example.App"]
    assert row(out, "com.example.App")[2:4] == ["would", "upload"]
    assert server.requests == []


def test_dry_run_reports_requirements_it_cannot_check(no_credentials, capsys, tmp_path):
    app = make_zip(tmp_path, "com.example.App", requires=("com.example.Gone",))
    code, _, err = upload(capsys, app, "--dry-run")
    assert code == 2
    assert "com.example.Gone (required by com.example.App)" in err


# --- bad input -----------------------------------------------------------------------------------
def test_not_a_zip_is_exit_2_and_nothing_is_sent(server, token_env, capsys, tmp_path):
    good = make_zip(tmp_path, "com.example.Lib")
    bad = tmp_path / "broken.zip"
    bad.write_bytes(b"PK but not really")
    code, out, err = upload(capsys, good, bad)
    assert code == 2
    assert err.startswith(f"muranokit: error: {bad}: not a zip")
    assert "Traceback" not in err and out == ""
    assert server.requests == []


def test_missing_file_is_exit_2(token_env, capsys, tmp_path):
    code, _, err = upload(capsys, tmp_path / "nothing.zip")
    assert code == 2
    assert "nothing.zip: no such file or folder" in err


def test_a_zip_without_manifest_is_exit_2(server, token_env, capsys, tmp_path):
    import zipfile
    path = tmp_path / "empty.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("README", "no manifest here")
    code, _, err = upload(capsys, path)
    assert code == 2 and "missing manifest.yaml" in err
    assert server.requests == []


def test_unresolved_require_is_exit_2_before_any_upload(server, token_env, capsys, tmp_path):
    make_zip(tmp_path / "dist", "com.example.Lib")
    make_zip(tmp_path / "dist", "com.example.App", requires=("com.example.Gone",))
    code, _, err = upload(capsys, tmp_path / "dist")
    assert code == 2
    assert "unresolved Require: com.example.Gone (required by com.example.App)" in err
    assert server.uploads() == []


def test_a_require_cycle_is_exit_2(token_env, capsys, tmp_path):
    make_zip(tmp_path / "dist", "com.example.A", requires=("com.example.B",))
    make_zip(tmp_path / "dist", "com.example.B", requires=("com.example.A",))
    code, _, err = upload(capsys, tmp_path / "dist")
    assert code == 2 and "Require cycle" in err


def test_missing_credentials_is_exit_2_with_a_hint(no_credentials, capsys, tmp_path):
    code, _, err = upload(capsys, make_zip(tmp_path, "com.example.Lib"))
    assert code == 2
    assert "no catalog credentials" in err and "OS_CLOUD" in err


def test_token_without_endpoint_is_exit_2(monkeypatch, no_credentials, capsys, tmp_path):
    monkeypatch.setenv("OS_AUTH_TOKEN", TOKEN)
    code, _, err = upload(capsys, make_zip(tmp_path, "com.example.Lib"))
    assert code == 2 and "MURANO_URL" in err


def test_a_wrong_token_is_exit_2(server, monkeypatch, no_credentials, capsys, tmp_path):
    monkeypatch.setenv("OS_AUTH_TOKEN", "wrong")
    monkeypatch.setenv("MURANO_URL", server.url)
    code, out, err = upload(capsys, make_zip(tmp_path, "com.example.Lib"))
    assert code == 2
    assert "authentication failed (HTTP 401)" in err
    assert row(out, "com.example.Lib")[2] == "failed"


def test_the_console_command_prints_no_traceback(no_credentials, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in AUTH_VARIABLES}
    env["HOME"] = str(tmp_path)
    done = subprocess.run([sys.executable, "-m", "muranokit", "upload",
                           str(make_zip(tmp_path, "com.example.Lib"))],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2
    assert done.stderr.startswith("muranokit: error: no catalog credentials")
    assert "Traceback" not in done.stderr


# --- Keystone logins ---------------------------------------------------------------------------
@pytest.fixture
def keystone_user(server):
    server.add_user("alice", "wonderland", TOKEN)
    return server


def test_os_variables_log_in_through_keystone_and_find_the_endpoint(
        keystone_user, monkeypatch, no_credentials, capsys, tmp_path):
    server = keystone_user
    for name, value in {"OS_AUTH_URL": server.identity_url, "OS_USERNAME": "alice",
                        "OS_PASSWORD": "wonderland", "OS_PROJECT_NAME": "demo",
                        "OS_USER_DOMAIN_NAME": "Default",
                        "OS_PROJECT_DOMAIN_NAME": "Default"}.items():
        monkeypatch.setenv(name, value)
    code, _, err = upload(capsys, make_zip(tmp_path, "com.example.Lib"))
    assert code == 0, err
    assert server.uploads() == ["com.example.Lib"]
    assert any(r.path == "/identity/v3/auth/tokens" for r in server.requests)


def test_a_token_with_keystone_finds_the_endpoint(server, monkeypatch, no_credentials,
                                                  capsys, tmp_path):
    monkeypatch.setenv("OS_AUTH_URL", server.identity_url)
    monkeypatch.setenv("OS_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("OS_PROJECT_NAME", "demo")
    monkeypatch.setenv("OS_PROJECT_DOMAIN_NAME", "Default")
    code, _, err = upload(capsys, make_zip(tmp_path, "com.example.Lib"))
    assert code == 0, err
    assert server.uploads() == ["com.example.Lib"]
    assert any(r.path == "/identity/v3/auth/tokens" for r in server.requests)


def test_clouds_yaml_entry_and_murano_url_override(keystone_user, monkeypatch, no_credentials,
                                                   capsys, tmp_path):
    server = keystone_user
    clouds = tmp_path / "clouds.yaml"
    clouds.write_text(
        "clouds:\n  test:\n    auth:\n"
        f"      auth_url: {server.identity_url}\n"
        "      username: alice\n      password: wonderland\n      project_name: demo\n"
        "      user_domain_name: Default\n      project_domain_name: Default\n"
        "    region_name: RegionOne\n")
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(clouds))
    monkeypatch.setenv("OS_CLOUD", "test")
    with FakeCatalog(str(tmp_path / "second.sqlite"), token=TOKEN) as second:
        monkeypatch.setenv("MURANO_URL", second.url)
        code, _, err = upload(capsys, make_zip(tmp_path, "com.example.Lib"))
        assert code == 0, err
        assert second.uploads() == ["com.example.Lib"]
    assert server.uploads() == []  # Keystone's endpoint was overridden


def test_an_unknown_cloud_is_exit_2(no_credentials, monkeypatch, capsys, tmp_path):
    clouds = tmp_path / "clouds.yaml"
    clouds.write_text("clouds:\n  other:\n    auth:\n      auth_url: http://127.0.0.1:9\n")
    monkeypatch.setenv("OS_CLIENT_CONFIG_FILE", str(clouds))
    monkeypatch.setenv("OS_CLOUD", "missing")
    code, _, err = upload(capsys, make_zip(tmp_path, "com.example.Lib"))
    assert code == 2 and "missing" in err


def test_a_wrong_password_is_exit_2(keystone_user, monkeypatch, no_credentials, capsys,
                                    tmp_path):
    for name, value in {"OS_AUTH_URL": keystone_user.identity_url, "OS_USERNAME": "alice",
                        "OS_PASSWORD": "wrong", "OS_PROJECT_NAME": "demo",
                        "OS_USER_DOMAIN_NAME": "Default",
                        "OS_PROJECT_DOMAIN_NAME": "Default"}.items():
        monkeypatch.setenv(name, value)
    code, _, err = upload(capsys, make_zip(tmp_path, "com.example.Lib"))
    assert code == 2
    assert "Keystone refused the credentials" in err


# --- output ----------------------------------------------------------------------------------
def test_quiet_prints_nothing_on_success(server, token_env, pauses, capsys, tmp_path):
    server.fail_next(1, "503")
    code, out, err = upload(capsys, make_zip(tmp_path, "com.example.Lib"), "-q")
    assert code == 0
    assert out == "" and err == ""


def test_quiet_still_names_failures(server, token_env, capsys, tmp_path):
    code, out, err = upload(capsys, make_zip(tmp_path, "com.example.Lib"), "-q",
                            "--category", "Nope")
    assert code == 1 and out == ""
    assert err.startswith("muranokit: com.example.Lib: failed:")


def test_a_terminal_gets_a_progress_line_per_package(server, token_env, monkeypatch, capsys,
                                                     tmp_path):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, _, err = upload(capsys, suite(tmp_path / "dist"))
    assert code == 0
    assert err.splitlines() == ["[1/3] com.example.Base: uploaded",
                                "[2/3] com.example.Mid: uploaded",
                                "[3/3] com.example.App: uploaded"]
    code, _, err = upload(capsys, suite(tmp_path / "dist"), "-q")  # skipped: they exist now
    assert code == 0 and err == ""
