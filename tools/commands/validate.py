"""``muranokit validate``: check package folders or zips; exit 0 clean, 1 findings, 2 bad input."""

from __future__ import annotations

import argparse
import sys

HELP = ("check Murano packages (folders or zips); exit 0 clean (warnings allowed), "
        "1 errors, 2 unusable input")

BATCH = True  # a short batch job: cli.main pauses the cycle collector while it runs


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PKG_DIR|ZIP",
                        help="packages to check (default: every package under packages/)")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="output format (default: text, one 'path:line: CODE message' "
                             "line per finding)")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 on warnings too, not only on errors")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress line and no summary")
    add_in_catalog_argument(parser)


def add_in_catalog_argument(parser: argparse.ArgumentParser) -> None:
    """``--in-catalog``, shared with build."""
    parser.add_argument("--in-catalog", dest="in_catalog", action="append", default=[],
                        metavar="FQN[=VERSION]",
                        help="a required package the catalog already has (not checked "
                             "here); a Require not met by the packages checked is looked "
                             "for here, then under ./packages/ (repeatable)")


def run(args: argparse.Namespace) -> int:
    from muranokit.tools.exceptions import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, InputError
    from muranokit.tools.package import (
        load_package,
        outside_providers,
        parse_in_catalog,
        select_package_paths,
    )
    from muranokit.tools.progress import Progress
    from muranokit.tools.validate import ERROR, WARNING, validate_packages
    from muranokit.tools.validate.findings import count, to_json
    from muranokit.tools.wording import plural

    in_catalog = parse_in_catalog(args.in_catalog)
    paths = select_package_paths(args.paths)
    progress = Progress(len(paths), args.quiet)
    packages, unusable = [], []
    for index, path in enumerate(paths):
        progress.step(index, path)
        try:
            packages.append(load_package(path))
        except InputError as exc:
            unusable.append(exc)
    findings = validate_packages(
        packages, lambda i, p: progress.step(i, p.label),
        outside_providers(packages, in_catalog))
    progress.done()

    errors, warnings = count(findings, ERROR), count(findings, WARNING)
    if args.format == "json":
        report = [{"path": p.location, "name": p.full_name, "version": p.version}
                  for p in packages]
        text = to_json(findings, report)
        if unusable:  # keep one JSON document: add the unusable inputs to it
            import json
            document = json.loads(text)
            document["unusable"] = [{"path": e.path, "line": e.line, "message": e.message}
                                    for e in unusable]
            text = json.dumps(document, indent=2, sort_keys=True)
        print(text)
    else:
        for finding in findings:
            print(finding.text())
    for exc in unusable:
        print(f"muranokit: error: {exc}", file=sys.stderr)
    if not args.quiet and args.format == "text":
        print(f"{plural(len(packages), 'package')} checked: {plural(errors, 'error')}, "
              f"{plural(warnings, 'warning')}"
              + (f", {plural(len(unusable), 'unusable input')}" if unusable else ""),
              file=sys.stderr)
    if unusable:
        return EXIT_USAGE
    if errors or (args.strict and warnings):
        return EXIT_FINDINGS
    return EXIT_OK
