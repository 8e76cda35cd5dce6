"""Fixtures of the real-deployment suites (``tox -e localcloud``): the VM image (helpers in
``localcloud_support``)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from localcloud_support import build_image


@pytest.fixture(scope="session")
def image(tmp_path_factory) -> Path:
    """The VM image: the image env's build when there is one, else built now."""
    shared = os.environ.get("MURANOKIT_SHARED_IMAGE")
    target = Path(shared) if shared else tmp_path_factory.mktemp("image") / "image.qcow2"
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        build_image(target)
        print(f"\nimage built for the localcloud suites in {time.monotonic() - started:.0f} s")
    return target
