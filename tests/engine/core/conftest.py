"""Fixtures of the engine core tests."""

import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).parent))

from core_support import fixture  # noqa: E402


@pytest.fixture
def traces():
    return []


@pytest.fixture
def make_runtime(traces):
    from muranokit.engine import Runtime

    def make(*folders, **kwargs):
        functions = {"trace": traces.append}
        functions.update(kwargs.pop("functions", {}))
        return Runtime([fixture(f) for f in folders], functions=functions, **kwargs)
    return make
