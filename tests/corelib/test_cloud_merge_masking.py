"""Template merging as updateTemplate does it, and secret masking."""

import pytest

from muranokit.engine.corelib.cloud.merge import merge_dicts
from muranokit.engine.events import MASK, Masker


def test_merge_is_deep_and_unites_lists():
    base = {"resources": {"a": {"type": "T", "properties": {"x": 1, "l": [1, 2]}}}}
    update = {"resources": {"a": {"properties": {"y": 2, "l": [2, 3]}}, "b": {"type": "U"}}}
    merged = merge_dicts(base, update)
    assert merged == {"resources": {"a": {"type": "T", "properties": {"x": 1, "y": 2,
                                                                      "l": [1, 2, 3]}},
                                    "b": {"type": "U"}}}
    assert base["resources"]["a"]["properties"] == {"x": 1, "l": [1, 2]}  # not mutated


def test_merge_replaces_scalars_and_refuses_shape_changes():
    assert merge_dicts({"a": 1}, {"a": 2}) == {"a": 2}
    with pytest.raises(TypeError, match="'a'"):
        merge_dicts({"a": {"b": 1}}, {"a": "text"})


def test_masker_hides_secret_keys_and_their_values_elsewhere():
    masker = Masker(keys=["adminSecretWord"])
    data = {"password": "s3cr3t!", "gcloudKey": "{json key}", "adminSecretWord": "abcdef",
            "user": "bob", "script": "login bob s3cr3t! abcdef"}
    masker.learn(data)
    masked = masker.mask(data)
    assert masked["password"] == MASK and masked["gcloudKey"] == MASK
    assert masked["adminSecretWord"] == MASK
    assert masked["user"] == "bob"
    assert masked["script"] == f"login bob {MASK} {MASK}"


def test_masker_leaves_empty_and_non_string_values():
    masker = Masker()
    assert masker.mask({"password": "", "count": 3, "items": [{"token": None}]}) == {
        "password": "", "count": 3, "items": [{"token": None}]}


def test_short_secrets_are_masked_as_whole_tokens_only():
    masker = Masker()
    masker.learn({"password": "kube", "dbPassword": "abc", "pinPassword": "42",
                  "adminPassword": "s3cr3t"})
    text = ("--password kube user:kube@db kubernetes mykube kube_x abc abcd 42 4242 "
            "pw=s3cr3t xs3cr3tx")
    assert masker.mask(text) == (f"--password {MASK} user:{MASK}@db kubernetes mykube kube_x "
                                 f"{MASK} abcd 42 4242 pw={MASK} x{MASK}x")
    # under a secret key every non-empty value is masked, whatever its length
    assert masker.mask({"pinPassword": "42", "password": "kube"}) == {
        "pinPassword": MASK, "password": MASK}
