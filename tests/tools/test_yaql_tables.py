"""The yaql parser with cached LALR tables parses exactly like a freshly built one."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from packaging_helpers import FIXTURES

from muranokit.engine.files import load_yaml_documents
from muranokit.engine.syntax import grammar


def fixture_strings():
    """Every string (keys and values) of every fixture class file and UI form."""
    found = set()
    stack = []
    for path in FIXTURES.rglob("*.yaml"):
        stack.extend(load_yaml_documents(path.read_bytes()))
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.add(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return sorted(found)


def parse_all(engine, texts):
    results = []
    for text in texts:
        try:
            results.append(("ok", str(engine(text))))
        except Exception as exc:  # noqa: BLE001 - compare failures too
            results.append(("error", type(exc).__name__))
    return results


def test_cached_tables_parse_like_fresh_ones(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    texts = fixture_strings() + ["$x is ns:Foo", "$.a +", "(((", "not $a or $b and $c",
                                 "$.x.select($ * 2).where($ > 1)", "let(a => 1) -> $a",
                                 "$ in list(1, 2)", "$.d.get(key, [])[0]", "-1 + -$x"]
    assert len(texts) > 100
    fresh = parse_all(grammar.murano_factory().create(), texts)
    assert sum(1 for state, _ in fresh if state == "ok") > 50
    first = grammar.cached_engine(grammar.murano_factory())
    cached_files = os.listdir(tmp_path / "muranokit")
    assert len(cached_files) == 1 and cached_files[0].startswith("yaql-tables-")
    tables = json.loads((tmp_path / "muranokit" / cached_files[0]).read_text())
    assert set(tables) == {"action", "goto", "productions"}
    second = grammar.cached_engine(grammar.murano_factory())
    assert type(second.parser.productions[0]).__name__ == "SimpleNamespace"  # from the cache
    assert parse_all(first, texts) == fresh
    assert parse_all(second, texts) == fresh


def _emptied_rows(tables: dict) -> dict:
    return dict(tables, action={state: {} for state in tables["action"]})


@pytest.mark.parametrize("corrupt", [
    lambda tables: "{not json",                                   # truncated or garbled
    lambda tables: "\0\0\0",
    lambda tables: json.dumps({"action": {}, "goto": {}, "productions": []}),  # loads, empty
    lambda tables: json.dumps(dict(tables, productions=[[1, 2, 3]])),         # wrong types
    lambda tables: json.dumps(_emptied_rows(tables)),             # well formed, parses wrong
], ids=["garbled", "nul-bytes", "empty-tables", "wrong-types", "wrong-rows"])
def test_corrupt_cache_is_rebuilt(tmp_path, monkeypatch, corrupt):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    grammar.cached_engine(grammar.murano_factory())
    (cached,) = (tmp_path / "muranokit").iterdir()
    good = json.loads(cached.read_text())
    cached.write_text(corrupt(good))
    engine = grammar.cached_engine(grammar.murano_factory())
    assert str(engine("$.a + 1")) == "#operator_+(#operator_.($, 'a'), 1)"
    assert json.loads(cached.read_text()) == good   # rebuilt and saved again


def test_unwritable_cache_still_gives_an_engine(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    engine = grammar.cached_engine(grammar.murano_factory())
    with pytest.raises(Exception, match="Parse error"):
        engine("$.a +")


def test_yaql_is_imported_only_when_an_expression_is_compiled():
    code = ("import sys\n"
            "import muranokit.tools.builder\n"
            "from muranokit.tools.validate import yaqlcheck\n"
            "assert 'yaql' not in sys.modules, 'yaql imported with the build modules'\n"
            "assert yaqlcheck.compile_expression('$.a + 1')[1] is None\n"
            "assert 'yaql' in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True)
