"""The one located-YAML loader: positions, quoting, and the guards every YAML read gets."""

from __future__ import annotations

import pytest
import yaml

from muranokit.engine.files import located_yaml
from muranokit.engine.files.errors import SourceError
from muranokit.engine.files.located_yaml import (
    QuotedStr,
    YamlMap,
    YamlSeq,
    load_yaml,
    load_yaml_documents,
    plain_copy,
    position,
)

CLASS = """\
Name: Thing
Properties:
  greeting:
    Default: 'hello $name'
    Contract: $.string()
Methods:
  deploy:
    Body:
      - $x: $.greeting
      -   Return: "$x"
"""


def test_lines_and_columns_of_containers_keys_values_and_items():
    doc = load_yaml(CLASS, "Thing.yaml")
    assert (doc.line, doc.column) == (1, 1)
    greeting = doc["Properties"]["greeting"]
    assert isinstance(greeting, YamlMap) and (greeting.line, greeting.column) == (4, 5)
    assert doc["Properties"].key_line("greeting") == 3
    assert greeting.line_of("Contract") == 5 and greeting.key_line("missing", 0) == 0
    body = doc["Methods"]["deploy"]["Body"]
    assert isinstance(body, YamlSeq) and body.item_lines == [9, 10]
    # MuranoPL positions: an item at its node (after the dash), a block at its value,
    # a scalar entry at its key
    assert body.position(1) == (10, 11)
    assert position(doc, "Methods") == (7, 3)
    assert position(greeting, "Default") == (4, 5)
    assert position({"plain": 1}, "plain") == (None, None)


def test_quoted_and_block_scalars_are_quoted_strings_plain_ones_are_not():
    doc = load_yaml("a: plain $x\nb: 'single $x'\nc: \"double $x\"\nd: |\n  block $x\n"
                    "'e': 1\nf: [plain, 'quoted']\n")
    assert type(doc["a"]) is str
    assert all(isinstance(doc[k], QuotedStr) for k in "bcd")
    assert [type(k) for k in doc] == [str, str, str, str, QuotedStr, str]
    assert [type(item) for item in doc["f"]] == [str, QuotedStr]
    assert doc == yaml.safe_load("a: plain $x\nb: 'single $x'\nc: \"double $x\"\n"
                                 "d: |\n  block $x\n'e': 1\nf: [plain, 'quoted']\n")


def test_to_plain_drops_positions_and_quoting_but_keeps_sharing():
    doc = load_yaml("a: &a {k: 'v'}\nb: *a\nc: ['x', 1]\n")
    plain = plain_copy(doc)
    assert plain == {"a": {"k": "v"}, "b": {"k": "v"}, "c": ["x", 1]}
    assert type(plain) is dict and type(plain["c"]) is list and type(plain["a"]["k"]) is str
    assert plain["a"] is plain["b"]
    yaml.safe_dump(plain)  # plain data: any dumper takes it


@pytest.mark.parametrize("text, line, column, key, first", [
    ("a: 1\nb: 2\na: 3\n", 3, 1, "a", 1),
    ("top:\n  x: 1\n  y: 2\n  x: 3\n", 4, 3, "x", 2),
    ("- {k: 1, k: 2}\n", 1, 10, "k", 1),
    ("a: 1\n'a': 2\n", 2, 1, "a", 1),
    ("Namespaces:\n  =: a.b\n  =: c.d\n", 3, 3, "=", 2),
    ("base: &b {x: 1}\nm:\n  <<: *b\n  y: 1\n  y: 2\n", 5, 3, "y", 4),
])
def test_duplicate_keys_are_errors_with_their_place(text, line, column, key, first):
    with pytest.raises(SourceError) as info:
        load_yaml(text, "dup.yaml")
    error = info.value
    assert (error.path, error.line, error.column) == ("dup.yaml", line, column)
    assert error.message == f"duplicate key {key!r} (first at line {first})"
    assert str(error) == f"dup.yaml:{line}: {error.message}"


def test_a_key_merged_in_and_written_again_is_an_override_not_a_duplicate():
    doc = load_yaml("base: &b {x: 1, y: 1}\nm:\n  <<: *b\n  x: 2\n")
    assert doc["m"] == {"x": 2, "y": 1}


def test_files_over_the_size_limit_are_refused(monkeypatch):
    monkeypatch.setattr(located_yaml, "MAX_BYTES", 64)
    assert load_yaml("a: " + "x" * 50) == {"a": "x" * 50}
    for data in ("a: " + "x" * 70, b"a: " + b"x" * 70):
        with pytest.raises(SourceError, match="larger than") as info:
            load_yaml(data, "big.yaml")
        assert info.value.path == "big.yaml"


def test_guards_hold_for_every_document_of_a_stream():
    bomb = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    bomb += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 8)]
    text = "Name: fine\n---\n" + "\n".join(bomb) + "\n"
    with pytest.raises(SourceError, match="alias bomb") as info:
        load_yaml_documents(text, "two.yaml")
    assert (info.value.line, info.value.column) == (8, 5)  # the list that goes over
    deep = "Name: fine\n---\n" + "- " * 2000 + "x\n"
    with pytest.raises(SourceError, match="nesting deeper than|maximum nesting depth"):
        load_yaml_documents(deep, "deep.yaml")


def test_syntax_errors_carry_line_and_column():
    with pytest.raises(SourceError) as info:
        load_yaml("a: 1\nb: [1, 2\nc: 3\n", "bad.yaml")
    assert info.value.line in (2, 3, 4) and info.value.column >= 1
    with pytest.raises(SourceError) as info:
        load_yaml(b"a: 1\nbb: \xff\n", "latin.yaml")
    assert (info.value.line, info.value.column) == (2, 5)
