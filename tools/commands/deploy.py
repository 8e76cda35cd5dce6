"""``muranokit deploy``: dry-run a Murano deployment offline and report every step."""

from __future__ import annotations

import argparse

HELP = ("dry-run a deployment: run the Environment's deploy on a Murano object model (or a "
        "package's ui.yaml filled with --set values) against a simulated cloud, or for real "
        "on local qemu VMs (--cloud qemu)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from muranokit.tools import pipeline
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
                        metavar="PKG", help="package folder or zip (or a folder of class "
                        "files) to load, before the packages under ./packages/ (repeatable)")
    pipeline.add_arguments(parser)
    pipeline.add_cloud_arguments(parser)


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
    cloud = session.runtime.cloud
    app, secret_fields = build_application(package, fields, app_name,
                                           getattr(cloud, "store_secret", None))
    session.masker.add_keys(secret_fields)
    session.masker.add_keys(ui_secret_keys(package))
    return app


def run(args: argparse.Namespace) -> int:
    from muranokit.tools.exceptions import InputError
    from muranokit.tools.pipeline import DryRun, Settings

    if args.values and not args.app:
        raise InputError("--set needs --app FQN")
    with DryRun(Settings.from_arguments(
            args, "deploy", f"muranokit deploy {args.model or args.app or args.state}")
            ) as dry_run:
        return _run(args, dry_run)


def _run(args: argparse.Namespace, dry_run) -> int:
    from muranokit.tools.dryrun import collect_packages
    from muranokit.tools.exceptions import InputError
    from muranokit.tools.forms import environment_model
    from muranokit.tools.model_file import (
        add_application,
        continue_model,
        read_model,
        wrap_model,
    )

    previous = dry_run.prepare().previous
    if not args.model and not args.app:
        if previous is None:
            raise InputError("nothing to deploy: give MODEL.json or --app FQN "
                             "(or --state DIR with a saved deployment)")
        if previous.model.get("Objects") is None:
            raise InputError("nothing to deploy: the saved environment was deleted; give "
                             "MODEL.json or --app FQN", args.state)

    model, text = None, None
    if args.model:
        model, text = read_model(args.model)
        model = wrap_model(model)
    session = dry_run.session(collect_packages(args.packages))
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
    with dry_run.guard(session):
        if model.get("Objects") is None:
            if previous is None or previous.model.get("Objects") is None:
                raise InputError("the object model has no objects: {\"Objects\": null} "
                                 "deletes an environment deployed with --state DIR",
                                 args.model)
            outcome = session.delete(previous.model)
        else:
            if previous is not None:
                model = continue_model(model["Objects"], previous.model)
            outcome = session.deploy(model, args.model, text, added)
    return dry_run.finish(session, outcome, "deployment")
