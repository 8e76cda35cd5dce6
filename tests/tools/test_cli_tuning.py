"""Process-wide tuning happens in cli.main only: batch verbs run with the cycle collector
paused, and it is restored afterwards; other verbs and library calls leave it alone."""

from __future__ import annotations

import gc
import importlib

import pytest

from muranokit.tools.cli import main


@pytest.mark.parametrize("verb, module, paused", [
    ("build", "build", True), ("validate", "validate", True), ("deploy", "deploy", False)])
def test_batch_verbs_pause_the_cycle_collector_while_they_run(monkeypatch, verb, module,
                                                              paused):
    seen = []
    command = importlib.import_module(f"muranokit.tools.commands.{module}")
    monkeypatch.setattr(command, "run", lambda args: seen.append(gc.isenabled()) or 0)
    was_enabled = gc.isenabled()
    try:
        gc.enable()
        assert main([verb]) == 0
        assert seen == [not paused]
        assert gc.isenabled()
    finally:
        (gc.enable if was_enabled else gc.disable)()
