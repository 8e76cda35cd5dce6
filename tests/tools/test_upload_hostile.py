"""``muranokit upload`` against catalogs that answer what no Murano catalog answers, against
wrong Keystone URLs and with bad --timeout values: a clear error naming the request and
the endpoint, exit 2 (1 for a server that cannot be reached), never a traceback; nothing
deleted that is not put back."""

from __future__ import annotations

import json
import socket

import pytest
from upload_support import TOKEN, make_zip, preload, row, upload

pytestmark = [
    pytest.mark.filterwarnings("ignore:keystoneclient.adapter.Adapter is deprecated"),
    pytest.mark.filterwarnings("ignore:Support for InfluxDB"),
]

HTML = b"<html><body><h1>Welcome to nginx!</h1></body></html>"


# --- whole-request deadline ----------------------------------------------------------------------
def test_timeout_bounds_a_whole_answer_dripped_byte_by_byte(server, token_env, pauses, capsys,
                                                            tmp_path):
    server.misbehave_next("drip", method="POST", interval=0.2)  # a minute's worth of body
    code, out, err = upload(capsys, make_zip(tmp_path, "com.example.Lib"), "--timeout", "1",
                            "--retries", "0")
    assert code == 1, err
    assert row(out, "com.example.Lib")[2] == "failed"
    assert f"no complete answer from {server.url} within 1 s; gave up after 1 try" in out


def test_a_dripped_answer_is_retried_like_a_lost_one(server, token_env, pauses, capsys, tmp_path):
    server.misbehave_next("drip", method="POST", interval=0.2)
    code, out, err = upload(capsys, make_zip(tmp_path, "com.example.Lib"), "--timeout", "1")
    assert code == 0, err
    assert row(out, "com.example.Lib")[2:4] == ["uploaded", "2"]
    assert pauses == [0.5]


@pytest.mark.parametrize("value", ["nan", "inf", "0", "-1", "1e300"])
def test_a_timeout_that_cannot_bound_a_request_is_exit_2(server, token_env, capsys, tmp_path,
                                                         value):
    code, out, err = upload(capsys, make_zip(tmp_path, "com.example.Lib"), "--timeout", value)
    assert code == 2
    assert err.startswith("muranokit: error: --timeout must be a number of seconds above 0")
    assert "Traceback" not in err and server.requests == []


# --- answers no Murano catalog sends -------------------------------------------------------------
@pytest.mark.parametrize("body, kind, expected", [
    (HTML, "text/html", "answered with something else than JSON (HTTP 200)"),
    (b"[1, 2, 3]", "application/json", "answered with JSON the Murano API never sends"),
])
def test_a_200_that_is_not_the_murano_api_is_exit_2(server, token_env, capsys, tmp_path,
                                                    body, kind, expected):
    server.answer_next(1, 200, body, kind, method="POST")
    code, out, err = upload(capsys, make_zip(tmp_path, "com.example.Lib"))
    assert code == 2
    assert f"upload com.example.Lib: {server.url} {expected}" in err
    assert row(out, "com.example.Lib")[2] == "failed"
    assert "Traceback" not in err


def test_a_redirect_loop_is_exit_2(server, token_env, capsys, tmp_path):
    server.misbehave_next("redirect", count=100)
    code, out, err = upload(capsys, make_zip(tmp_path, "com.example.Lib"))
    assert code == 2
    assert "redirect after redirect (HTTP 302): a redirect loop?" in err
    assert "Traceback" not in err


# --- --exists-action update and a listing that makes no sense -------------------------------------
@pytest.mark.parametrize("listing", [
    b"<html>maintenance</html>",
    json.dumps({"packages": [{"name": "no id here"}]}).encode(),
    json.dumps({"packages": ["garbage", 1]}).encode(),
    json.dumps(["not", "a", "mapping"]).encode(),
])
def test_garbage_in_the_listing_during_update_deletes_nothing(server, token_env, existing,
                                                              capsys, listing):
    old, new = existing
    server.answer_next(1, 200, listing, "application/json")
    code, out, err = upload(capsys, new, "--exists-action", "update")
    assert code == 2
    assert "look up com.example.Lib:" in err and "Traceback" not in err
    assert row(out, "com.example.Lib")[2] == "failed"
    assert server.requests_of("DELETE") == []
    assert server.archive_of("com.example.Lib") == old.read_bytes()


def test_a_listing_that_pages_in_a_loop_is_refused(server, token_env, existing, capsys):
    old, new = existing
    [package] = server.packages()
    page = json.dumps({"packages": [package], "next_marker": package["id"]}).encode()
    server.answer_next(50, 200, page, "application/json")
    code, _, err = upload(capsys, new, "--exists-action", "update")
    assert code == 2
    assert "the package list repeats itself page after page" in err
    assert server.requests_of("DELETE") == []


def test_a_listing_that_ignores_the_filter_gets_no_other_package_deleted(
        server, token_env, existing, capsys, tmp_path):
    old, new = existing
    other = preload(server, make_zip(tmp_path / "other", "com.example.Other"),
                    "com.example.Other")
    everything = json.dumps({"packages": server.packages()}).encode()
    server.answer_next(1, 200, everything, "application/json")
    code, out, err = upload(capsys, new, "--exists-action", "update")
    assert code == 0, err
    assert row(out, "com.example.Lib")[2] == "updated"
    assert other in {p["id"] for p in server.packages()}
    assert server.archive_of("com.example.Lib") == new.read_bytes()


def test_a_backup_download_that_is_not_a_zip_deletes_nothing(server, token_env, existing,
                                                             capsys):
    old, new = existing
    server.answer_next(1, 200, HTML, "text/html", method="GET", after=1)  # after the listing
    code, _, err = upload(capsys, new, "--exists-action", "update")
    assert code == 2
    assert "the download is not a zip" in err
    assert server.requests_of("DELETE") == []
    assert server.archive_of("com.example.Lib") == old.read_bytes()


def test_update_restores_the_old_package_when_the_new_upload_gets_garbage(
        server, token_env, existing, capsys):
    old, new = existing
    # the first POST meets 409, the new package's POST gets a web page
    server.answer_next(1, 200, HTML, "text/html", method="POST", after=1)
    code, out, err = upload(capsys, new, "--exists-action", "update")
    assert code == 2
    assert "previous version was restored" in out
    assert server.archive_of("com.example.Lib") == old.read_bytes()


# --- Keystone ------------------------------------------------------------------------------------
def _keystone_env(monkeypatch, auth_url: str) -> None:
    for name, value in {"OS_AUTH_URL": auth_url, "OS_USERNAME": "alice",
                        "OS_PASSWORD": "wonderland", "OS_PROJECT_NAME": "demo",
                        "OS_USER_DOMAIN_NAME": "Default",
                        "OS_PROJECT_DOMAIN_NAME": "Default"}.items():
        monkeypatch.setenv(name, value)


def test_an_unreachable_keystone_is_named(monkeypatch, no_credentials, pauses, capsys,
                                          tmp_path):
    with socket.socket() as probe:  # a loopback port with nobody listening
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/v3"
    _keystone_env(monkeypatch, url)
    code, _, err = upload(capsys, make_zip(tmp_path, "com.example.Lib"), "--retries", "1")
    assert code == 1
    assert (f"muranokit: error: log in to Keystone at {url}: connection failed (connection "
            "refused); gave up after 2 tries") in err
    assert "Traceback" not in err


def test_a_keystone_url_that_is_another_service_is_named(server, monkeypatch, no_credentials,
                                                         capsys, tmp_path):
    """Another OpenStack API answers 401 there; keystoneauth then deadlocks on its own lock
    (it logs in to read the version document it needs to log in)."""
    url = server.url + "/v1/catalog/v3"  # the catalog itself: 401 without a token
    _keystone_env(monkeypatch, url)
    code, _, err = upload(capsys, make_zip(tmp_path, "com.example.Lib"), "--timeout", "5")
    assert code == 2
    assert err == (f"muranokit: error: {url} does not answer like Keystone (HTTP 401, JSON "
                   "without a version document): check OS_AUTH_URL\n")
    assert server.uploads() == []


def test_a_keystone_url_that_is_a_web_page_is_named(server, monkeypatch, no_credentials,
                                                   capsys, tmp_path):
    url = server.url + "/v1/portal"
    server.answer_next(1, 200, HTML, "text/html", method=None)  # a web site's home page
    _keystone_env(monkeypatch, url)
    code, _, err = upload(capsys, make_zip(tmp_path, "com.example.Lib"))
    assert code == 2
    assert f"{url} does not answer like Keystone (HTTP 200, not JSON" in err


@pytest.mark.parametrize("name, value", [("OS_AUTH_URL", "keystone.example.org:5000"),
                                         ("MURANO_URL", "ftp://catalog.example.org")])
def test_a_url_setting_that_is_no_http_url_is_exit_2(monkeypatch, no_credentials, capsys,
                                                     tmp_path, name, value):
    _keystone_env(monkeypatch, "http://127.0.0.1:9/v3")
    monkeypatch.setenv(name, value)
    code, _, err = upload(capsys, make_zip(tmp_path, "com.example.Lib"))
    assert code == 2
    assert f"{value!r} is not an http:// or https:// URL" in err


def test_after_login_failures_name_the_catalog_endpoint(server, monkeypatch, no_credentials,
                                                        pauses, capsys, tmp_path):
    server.add_user("alice", "wonderland", TOKEN)
    _keystone_env(monkeypatch, server.identity_url)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    monkeypatch.setenv("MURANO_URL", dead)  # Keystone is fine, the catalog is not
    code, out, _ = upload(capsys, make_zip(tmp_path, "com.example.Lib"), "--retries", "0")
    assert code == 1
    assert f"connection to {dead} failed (connection refused)" in out



def test_a_package_that_cannot_be_put_back_is_kept_in_a_local_zip(
        server, token_env, existing, pauses, capsys, tmp_path, monkeypatch):
    import re
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    old, new = existing
    server.fail_next(2, "503", after=1)  # after the 409: the new upload and the restore fail
    code, out, _ = upload(capsys, new, "--exists-action", "update", "--retries", "0")
    assert code == 1
    assert "the previous version was deleted and could not be restored" in out
    [saved] = re.findall(r"its zip is saved as (\S+)", out)
    assert saved.startswith(str(tmp_path / "com.example.Lib-previous-"))
    assert open(saved, "rb").read() == old.read_bytes()
    assert server.packages() == []
