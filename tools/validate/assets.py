"""Checks of the package's logo, LICENSE, UI file and top-level files."""

from __future__ import annotations

from muranokit.tools.package import MANIFEST
from muranokit.tools.validate.context import PackageCheck

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
KNOWN_TOP_FILES = frozenset({MANIFEST, "LICENSE", "README.rst", "README.md", "README",
                             "images.lst"})


def logo_file(ctx: PackageCheck) -> str:
    """The logo's path in the package (manifest ``Logo``, default ``logo.png``)."""
    logo = ctx.package.manifest.get("Logo", "logo.png")
    return logo if isinstance(logo, str) else "logo.png"


def ui_file(ctx: PackageCheck) -> str:
    """The UI definition's path (``UI/`` + manifest ``UI``, default ``UI/ui.yaml``)."""
    ui = ctx.package.manifest.get("UI", "ui.yaml")
    return f"UI/{ui if isinstance(ui, str) else 'ui.yaml'}"


def check(ctx: PackageCheck) -> None:
    """Logo present and a PNG, LICENSE present, UI present, no stray top-level files."""
    package = ctx.package
    logo = logo_file(ctx)
    is_application = package.type != "Library"
    if package.exists(logo):
        if not package.read(logo).startswith(PNG_SIGNATURE):
            ctx.report("A002", logo, 0, "logo is not a PNG image")
    elif is_application or "Logo" in package.manifest:
        ctx.report("A001", MANIFEST, package.manifest.key_lines.get("Logo", 0),
                   f"logo {logo} missing")
    if not package.exists("LICENSE"):
        ctx.report("A003", "", 0, "no LICENSE file")
    if not package.exists(ui_file(ctx)) and (is_application or "UI" in package.manifest):
        ctx.report("A004", MANIFEST, package.manifest.key_lines.get("UI", 0),
                   f"UI file {ui_file(ctx)} missing")
    for rel in package.files:
        if "/" not in rel and rel not in KNOWN_TOP_FILES and rel != logo:
            ctx.report("P002", rel, 0, "unknown file at the top of the package "
                                       "(Murano expects Classes/, Resources/, UI/, "
                                       "manifest.yaml, LICENSE, logo)")
