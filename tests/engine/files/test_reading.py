"""engine/files: the one reader of user-named files, the one JSON reader, the one check of
the file names a package may read."""

from __future__ import annotations

import json
import os
import stat
import threading

import pytest

from muranokit.engine.files import (
    SourceError,
    check_regular_file,
    contained_path,
    load_json,
    read_file,
    read_text,
)
from muranokit.engine.files.json_text import MAX_DEPTH, JsonNestingError


def test_a_regular_file_is_read_whole(tmp_path):
    path = tmp_path / "f.json"
    path.write_bytes(b"x" * 3_000_000)
    data, mode = read_file(path)
    assert data == b"x" * 3_000_000 and mode & 0o400


def test_a_named_pipe_is_refused_at_once_without_waiting_for_a_writer(tmp_path):
    pipe = tmp_path / "model.json"
    os.mkfifo(pipe)
    outcome = []
    worker = threading.Thread(target=lambda: outcome.append(_error(read_file, pipe)))
    worker.start()
    worker.join(5)
    assert not worker.is_alive(), "reading a named pipe waited for a writer"
    assert "a named pipe, not a regular file: refused" in outcome[0]


def test_a_device_is_refused_unread():
    path = "/dev/zero"   # endless: reading it would never end
    if not stat.S_ISCHR(os.stat(path).st_mode):
        pytest.skip(f"{path} is not a character device on this machine")
    assert "a character device" in _error(read_file, path)
    assert "a character device" in _error(check_regular_file, path)


def test_a_folder_and_a_missing_file_are_refused(tmp_path):
    assert "a folder, not a regular file" in _error(read_file, tmp_path)
    assert _error(read_file, tmp_path / "absent").endswith(
        "cannot read this file: No such file or directory")


def test_a_socket_is_refused(tmp_path):
    import socket
    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        assert "a socket" in _error(read_file, path)


def test_limit_and_text(tmp_path):
    path = tmp_path / "big"
    path.write_bytes(b"a\n" * 100)
    assert "larger than 10 bytes" in _error(read_file, path, limit=10)
    path.write_bytes(b"ok\n\xff\n")
    with pytest.raises(SourceError) as info:
        read_text(path)
    assert info.value.line == 2 and "not UTF-8" in info.value.message


def _error(function, *args, **kwargs) -> str:
    with pytest.raises(SourceError) as info:
        function(*args, **kwargs)
    return str(info.value)


# --- JSON ----------------------------------------------------------------------------------
def test_json_nested_100k_deep_is_refused_with_its_place():
    text = '{"Objects":\n' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(JsonNestingError) as info:
        load_json(text, "model.json")
    error = info.value
    assert (error.path, error.line) == ("model.json", 2)
    assert error.column == MAX_DEPTH  # the first bracket past the limit
    assert f"nested deeper than {MAX_DEPTH} levels" in error.message


def test_json_up_to_the_limit_loads_and_brackets_in_strings_do_not_count():
    deep = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert load_json(deep) is not None
    many = json.dumps({"s": "[" * 10_000, "t": ["{" * 500, "\\\"[["]})
    assert load_json(many)["s"] == "[" * 10_000


def test_json_errors_name_line_and_column():
    with pytest.raises(SourceError) as info:
        load_json('{\n  "a": 1,\n  "b": }', "m.json")
    assert (info.value.line, info.value.column) == (3, 8)
    assert info.value.message.startswith("invalid JSON")
    with pytest.raises(SourceError, match="not UTF-8"):
        load_json(b'{"a": "\xff"}')


# --- containment ---------------------------------------------------------------------------
@pytest.mark.parametrize("name, member", [
    ("run.sh", "Resources/scripts/run.sh"),
    ("lib/common.sh", "Resources/scripts/lib/common.sh"),
    ("lib/../run.sh", "Resources/scripts/run.sh"),
    ("../SayHello.template", None),        # leaves Resources/scripts
    ("../../manifest.yaml", None),         # the package's own manifest: not a script
    ("/etc/passwd", None),
    ("\\\\host\\share", None),
    ("C:\\boot.ini", None),
    ("..", None), (".", None), ("", None), (None, None),
])
def test_contained_path(name, member):
    assert contained_path("Resources/scripts", name) == member
