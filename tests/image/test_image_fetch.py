"""Downloads into the cache folder: the file appears whole and checked, or not at all."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from muranokit.tools.exceptions import OperationFailed
from muranokit.tools.image_fetch import download
from muranokit.tools.image_pins import Pin


def _pin(source: Path, checksum: str) -> Pin:
    return Pin(name="tool-1.0.tar.gz", checksum=checksum, url=source.as_uri(),
               pins_file=Path("elements/muranokit-x/muranokit-pins/x.pins"), line=3)


def test_a_download_lands_whole_when_its_checksum_matches(tmp_path):
    source = tmp_path / "served.tar.gz"
    source.write_bytes(b"release bytes" * 1000)
    cache = tmp_path / "cache"
    cache.mkdir()
    download(_pin(source, "sha256:" + hashlib.sha256(source.read_bytes()).hexdigest()),
             cache, lambda message: None)
    assert (cache / "tool-1.0.tar.gz").read_bytes() == source.read_bytes()
    assert os.listdir(cache) == ["tool-1.0.tar.gz"]


def test_a_download_with_the_wrong_checksum_leaves_nothing(tmp_path):
    source = tmp_path / "served.tar.gz"
    source.write_bytes(b"tampered")
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "tool-1.0.tar.gz").write_bytes(b"what was there")
    with pytest.raises(OperationFailed, match="does not match its pin"):
        download(_pin(source, "sha256:" + "0" * 64), cache, lambda message: None)
    assert os.listdir(cache) == ["tool-1.0.tar.gz"]
    assert (cache / "tool-1.0.tar.gz").read_bytes() == b"what was there"
    with pytest.raises(OperationFailed, match="cannot download"):
        download(_pin(tmp_path / "absent", "sha256:" + "0" * 64), cache, lambda message: None)
    assert os.listdir(cache) == ["tool-1.0.tar.gz"]
