"""The command line's last resort: an error no command handled is one message, never a
Python traceback, with the exit code its kind calls for; what was written stays."""

from __future__ import annotations

import pytest

from muranokit.engine import MuranoPlError, StackFrame
from muranokit.tools import cli
from muranokit.tools.commands import validate


def _failing(error: BaseException, written):
    def run(args):
        written.write_text("report so far\n")
        raise error
    return run


def test_python_error_is_one_line_and_exit_1(monkeypatch, capsys, tmp_path):
    report = tmp_path / "report.txt"
    monkeypatch.setattr(validate, "run", _failing(RuntimeError("boom"), report))
    code = cli.main(["validate", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1
    assert "muranokit: error: internal error: RuntimeError: boom" in err
    assert "Traceback" not in err
    assert report.read_text() == "report so far\n"


def test_verbose_adds_the_python_traceback(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(validate, "run", _failing(KeyError("k"), tmp_path / "r"))
    assert cli.main(["-v", "validate", str(tmp_path)]) == 1
    assert "Traceback (most recent call last)" in capsys.readouterr().err


@pytest.mark.parametrize(("type_name", "code"), [("DslSyntaxError", 2), ("KeyError", 1)])
def test_muranopl_error_shows_its_stack(monkeypatch, capsys, tmp_path, type_name, code):
    error = MuranoPlError(type_name, "bad thing", stack=[
        StackFrame("Classes/App.yaml", 12, 3, "deploy", "ns.App")])
    monkeypatch.setattr(validate, "run", _failing(error, tmp_path / "r"))
    assert cli.main(["validate", str(tmp_path)]) == code
    err = capsys.readouterr().err
    assert f"internal error: {type_name}: bad thing" in err
    assert "Classes/App.yaml:12 in deploy of ns.App" in err
    assert "Traceback" not in err
