"""Fixtures of the app catalog tests."""

from __future__ import annotations

import pytest
from app_catalog import REPO


@pytest.fixture
def in_repo(monkeypatch):
    """``muranokit deploy`` loads the packages under ./packages/ of the repository."""
    monkeypatch.chdir(REPO)
