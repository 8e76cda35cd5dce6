"""tools/image_pins.py: every release file is pinned with a published checksum, a named
source and the URL its project publishes it under; bad or missing files stop a build."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from muranokit.tools import image_pins
from muranokit.tools.exceptions import InputError
from muranokit.tools.image import REPO_ELEMENTS
from muranokit.tools.image_fetch import missing_in_cache
from muranokit.tools.image_standins import write_standins

SHA = hashlib.sha256(b"x").hexdigest()


def write_pins(elements: Path, element: str, text: str) -> Path:
    path = elements / element / "muranokit-pins" / f"{element}.pins"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    return path


def repository_pins() -> list[image_pins.Pin]:
    return image_pins.read_pins(REPO_ELEMENTS)


def test_every_repository_pin_has_a_checksum_a_source_and_its_release_url() -> None:
    pins = repository_pins()
    assert {p.name for p in pins} >= {
        "kubernetes-server-v1.21.14-linux-amd64.tar.gz", "calico-cni-v3.20.0",
        "calico-ipam-v3.20.0", "flanneld-v0.25.0", "flannel-cni-v1.0.0", "confd-0.16.0",
        "etcd-v3.5.12-linux-amd64.tar.gz"}
    for pin in pins:
        assert image_pins.is_checksum(pin.checksum), pin
        assert image_pins.source_problem(pin) is None, image_pins.source_problem(pin)
        assert image_pins.layout_problem(pin) is None, image_pins.layout_problem(pin)


def test_versions_in_pins_match_the_element_environments() -> None:
    environment = "\n".join(p.read_text() for p in REPO_ELEMENTS.glob("*/environment.d/*"))
    for pin in repository_pins():
        version = pin.name.split("-")[-1] if pin.name.startswith(("calico", "flannel")) \
            else None
        if version:
            assert version in environment, (pin.name, "version not exported")
    assert "MURANOKIT_KUBERNETES_VERSION=v1.21.14" in environment


def pin(name: str, url: str, checksum: str = SHA, source: str | None = None) -> image_pins.Pin:
    return image_pins.Pin(name, checksum, url, Path("e/muranokit-pins/e.pins"), 1, None, source)


def test_layout_rejects_urls_the_project_does_not_publish() -> None:
    good = pin("calico-cni-v3.20.0",
               "https://github.com/projectcalico/cni-plugin/releases/download/v3.20.0/"
               "calico-amd64")
    assert image_pins.layout_problem(good) is None
    # Calico v3.26 attaches no standalone CNI plugin files to its release
    gone = pin("calico-cni-v3.26.4",
               "https://github.com/projectcalico/calico/releases/download/v3.26.4/calico-amd64")
    assert "no known release layout" in image_pins.layout_problem(gone)
    moved = pin("flanneld-v0.25.0",
                "https://github.com/coreos/flannel/releases/download/v0.25.0/flanneld-amd64")
    problem = image_pins.layout_problem(moved)
    assert "is not the project's release file" in problem
    assert "https://github.com/flannel-io/flannel/releases/download/v0.25.0/flanneld-amd64" \
        in problem
    wrong_version = pin("kubernetes-server-v1.21.14-linux-amd64.tar.gz",
                        "https://dl.k8s.io/v1.23.17/kubernetes-server-linux-amd64.tar.gz")
    assert image_pins.layout_problem(wrong_version)


def test_source_must_name_repository_file_and_commit() -> None:
    assert "no '# source" in image_pins.source_problem(pin("a-1.0", "u"))
    assert "does not read" in image_pins.source_problem(pin("a-1.0", "u", source="kubespray"))
    assert image_pins.source_problem(
        pin("a-1.0", "u", source="owner/repo path/file.yml @ 0123abcd (table)")) is None


def test_source_comments_are_attached_to_their_pins(tmp_path: Path) -> None:
    write_pins(tmp_path, "a", f"# source one-1.0: o/r f.yml @ abcdef1 (x)\n"
                              f"one-1.0 {SHA} https://e.org/one\n"
                              f"two-1.0 {SHA} https://e.org/two\n")
    one, two = image_pins.read_pins(tmp_path)
    assert one.source == "o/r f.yml @ abcdef1 (x)" and two.source is None


def test_unpinned_lists_the_dash_pins_the_build_needs(tmp_path: Path) -> None:
    write_pins(tmp_path, "a", f"# comment\none-1.0 {SHA} https://e.org/one\n"
                              "two-1.0 - https://e.org/two\n"
                              "@when SOURCE=binary\nthree-1.0 - https://e.org/three\n")
    pins = image_pins.read_pins(tmp_path)
    assert [p.when for p in pins] == [None, None, ("SOURCE", "binary")]
    assert [p.name for p in image_pins.unpinned(pins, {})] == ["two-1.0"]
    assert [p.name for p in image_pins.unpinned(pins, {"SOURCE": "binary"})] == \
        ["two-1.0", "three-1.0"]
    overrides = tmp_path / "overrides"
    overrides.write_text(f"two-1.0 sha512:{hashlib.sha512(b'x').hexdigest()}\n")
    env = {"DIB_MURANOKIT_PINS_OVERRIDE": str(overrides)}
    assert image_pins.unpinned(pins, env) == []
    overrides.write_text("two-1.0 -\n")
    assert [p.name for p in image_pins.unpinned(pins, env)] == ["two-1.0"]


def test_check_pins_names_each_file_and_how_to_supply_it(tmp_path: Path) -> None:
    elements = tmp_path / "elements"
    write_pins(elements, "net", "two-1.0 - https://e.org/two\nfour-1.0 - https://e.org/four\n")
    with pytest.raises(InputError) as raised:
        image_pins.check_pins(elements, tmp_path / "cache", {})
    message = str(raised.value)
    assert "pinned for 2 release files:" in message
    assert "two-1.0 (net/muranokit-pins/net.pins:1, https://e.org/two)" in message
    assert "four-1.0 (net/muranokit-pins/net.pins:2, https://e.org/four)" in message
    assert "DIB_MURANOKIT_PINS_OVERRIDE" in message and "--cache" in message


def test_malformed_pins_line_names_file_and_line(tmp_path: Path) -> None:
    path = write_pins(tmp_path, "bad", "ok-1.0 - https://e.org/ok\nbroken-1.0 -\n")
    with pytest.raises(InputError) as raised:
        image_pins.read_pins(tmp_path)
    assert raised.value.path == str(path) and raised.value.line == 2


@pytest.mark.parametrize("content, message", [
    (None, "cannot read the file named by DIB_MURANOKIT_PINS_OVERRIDE"),
    (b"\xff\xfe\x00binary", "not a text file"),
])
def test_unusable_override_file_is_an_input_error(tmp_path: Path, content, message) -> None:
    write_pins(tmp_path, "a", "two-1.0 - https://e.org/two\n")
    override = tmp_path / "override"
    if content is not None:
        override.write_bytes(content)
    env = {"DIB_MURANOKIT_PINS_OVERRIDE": str(override)}
    with pytest.raises(InputError, match=message):
        image_pins.unpinned(image_pins.read_pins(tmp_path), env)


def test_cache_checksums_are_checked_before_building(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    good = pin("one-1.0", "https://e.org/one", hashlib.sha256(b"one").hexdigest())
    bad = pin("two-1.0", "https://e.org/two", f"sha512:{hashlib.sha512(b'two').hexdigest()}")
    (cache / "one-1.0").write_bytes(b"one")
    assert missing_in_cache([good, bad], cache, offline=False) == [bad]
    with pytest.raises(InputError) as raised:
        missing_in_cache([good, bad], cache, offline=True)
    message = str(raised.value)
    assert f"two-1.0  {bad.checksum}  https://e.org/two" in message
    assert "one-1.0" not in message
    (cache / "two-1.0").write_bytes(b"tampered")
    with pytest.raises(InputError) as raised:
        missing_in_cache([good, bad], cache, offline=True)
    assert "two-1.0: sha512 is" in str(raised.value)
    assert hashlib.sha512(b"two").hexdigest() in str(raised.value)


def test_stand_in_overrides_cover_every_pin(tmp_path: Path) -> None:
    overrides = write_standins(tmp_path / "cache")
    env = {"DIB_MURANOKIT_PINS_OVERRIDE": str(overrides), "DIB_MURANOKIT_ETCD_SOURCE": "binary"}
    pins = image_pins.needed(repository_pins(), env)
    assert missing_in_cache(pins, tmp_path / "cache", offline=True) == []


def muranokit(args: list[str], env: dict[str, str], cwd: Path,
              timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "muranokit.tools.cli", *args], env=env,
                          cwd=cwd, capture_output=True, text=True, timeout=timeout)


def test_offline_build_names_every_missing_file_and_stops_at_once(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    overrides = write_standins(cache, skip=("confd-0.16.0", "flanneld-v0.25.0"))
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "DIB_MURANOKIT_OFFLINE": "1", "MURANOKIT_WORK_DIR": str(work),
           "DIB_MURANOKIT_PINS_OVERRIDE": str(overrides)}
    done = muranokit(["image", "-o", str(tmp_path / "x.qcow2"), "--cache", str(cache)], env,
                     tmp_path)
    assert done.returncode == 2, done.stderr
    by_name = {p.name: p for p in image_pins.needed(repository_pins(), env)}
    for name in ("confd-0.16.0", "flanneld-v0.25.0"):
        assert f"{name}  {by_name[name].checksum}  {by_name[name].url}" in done.stderr
    assert "kubernetes-server" not in done.stderr
    assert list(work.iterdir()) == [] and not (tmp_path / "x.log").exists()


def test_named_pipe_as_override_file_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pins.fifo"
    os.mkfifo(fifo)
    cache = tmp_path / "cache"
    cache.mkdir()
    env = {**os.environ, "DIB_MURANOKIT_PINS_OVERRIDE": str(fifo), "DIB_MURANOKIT_OFFLINE": "1"}
    done = muranokit(["image", "-o", str(tmp_path / "x.qcow2"), "--cache", str(cache)], env,
                     tmp_path, timeout=30)
    assert done.returncode == 2
    assert "not a regular file" in done.stderr and "Traceback" not in done.stderr
