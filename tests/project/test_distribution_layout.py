"""The distribution installs engine/ and tools/ as muranokit.engine / muranokit.tools only."""

from __future__ import annotations

from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]
# packages that carry only data: elements/ ships inside the wheel as muranokit.elements
DATA_PACKAGES = {"muranokit.elements": "elements"}


def _import_name(folder: Path) -> str:
    top = {"engine": "muranokit.engine", "tools": "muranokit.tools", "muranokit": "muranokit"}
    parts = folder.relative_to(ROOT).parts
    return ".".join([top[parts[0]], *parts[1:]])


def test_every_source_package_is_listed_for_installation():
    found = {
        _import_name(init.parent)
        for top in ("muranokit", "engine", "tools")
        for init in (ROOT / top).rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert found | set(DATA_PACKAGES) == set(SETUPTOOLS["packages"])


def test_only_muranokit_is_a_top_level_import_name():
    assert {name.split(".")[0] for name in SETUPTOOLS["packages"]} == {"muranokit"}
    assert SETUPTOOLS["package-dir"] == {
        "muranokit": "muranokit", "muranokit.engine": "engine", "muranokit.tools": "tools",
        **DATA_PACKAGES}


def test_console_script_points_at_the_cli():
    assert PYPROJECT["project"]["scripts"] == {"muranokit": "muranokit.tools.cli:main"}
