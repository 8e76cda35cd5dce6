"""Helpers of the engine core tests (fixture paths, line lookup)."""

import collections.abc  # noqa: F401  (yaql 3 needs it imported first)
import pathlib

FIXTURES = pathlib.Path(__file__).parent / "fixtures"


def fixture(name: str) -> str:
    return str(FIXTURES / name)


def line_of(relative: str, marker: str) -> int:
    """1-based line of the only line of a fixture file containing ``marker``."""
    lines = (FIXTURES / relative).read_text().splitlines()
    hits = [n for n, text in enumerate(lines, 1) if marker in text]
    assert len(hits) == 1, (marker, hits)
    return hits[0]
