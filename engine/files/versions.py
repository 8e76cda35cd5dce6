"""Murano's reading of package versions and ``Require`` version specs.

A spec is one or more comma-separated ``<op><version>`` items (``>=``, ``>``, ``<=``,
``<``, ``==``, ``!=``); a spec starting with a digit means ``==``; an empty spec means
``==0``. Items whose version lacks a patch number are widened the way Murano does it:
``==1.2`` allows 1.2.x, ``==1`` (and so an empty spec, ``==0``) allows 1.x.y (0.x.y),
``>1.2`` means ``>=1.3``, ``<=1`` means ``<2``, ``!=1.2`` means ``>=1.3``.
"""

from __future__ import annotations

import re
from typing import Any

_VERSION = re.compile(r"^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")
_ITEM = re.compile(r"^(>=|<=|==|!=|>|<)(.+)$")

Key = tuple


def _pre_key(pre: str | None) -> tuple:
    if pre is None:
        return (1,)
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))
    return (0, parts)


def _parse(text: str) -> tuple[int, int | None, int | None, str | None] | None:
    match = _VERSION.match(text.strip())
    if not match:
        return None
    major, minor, patch, pre = match.groups()
    return (int(major), None if minor is None else int(minor),
            None if patch is None else int(patch), pre)


def version_key(version: Any) -> Key | None:
    """Sort key of a package Version (missing parts are 0); None if not a version."""
    parsed = _parse("0" if version is None else str(version))
    if parsed is None:
        return None
    major, minor, patch, pre = parsed
    return (major, minor or 0, patch or 0, _pre_key(pre))


def parse_spec(spec: Any) -> list[tuple[str, Key]] | None:
    """A Require spec as a list of (operator, version key) bounds; None if not understood."""
    text = re.sub(r"\s+", "", "" if spec is None else str(spec)) or "0"
    if text[0].isdigit():
        text = "==" + text
    bounds: list[tuple[str, Key]] = []
    for item in text.split(","):
        match = _ITEM.match(item)
        parsed = _parse(match.group(2)) if match else None
        if parsed is None:
            return None
        op = match.group(1)
        major, minor, patch, pre = parsed
        full = (major, minor or 0, patch or 0, _pre_key(pre))
        if patch is not None:
            bounds.append((op, full))
            continue
        nxt = (major + 1, 0, 0) if minor is None else (major, minor + 1, 0)
        lowest_of_next = (*nxt, _pre_key("0"))
        lowest_of_this = (major, minor or 0, 0, _pre_key("0"))
        widened = {
            ">": [(">=", lowest_of_next)],
            ">=": [(">=", full)],
            "<": [("<", lowest_of_this)],
            "<=": [("<", lowest_of_next)],
            "!=": [(">=", lowest_of_next)],
            "==": [(">=", full), ("<", lowest_of_next)],
        }[op]
        bounds.extend(widened)
    return bounds


def satisfies(version: Any, spec: Any) -> bool | None:
    """True if ``version`` meets ``spec``; None when either is not understood."""
    key = version_key(version)
    bounds = parse_spec(spec)
    if key is None or bounds is None:
        return None
    checks = {">=": key.__ge__, ">": key.__gt__, "<=": key.__le__, "<": key.__lt__,
              "==": key.__eq__, "!=": key.__ne__}
    return all(checks[op](bound) for op, bound in bounds)


def describe(bounds: list[tuple[str, Key]]) -> str:
    """Human form of parsed bounds, e.g. ``>=0.0.0, <1.0.0``."""
    return ", ".join(f"{op}{k[0]}.{k[1]}.{k[2]}" for op, k in bounds)
