"""The native-class interface (engine/native.py) as the core library uses it."""

import pytest

from muranokit.engine import MuranoPlError
from muranokit.engine.native import NativeThrow, native_class


@native_class("test.native.Counter")
class Counter:
    """A Python-backed MuranoPL class used by fixtures/nativepkg."""

    def __init__(self, ctx, start=0):
        self.ctx = ctx
        self.value = start

    def bump(self, by):
        self.ctx.yield_()
        self.value += by
        self.ctx.runtime.emit("bump", value=self.value)
        return self.value

    def owner_name(self):
        return self.ctx.owner.type_name

    def resource(self, name):
        return self.ctx.caller_package.read_resource(name).decode().strip()

    @staticmethod
    def twice(ctx, x):
        return x * 2

    def fail(self):
        raise NativeThrow("test.native.Refused", "no way", {"code": 7})

    def crash(self):
        raise ValueError("bad value")

    def remember(self, value):
        self.ctx.set_attr("mem", value)

    def recall(self):
        return self.ctx.get_attr("mem")


@pytest.fixture
def user(make_runtime):
    rt = make_runtime("nativepkg")
    return rt, rt.new("test.native.User")


def test_native_methods_state_owner_and_resources(user):
    rt, obj = user
    assert rt.call(obj, "run") == [7, 10, "test.native.User", "hello from resources"]
    assert [e["value"] for e in rt.events if e["kind"] == "bump"] == [7, 10]
    counter = obj.get_property("counter")
    assert counter.type_name == "test.native.Counter" and counter.owner.id == obj.id


def test_native_static_method(user):
    rt, obj = user
    assert rt.call(obj, "static") == 42
    assert rt.call("test.native.Counter", "twice", 4) == 8


def test_native_throw_is_catchable(user):
    rt, obj = user
    assert rt.call(obj, "fail") == ["test.native.Refused", "no way", 7]


def test_python_error_in_native_method(user):
    rt, obj = user
    with pytest.raises(MuranoPlError) as info:
        rt.call(obj, "crash")
    err = info.value
    assert err.type_name == "ValueError" and isinstance(err.__cause__, ValueError)
    assert (err.stack[-1].file, err.stack[-1].method) == (None, "crash")
    assert err.stack[-2].method == "crash" and err.stack[-2].file.endswith("User.yaml")


def test_native_attributes_persist(user):
    rt, obj = user
    assert rt.call(obj, "attrs") == "seen"
    counter_id = obj.get_property("counter").id
    assert [counter_id, "test.native.Counter", "mem", "seen"] in rt.serialize()["Attributes"]
