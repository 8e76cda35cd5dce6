"""A placeholder logo for scaffolded packages: a PNG written with zlib and struct only.

The picture is a rounded tile in a colour taken from a hash of the seed text, with a
mirror-symmetric 5x5 pattern of light squares on it, so different applications get
different logos and the same application always gets the same bytes.
"""

from __future__ import annotations

import hashlib
import struct
import zlib

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_GRID = 5


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def encode_png(width: int, height: int, pixels: list[list[tuple[int, int, int, int]]]) -> bytes:
    """PNG bytes of an RGBA image given as rows of (r, g, b, a) tuples."""
    raw = bytearray()
    for row in pixels:
        raw.append(0)  # filter type: none
        for r, g, b, a in row:
            raw += bytes((r, g, b, a))
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (_SIGNATURE + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + _chunk(b"IEND", b""))


def _colour(digest: bytes) -> tuple[int, int, int]:
    # keep the tile dark enough for the light pattern to show
    return tuple(40 + digest[i] % 150 for i in range(3))  # type: ignore[return-value]


def _cells(digest: bytes) -> set[tuple[int, int]]:
    """Lit cells of the 5x5 grid, mirrored left-right."""
    lit = set()
    bits = int.from_bytes(digest[3:7], "big")
    for row in range(_GRID):
        for col in range((_GRID + 1) // 2):
            if bits >> (row * 3 + col) & 1:
                lit.add((row, col))
                lit.add((row, _GRID - 1 - col))
    if not lit:
        lit.add((_GRID // 2, _GRID // 2))
    return lit


def _inside_rounded(x: int, y: int, size: int, radius: int) -> bool:
    cx = min(max(x, radius), size - 1 - radius)
    cy = min(max(y, radius), size - 1 - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2


def placeholder_logo(seed: str, size: int = 128) -> bytes:
    """PNG bytes of a ``size`` x ``size`` placeholder logo derived from ``seed``."""
    if size < 32:
        raise ValueError("logo size must be at least 32 pixels")
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    tile = (*_colour(digest), 255)
    light = (235, 240, 245, 255)
    clear = (0, 0, 0, 0)
    lit = _cells(digest)
    margin = size // 5
    cell = (size - 2 * margin) // _GRID
    radius = size // 6
    rows = []
    for y in range(size):
        row = []
        for x in range(size):
            if not _inside_rounded(x, y, size, radius):
                row.append(clear)
                continue
            gx, gy = (x - margin) // cell, (y - margin) // cell
            on = (0 <= gx < _GRID and 0 <= gy < _GRID and x >= margin and y >= margin
                  and (gy, gx) in lit)
            row.append(light if on else tile)
        rows.append(row)
    return encode_png(size, size, rows)
