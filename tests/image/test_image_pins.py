"""tools/image_pins.py: every needed release file has a checksum, or the build is refused."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from muranokit.tools import image_pins
from muranokit.tools.cli import main
from muranokit.tools.exceptions import InputError
from muranokit.tools.image import REPO_ELEMENTS
from muranokit.tools.image_standins import write_standins


def write_pins(elements: Path, element: str, text: str) -> Path:
    path = elements / element / "muranokit-pins" / f"{element}.pins"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    return path


def test_repository_pins_are_well_formed() -> None:
    pins = image_pins.read_pins(REPO_ELEMENTS)
    assert pins, "no pins found"
    for pin in pins:
        assert pin.checksum == "-" or image_pins.is_checksum(pin.checksum), pin
        assert pin.url.startswith("https://"), pin
    kubernetes = [p for p in pins if p.name.startswith("kubernetes-server-")]
    assert [p.name for p in kubernetes] == ["kubernetes-server-v1.23.17-linux-amd64.tar.gz"]
    assert kubernetes[0].checksum.startswith("sha512:")
    assert kubernetes[0].url == "https://dl.k8s.io/v1.23.17/kubernetes-server-linux-amd64.tar.gz"


def test_unpinned_lists_the_dash_pins_the_build_needs(tmp_path: Path) -> None:
    digest = hashlib.sha256(b"x").hexdigest()
    write_pins(tmp_path, "a", f"# comment\none-1.0 {digest} https://e.org/one\n"
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
    assert "2 release file(s)" in message
    assert "two-1.0 (net/muranokit-pins/net.pins:1, https://e.org/two)" in message
    assert "four-1.0 (net/muranokit-pins/net.pins:2, https://e.org/four)" in message
    assert "DIB_MURANOKIT_PINS_OVERRIDE" in message and "--cache" in message
    assert str(tmp_path / "cache") in message


def test_malformed_pins_line_names_file_and_line(tmp_path: Path) -> None:
    path = write_pins(tmp_path, "bad", "ok-1.0 - https://e.org/ok\nbroken-1.0 -\n")
    with pytest.raises(InputError) as raised:
        image_pins.read_pins(tmp_path)
    assert raised.value.path == str(path) and raised.value.line == 2


def test_unreadable_override_file_is_an_input_error(tmp_path: Path) -> None:
    write_pins(tmp_path, "a", "two-1.0 - https://e.org/two\n")
    env = {"DIB_MURANOKIT_PINS_OVERRIDE": str(tmp_path / "absent")}
    with pytest.raises(InputError, match="DIB_MURANOKIT_PINS_OVERRIDE"):
        image_pins.unpinned(image_pins.read_pins(tmp_path), env)


def test_cli_refuses_to_build_while_a_release_file_is_unpinned(tmp_path: Path, capsys,
                                                               monkeypatch) -> None:
    monkeypatch.delenv("DIB_MURANOKIT_PINS_OVERRIDE", raising=False)
    unpinned = image_pins.unpinned(image_pins.read_pins(REPO_ELEMENTS), {})
    if not unpinned:
        pytest.skip("every release file has a published checksum pinned")
    output = tmp_path / "x.qcow2"
    code = main(["image", "--cache", str(tmp_path), "-o", str(output)])
    err = capsys.readouterr().err
    assert code == 2
    for pin in unpinned:
        assert pin.name in err
    assert not output.exists() and not (tmp_path / "x.log").exists()


def test_stand_in_overrides_cover_every_pin(tmp_path: Path) -> None:
    overrides = write_standins(tmp_path / "cache")
    env = {"DIB_MURANOKIT_PINS_OVERRIDE": str(overrides), "DIB_MURANOKIT_ETCD_SOURCE": "binary"}
    assert image_pins.unpinned(image_pins.read_pins(REPO_ELEMENTS), env) == []
