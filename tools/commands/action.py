"""``muranokit action``: run one ``Usage: Action`` method on a saved dry-run deployment."""

from __future__ import annotations

import argparse
import sys

HELP = ("run an action (a method with Usage: Action) of an object of a saved dry-run "
        "deployment and save the new state")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--state", metavar="DIR", required=True,
                        help="state folder written by `muranokit deploy --state DIR`")
    parser.add_argument("object_id", metavar="OBJECT_ID", help="id of the object ('?': {id})")
    parser.add_argument("action", metavar="ACTION", help="name of the action method")
    parser.add_argument("--arg", dest="args", action="append", default=[],
                        metavar="NAME=VALUE",
                        help="an action argument; VALUE is JSON when it parses as JSON, "
                             "else a string (repeatable)")
    parser.add_argument("--agent-rules", metavar="FILE",
                        help="YAML rules: agent answers and injected agent/Heat failures")
    parser.add_argument("--report", choices=("text", "json", "html"), default="text",
                        help="report format (default: text)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write the report here instead of standard output")
    parser.add_argument("--model-out", metavar="FILE",
                        help="also write the final object model here (JSON, secrets as ***)")


def run(args: argparse.Namespace) -> int:
    from muranokit.engine.corelib.cloud.rules import RulesError, load_rules
    from muranokit.tools import state as state_dir
    from muranokit.tools.dryrun import (
        Session,
        check_output_path,
        check_packages_exist,
        describe_error,
        emit_report,
        parse_action_args,
        saved_state,
        write_model,
    )
    from muranokit.tools.exceptions import EXIT_FINDINGS, EXIT_OK, InputError
    from muranokit.tools.report import render

    check_output_path(args.output, "report")
    check_output_path(args.model_out, "model")
    previous = state_dir.load(args.state)
    check_packages_exist(previous.packages, args.state)
    if previous.model.get("Objects") is None:
        raise InputError("the saved environment has no objects (it was deleted); deploy a "
                         "model first", args.state)
    action_args = parse_action_args(args.args)
    rules = None
    if args.agent_rules:
        try:
            rules = load_rules(args.agent_rules)
        except RulesError as exc:
            raise InputError(exc.message, exc.path, exc.line) from None
    session = Session(previous.packages, rules, previous)
    model = {"Objects": previous.model.get("Objects"),
             "Attributes": previous.model.get("Attributes") or []}
    outcome = session.action(model, args.object_id, args.action, action_args)

    title = f"muranokit action {args.object_id} {args.action}"
    report = render(outcome.trace(title), args.report, session.masker)
    if args.model_out:
        write_model(args.model_out, outcome, session.masker)
    emit_report(report, args.output)
    state_dir.save(args.state, saved_state(session, outcome, f"action {args.action}",
                                           previous.history))
    if not outcome.ok:
        print(f"muranokit: action {args.action} failed: "
              + session.masker.mask(describe_error(outcome.error)), file=sys.stderr)
        return EXIT_FINDINGS
    return EXIT_OK
