"""Differential test: the fast closures (engine/fastpath.py) and yaql's own runner give the
same value, or the same exception type, for a corpus of expressions."""

import pytest

from muranokit.engine.expressions.expression import Expression
from muranokit.engine.syntax.expressions import parser as flavour
from muranokit.engine.values import freeze

CORPUS = [
    "1", "'s'", "true", "null", "1.5",
    "$i", "$f", "$s", "$l", "$d", "$none", "$missing", "$",
    "$i + 1", "$i + $f", "$f * 2", "$i - 10", "$s + 'x'", "$s + 1", "$l + [4]",
    "$l + $l", "$d + $d", "$i + true", "-$i", "-$f", "-$s", "$i mod 3", "$i mod 0",
    "$i / 2", "$f / 2", "$i * $s",
    "$i < 3", "$i >= 5", "$s < 'b'", "$s < 1", "$l < $l", "$i = 5", "$i != 5", "$s = 'abc'",
    "$none = null", "$l = [1, 2, 3]", "$d = $d", "$i = '5'", "$obj = $obj", "true = 1",
    "$i > 1 and $s", "$none and $i", "$none or $s", "$i or $x", "not $i", "not $none",
    "$l[0]", "$l[-1]", "$l[5]", "$l[$i - 4]", "$d[k]", "$d['n']", "$d[z]", "$s[1]",
    "$d.k", "$d.z", "$d.n + 1", "$l.len()", "$s.toUpper()", "[$i, $s, [$f]]", "[]",
    "$.num", "$.text + '!'", "$.data.k", "$.nothing", "$obj.num", "$obj.twice($i)",
    "$obj.named(5)", "$obj.named(5, b => 1)", "$obj.named(a => 20)", "$obj.unknown()",
    "$obj.twice($s) + $s", "$l.select($ * 2)", "$l.where($ > 1).select($ + $i)",
    "$d.keys()", "len($l) + $i", "format('{0}-{1}', $i, $s)", "'{0}'.format($l)",
    ":Holder", "test:Holder", "$obj is :Holder", "$i is :Holder",
    "$l.select($obj.twice($))", "dict(a => $i)", "$d.get(k)",
    # yaql's functions whose arguments and lambdas run compiled (fastpath.accelerated)
    "$l.select($obj.twice($)).sum()", "$l.sum()", "$l.sum(10)", "[].sum()",
    "['a', 'b'].sum('c')", "$l.select([$, $s])", "$l.select(dict(k => $, o => $obj.num))",
    "$l.where($obj.twice($) > 2).select($obj.named($))", "$l.aggregate($1 + $2)",
    "range(0, 3).select($ * $i)", "($i + 1) * 2", "$d.keys().select($d.get($))",
    "$l.select(new(:Holder, num => $).num)", "$l.select(new(:Holder).twice($)).sum()",
    "$l.select($obj.unknown())", "$l.select(list($).select($ + 1))",
    "$l.orderBy(-$).first()", "$l.where($ > 5).first()", "$l.select($missing.x)",
    "let($i, $s) -> [$1, $2]", "$l.select($obj.text + $s).join(',')",
]


@pytest.fixture(scope="module")
def setting():
    from core_support import fixture

    from muranokit.engine import Runtime
    rt = Runtime([fixture("fast")])
    obj = rt.new("test.fast.Holder")
    cls = rt.load_class("test.fast.Holder")
    cls.resolver.namespaces["test"] = "test.fast"
    return rt, obj, cls


def context(rt, obj, cls):
    engine = rt._interpreter          # the interpreter behind the public Runtime
    real = engine.objects[obj.id]
    frame = engine.class_frame(cls, real)
    ctx = frame.ctx
    values = {"i": 5, "f": 2.5, "s": "abc", "l": (1, 2, 3), "d": freeze({"k": "v", "n": 3}),
              "none": None, "obj": real}      # values as the engine keeps them
    for key, value in values.items():
        ctx[key] = value
    return ctx


def outcome(func, ctx):
    try:
        return ("value", func(ctx))
    except Exception as exc:  # noqa: BLE001 - the exception type is the outcome
        return ("error", type(exc).__name__)


@pytest.mark.parametrize("source", CORPUS)
def test_fast_and_yaql_agree(setting, source):
    rt, obj, cls = setting
    expr = Expression(source, flavour(False))
    assert expr.evaluate is not expr.run_yaql or source in ("$missing",)
    fast = outcome(expr.evaluate, context(rt, obj, cls))
    slow = outcome(expr.run_yaql, context(rt, obj, cls))
    assert fast == slow


def test_fast_path_is_used_for_common_shapes():
    for source in ("$i + 1", "$.num", "$obj.twice(1)", "$l[0]", "not $x"):
        expr = Expression(source, flavour(False))
        assert expr.evaluate != expr.run_yaql
