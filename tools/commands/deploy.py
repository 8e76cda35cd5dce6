"""``muranokit deploy``: dry-run a Murano deployment offline and report every step."""

from __future__ import annotations

import argparse
import sys

HELP = ("dry-run a deployment: run the Environment's deploy on a Murano object model (or a "
        "package's ui.yaml filled with --set values) against a simulated cloud")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", nargs="?", metavar="MODEL.json",
                        help="Murano object model ({\"Objects\": ..., \"Attributes\": ...}); "
                             "with --state and no model, the saved model is deployed again")
    parser.add_argument("--app", metavar="FQN",
                        help="build the model from this package's UI/ui.yaml instead")
    parser.add_argument("--set", dest="values", action="append", default=[],
                        metavar="FIELD=VALUE", help="a ui.yaml field value (with --app)")
    parser.add_argument("-p", "--package", dest="packages", action="append", default=[],
                        metavar="PKG", help="package folder or zip to load, before the "
                        "packages under ./packages/ (repeatable)")
    parser.add_argument("--state", metavar="DIR",
                        help="continue from and save to this state folder")
    parser.add_argument("--agent-rules", metavar="FILE",
                        help="YAML rules: agent answers and injected agent/Heat failures")
    parser.add_argument("--report", choices=("text", "json", "html"), default="text",
                        help="report format (default: text)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write the report here instead of standard output")


def _model_from_app(session, fqn: str, values: list[str]) -> dict:
    import os

    from muranokit.tools.exceptions import InputError
    from muranokit.tools.forms import build_application, environment_model, parse_set
    packages = [p for p in session.runtime.packages if p.name == fqn]
    if not packages:
        known = ", ".join(sorted({p.name for p in session.runtime.packages})) or "none"
        raise InputError(f"--app {fqn}: no such package loaded (packages: {known})")
    package = packages[0]
    ui_path = os.path.join(str(package.source), "UI", "ui.yaml")
    if not os.path.isfile(ui_path):
        raise InputError(f"--app {fqn}: the package has no UI/ui.yaml (only package folders "
                         "with a form can be used with --app)", str(package.source))
    fields = parse_set(values)
    app_name = fields.get("name") or str(package.meta.get("Name") or fqn.rsplit(".", 1)[-1])
    app, secret_fields = build_application(ui_path, fields, app_name)
    session.masker.add_keys(secret_fields)
    from muranokit.tools.form_secrets import ui_secret_keys
    session.masker.add_keys(ui_secret_keys(ui_path))
    return environment_model([app])


def run(args: argparse.Namespace) -> int:
    from muranokit.engine.corelib.cloud.rules import RulesError, load_rules
    from muranokit.tools import state as state_dir
    from muranokit.tools.dryrun import (
        Session,
        check_packages_exist,
        collect_packages,
        describe_error,
        emit_report,
        saved_state,
    )
    from muranokit.tools.exceptions import EXIT_FINDINGS, EXIT_OK, InputError
    from muranokit.tools.model_file import continue_model, read_model
    from muranokit.tools.report import render

    if args.model and args.app:
        raise InputError("give either MODEL.json or --app FQN, not both")
    if args.values and not args.app:
        raise InputError("--set needs --app FQN")
    previous = None
    if args.state:
        state_dir.check_usable(args.state)
        if state_dir.exists(args.state):
            previous = state_dir.load(args.state)
            check_packages_exist(previous.packages, args.state)
    if not args.model and not args.app and previous is None:
        raise InputError("nothing to deploy: give MODEL.json or --app FQN "
                         "(or --state DIR with a saved deployment)")
    rules = None
    if args.agent_rules:
        try:
            rules = load_rules(args.agent_rules)
        except RulesError as exc:
            raise InputError(exc.message, exc.path, exc.line) from None

    model, text = None, None
    if args.model:
        model, text = read_model(args.model)
    packages = collect_packages(args.packages)
    if previous is not None:
        packages += [p for p in previous.packages if p not in packages]
    session = Session(packages, rules, previous)
    if args.app:
        model = _model_from_app(session, args.app, args.values)
    if previous is not None:
        wrapped = model is not None and "Objects" in model
        objects = previous.model.get("Objects") if model is None else (
            model["Objects"] if wrapped else model)
        model = continue_model(objects, previous.model)
        if not wrapped:
            text = None  # a bare root object: model paths do not map onto the file's lines
    outcome = session.deploy(model, args.model, text)

    title = f"muranokit deploy {args.model or args.app or args.state}"
    report = render(outcome.trace(title), args.report, session.masker)
    emit_report(report, args.output)
    if args.state:
        history = previous.history if previous else []
        state_dir.save(args.state, saved_state(session, outcome, "deploy", history))
    if not outcome.ok:
        print("muranokit: deployment failed: "
              + session.masker.mask(describe_error(outcome.error)), file=sys.stderr)
        return EXIT_FINDINGS
    return EXIT_OK
