"""Safe YAML loading with line numbers and alias-bomb refusal (engine/files/located_yaml.py)."""

from __future__ import annotations

import pytest
import yaml
from packaging_helpers import FIXTURES

from muranokit.engine.files.errors import SourceError
from muranokit.engine.files.located_yaml import (
    MAX_EXPANDED_NODES,
    YamlMap,
    YamlSeq,
    line_of,
    load_yaml,
    load_yaml_documents,
    load_yaml_file,
)

DOC = """\
Name: Thing
Properties:
  port:
    Contract: $.int()

Methods:
  deploy:
    Body:
      - $x: 1
      - Return: $x
"""


def test_lines_of_keys_values_and_items():
    data = load_yaml(DOC)
    assert isinstance(data, YamlMap) and data.line == 1
    assert data.key_lines["Methods"] == 6
    assert data["Properties"].line_of("port") == 4
    body = data["Methods"]["deploy"]["Body"]
    assert isinstance(body, YamlSeq)
    assert [body.line_of(0), body.line_of(1)] == [9, 10]
    assert line_of(body, 5, default=99) == 9  # out of range: the sequence's own line
    assert line_of({"plain": 1}, "plain", default=7) == 7


def test_values_equal_plain_safe_load_on_every_fixture_yaml():
    files = sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".yaml", ".template"))
    assert len(files) >= 10
    for path in files:
        assert load_yaml(path.read_bytes(), str(path)) == yaml.safe_load(path.read_text())


def test_namespace_key_equals_sign_is_a_string():
    assert load_yaml("Namespaces:\n  =: com.example\n") == {"Namespaces": {"=": "com.example"}}


def test_modest_aliases_are_fine():
    text = "base: &b {a: 1, b: [1, 2, 3]}\n" + "".join(f"k{i}: *b\n" for i in range(50))
    data = load_yaml(text)
    assert data["k49"] == {"a": 1, "b": [1, 2, 3]}


def test_alias_bomb_is_refused_with_line():
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 8):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    with pytest.raises(SourceError) as info:
        load_yaml("\n".join(lines), "bomb.yaml")
    assert info.value.path == "bomb.yaml"
    assert 1 <= info.value.line <= len(lines)
    assert str(MAX_EXPANDED_NODES) in info.value.message


def test_recursive_alias_is_refused():
    with pytest.raises(SourceError, match="recursive YAML alias"):
        load_yaml("a: &a [1, *a]\n", "loop.yaml")


def test_syntax_error_names_file_and_line():
    with pytest.raises(SourceError) as info:
        load_yaml("a: 1\nb: [1, 2\nc: 3\n", "bad.yaml")
    assert str(info.value).startswith("bad.yaml:")
    assert info.value.line in (2, 3, 4)
    assert "YAML error" in info.value.message


def test_python_tags_are_not_constructed():
    with pytest.raises(SourceError, match="YAML error"):
        load_yaml("!!python/object/apply:os.system ['true']\n", "evil.yaml")


def test_not_utf8_gives_line():
    with pytest.raises(SourceError) as info:
        load_yaml(b"a: 1\nb: \xff\n", "latin.yaml")
    assert info.value.line == 2 and "UTF-8" in info.value.message


def test_several_documents():
    text = "Name: A\n---\nName: B\n"
    assert [d["Name"] for d in load_yaml_documents(text)] == ["A", "B"]
    with pytest.raises(SourceError) as info:
        load_yaml(text, "two.yaml")
    assert info.value.line == 3


def test_empty_and_file_loading(tmp_path):
    assert load_yaml("") is None
    with pytest.raises(SourceError, match="empty"):
        load_yaml("# nothing\n", "e.yaml", allow_empty=False)
    path = tmp_path / "x.yaml"
    path.write_text(DOC)
    assert load_yaml_file(str(path))["Name"] == "Thing"
    with pytest.raises(SourceError, match="cannot read"):
        load_yaml_file(str(tmp_path / "absent.yaml"))


def test_merge_keys_sets_and_scalars_match_safe_load():
    text = ("base: &b {x: 1, y: [1, 2]}\nm:\n  <<: *b\n  y: 3\ns: !!set {a, b}\n"
            "d: 2020-01-02\nf: 1.5\nn: ~\nb: yes\ni: 0x1F\nq: '010'\n")
    data = load_yaml(text)
    assert data == yaml.safe_load(text)
    assert data["m"] == {"x": 1, "y": 3}
    assert data["m"].key_lines["y"] == 4


DEEP_FLOW = "a:\n  - " + "[" * 100_000 + "]" * 100_000
DEEP_BLOCK = "".join(" " * i + f"k{i}:\n" for i in range(600)) + " " * 600 + "v: 1\n"
DEEP_COMPACT = "- " * 100_000 + "x\n"  # nested sequences on one unindented line
DEEP_FLOW_MAPS = "[a: " * 100_000  # a single-pair mapping inside every bracket


@pytest.mark.parametrize("text", [DEEP_FLOW, DEEP_BLOCK, DEEP_COMPACT, DEEP_FLOW_MAPS],
                         ids=["flow", "block", "compact", "flow-maps"])
def test_deep_nesting_is_refused_not_crashing(text):
    # our own depth check, or (PyYAML >= 6.0.4) libyaml's, whichever trips first
    with pytest.raises(SourceError, match="nesting deeper than|maximum nesting depth"):
        load_yaml(text, "deep.yaml")


def test_moderate_nesting_loads():
    nested = load_yaml("a:\n  - " + "[" * 300 + "]" * 300)["a"][0]
    depth = 0
    while nested:
        nested, depth = nested[0], depth + 1
    assert depth == 299
