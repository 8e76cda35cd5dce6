"""`--model-out FILE`: the final object model as a file, the same bytes for the same run."""

from __future__ import annotations

import json
from pathlib import Path

from dryrun_support import APP_ID, HELLO_PKG, PASSWORD, load_json


def test_deploy_writes_the_final_model(cli, hello: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "m1.json", tmp_path / "m2.json"
    run = cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--model-out", first)
    assert run.code == 0, run.err
    assert run.out.startswith("# muranokit deploy")           # the text report is still there
    assert cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--model-out",
               second).code == 0
    assert first.read_bytes() == second.read_bytes()
    json_run = cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--report", "json")
    model = json_run.result()["model"]
    assert first.read_text() == json.dumps(model, indent=2, sort_keys=True) + "\n"
    app = model["Objects"]["applications"][0]
    assert app["adminPassword"] == "***" and PASSWORD not in first.read_text()
    assert app["instance"]["ipAddresses"]                     # Out values of the deployment


def test_action_writes_the_model_it_leaves(cli, hello: Path, tmp_path: Path) -> None:
    state, out = tmp_path / "state", tmp_path / "after.json"
    assert cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--state", state).code == 0
    run = cli("action", "--state", state, APP_ID, "restart", "--model-out", out)
    assert run.code == 0, run.err
    assert load_json(out)["Objects"]["applications"][0]["restarts"] == 1


def test_an_unwritable_model_out_is_refused_before_any_work(cli, hello: Path,
                                                            tmp_path: Path) -> None:
    state = tmp_path / "state"
    out = tmp_path / "no" / "such" / "model.json"
    run = cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--state", state,
              "--model-out", out)
    assert run.code == 2 and f"{out}: cannot write the model" in run.err
    assert run.out == "" and not state.exists()
    run = cli("deploy", "-p", HELLO_PKG, hello / "model.json", "--model-out", tmp_path)
    assert run.code == 2 and "this is a folder" in run.err
