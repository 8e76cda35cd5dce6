"""atomic_write / atomic_folder / move_into_place: all or nothing, nothing left behind."""

from __future__ import annotations

import errno
import os

import pytest

from muranokit.engine.files import atomic_folder, atomic_write, move_into_place, write_file


def names(folder) -> list[str]:
    return sorted(os.listdir(folder))


@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyboardInterrupt(), SystemExit(3)],
                         ids=["exception", "keyboard-interrupt", "system-exit"])
def test_failure_in_the_block_keeps_the_old_file_and_leaves_nothing(tmp_path, error):
    target = tmp_path / "out.json"
    target.write_bytes(b"old")
    with pytest.raises(type(error)):
        with atomic_write(target) as handle:
            handle.write(b"half of the new")
            raise error
    assert target.read_bytes() == b"old"
    assert names(tmp_path) == ["out.json"]


def test_failed_rename_leaves_nothing(tmp_path, monkeypatch):
    def no_space(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(os, "replace", no_space)
    with pytest.raises(OSError):
        write_file(tmp_path / "new.txt", "text")
    assert names(tmp_path) == []


def test_success_replaces_and_syncs(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    target = tmp_path / "out.txt"
    target.write_text("old")
    write_file(target, "new ✓")
    assert target.read_text(encoding="utf-8") == "new ✓" and len(synced) == 1
    write_file(target, b"again", sync=False)
    assert target.read_bytes() == b"again" and len(synced) == 1
    assert names(tmp_path) == ["out.txt"]


def test_mode_follows_the_umask_unless_given(tmp_path):
    old = os.umask(0o027)
    try:
        write_file(tmp_path / "default", "x")
        write_file(tmp_path / "private", "x", mode=0o600)
        write_file(tmp_path / "exact", "x", mode=0o644)
    finally:
        os.umask(old)
    modes = {name: (tmp_path / name).stat().st_mode & 0o777
             for name in ("default", "private", "exact")}
    assert modes == {"default": 0o640, "private": 0o600, "exact": 0o644}


def test_unwritable_folder_is_named(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(OSError) as info:
        write_file(tmp_path / "file" / "out.txt", "x")
    assert info.value.filename == str(tmp_path / "file")


def test_folder_is_written_whole_and_replaced_only_on_success(tmp_path):
    target = tmp_path / "pkg"
    with atomic_folder(target, mode=0o755) as staging:
        (staging / "a.txt").write_text("first")
    assert (target / "a.txt").read_text() == "first"
    assert target.stat().st_mode & 0o777 == 0o755
    with pytest.raises(KeyboardInterrupt):
        with atomic_folder(target, replace=True) as staging:
            (staging / "a.txt").write_text("second")
            raise KeyboardInterrupt
    assert (target / "a.txt").read_text() == "first"
    with pytest.raises(FileExistsError):
        with atomic_folder(target) as staging:
            (staging / "b.txt").write_text("x")
    with atomic_folder(target, replace=True) as staging:
        (staging / "b.txt").write_text("third")
    assert names(target) == ["b.txt"]
    assert names(tmp_path) == ["pkg"]


def test_move_into_place_across_file_systems_copies_atomically(tmp_path, monkeypatch):
    source = tmp_path / "built.img"
    source.write_bytes(b"image bytes")
    source.chmod(0o640)
    dest = tmp_path / "out" / "final.img"
    dest.parent.mkdir()
    real_replace = os.replace
    calls = []

    def cross_device(src, dst):
        calls.append(src)
        if len(calls) == 1:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real_replace(src, dst)
    monkeypatch.setattr(os, "replace", cross_device)
    move_into_place(source, dest)
    assert dest.read_bytes() == b"image bytes" and dest.stat().st_mode & 0o777 == 0o640
    assert not source.exists() and names(dest.parent) == ["final.img"]


def test_a_pipe_is_written_through_never_replaced(tmp_path):
    import stat
    import threading

    pipe = tmp_path / "out.fifo"
    os.mkfifo(pipe)
    received = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    write_file(pipe, "report\n")
    reader.join(timeout=10)
    assert received == [b"report\n"]
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.fifo"]


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a device needs root")
def test_a_device_is_written_into_and_a_file_moved_onto_it_keeps_it(tmp_path):
    """What ``-o /dev/null`` as root does: the device node stays."""
    import stat
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))   # like /dev/null
    write_file(null, "report\n")
    source = tmp_path / "image.qcow2"
    source.write_bytes(b"disk")
    move_into_place(source, null)
    assert stat.S_ISCHR(os.lstat(null).st_mode)
    assert names(tmp_path) == ["null"]
