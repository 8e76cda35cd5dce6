"""Destruction subscriptions survive a save/reload: the header's onDestruction entry makes
the handler run when the object is gone from the next model."""

import copy

MODEL = {"?": {"type": "test.gcdeps.Root", "id": "root"},
         "item": {"?": {"type": "test.gcdeps.Item", "id": "item"}, "tag": "x"},
         "watcher": {"?": {"type": "test.gcdeps.Watcher", "id": "watcher"}}}


def test_subscription_is_saved_and_honoured_after_reload(make_runtime, traces):
    rt = make_runtime("gcdeps")
    rt.call(rt.load_model(copy.deepcopy(MODEL)), "watch")
    saved = rt.serialize()
    head = saved["Objects"]["item"]["?"]
    assert head["dependencies"] == {"onDestruction": [{"subscriber": "watcher",
                                                       "handler": "onGone"}]}
    again = make_runtime("gcdeps")
    model = copy.deepcopy(saved)
    del model["Objects"]["item"]               # the item is gone from the new model
    again.load_model(model)
    assert traces == ["handler x", "destroy x"]
