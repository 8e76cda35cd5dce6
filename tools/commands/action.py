"""``muranokit action``: run one ``Usage: Action`` method on a saved deployment (``--state``)."""

from __future__ import annotations

import argparse

HELP = ("run an action (a method with Usage: Action) of an object of a saved deployment "
        "(on the cloud it was deployed to) and save the new state")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from muranokit.tools import pipeline
    parser.add_argument("object_id", metavar="OBJECT_ID", help="id of the object ('?': {id})")
    parser.add_argument("action", metavar="ACTION", help="name of the action method")
    parser.add_argument("--arg", dest="args", action="append", default=[],
                        metavar="NAME=VALUE",
                        help="an action argument; VALUE is JSON when it parses as JSON, "
                             "else a string (repeatable)")
    pipeline.add_arguments(parser, state_required=True)


def run(args: argparse.Namespace) -> int:
    from muranokit.tools.pipeline import DryRun, Settings

    with DryRun(Settings.from_arguments(
            args, f"action {args.action}",
            f"muranokit action {args.object_id} {args.action}")) as dry_run:
        return _run(args, dry_run)


def _run(args: argparse.Namespace, dry_run) -> int:
    from muranokit.tools.dryrun import parse_action_args
    from muranokit.tools.exceptions import InputError

    previous = dry_run.prepare(require_state=True).previous
    if previous.model.get("Objects") is None:
        raise InputError("the saved environment has no objects (it was deleted); deploy a "
                         "model first", args.state)
    action_args = parse_action_args(args.args)
    session = dry_run.session([])
    model = {"Objects": previous.model.get("Objects"),
             "Attributes": previous.model.get("Attributes") or []}
    with dry_run.guard(session):
        outcome = session.action(model, args.object_id, args.action, action_args)
    return dry_run.finish(session, outcome, f"action {args.action}")
