"""The one rule of what is a secret (engine/events.py): names that hold secrets, not the
switches and settings about them; values given under a secret name of any shape."""

from __future__ import annotations

import pytest

from muranokit.engine.events import MASK, Masker, is_secret_name, name_words


@pytest.mark.parametrize("name", [
    "password", "adminPassword", "REDIS_PASSWORD", "dbpassword", "DB_PASS", "adminPass",
    "gcloudKey", "API_KEY", "accessKey", "tls-key", "privateKey", "apiToken", "token",
    "clientSecret", "AWS_SECRET_ACCESS_KEY", "passphrase", "credentials"])
def test_names_of_secrets(name) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize("name", [
    "ALLOW_EMPTY_PASSWORD", "allowEmptyPassword", "MYSQL_RANDOM_ROOT_PASSWORD",
    "SKIP_PASSWORD_CHECK", "passwordLength", "PASSWORD_FILE", "secretName", "tokenTtl",
    "routingKey", "key", "keyname", "passThrough", "PWD", "user", "accessCode"])
def test_names_that_are_no_secrets(name) -> None:
    assert not is_secret_name(name)


def test_words_of_a_name_in_any_spelling() -> None:
    assert name_words("HTTPServerPassword") == ["http", "server", "password"]
    assert name_words("ALLOW_EMPTY_PASSWORD") == ["allow", "empty", "password"]
    assert name_words("discovery.type") == ["discovery", "type"]


def test_a_switch_about_a_password_is_neither_masked_nor_learned() -> None:
    masker = Masker()
    data = {"ALLOW_EMPTY_PASSWORD": "yes", "REDIS_PASSWORD": "hunter2-hunter2",
            "cmd": "redis --allow yes --pass hunter2-hunter2"}
    masker.learn(data)
    assert masker.mask(data) == {"ALLOW_EMPTY_PASSWORD": "yes", "REDIS_PASSWORD": MASK,
                                 "cmd": f"redis --allow yes --pass {MASK}"}


def test_any_value_under_a_secret_name_is_a_secret() -> None:
    masker = Masker(keys=["accessCode"])
    data = {"adminPassword": {"pw": "hunter2-hunter2", "n": [12345678, True, None]},
            "accessCode": 424242, "note": "pw hunter2-hunter2 pin 424242 12345678"}
    masker.learn(data)
    assert masker.mask(data) == {"adminPassword": {"pw": MASK, "n": [MASK, True, None]},
                                 "accessCode": MASK, "note": f"pw {MASK} pin {MASK} {MASK}"}


def test_how_a_message_shows_a_value() -> None:
    masker = Masker(keys=["pin"])
    masker.learn({"password": "hunter2-hunter2"})
    assert masker.shown({"a": "x"}, "com", "example", "pin") == MASK
    assert masker.shown(["q7"], "adminPassword") == MASK
    assert masker.shown({"note": "hunter2-hunter2!"}, "note") == "{'note': '***!'}"
    assert masker.shown(3, "count") == "3"


def test_frozen_engine_values_are_learned_and_masked_alike() -> None:
    from muranokit.engine.values import freeze
    masker = Masker()
    data = freeze({"app": {"dbPassword": "hunter2-hunter2", "hosts": ["a", {"token": "t0k3n-x"}]},
                   "note": "uses hunter2-hunter2"})
    masker.learn(data)
    assert masker.mask(data) == {"app": {"dbPassword": MASK, "hosts": ("a", {"token": MASK})},
                                 "note": f"uses {MASK}"}
    assert masker.shown(freeze({"cmd": "--pass t0k3n-x"}), "value") == f"{{'cmd': '--pass {MASK}'}}"
