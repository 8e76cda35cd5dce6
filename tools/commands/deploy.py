"""``muranokit deploy``: dry-run a Murano deployment offline and report every step."""

from __future__ import annotations

import argparse
import sys

HELP = ("dry-run a deployment: run the Environment's deploy on a Murano object model (or a "
        "package's ui.yaml filled with --set values) against a simulated cloud")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", nargs="?", metavar="MODEL.json",
                        help="Murano object model ({\"Objects\": ..., \"Attributes\": ...}); "
                             "with --state and no model, the saved model is deployed again; "
                             "{\"Objects\": null} with --state deletes the environment")
    parser.add_argument("--app", metavar="FQN",
                        help="add an application built from this package's UI/ui.yaml to "
                             "MODEL.json, else to the saved environment (--state), else to a "
                             "new environment")
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
    parser.add_argument("--model-out", metavar="FILE",
                        help="also write the final object model here (JSON, secrets as ***)")


def _application_from_form(session, fqn: str, values: list[str]) -> dict:
    """The application object the dashboard would build from the package's form."""
    from muranokit.tools.exceptions import InputError
    from muranokit.tools.form_secrets import ui_secret_keys
    from muranokit.tools.forms import build_application, parse_set
    packages = [p for p in session.runtime.packages if p.name == fqn]
    if not packages:
        known = ", ".join(sorted({p.name for p in session.runtime.packages})) or "none"
        raise InputError(f"--app {fqn}: no such package loaded (packages: {known})")
    package = packages[0]
    if not package.exists(package.ui_path):
        raise InputError(f"--app {fqn}: the package has no {package.ui_path} (only packages "
                         "with a form can be used with --app)", package.location)
    fields = parse_set(values)
    app_name = fields.get("name") or str(package.manifest.get("Name") or fqn.rsplit(".", 1)[-1])
    app, secret_fields = build_application(package, fields, app_name)
    session.masker.add_keys(secret_fields)
    session.masker.add_keys(ui_secret_keys(package))
    return app


def _check_arguments(args: argparse.Namespace) -> None:
    from muranokit.tools.dryrun import check_output_path
    from muranokit.tools.exceptions import InputError
    if args.values and not args.app:
        raise InputError("--set needs --app FQN")
    check_output_path(args.output, "report")
    check_output_path(args.model_out, "model")


def run(args: argparse.Namespace) -> int:
    from muranokit.engine.corelib.cloud.rules import RulesError, load_rules
    from muranokit.tools import state as state_dir
    from muranokit.tools.dryrun import (
        Session,
        check_packages_exist,
        collect_packages,
        describe_error,
        destroy_failures,
        emit_report,
        saved_state,
        write_model,
    )
    from muranokit.tools.exceptions import EXIT_FINDINGS, EXIT_OK, InputError
    from muranokit.tools.forms import environment_model
    from muranokit.tools.model_file import (
        add_application,
        continue_model,
        read_model,
        wrap_model,
    )
    from muranokit.tools.report import render

    _check_arguments(args)
    previous = None
    if args.state:
        state_dir.check_usable(args.state)
        if state_dir.exists(args.state):
            previous = state_dir.load(args.state)
            check_packages_exist(previous.packages, args.state)
    if not args.model and not args.app:
        if previous is None:
            raise InputError("nothing to deploy: give MODEL.json or --app FQN "
                             "(or --state DIR with a saved deployment)")
        if previous.model.get("Objects") is None:
            raise InputError("nothing to deploy: the saved environment was deleted; give "
                             "MODEL.json or --app FQN", args.state)
    rules = None
    if args.agent_rules:
        try:
            rules = load_rules(args.agent_rules)
        except RulesError as exc:
            raise InputError(exc.message, exc.path, exc.line) from None

    model, text = None, None
    if args.model:
        model, text = read_model(args.model)
        model = wrap_model(model)
    packages = collect_packages(args.packages)
    if previous is not None:
        packages += [p for p in previous.packages if p not in packages]
    session = Session(packages, rules, previous)
    added = None
    if args.app:
        app = _application_from_form(session, args.app, args.values)
        base = model if model is not None else previous.model if previous is not None else None
        if base is None or base.get("Objects") is None:
            model, path = environment_model([app]), "Objects.applications[0]"
        else:
            model, path = add_application(base, app, args.model or args.state)
        added = (path, f"--app {args.app}")
    if model is None:
        model = {"Objects": previous.model.get("Objects")}
    if model.get("Objects") is None:
        if previous is None or previous.model.get("Objects") is None:
            raise InputError("the object model has no objects: {\"Objects\": null} deletes "
                             "an environment deployed with --state DIR", args.model)
        outcome = session.delete(previous.model)
    else:
        if previous is not None:
            model = continue_model(model["Objects"], previous.model)
        outcome = session.deploy(model, args.model, text, added)

    title = f"muranokit deploy {args.model or args.app or args.state}"
    report = render(outcome.trace(title), args.report, session.masker)
    if args.model_out:
        write_model(args.model_out, outcome, session.masker)
    emit_report(report, args.output)
    if args.state:
        history = previous.history if previous else []
        state_dir.save(args.state, saved_state(session, outcome, "deploy", history))
    for failure in destroy_failures(outcome):
        print("muranokit: warning: .destroy failed (Murano carries on; its resources may "
              "not be released): " + session.masker.mask(failure), file=sys.stderr)
    if not outcome.ok:
        print("muranokit: deployment failed: "
              + session.masker.mask(describe_error(outcome.error)), file=sys.stderr)
        return EXIT_FINDINGS
    return EXIT_OK
