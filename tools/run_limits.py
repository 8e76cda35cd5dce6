"""The engine's guards as command-line options (``deploy``, ``action``, ``test``).

The defaults are the engine's (:class:`muranokit.engine.Limits`): upstream Murano's own
limits for collections (2000 items) and values (512 KiB), and whole-run budgets no real
deployment comes near (README: "Runaway MuranoPL" gives the measured head-room).
"""

from __future__ import annotations

import argparse
import math
from typing import Any

OPTIONS = (
    ("--max-steps", "max_steps", int, "N",
     "stop the run after N steps: statements, loop iterations, method calls and yaql "
     "function calls "
     "(default {default}; -1: no limit)"),
    ("--max-seconds", "max_seconds", float, "S",
     "stop the run after S seconds of engine time; time the cloud backend spends is not "
     "counted (default {default:g}; -1: no limit)"),
    ("--max-collection", "max_collection", int, "N",
     "largest collection a yaql function takes or a lazy sequence becomes, as upstream's "
     "yaql limit (default {default}; -1: no limit)"),
    ("--max-value-bytes", "max_value_bytes", int, "BYTES",
     "largest value a yaql function returns, as upstream's yaql memory quota "
     "(default {default}; -1: no limit)"),
)


def _parser(kind: type) -> Any:
    """An argparse type: a number of ``kind``, ``-1`` (no limit) or not below 0."""
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if math.isnan(value) or math.isinf(value) or (value < 0 and value != -1):
            raise argparse.ArgumentTypeError(
                f"{text!r}: give a number from 0 up, or -1 for no limit")
        return value
    parse.__name__ = kind.__name__       # argparse names the type in its messages
    return parse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``--max-*`` options, in a group of their own."""
    from muranokit.engine import Limits
    defaults = Limits()
    group = parser.add_argument_group("guards against runaway MuranoPL")
    for flag, field, kind, metavar, text in OPTIONS:
        group.add_argument(flag, dest=field, type=_parser(kind), metavar=metavar,
                           help=text.format(default=getattr(defaults, field)))


def limits_from(args: argparse.Namespace) -> dict[str, Any]:
    """The ``Runtime(limits=...)`` fields the options set (only those given)."""
    found = {}
    for _flag, field, _kind, _metavar, _text in OPTIONS:
        value = getattr(args, field, None)
        if value is not None:
            found[field] = None if value < 0 and field in ("max_steps", "max_seconds") \
                else value
    return found
