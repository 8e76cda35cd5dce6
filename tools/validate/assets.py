"""Checks of the package's logo, LICENSE, UI file and top-level files."""

from __future__ import annotations

from muranokit.engine.files import MANIFEST
from muranokit.tools.validate.context import PackageCheck

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
KNOWN_TOP_FILES = frozenset({MANIFEST, "LICENSE", "README.rst", "README.md", "README",
                             "images.lst"})


def check(ctx: PackageCheck) -> None:
    """Logo present and a PNG, LICENSE present, UI present, no stray top-level files."""
    package = ctx.package
    logo = package.logo_path
    is_application = package.type != "Library"
    if package.exists(logo):
        if not package.read(logo).startswith(PNG_SIGNATURE):
            ctx.report("A002", logo, 0, "logo is not a PNG image")
    elif is_application or "Logo" in package.manifest:
        ctx.report("A001", MANIFEST, package.manifest.key_line("Logo", 0),
                   f"logo {logo} missing")
    if not package.exists("LICENSE"):
        ctx.report("A003", "", 0, "no LICENSE file")
    if not package.exists(package.ui_path) and (is_application or "UI" in package.manifest):
        ctx.report("A004", MANIFEST, package.manifest.key_line("UI", 0),
                   f"UI file {package.ui_path} missing")
    for rel in package.files:
        if "/" not in rel and rel not in KNOWN_TOP_FILES and rel != logo:
            ctx.report("P002", rel, 0, "unknown file at the top of the package "
                                       "(Murano expects Classes/, Resources/, UI/, "
                                       "manifest.yaml, LICENSE, logo)")
