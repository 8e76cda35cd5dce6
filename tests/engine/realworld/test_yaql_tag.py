"""The ``!yaql`` YAML tag: a scalar that is always an expression, quoted or not (upstream's
loader has the tag; io.murano.lib.networks.Neutron uses it)."""

import pytest
from realworld_support import Engine

from muranokit.engine import MuranoPlError


def test_tagged_scalars_are_evaluated():
    engine = Engine("yaqltag")
    obj = engine.rt.new("rw.tag.Tagged")
    assert engine.rt.call(obj, "kind", "Win2012") == "windows"
    assert engine.rt.call(obj, "kind", "debian") == "plain"   # yaql's keyword string


def test_a_tagged_scalar_that_does_not_parse_is_a_syntax_error():
    engine = Engine("yaqltag")
    with pytest.raises(MuranoPlError) as info:
        engine.rt.call(engine.rt.new("rw.tag.Tagged"), "broken")
    assert info.value.type_name == "DslSyntaxError"
