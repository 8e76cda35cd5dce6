"""Checks of manifest.yaml: required keys, value types, Format, Version, Classes, Require."""

from __future__ import annotations

import re

from muranokit.engine.files import (
    MANIFEST,
    SUPPORTED_FORMATS,
    is_dotted_name,
    line_of,
    parse_format,
)
from muranokit.engine.files.versions import parse_spec
from muranokit.tools.validate.context import PackageCheck

KNOWN_KEYS = frozenset({"Format", "Type", "FullName", "Name", "Version", "Description",
                        "Author", "Supplier", "Tags", "Classes", "Require", "UI", "Logo"})
STRING_KEYS = ("Name", "Author", "Description", "UI", "Logo")
_VERSION_RE = re.compile(r"^\d+(\.\d+){0,2}([-+][0-9A-Za-z.+-]+)?$")


def is_version(value: object) -> bool:
    """True for a version such as ``1``, ``1.2`` or ``1.2.3-rc1`` (ints/floats too)."""
    if isinstance(value, bool):
        return False
    return isinstance(value, (str, int, float)) and bool(_VERSION_RE.match(str(value)))


def check(ctx: PackageCheck) -> None:
    """Report every manifest problem of ``ctx.package``."""
    manifest = ctx.package.manifest

    def where(key: str) -> int:
        return line_of(manifest, key, 1)

    for key in ("FullName", "Type"):
        if key not in manifest:
            ctx.report("M001", MANIFEST, 1, f"required key {key!r} missing")
    if "Description" not in manifest:
        ctx.report("M011", MANIFEST, 1, "no Description")
    for key in manifest:
        if key not in KNOWN_KEYS:
            ctx.report("M007", MANIFEST, manifest.key_line(key, 1),
                       f"unknown key {key!r}")
    full_name = manifest.get("FullName")
    if "FullName" in manifest and not is_dotted_name(full_name):
        ctx.report("M002", MANIFEST, where("FullName"),
                   f"FullName {full_name!r} is not a dotted name such as com.example.App")
    fmt = manifest.get("Format")
    parsed = parse_format(fmt)
    if parsed not in SUPPORTED_FORMATS:
        ctx.report("M003", MANIFEST, where("Format"),
                   f"unsupported Format {fmt!r} (expected MuranoPL/1.0 to MuranoPL/1.4)")
    if "Type" in manifest and manifest["Type"] not in ("Application", "Library"):
        ctx.report("M004", MANIFEST, where("Type"),
                   f"Type {manifest['Type']!r} is neither Application nor Library")
    if "Version" in manifest and not is_version(manifest["Version"]):
        ctx.report("M005", MANIFEST, where("Version"),
                   f"Version {manifest['Version']!r} is not a version number")
    for key in STRING_KEYS:
        if key in manifest and not isinstance(manifest[key], str):
            ctx.report("M006", MANIFEST, where(key), f"{key} must be a string")
    tags = manifest.get("Tags")
    if "Tags" in manifest and not (isinstance(tags, list)
                                   and all(isinstance(t, str) for t in tags)):
        ctx.report("M006", MANIFEST, where("Tags"), "Tags must be a list of strings")
    _check_classes(ctx, where)
    _check_require(ctx, where)


def _check_classes(ctx: PackageCheck, where) -> None:
    package = ctx.package
    classes = package.manifest.get("Classes")
    if classes is None:
        classes = {}
    if not isinstance(classes, dict):
        ctx.report("M006", MANIFEST, where("Classes"), "Classes must be a mapping FQN: file")
        return
    listed = set()
    for fqn, file_name in classes.items():
        line = classes.value_line(fqn, where("Classes"))
        if not is_dotted_name(fqn):
            ctx.report("M012", MANIFEST, line, f"class name {fqn!r} is not a dotted name")
        if not isinstance(file_name, str):
            ctx.report("M006", MANIFEST, line, f"file of class {fqn} must be a string")
            continue
        listed.add(f"Classes/{file_name}")
        if not package.exists(f"Classes/{file_name}"):
            ctx.report("M008", MANIFEST, line,
                       f"class {fqn}: file Classes/{file_name} does not exist")
    for rel in package.under("Classes"):
        if rel not in listed and rel.endswith((".yaml", ".yml")):
            ctx.report("M009", rel, 0, "class file not named in the manifest's Classes")


def _check_require(ctx: PackageCheck, where) -> None:
    require = ctx.package.manifest.get("Require")
    if require is None:
        return
    if not isinstance(require, dict):
        ctx.report("M006", MANIFEST, where("Require"), "Require must be a mapping FQN: version")
        return
    for fqn, spec in require.items():
        line = require.key_line(fqn, where("Require"))
        if not is_dotted_name(fqn):
            ctx.report("M010", MANIFEST, line, f"required package {fqn!r} is not a dotted name")
        if not isinstance(spec, (str, int, float, type(None))) or isinstance(spec, bool) \
                or parse_spec(spec) is None:
            ctx.report("M010", MANIFEST, line,
                       f"version spec {spec!r} of {fqn} is not understood")
