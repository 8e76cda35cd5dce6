"""tools/model_file.py: reading model JSON and mapping model paths to lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from muranokit.tools.exceptions import InputError
from muranokit.tools.model_file import line_of, read_model, split_path

TEXT = """{
  "Objects": {
    "?": {"id": "e", "type": "io.murano.Environment"},
    "applications": [
      {"?": {"id": "a", "type": "x.App"},
       "name": "one"},
      {
        "?": {"id": "b", "type": "x.Other"}
      }
    ]
  }
}
"""


def test_split_path() -> None:
    assert split_path("Objects.applications[1].?.type") == [
        "Objects", "applications", 1, "?", "type"]


@pytest.mark.parametrize("path, line", [
    ("Objects", 2), ("Objects.applications[0].name", 6),
    ("Objects.applications[1].?.type", 8), ("Objects.applications[1]", 7),
    ("Objects.applications[1].missing", 7), ("Objects.applications[7]", 4),
])
def test_line_of(path: str, line: int) -> None:
    assert line_of(TEXT, path) == line


def test_read_model_reports_the_line_of_a_json_error(tmp_path: Path) -> None:
    bad = tmp_path / "m.json"
    bad.write_text(TEXT.replace('"one"}', '"one",}'))
    with pytest.raises(InputError, match="invalid JSON") as info:
        read_model(str(bad))
    assert info.value.line == 6 and info.value.path == str(bad)


def test_read_model_refuses_non_objects_and_missing_files(tmp_path: Path) -> None:
    listing = tmp_path / "l.json"
    listing.write_text("[1, 2]")
    with pytest.raises(InputError, match="must be a JSON object"):
        read_model(str(listing))
    with pytest.raises(InputError, match="not found"):
        read_model(str(tmp_path / "nope.json"))
    model, text = read_model(str(_write(tmp_path, TEXT)))
    assert model["Objects"]["applications"][1]["?"]["id"] == "b" and text == TEXT


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ok.json"
    path.write_text(text)
    return path
