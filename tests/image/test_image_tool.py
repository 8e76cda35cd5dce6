"""tools/image.py: prerequisites, device-mapper detection, environment, progress, cleanup."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from muranokit.tools import image
from muranokit.tools.cli import main
from muranokit.tools.exceptions import InputError

needs_root_loop = pytest.mark.needs("root", "loop", "sfdisk", "losetup", "partx")


def settings(tmp_path: Path, **kw) -> image.BuildSettings:
    return image.BuildSettings(output=tmp_path / "out.qcow2", cache=tmp_path, **kw)


def test_device_mapper_detected_from_proc(tmp_path: Path) -> None:
    (tmp_path / "misc").write_text(" 62 loop-control\n236 device-mapper\n")
    (tmp_path / "devices").write_text("Block devices:\n  7 loop\n")
    assert image.has_device_mapper(tmp_path)
    (tmp_path / "misc").write_text(" 62 loop-control\n")
    assert not image.has_device_mapper(tmp_path)
    (tmp_path / "devices").write_text("Block devices:\n253 device-mapper\n")
    assert image.has_device_mapper(tmp_path)


def test_missing_prerequisites_name_the_package_to_install() -> None:
    present = {"sudo", "qemu-img", "mksquashfs", "losetup", "partx", "mkfs.ext4",
               "disk-image-create"}
    with pytest.raises(InputError) as caught:
        image.check_prerequisites(False, which=lambda c: c if c in present else None)
    assert "debootstrap (Debian package debootstrap)" in str(caught.value)
    assert "apt-get install debootstrap" in str(caught.value)
    assert "kpartx" not in str(caught.value)


def test_kpartx_is_required_only_with_device_mapper() -> None:
    everything_but_kpartx = lambda c: None if c == "kpartx" else c  # noqa: E731
    with pytest.raises(InputError) as caught:
        image.check_prerequisites(True, which=everything_but_kpartx)
    assert "apt-get install kpartx" in str(caught.value)


def test_missing_diskimage_builder_points_to_pip() -> None:
    with pytest.raises(InputError) as caught:
        image.check_prerequisites(False, which=lambda c: None if c == "disk-image-create" else c)
    assert "pip install diskimage-builder" in str(caught.value)


def test_security_mirror_sits_beside_the_distribution_mirror() -> None:
    assert image.security_mirror("http://mirror.example/debian/") == \
        "http://mirror.example/debian-security"
    assert image.security_mirror("http://other.example/deb") == \
        "http://deb.debian.org/debian-security"


def test_environment_takes_mirrors_from_the_caller(tmp_path: Path) -> None:
    env = image.build_environment(settings(tmp_path, release="trixie"), tmp_path / "w", False,
                                  base={"PATH": "/usr/bin",
                                        "DIB_DISTRIBUTION_MIRROR": "http://m.example/debian"})
    assert env["DIB_DISTRIBUTION_MIRROR"] == "http://m.example/debian"
    assert env["DIB_DEBIAN_SECURITY_MIRROR"] == "http://m.example/debian-security"
    assert env["DIB_RELEASE"] == "trixie"
    assert env["DIB_MURANOKIT_CACHE"] == str(tmp_path)
    assert env["TMPDIR"] == str(tmp_path / "w")
    assert env["DIB_CLOUD_INIT_DATASOURCES"] == "ConfigDrive, OpenStack"
    assert env["PATH"] == "/usr/bin"

    env = image.build_environment(settings(tmp_path), tmp_path, False, base={
        "DIB_DEBIAN_SECURITY_MIRROR": "http://sec.example/", "PATH": "/usr/bin"})
    assert env["DIB_DISTRIBUTION_MIRROR"] == image.DEFAULT_MIRROR
    assert env["DIB_DEBIAN_SECURITY_MIRROR"] == "http://sec.example/"
    assert env["DIB_RELEASE"] == "bookworm"


def test_elements_path_puts_ours_first_then_extra_then_inherited(tmp_path: Path) -> None:
    extra = tmp_path / "more"
    extra.mkdir()
    env = image.build_environment(settings(tmp_path, elements_paths=[extra]), tmp_path, False,
                                  base={"ELEMENTS_PATH": f"/site/elements:{extra}"})
    assert env["ELEMENTS_PATH"].split(":") == [str(image.REPO_ELEMENTS), str(extra),
                                                "/site/elements"]


def test_dm_stand_in_goes_on_path_only_when_asked(tmp_path: Path) -> None:
    base = {"PATH": "/usr/sbin:/usr/bin"}
    assert str(image.DMSHIM_DIR) not in image.build_environment(
        settings(tmp_path), tmp_path, False, base)["PATH"]
    env = image.build_environment(settings(tmp_path), tmp_path, True, base)
    assert env["PATH"].split(":")[0] == str(image.DMSHIM_DIR)
    assert not env["MURANOKIT_REAL_SUDO"].startswith(str(image.DMSHIM_DIR))


def test_progress_phases_from_disk_image_create_output() -> None:
    assert image.phase_of("12:00 | Running hooks from /tmp/x/hooks/root.d") == \
        "creating the root file system"
    assert image.phase_of(
        "12:01 | dib-run-parts Running /tmp/in_target.d/install.d/60-muranokit-etcd") == \
        "installing packages and binaries"
    assert image.phase_of("12:04 | INFO diskimage_builder.block_device.level1.partitioning "
                          "[-] Creating partition on [image0] [/tmp/x/image.raw]") == \
        "partitioning the disk"
    assert image.phase_of("12:05 | Unpacking ipset (7.17-1) ...") is None


def test_log_file_sits_beside_the_image(tmp_path: Path) -> None:
    assert settings(tmp_path).log_path == tmp_path / "out.log"


def test_mounts_under_reads_mountinfo_deepest_first(tmp_path: Path) -> None:
    info = tmp_path / "mountinfo"
    info.write_text(
        "22 1 0:21 / /proc rw - proc proc rw\n"
        "90 1 0:50 / /work/b rw - tmpfs tmpfs rw\n"
        "91 90 0:51 / /work/b/mnt/dev rw - devtmpfs udev rw\n"
        "92 1 0:52 / /work/bb rw - tmpfs tmpfs rw\n")
    assert image.mounts_under(Path("/work/b"), info) == ["/work/b/mnt/dev", "/work/b"]


def test_cli_rejects_a_missing_cache_folder(tmp_path: Path, capsys) -> None:
    code = main(["image", "--cache", str(tmp_path / "absent"), "-o", str(tmp_path / "x.qcow2")])
    assert code == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "x.qcow2").exists()


def test_release_missing_from_the_mirror_is_a_clear_error(tmp_path: Path,
                                                          missing_capability) -> None:
    mirror = os.environ.get("DIB_DISTRIBUTION_MIRROR", image.DEFAULT_MIRROR)
    try:
        image.check_release(mirror, "bookworm", timeout=10)
    except InputError as exc:
        missing_capability("mirror", f"mirror unreachable: {exc}")
    with pytest.raises(InputError, match="'no-such-release' is not on the mirror"):
        image.check_release(mirror, "no-such-release", timeout=10)


def _loop_with_partitions(workdir: Path) -> str:
    disk = workdir / "disk.raw"
    with open(disk, "wb") as f:
        f.truncate(64 * 2**20)
    subprocess.run(["sfdisk", "-q", str(disk)], input="label: dos\n,32M,L\n,,L\n", text=True,
                   check=True)
    return subprocess.run(["losetup", "-f", "--show", str(disk)], capture_output=True,
                          text=True, check=True).stdout.strip()


@needs_root_loop
def test_kpartx_stand_in_maps_and_unmaps_partitions(tmp_path: Path) -> None:
    device = _loop_with_partitions(tmp_path)
    base = os.path.basename(device)
    env = {**os.environ, "PATH": f"{image.DMSHIM_DIR}:{os.environ['PATH']}"}
    try:
        done = subprocess.run(["sudo", "kpartx", "-uvs", device], env=env, capture_output=True,
                              text=True)
        assert done.returncode == 0, done.stderr
        assert f"add map {base}p1" in done.stdout and f"add map {base}p2" in done.stdout
        link = Path(f"/dev/mapper/{base}p1")
        assert link.is_symlink() and Path(os.readlink(link)) == Path(f"/dev/{base}p1")
        assert Path(f"/dev/{base}p1").is_block_device()
        subprocess.run(["sudo", "dmsetup", "--noudevsync", "mknodes"], env=env, check=True)
        subprocess.run(["sudo", "dmsetup", "remove", f"{base}p2"], env=env, check=True)
        assert not Path(f"/dev/mapper/{base}p2").exists()
        subprocess.run(["sudo", "kpartx", "-d", device], env=env, check=True)
        assert not link.exists()
        assert not Path(f"/sys/class/block/{base}p1").exists()
        bad = subprocess.run(["dmsetup", "table"], env=env, capture_output=True, text=True)
        assert bad.returncode != 0 and "unsupported" in bad.stderr
    finally:
        subprocess.run(["partx", "-d", device], capture_output=True)
        subprocess.run(["losetup", "-d", device], capture_output=True)


@needs_root_loop
def test_cleanup_detaches_unmounts_and_deletes(tmp_path: Path) -> None:
    workdir = tmp_path / "muranokit-image-test"
    image_dir = workdir / "dib_image.test"  # as diskimage-builder does: the disk on a tmpfs
    image_dir.mkdir(parents=True)
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", str(image_dir)], check=True)
    device = _loop_with_partitions(image_dir)
    subprocess.run([str(image.DMSHIM_DIR / "kpartx"), "-av", device], check=True,
                   capture_output=True)
    mnt = workdir / "build" / "mnt"
    mnt.mkdir(parents=True)
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", str(mnt)], check=True)
    (mnt / "proc").mkdir()
    subprocess.run(["mount", "--bind", "/proc", str(mnt / "proc")], check=True)
    assert image.loops_under(workdir) == [device]
    messages: list[str] = []
    problems = image.cleanup(workdir, messages.append)
    assert problems == []
    assert not workdir.exists()
    assert image.mounts_under(tmp_path) == []
    attached = subprocess.run(["losetup", "-a"], capture_output=True, text=True).stdout
    assert f"{device}:" not in attached
    assert not Path(f"/dev/mapper/{os.path.basename(device)}p1").exists()
    assert Path("/proc/self").exists()  # the bind-mounted /proc was not harmed
    assert any("detached" in m for m in messages)


def test_debootstrap_tarball_is_reused_only_while_fresh(tmp_path: Path) -> None:
    tarball = tmp_path / "debootstrap-debian-bookworm-amd64.tar.gz"
    assert not image.debootstrap_cache_fresh(tmp_path, "bookworm")
    tarball.write_bytes(b"")
    mtime = tarball.stat().st_mtime
    assert image.debootstrap_cache_fresh(tmp_path, "bookworm", now=mtime + 3600)
    assert not image.debootstrap_cache_fresh(tmp_path, "bookworm", now=mtime + 8 * 86400)
    assert not image.debootstrap_cache_fresh(tmp_path, "trixie", now=mtime)
    env = image.build_environment(settings(tmp_path), tmp_path, False,
                                  base={"PATH": "/usr/bin", "DIB_IMAGE_CACHE": str(tmp_path)})
    assert env["DIB_DEBIAN_USE_DEBOOTSTRAP_CACHE"] == "1"
    env = image.build_environment(settings(tmp_path, release="trixie"), tmp_path, False,
                                  base={"PATH": "/usr/bin", "DIB_IMAGE_CACHE": str(tmp_path)})
    assert "DIB_DEBIAN_USE_DEBOOTSTRAP_CACHE" not in env


def test_qcow2_conversion_compresses_in_parallel(tmp_path: Path) -> None:
    cmd = image.convert_command(tmp_path / "a.raw", tmp_path / "a.qcow2")
    assert cmd[:2] == ["qemu-img", "convert"] and "-c" in cmd and "-W" in cmd
    assert "compression_type=zstd" not in cmd
    assert "compression_type=zstd" in image.convert_command(Path("a"), Path("b"), "zstd")
    assert "-c" not in image.convert_command(Path("a"), Path("b"), "none")
    with pytest.raises(InputError, match="MURANOKIT_QCOW2_COMPRESSION"):
        image.convert_command(Path("a"), Path("b"), "xz")


@pytest.mark.needs("qemu-img")
def test_qcow2_conversion_writes_a_readable_image(tmp_path: Path) -> None:
    raw = tmp_path / "disk.raw"
    raw.write_bytes(b"muranokit" * 100000)
    for compression in image.COMPRESSIONS:
        out = tmp_path / f"{compression}.qcow2"
        subprocess.run(image.convert_command(raw, out, compression), check=True)
        back = tmp_path / f"{compression}.raw"
        subprocess.run(["qemu-img", "convert", "-O", "raw", str(out), str(back)], check=True)
        assert back.read_bytes()[:len(raw.read_bytes())] == raw.read_bytes()


def test_failure_cause_is_the_line_that_says_why() -> None:
    tail = ["2026-01-01 10:00:00.000 | Setting up foo ...",
            "2026-01-01 10:00:01.000 | muranokit-fetch: ERROR: confd-0.16.0 is missing from "
            "/c and could not be downloaded (https://x)",
            "2026-01-01 10:00:02.000 | INFO diskimage_builder.block_device [-] cleaning up"]
    assert image.failure_cause(tail, 1) == (
        "disk-image-create failed (exit 1): muranokit-fetch: ERROR: confd-0.16.0 is missing "
        "from /c and could not be downloaded (https://x)")
    apt = ["E: Unable to locate package no-such-package", "some later noise"]
    assert image.failure_cause(apt, 100).endswith(": E: Unable to locate package "
                                                  "no-such-package")
    assert image.failure_cause(["all fine", ""], 2) == "disk-image-create failed (exit 2)"
