"""The build: load packages, validate them, write reproducible zips and the bundle file.

Nothing is written unless every package loads and validates without errors; each
file is written through a temporary file and a rename.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from typing import TextIO

from muranokit.engine.files import Package
from muranokit.tools.bundle import bundle_text, check_bundle_name
from muranokit.tools.exceptions import EXIT_FINDINGS, EXIT_OK, InputError, OperationFailed
from muranokit.tools.package import (
    load_package,
    outside_providers,
    parse_in_catalog,
    select_package_paths,
)
from muranokit.tools.progress import Progress
from muranokit.tools.validate import ERROR, validate_packages
from muranokit.tools.wording import plural
from muranokit.tools.zipper import write_output, write_zip, zip_bytes


def zip_name(package: Package) -> str:
    """File name of a package's zip: ``<FullName>.zip``."""
    return f"{package.full_name}.zip"


def ensure_output_folder(folder: str) -> None:
    """Create ``folder`` if needed and prove it is writable (InputError otherwise)."""
    try:
        os.makedirs(folder, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise InputError(f"output folder is not writable: {exc.strerror}", folder) from None


def load_all(paths: list[str]) -> list[Package]:
    """Load every package; the first unusable one stops the build (InputError)."""
    packages = []
    for path in paths:
        if os.path.isfile(path):
            raise InputError("build takes package folders, not zips", path)
        packages.append(load_package(path))
    return packages


def build(paths: list[str] | None, output: str, *, bundle: str | None = "bundle.json",
          check: bool = False, quiet: bool = False, out: TextIO = sys.stdout,
          err: TextIO = sys.stderr, in_catalog: list[str] | None = None) -> int:
    """Validate and zip ``paths`` (default: packages under ./packages) into ``output``
    (``in_catalog``: ``FQN[=VERSION]`` of required packages the catalog already has).

    Returns the exit code; raises InputError/OperationFailed for unusable input.
    """
    if bundle:
        check_bundle_name(bundle)
    declared = parse_in_catalog(in_catalog)
    packages = load_all(select_package_paths(paths))
    progress = Progress(len(packages), quiet, err)
    findings = validate_packages(packages, lambda i, p: progress.step(i, f"validate {p.label}"),
                                 outside_providers(packages, declared))
    progress.done()
    errors = [f for f in findings if f.severity == ERROR]
    if errors or not quiet:
        for finding in findings:
            print(finding.text(), file=err)
    if errors:
        raise OperationFailed(f"validation found {plural(len(errors), 'error')}; nothing was built")
    if check:
        return _check(packages, output, bundle, quiet, out)
    ensure_output_folder(output)
    for index, package in enumerate(packages):
        progress.step(index, f"zip {package.label}")
        dest = os.path.join(output, zip_name(package))
        digest = write_zip(package, dest)
        if not quiet:
            progress.done()
            print(f"{dest}  sha256:{digest}", file=out)
    progress.done()
    if bundle:
        dest = os.path.join(output, bundle)
        write_output(dest, [bundle_text(packages).encode()])
        if not quiet:
            print(dest, file=out)
    return EXIT_OK


def _check(packages: list[Package], output: str, bundle: str | None, quiet: bool,
           out: TextIO) -> int:
    """Compare existing files with what a build would write; 1 on any difference."""
    expected = {os.path.join(output, zip_name(p)): zip_bytes(p) for p in packages}
    if bundle:
        expected[os.path.join(output, bundle)] = bundle_text(packages).encode()
    drift = 0
    for dest, data in expected.items():
        try:
            with open(dest, "rb") as handle:
                current = handle.read()
        except FileNotFoundError:
            state = "missing"
        except OSError as exc:
            state = f"unreadable ({exc.strerror})"
        else:
            state = "up to date" if current == data else "differs"
        if state != "up to date":
            drift += 1
        if state != "up to date" or not quiet:
            print(f"{dest}: {state} (sha256:{hashlib.sha256(data).hexdigest()})", file=out)
    return EXIT_FINDINGS if drift else EXIT_OK
