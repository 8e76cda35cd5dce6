"""The ``muranokit`` command: parses arguments and dispatches to ``tools/commands/<verb>.py``."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import functools
import gc
import importlib
import logging
import sys
from collections.abc import Iterator

from muranokit import __version__
from muranokit.engine.files.errors import SourceError
from muranokit.tools.commands import COMMANDS
from muranokit.tools.exceptions import EXIT_FINDINGS, EXIT_USAGE, MuranokitError
from muranokit.tools.interrupts import Terminated, exit_code, terminate_as_exception
from muranokit.tools.masking import command_masker, masked
from muranokit.tools.streams import tolerant_output


def _load(module_name: str):
    try:
        return importlib.import_module(f"muranokit.tools.commands.{module_name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"muranokit.tools.commands.{module_name}":
            return None  # verb not built yet
        raise


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with one sub-parser per available verb."""
    parser = argparse.ArgumentParser(
        prog="muranokit",
        description=("Package, build the image for, dry-run, and run on local qemu VMs the Murano "
                     "Kubernetes suite."),
    )
    parser.add_argument("--version", action="version", version=f"muranokit {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for verb, module_name in COMMANDS.items():
        module = _load(module_name)
        if module is None:
            continue
        cmd = sub.add_parser(verb, help=module.HELP, description=module.HELP)
        module.add_arguments(cmd)
        cmd.set_defaults(_run=module.run, _batch=getattr(module, "BATCH", False))
    return parser


@contextlib.contextmanager
def _process_tuning(batch: bool) -> Iterator[None]:
    """Process-wide settings, made here and nowhere else.

    A batch verb (``BATCH = True`` in its module: build, validate) parses tens of
    thousands of short-lived YAML and yaql objects that hold no garbage cycles worth
    collecting before the end; Python's cycle collector would run over them again and
    again, so it is paused while the verb runs (and restored, as it was, afterwards), and
    the interpreter's exit skips collecting what the verb leaves (its final collections
    take tens of ms and find nothing the operating system would not reclaim; streams are
    still flushed and atexit handlers still run).
    """
    if not batch:
        yield
        return
    _skip_collection_at_exit()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@functools.cache
def _skip_collection_at_exit() -> None:
    atexit.register(gc.freeze)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if not getattr(args, "_run", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    # SIGTERM stops a command as Ctrl-C does (the same cleanup runs); a reader that goes
    # away neither stops the work nor changes the exit code; nothing printed shows a secret.
    with command_masker(), tolerant_output(masked):
        try:
            with terminate_as_exception(), _process_tuning(args._batch):
                return int(args._run(args) or 0)
        except MuranokitError as exc:
            print(f"muranokit: error: {exc}", file=sys.stderr)
            return exc.exit_code
        except SourceError as exc:  # an input file the engine's loader read, not converted
            print(f"muranokit: error: {exc}", file=sys.stderr)
            return EXIT_USAGE
        except KeyboardInterrupt as exc:
            print(f"muranokit: {'terminated' if isinstance(exc, Terminated) else 'interrupted'}",
                  file=sys.stderr)
            return exit_code(exc)
        except Exception as exc:  # noqa: BLE001 - the last resort: never a traceback
            return _internal_error(exc, args.verbose)


LOAD_ERRORS = frozenset(("DslSyntaxError", "DslContractSyntaxError", "PackageLoadError",
                         "PackageFormatError", "NoClassFound", "ModelLoadError"))
"""MuranoPL errors about unusable input (exit 2) rather than failed work."""


def _internal_error(exc: Exception, verbose: bool) -> int:
    """Report an error no command handled: its type and message, the MuranoPL stack of a
    MuranoPL error, and (with ``-v``) the Python traceback; what was already written stays.
    Exit 2 for a MuranoPL error about unusable input, else 1."""
    from muranokit.engine import MuranoPlError
    if isinstance(exc, MuranoPlError):
        from muranokit.tools.dryrun import describe_error
        print(f"muranokit: error: internal error: {describe_error(exc)}", file=sys.stderr)
        code = EXIT_USAGE if exc.type_name in LOAD_ERRORS else EXIT_FINDINGS
    else:
        print(f"muranokit: error: internal error: {type(exc).__name__}: {exc} (a muranokit "
              "bug: please report it; -v shows where)", file=sys.stderr)
        code = EXIT_FINDINGS
    if verbose:
        import traceback
        traceback.print_exception(exc, file=sys.stderr)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
