"""``muranokit test``: run a package's MuranoPL unit tests offline."""

from __future__ import annotations

import argparse

HELP = ("run MuranoPL unit tests: io.murano.test.TestFixture subclasses in PKG_DIR, methods "
        "named test*; prints each result and 'N passed, N failed'; exit 1 on failures, "
        "5 when the package has no test")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("package", metavar="PKG_DIR", help="package with the test classes")
    parser.add_argument("tests", nargs="*", metavar="Class.testMethod",
                        help="run only these tests (a class name runs all its tests)")
    parser.add_argument("-p", "--package", dest="packages", action="append", default=[],
                        metavar="PKG", help="a dependency package (repeatable; the packages "
                        "under ./packages/ are loaded too)")
    from muranokit.tools import run_limits
    run_limits.add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    import os
    import sys

    from muranokit.tools.dryrun import collect_packages, describe_error
    from muranokit.tools.exceptions import EXIT_FINDINGS, EXIT_NO_TESTS, EXIT_OK, InputError
    from muranokit.tools.run_limits import limits_from
    from muranokit.tools.testrunner import FIXTURE, discover, run_case, select

    if not os.path.exists(args.package):
        raise InputError("package folder not found", args.package)
    paths = collect_packages([args.package, *args.packages])
    cases = select(discover(paths), args.tests)
    if not cases:
        print(f"muranokit: no test found in {args.package}: no class extends {FIXTURE} "
              "with methods named test*", file=sys.stderr)
        return EXIT_NO_TESTS
    passed = failed = 0
    for case in cases:
        result = run_case(paths, case, limits_from(args) or None)
        if result.passed:
            passed += 1
            print(f"{case.name} ... ok", flush=True)
        else:
            failed += 1
            print(f"{case.name} ... FAILED", flush=True)
            print("  " + describe_error(result.error).replace("\n", "\n  "), flush=True)
    print(f"{passed} passed, {failed} failed")
    return EXIT_FINDINGS if failed else EXIT_OK
