"""muranokit-fetch's extra-data.d script: pinned files are verified or the build stops."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from muranokit.tools.image import REPO_ELEMENTS
from muranokit.tools.image_standins import write_standins

K8S_TARBALL = "kubernetes-server-v1.21.14-linux-amd64.tar.gz"
SCRIPT = REPO_ELEMENTS / "muranokit-fetch" / "extra-data.d" / "50-muranokit-fetch"


@pytest.fixture
def hooks(tmp_path: Path) -> Path:
    """A TMP_HOOKS_PATH holding every element's pins, as DIB's hook copy builds it."""
    hooks = tmp_path / "hooks"
    for pins in REPO_ELEMENTS.glob("*/muranokit-pins/*.pins"):
        (hooks / "muranokit-pins").mkdir(parents=True, exist_ok=True)
        shutil.copy(pins, hooks / "muranokit-pins" / pins.name)
    return hooks


def fetch(hooks: Path, cache: Path, **env: str) -> subprocess.CompletedProcess:
    full_env = {"PATH": os.environ["PATH"], "TMP_HOOKS_PATH": str(hooks),
                "DIB_MURANOKIT_CACHE": str(cache), "DIB_MURANOKIT_OFFLINE": "1", **env}
    return subprocess.run(["bash", str(SCRIPT)], env=full_env, capture_output=True, text=True)


def test_stages_every_pinned_file_with_a_matching_checksum(hooks: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    overrides = write_standins(cache)
    done = fetch(hooks, cache, DIB_MURANOKIT_PINS_OVERRIDE=str(overrides))
    assert done.returncode == 0, done.stderr
    staged = sorted(p.name for p in (hooks / "muranokit-files").iterdir())
    assert K8S_TARBALL in staged and "confd-0.16.0" in staged
    # etcd's tarball is pinned only for DIB_MURANOKIT_ETCD_SOURCE=binary
    assert "etcd-v3.5.12-linux-amd64.tar.gz" not in staged
    assert (hooks / "muranokit-files" / K8S_TARBALL).read_bytes() == \
        (cache / K8S_TARBALL).read_bytes()
    assert f"{len(staged)} pinned files verified" in done.stdout


def test_when_guard_adds_the_etcd_tarball_for_binary_installs(hooks: Path,
                                                               tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    overrides = write_standins(cache)
    done = fetch(hooks, cache, DIB_MURANOKIT_PINS_OVERRIDE=str(overrides),
                 DIB_MURANOKIT_ETCD_SOURCE="binary")
    assert done.returncode == 0, done.stderr
    assert (hooks / "muranokit-files" / "etcd-v3.5.12-linux-amd64.tar.gz").is_file()


def test_missing_file_fails_offline(hooks: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    overrides = write_standins(cache, skip=(K8S_TARBALL,))
    done = fetch(hooks, cache, DIB_MURANOKIT_PINS_OVERRIDE=str(overrides))
    assert done.returncode != 0
    assert "kubernetes-server-v1.21.14-linux-amd64.tar.gz is missing from" in done.stderr
    assert "dl.k8s.io/v1.21.14/kubernetes-server-linux-amd64.tar.gz" in done.stderr


def test_checksum_mismatch_fails(hooks: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    overrides = write_standins(cache)
    (cache / "confd-0.16.0").write_bytes(b"#!/bin/sh\necho tampered\n")
    done = fetch(hooks, cache, DIB_MURANOKIT_PINS_OVERRIDE=str(overrides))
    assert done.returncode != 0
    assert "checksum mismatch" in done.stderr and "confd-0.16.0" in done.stderr


def test_real_pins_reject_stand_ins_without_the_override(hooks: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    write_standins(cache)
    done = fetch(hooks, cache)
    assert done.returncode != 0
    # either a file without a pinned checksum or a stand-in failing the real checksum
    assert "no published checksum is pinned" in done.stderr or "checksum mismatch" in done.stderr


def test_pinned_checksum_is_used_when_not_overridden(tmp_path: Path) -> None:
    hooks = tmp_path / "hooks"
    (hooks / "muranokit-pins").mkdir(parents=True)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "tool-1.0").write_bytes(b"payload")
    digest = hashlib.sha256(b"payload").hexdigest()
    (hooks / "muranokit-pins" / "t.pins").write_text(f"tool-1.0 {digest} -\n")
    done = fetch(hooks, cache)
    assert done.returncode == 0, done.stderr
    (hooks / "muranokit-pins" / "t.pins").write_text(f"tool-1.0 {'0' * 64} -\n")
    done = fetch(hooks, cache)
    assert done.returncode != 0 and "checksum mismatch" in done.stderr


def test_missing_cache_folder_fails(hooks: Path, tmp_path: Path) -> None:
    done = fetch(hooks, tmp_path / "nowhere")
    assert done.returncode != 0 and "does not exist" in done.stderr


def test_sha512_pins_are_checked(tmp_path: Path) -> None:
    hooks = tmp_path / "hooks"
    (hooks / "muranokit-pins").mkdir(parents=True)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "bundle-1.0.tar.gz").write_bytes(b"payload")
    digest = hashlib.sha512(b"payload").hexdigest()
    pins = hooks / "muranokit-pins" / "t.pins"
    pins.write_text(f"bundle-1.0.tar.gz sha512:{digest} -\n")
    done = fetch(hooks, cache)
    assert done.returncode == 0, done.stderr
    assert (hooks / "muranokit-files" / "bundle-1.0.tar.gz").read_bytes() == b"payload"
    pins.write_text(f"bundle-1.0.tar.gz sha512:{'0' * 128} -\n")
    done = fetch(hooks, cache)
    assert done.returncode != 0
    assert "checksum mismatch" in done.stderr and "sha512" in done.stderr
    # a sha512 cut to sha256 length is not a checksum of either kind
    pins.write_text(f"bundle-1.0.tar.gz sha512:{digest[:64]} -\n")
    done = fetch(hooks, cache)
    assert done.returncode != 0 and "no published checksum is pinned" in done.stderr


def test_unpinned_files_are_all_named_with_how_to_supply_them(tmp_path: Path) -> None:
    hooks = tmp_path / "hooks"
    (hooks / "muranokit-pins").mkdir(parents=True)
    cache = tmp_path / "cache"
    cache.mkdir()
    for name in ("one-1.0", "two-2.0", "three-3.0"):
        (cache / name).write_bytes(name.encode())
    digest = hashlib.sha256(b"one-1.0").hexdigest()
    (hooks / "muranokit-pins" / "t.pins").write_text(
        f"one-1.0 {digest} -\ntwo-2.0 - https://example.org/two\n"
        "three-3.0 - https://example.org/three\n")
    done = fetch(hooks, cache)
    assert done.returncode != 0
    assert "pinned for 2 release files:" in done.stderr
    assert "two-2.0 (muranokit-pins/t.pins, https://example.org/two)" in done.stderr
    assert "three-3.0 (muranokit-pins/t.pins, https://example.org/three)" in done.stderr
    assert "one-1.0 (" not in done.stderr
    assert "DIB_MURANOKIT_PINS_OVERRIDE" in done.stderr and "--cache" in done.stderr
    assert str(cache) in done.stderr
    assert not (hooks / "muranokit-files" / "one-1.0").exists()  # nothing staged first
    overrides = tmp_path / "overrides"
    overrides.write_text(f"two-2.0 {hashlib.sha256(b'two-2.0').hexdigest()}\n"
                         f"three-3.0 sha512:{hashlib.sha512(b'three-3.0').hexdigest()}\n")
    done = fetch(hooks, cache, DIB_MURANOKIT_PINS_OVERRIDE=str(overrides))
    assert done.returncode == 0, done.stderr
    assert "3 pinned files verified" in done.stdout
