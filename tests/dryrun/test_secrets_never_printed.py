"""No output of a dry-run shows a secret: error messages (contracts, form validators, yaql),
warnings, reports in every format, ``--model-out``, for folders and zips, models, ``--set``
and action arguments. Only the state folder keeps the real values (it is private)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dryrun_support import HELLO, HELLO_PKG, load_json, write_json

from muranokit.engine import MuranoPlError, Runtime
from muranokit.engine.events import Masker

DATA = Path(__file__).resolve().parent / "data"
LOCKER_PKG = DATA / "Locker"            # its form marks "code" as a password
LOCKER_MODEL = DATA / "locker-model.json"
LOCKER_ID = "app-locker"
CODE = "k9-blue-otter"                  # the code in locker-model.json


def _locker_model(tmp_path: Path, code) -> Path:
    model = load_json(LOCKER_MODEL)
    model["Objects"]["applications"][0]["code"] = code
    return write_json(tmp_path / "locker.json", model)


def _hello_model(tmp_path: Path, password) -> Path:
    model = load_json(HELLO / "model.json")
    model["Objects"]["applications"][0]["adminPassword"] = password
    return write_json(tmp_path / "hello.json", model)


def _everywhere(run, *files: Path) -> str:
    return run.out + run.err + "".join(f.read_text() for f in files if f.exists())


# --- contract errors --------------------------------------------------------------------------
@pytest.mark.parametrize("package, model, secret", [
    (LOCKER_PKG, _locker_model, {"pw": "hunter2-hunter2"}),   # a field the form marks
    (LOCKER_PKG, _locker_model, ["q7"]),                      # too short to look for in text
    (HELLO_PKG, _hello_model, {"pw": "hunter2-hunter2"}),     # a secret by its name
    (HELLO_PKG, _hello_model, {"pw": "z9"}),
], ids=["form-field", "form-field-short", "secret-name", "secret-name-short"])
def test_a_secret_of_the_wrong_type_is_not_printed_by_the_contract_error(
        cli, tmp_path, package, model, secret) -> None:
    run = cli("deploy", "-p", package, model(tmp_path, secret))
    assert run.code == 2
    assert "value *** is not a string" in run.err
    leaf = next(iter(secret.values())) if isinstance(secret, dict) else secret[0]
    assert leaf not in run.out + run.err


def test_the_engine_never_shows_a_value_given_under_a_secret_name() -> None:
    runtime = Runtime([str(HELLO_PKG)], masker=Masker())
    model = load_json(HELLO / "model.json")
    model["Objects"]["applications"][0]["adminPassword"] = ["ab"]
    with pytest.raises(MuranoPlError) as caught:
        runtime.load_model(model)
    assert "adminPassword: value *** is not a string" in caught.value.message
    assert "'ab'" not in caught.value.message


# --- form validators and their yaql -----------------------------------------------------------
@pytest.mark.parametrize("code, message", [
    ("UP", "field locker.code: *** does not match"),                      # regexpValidator
    ("Shouting-Secret-Code", "field locker.code: *** does not match"),
    ("a-much-too-long-locker-code", 'Unknown method "unknownCheck" for receiver ***'),  # yaql
])
def test_form_validator_messages_never_show_a_password(cli, code, message) -> None:
    run = cli("deploy", "-p", LOCKER_PKG, "--app", "com.example.Locker", "--set",
              f"code={code}")
    assert run.code == 2
    assert message in run.err
    assert code not in run.out + run.err


# --- reports and --model-out, folders and zips ------------------------------------------------
@pytest.mark.parametrize("fmt", ["text", "json", "html"])
def test_reports_and_model_out_mask_a_form_secret(cli, as_given, tmp_path, fmt) -> None:
    report, model_out = tmp_path / f"report.{fmt}", tmp_path / "model.json"
    run = cli("deploy", "-p", as_given(LOCKER_PKG), LOCKER_MODEL, "--report", fmt,
              "-o", report, "--model-out", model_out)
    assert run.code == 0, run.err
    assert "ada locks with ***" in report.read_text()
    assert json.loads(model_out.read_text())["Objects"]["applications"][0]["code"] == "***"
    assert CODE not in _everywhere(run, report, model_out)
    to_stdout = cli("deploy", "-p", as_given(LOCKER_PKG), LOCKER_MODEL, "--report", fmt)
    assert to_stdout.code == 0 and "ada locks with ***" in to_stdout.out
    assert CODE not in to_stdout.out + to_stdout.err


# --- action arguments -------------------------------------------------------------------------
@pytest.fixture
def deployed(cli, as_given, tmp_path) -> Path:
    state = tmp_path / "state"
    assert cli("deploy", "-p", as_given(LOCKER_PKG), LOCKER_MODEL, "--state", state).code == 0
    return state


SECRET_ARG = "zebra-crossing-77"


@pytest.mark.parametrize("action, argument, logged, code_after", [
    ("rotate", "code", "rotating *** to ***", SECRET_ARG),   # the name the form marks
    ("login", "adminPassword", "login with ***", CODE),      # a secret by its name
])
def test_action_arguments_marked_secret_are_masked(cli, deployed, tmp_path, action, argument,
                                                   logged, code_after) -> None:
    secret = SECRET_ARG
    model_out = tmp_path / "after.json"
    run = cli("action", "--state", deployed, LOCKER_ID, action, "--arg", f"{argument}={secret}",
              "--model-out", model_out)
    assert run.code == 0, run.err
    assert f"log info locker: {logged}" in run.out
    assert secret not in _everywhere(run, model_out) and CODE not in run.out
    saved = load_json(deployed / "state.json")["body"]["model"]    # the real values
    assert saved["Objects"]["applications"][0]["code"] == code_after


def test_errors_of_an_action_never_show_a_secret(cli, deployed) -> None:
    wrong_type = cli("action", "--state", deployed, LOCKER_ID, "rotate", "--arg",
                     'code={"x": "q7"}')
    assert wrong_type.code == 1
    assert "argument 'code' of com.example.Locker.rotate: value *** is not a string" in (
        wrong_type.err)
    assert "q7" not in wrong_type.out + wrong_type.err
    yaql_error = cli("action", "--state", deployed, LOCKER_ID, "check", "--report", "html")
    assert yaql_error.code == 1
    assert 'Unknown method "unknownCheck" for receiver ***' in yaql_error.err
    assert CODE not in yaql_error.out + yaql_error.err
