"""The config drive: an OpenStack config-2 file system cloud-init's ConfigDrive source reads."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from muranokit.tools.localcloud import seed

pytestmark = pytest.mark.skipif(not (shutil.which("mkfs.vfat") and shutil.which("mcopy")),
                                reason="dosfstools and mtools are needed")


def read(image: Path, member: str) -> str:
    return subprocess.run(["mtype", "-i", str(image), f"::{member}"], capture_output=True,
                          text=True, check=True, env={**os.environ, "MTOOLS_SKIP_CHECK": "1"}
                          ).stdout


def test_config_drive_holds_user_data_keys_and_fixed_ips(tmp_path: Path) -> None:
    drive = tmp_path / "drive.img"
    user_data = b"#!/bin/sh\necho secret-agent-config\n"
    spec = seed.Seed("murano-kube-1", "1234", user_data,
                     [seed.Nic("fa:16:3e:00:00:01", "10.0.0.4/24", None, "k8s-net"),
                      seed.Nic("52:54:00:00:00:02", "10.0.2.15/24")],
                     {"mykey": "ssh-ed25519 AAAA test"}, "#cloud-config\nbootcmd: []\n")
    seed.write(spec, drive)
    assert drive.stat().st_mode & 0o777 == 0o600
    label = subprocess.run(["mlabel", "-s", "-i", str(drive), "::"], capture_output=True,
                           text=True, env={**os.environ, "MTOOLS_SKIP_CHECK": "1"}).stdout
    assert "CONFIG-2" in label
    assert read(drive, "openstack/latest/user_data").encode() == user_data
    meta = json.loads(read(drive, "openstack/latest/meta_data.json"))
    assert meta["hostname"] == "murano-kube-1" and meta["uuid"] == "1234"
    assert meta["public_keys"] == {"mykey": "ssh-ed25519 AAAA test"}
    net = json.loads(read(drive, "openstack/latest/network_data.json"))
    assert [link["ethernet_mac_address"] for link in net["links"]] == [
        "fa:16:3e:00:00:01", "52:54:00:00:00:02"]
    assert [(n["link"], n["ip_address"], n["netmask"], n["routes"]) for n in net["networks"]] \
        == [("tap0", "10.0.0.4", "255.255.255.0", []), ("tap1", "10.0.2.15", "255.255.255.0", [])]
    vendor = json.loads(read(drive, "openstack/latest/vendor_data.json"))
    assert vendor == {"cloud-init": "#cloud-config\nbootcmd: []\n"}
    assert not list(tmp_path.glob("seed-*")), "staging folder left behind"


def test_a_nic_without_address_is_a_link_only(tmp_path: Path) -> None:
    spec = seed.Seed("vm", "u", None, [seed.Nic("fa:16:3e:00:00:09", None)], {})
    data = spec.network_data()
    assert len(data["links"]) == 1 and data["networks"] == []
    seed.write(spec, tmp_path / "d.img")
    with pytest.raises(subprocess.CalledProcessError):
        read(tmp_path / "d.img", "openstack/latest/user_data")
