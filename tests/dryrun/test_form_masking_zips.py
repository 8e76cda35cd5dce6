"""Password fields of a package's form are masked the same whether the package is a
folder or a zip: the form is read through the one Package."""

from __future__ import annotations

from dryrun_support import HELLO_PKG, VAULT_MODEL, VAULT_PKG


def test_a_property_the_form_marks_as_password_is_masked(cli, as_given) -> None:
    run = cli("deploy", "-p", as_given(VAULT_PKG), VAULT_MODEL, "--report", "json")
    assert run.code == 0, run.err
    assert "8472-blue-heron" not in run.out
    log = next(e for e in run.events() if e["kind"] == "log" and e["logger"] == "vault")
    assert log["message"] == "opening the vault with ***"
    assert run.result()["model"]["Objects"]["applications"][0]["accessCode"] == "***"


def test_app_from_the_form_of_a_folder_or_a_zip(cli, as_given, tmp_path) -> None:
    model_out = tmp_path / "model.json"
    run = cli("deploy", "-p", as_given(HELLO_PKG), "--app", "com.example.HelloWorld",
              "--set", "adminPassword=hunter2hunter2", "--report", "json",
              "--model-out", model_out)
    assert run.code == 0, run.err
    plan = next(e for e in run.events() if e["kind"] == "agent_plan")
    assert plan["parameters"] == {"greeting": "Hello", "adminPassword": "***"}
    assert "hunter2hunter2" not in run.out
    assert "hunter2hunter2" not in model_out.read_text()
