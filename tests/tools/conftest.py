"""Fixtures of the upload tests: a loopback catalog and the credentials that reach it."""

from __future__ import annotations

import pytest
from fake_catalog import FakeCatalog
from upload_support import AUTH_VARIABLES, TOKEN, make_zip, preload

from muranokit.tools import catalog as catalog_module


@pytest.fixture
def server(tmp_path):
    with FakeCatalog(str(tmp_path / "catalog.sqlite"), token=TOKEN) as catalog:
        yield catalog


@pytest.fixture
def no_credentials(monkeypatch, tmp_path):
    for name in AUTH_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no ~/.config/openstack/clouds.yaml


@pytest.fixture
def token_env(monkeypatch, server, no_credentials):
    monkeypatch.setenv("OS_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("MURANO_URL", server.url)


@pytest.fixture
def pauses(monkeypatch):
    """Backoff delays the command asked for; nothing actually waits."""
    asked: list[float] = []
    monkeypatch.setattr(catalog_module, "pause", asked.append)
    return asked


@pytest.fixture
def existing(server, tmp_path):
    """The catalog holds version 1.0.0 of com.example.Lib; dist/ has 2.0.0."""
    old = make_zip(tmp_path / "old", "com.example.Lib", version="1.0.0")
    preload(server, old, "com.example.Lib", categories=["Web"])
    new = make_zip(tmp_path / "dist", "com.example.Lib", version="2.0.0")
    return old, new
