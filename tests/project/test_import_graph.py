"""The module graph: no circle, no module pair importing each other, and no import inside a
function between engine modules (bench/imports.py prints the graph these checks read)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_SPEC = importlib.util.spec_from_file_location("import_graph", ROOT / "bench" / "imports.py")
import_graph = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(import_graph)


def _edges(folder: str) -> tuple[dict, dict]:
    found = import_graph.graph(ROOT, folder)
    members = set(found)
    return found, {m: {t for t in deps if t in members} for m, deps in found.items()}


@pytest.mark.parametrize("folder", ["engine", "tools"])
def test_no_circle_and_no_pair_importing_each_other(folder):
    _graph, edges = _edges(folder)
    assert import_graph.circles(edges) == []
    mutual = sorted({tuple(sorted((a, b))) for a, targets in edges.items() for b in targets
                     if a in edges.get(b, ())})
    assert mutual == []


def test_engine_modules_import_each_other_at_module_level_only():
    found, _edges_ = _edges("engine")
    inside = [(a, b) for a, targets in found.items() for b, (_top, nested) in targets.items()
              if nested and b.startswith("muranokit.engine")]
    assert inside == []


def test_the_graph_sees_the_imports_it_checks(tmp_path):
    """A loop and an import inside a function are found where they are."""
    (tmp_path / "engine").mkdir()
    (tmp_path / "engine" / "__init__.py").write_text("")
    (tmp_path / "engine" / "a.py").write_text("from . import b\n")
    (tmp_path / "engine" / "b.py").write_text("def f():\n    from .a import x\n")
    found = import_graph.graph(tmp_path, "engine")
    assert found["muranokit.engine.b"] == {"muranokit.engine.a": [0, 1]}
    edges = {m: set(deps) for m, deps in found.items()}
    assert import_graph.circles(edges) == [["muranokit.engine.a", "muranokit.engine.b"]]
