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
    assert "kubelet-v1.28.10" in staged and "confd-0.16.0" in staged
    # etcd's tarball is pinned only for DIB_MURANOKIT_ETCD_SOURCE=binary
    assert "etcd-v3.5.12-linux-amd64.tar.gz" not in staged
    assert (hooks / "muranokit-files" / "kubelet-v1.28.10").read_bytes() == \
        (cache / "kubelet-v1.28.10").read_bytes()
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
    overrides = write_standins(cache, skip=("kube-proxy-v1.28.10",))
    done = fetch(hooks, cache, DIB_MURANOKIT_PINS_OVERRIDE=str(overrides))
    assert done.returncode != 0
    assert "kube-proxy-v1.28.10 is missing from" in done.stderr
    assert "dl.k8s.io/v1.28.10/bin/linux/amd64/kube-proxy" in done.stderr


def test_checksum_mismatch_fails(hooks: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    overrides = write_standins(cache)
    (cache / "kubelet-v1.28.10").write_bytes(b"#!/bin/sh\necho tampered\n")
    done = fetch(hooks, cache, DIB_MURANOKIT_PINS_OVERRIDE=str(overrides))
    assert done.returncode != 0
    assert "checksum mismatch" in done.stderr and "kubelet-v1.28.10" in done.stderr


def test_real_pins_reject_stand_ins_without_the_override(hooks: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    write_standins(cache)
    done = fetch(hooks, cache)
    assert done.returncode != 0
    # either a file without a pinned checksum or a stand-in failing the real checksum
    assert "no sha256 pinned for" in done.stderr or "checksum mismatch" in done.stderr


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
