"""``muranokit build``: validate, then write one reproducible zip per package and a bundle."""

from __future__ import annotations

import argparse
import sys

from muranokit.tools.commands.validate import add_in_catalog_argument

HELP = "validate packages and write reproducible zips (default: every package under packages/)"

BATCH = True  # a short batch job: cli.main pauses the cycle collector while it runs


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PKG_DIR",
                        help="package folders (default: every package under packages/)")
    parser.add_argument("-o", "--output", default="dist", metavar="DIR",
                        help="output folder (default: dist)")
    parser.add_argument("--bundle", default="bundle.json", metavar="NAME",
                        help="bundle file name inside the output folder (default: "
                             "bundle.json; '' for none)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the existing zips differ from a build")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress line, no list of written files")
    add_in_catalog_argument(parser)


def run(args: argparse.Namespace) -> int:
    from muranokit.tools.builder import build

    return build(args.paths, args.output, bundle=args.bundle or None, check=args.check,
                 quiet=args.quiet, out=sys.stdout, err=sys.stderr,
                 in_catalog=args.in_catalog)
