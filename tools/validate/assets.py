"""Checks of the package's logo, LICENSE, UI file and top-level files."""

from __future__ import annotations

import struct
import zlib

from muranokit.engine.files import MANIFEST
from muranokit.tools.validate.context import PackageCheck

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Most bytes of image data inflated to check a logo (a logo is a few KiB).
PNG_INFLATE_LIMIT = 64 * 1024 * 1024
KNOWN_TOP_FILES = frozenset({MANIFEST, "LICENSE", "README.rst", "README.md", "README",
                             "images.lst"})


def check(ctx: PackageCheck) -> None:
    """Logo present and a PNG, LICENSE present, UI present, no stray top-level files."""
    package = ctx.package
    logo = package.logo_path
    is_application = package.type != "Library"
    if package.exists(logo):
        problem = png_problem(package.read(logo))
        if problem:
            ctx.report("A002", logo, 0, f"logo is not a PNG image: {problem}")
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


def png_problem(data: bytes) -> str | None:
    """What makes ``data`` an unusable PNG file (None: it reads whole): the signature,
    every chunk's length and CRC, IHDR first, image data that inflates to its end, IEND
    last. A truncated or damaged file fails here, as it would in the dashboard."""
    if not data.startswith(PNG_SIGNATURE):
        return "no PNG signature"
    offset, first, inflater, seen_data = len(PNG_SIGNATURE), True, zlib.decompressobj(), 0
    while True:
        if offset + 8 > len(data):
            return "truncated (no IEND chunk)"
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        body_end = offset + 8 + length
        if body_end + 4 > len(data):
            return f"truncated in the {kind.decode('latin-1')!r} chunk"
        body = data[offset + 8:body_end]
        (crc,) = struct.unpack(">I", data[body_end:body_end + 4])
        if zlib.crc32(kind + body) != crc:
            return f"bad CRC in the {kind.decode('latin-1')!r} chunk"
        if first and (kind != b"IHDR" or length != 13):
            return "the first chunk is not IHDR"
        first = False
        if kind == b"IDAT":
            try:
                seen_data += len(inflater.decompress(body, PNG_INFLATE_LIMIT))
            except zlib.error as exc:
                return f"damaged image data ({exc})"
            if seen_data >= PNG_INFLATE_LIMIT:
                return None  # larger than any logo: do not inflate further
        if kind == b"IEND":
            return None if inflater.eof else "image data incomplete"
        offset = body_end + 4
