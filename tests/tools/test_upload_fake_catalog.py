"""The loopback catalog speaks the Murano API the way python-muranoclient uses it."""

from __future__ import annotations

import io
import json

import pytest
import requests
from fake_catalog import FakeCatalog
from muranoclient.common import exceptions as mc_exc
from muranoclient.v1.client import Client
from upload_support import TOKEN, make_zip


@pytest.fixture
def server(tmp_path):
    with FakeCatalog(str(tmp_path / "catalog.sqlite"), token=TOKEN) as catalog:
        yield catalog


@pytest.fixture
def client(server):
    """The plain python-muranoclient client in token mode, as `murano` uses it."""
    return Client(endpoint=server.url, token=TOKEN)


def _create(client, path, fqn, **meta):
    with open(path, "rb") as handle:
        return client.packages.create(meta, {fqn: handle})


def test_upload_returns_package_and_stores_archive_unchanged(server, client, tmp_path):
    path = make_zip(tmp_path, "com.example.Lib")
    package = _create(client, path, "com.example.Lib", is_public=True, categories=["Web"])

    assert package.fully_qualified_name == "com.example.Lib"
    assert package.name == "Lib"
    assert package.type == "Library"
    assert package.class_definitions == ["com.example.Lib"]
    assert package.is_public is True and package.categories == ["Web"]
    assert package.owner_id == "demo" and package.enabled is True
    assert client.packages.download(package.id) == path.read_bytes()
    assert client.packages.get(package.id).id == package.id
    post = server.requests_of("POST")[0]
    assert post.content_type.startswith("multipart/form-data")


def test_second_upload_of_same_full_name_is_409(client, tmp_path):
    path = make_zip(tmp_path, "com.example.Lib")
    _create(client, path, "com.example.Lib")
    with pytest.raises(mc_exc.HTTPConflict, match="already registered"):
        _create(client, path, "com.example.Lib")


def test_search_by_fqn_owned_and_paging(server, client, tmp_path):
    for index in range(25):
        fqn = f"com.example.P{index:02d}"
        _create(client, make_zip(tmp_path, fqn), fqn)

    found = list(client.packages.filter(fqn="com.example.P07", owned=True))
    assert [p.fully_qualified_name for p in found] == ["com.example.P07"]

    everything = [p.fully_qualified_name for p in client.packages.filter(limit=10)]
    assert sorted(everything) == [f"com.example.P{i:02d}" for i in range(25)]
    pages = [r for r in server.requests_of("GET") if r.path == "/v1/catalog/packages"]
    assert len(pages) == 1 + 3  # the fqn search, then pages of 10, 10 and 5


def test_other_projects_see_public_packages_only_and_owned_filters_them(server, tmp_path):
    server.add_project("other-token", "other")
    mine = Client(endpoint=server.url, token=TOKEN)
    theirs = Client(endpoint=server.url, token="other-token")
    _create(mine, make_zip(tmp_path, "com.example.Private"), "com.example.Private")
    _create(mine, make_zip(tmp_path, "com.example.Shared"), "com.example.Shared",
            is_public=True)

    visible = {p.fully_qualified_name for p in theirs.packages.filter()}
    assert visible == {"com.example.Shared"}
    assert list(theirs.packages.filter(owned=True)) == []


def test_delete_then_delete_again_is_404(client, tmp_path):
    package = _create(client, make_zip(tmp_path, "com.example.Lib"), "com.example.Lib")
    client.packages.delete(package.id)
    with pytest.raises(mc_exc.HTTPNotFound):
        client.packages.delete(package.id)
    assert list(client.packages.filter(fqn="com.example.Lib")) == []


def test_patch_replaces_fields_with_the_json_patch_content_type(server, client, tmp_path):
    package = _create(client, make_zip(tmp_path, "com.example.Lib"), "com.example.Lib")
    _, body = client.packages.update(package.id, {"tags": ["a", "b"], "name": "Renamed"})
    assert body["tags"] == ["a", "b"] and body["name"] == "Renamed"
    assert client.packages.get(package.id).name == "Renamed"
    patch = server.requests_of("PATCH")[0]
    assert patch.content_type == "application/murano-packages-json-patch"


def test_unknown_category_is_400(client, tmp_path):
    with pytest.raises(mc_exc.HTTPBadRequest, match="Category 'Nope' doesn't exist"):
        _create(client, make_zip(tmp_path, "com.example.Lib"), "com.example.Lib",
                categories=["Nope"])


def test_wrong_token_is_401(server, tmp_path):
    stranger = Client(endpoint=server.url, token="wrong")
    with pytest.raises(mc_exc.HTTPUnauthorized):
        list(stranger.packages.filter())


def _raw_post(server, payload: bytes, metadata: dict | None = None) -> requests.Response:
    """Upload without the client's own manifest check, as a non-Python client could."""
    data = {"__metadata__": json.dumps(metadata or {})}
    return requests.post(server.url + "/v1/catalog/packages", data=data,
                         files={"pkg": ("pkg.zip", io.BytesIO(payload))},
                         headers={"X-Auth-Token": TOKEN}, timeout=10)


@pytest.mark.parametrize(("payload", "message"), [
    (b"not a zip at all", "Couldn't load package from file"),
    (b"", "can't be empty"),
])
def test_broken_uploads_are_400_with_the_reason(server, payload, message):
    answer = _raw_post(server, payload)
    assert answer.status_code == 400
    assert message in answer.text
    assert server.packages() == []


@pytest.mark.parametrize(("manifest", "message"), [
    (None, "Unable to find package manifest"),
    ("Format: 9.9\nFullName: com.example.X\n", "Unsupported format"),
    ("Format: 1.3\nName: x\n", "FullName"),
    ("Format: [1.3\n", "Error loading manifest"),
])
def test_zips_that_are_not_packages_are_400(server, tmp_path, manifest, message):
    path = make_zip(tmp_path, "com.example.X", manifest=manifest or "")
    if manifest is None:  # a zip with no manifest at all
        import zipfile
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("Classes/Main.yaml", "Name: X\n")
    answer = _raw_post(server, path.read_bytes())
    assert answer.status_code == 400, answer.text
    assert message in answer.text


def test_error_bodies_are_json_when_asked(server):
    answer = requests.get(server.url + "/v1/catalog/packages/nope",
                          headers={"X-Auth-Token": TOKEN, "Accept": "application/json"},
                          timeout=10)
    assert answer.status_code == 404
    assert answer.json()["code"] == 404


def test_download_refuses_json_accept_header(server, client, tmp_path):
    package = _create(client, make_zip(tmp_path, "com.example.Lib"), "com.example.Lib")
    answer = requests.get(f"{server.url}/v1/catalog/packages/{package.id}/download",
                          headers={"X-Auth-Token": TOKEN, "Accept": "application/json"},
                          timeout=10)
    assert answer.status_code == 406


def test_packages_survive_a_server_restart(tmp_path):
    db = str(tmp_path / "catalog.sqlite")
    path = make_zip(tmp_path, "com.example.Lib")
    with FakeCatalog(db, token=TOKEN) as first:
        _create(Client(endpoint=first.url, token=TOKEN), path, "com.example.Lib")
    with FakeCatalog(db, token=TOKEN) as second:
        assert [p["fully_qualified_name"] for p in second.packages()] == ["com.example.Lib"]
        assert second.archive_of("com.example.Lib") == path.read_bytes()


def test_queued_faults_hit_the_next_requests_only(server, client, tmp_path):
    path = make_zip(tmp_path, "com.example.Lib")
    server.fail_next(1, "503")
    with pytest.raises(mc_exc.HTTPServiceUnavailable):
        _create(client, path, "com.example.Lib")
    server.fail_next(1, "drop")
    with pytest.raises(mc_exc.CommunicationError):
        _create(client, path, "com.example.Lib")
    assert server.packages() == []
    _create(client, path, "com.example.Lib")
    assert [r.status for r in server.requests_of("POST")] == [503, "dropped", 200]
