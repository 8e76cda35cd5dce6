"""README's core-library table is true: every member it lists as there is there (a method, a
property or a yaql function, static where it says so), every member listed as missing is
absent, and every public member of the core library's classes is listed."""

from __future__ import annotations

import collections.abc  # noqa: F401  (yaql 3 needs it imported first)
import re
from pathlib import Path

import pytest

from muranokit.engine import MuranoPlError, Runtime

README = Path(__file__).resolve().parents[2] / "README.rst"
FUNCTIONS = "yaql functions"


def table_rows() -> list[tuple[str, list[str], str]]:
    """(class cell, members, status) of the README's core-library list-table."""
    text = README.read_text(encoding="utf-8")
    start = text.index(".. list-table:: io.murano core library")
    body = text[start:].split("\n\n", 2)[1]  # the rows, up to the first blank line
    rows: list[list[str]] = []
    for line in body.splitlines():
        if line.startswith("   * - "):
            rows.append([line[len("   * - "):]])
        elif line.startswith("     - ") or line == "     -":
            rows[-1].append(line[len("     - "):])
        elif line.startswith("       ") and rows:
            rows[-1][-1] += " " + line.strip()
        elif line.strip():
            break
    result = []
    for cells in rows[1:]:  # the header row first
        assert len(cells) == 3, cells
        owner, members, status = (c.strip() for c in cells)
        result.append((owner, split_members(members), status))
    return result


def split_members(cell: str) -> list[str]:
    cell = re.sub(r"\((?!static\))[^()]*[^()\s][^()]*\)", "", cell)  # notes, not "()"
    return [m.strip() for m in cell.split(",") if m.strip()]


def class_names(cell: str) -> list[str]:
    """``io.murano.metadata.Title, Description`` -> both full names."""
    first, *rest = [c.strip() for c in cell.split(",")]
    prefix = first.rsplit(".", 1)[0] if "." in first else ""
    if first.startswith("io.murano.metadata."):
        prefix = "io.murano.metadata"
    return [first] + [f"{prefix}.{name}" for name in rest]


@pytest.fixture(scope="module")
def runtimes(tmp_path_factory):
    legacy = tmp_path_factory.mktemp("legacy")
    (legacy / "Probe.yaml").write_text("Name: t.Probe\n")
    return {"standard": Runtime([]), "testing": Runtime([], testing=True),
            "legacy": Runtime([str(legacy)], default_format="1.0")}


def has_function(runtime: Runtime, name: str) -> bool:
    interpreter = runtime._interpreter
    package = runtime.packages[0] if runtime.packages else interpreter.registry.library.package
    ctx = interpreter.base_context(package)
    while ctx is not None:
        if ctx.get_functions(name)[0]:
            return True
        ctx = ctx.parent
    return False


def load(runtime: Runtime, name: str):
    try:
        return runtime.load_class(name)
    except MuranoPlError:
        return None


ROWS = table_rows()


def test_the_table_is_there_and_uses_known_statuses():
    assert len(ROWS) > 60
    for owner, _members, status in ROWS:
        assert status.split(":")[0].split()[0] in (
            "present", "simulated", "muranokit", "test", "missing"), (owner, status)


@pytest.mark.parametrize("owner, members, status", ROWS,
                         ids=[f"{r[0]}:{','.join(r[1])[:40]}" for r in ROWS])
def test_row_matches_the_engine(runtimes, owner, members, status):
    missing = status.startswith("missing")
    if owner == FUNCTIONS:
        for member in members:
            name = member.removesuffix("()")
            legacy_only = name in ("firstOrDefault",)
            rt = runtimes["legacy" if legacy_only else "standard"]
            if status.startswith("test runs"):
                assert not has_function(runtimes["standard"], name), name
                rt = runtimes["testing"]
            assert has_function(rt, name) is not missing, name
        return
    rt = runtimes["standard"]
    for class_name in class_names(owner):
        cls = load(rt, class_name)
        if missing and not members:
            assert cls is None, f"{class_name} exists: update README's table"
            continue
        if missing and cls is None:
            continue
        assert cls is not None, class_name
        for member in members:
            static = member.endswith("(static)")
            member = member.removesuffix("(static)").strip()
            if member.endswith("()"):
                found = cls.find_methods(member[:-2])
                assert bool(found) is not missing, f"{class_name}.{member}"
                if found:
                    assert found[0].is_static == static, f"{class_name}.{member} static"
            else:
                assert (cls.find_property(member) is not None) is not missing, \
                    f"{class_name}.{member}"


def test_every_public_member_of_the_core_library_is_listed(runtimes):
    rt = runtimes["standard"]
    listed: dict[str, set[str]] = {}
    for owner, members, status in ROWS:
        if owner == FUNCTIONS or status.startswith("missing"):
            continue
        for class_name in class_names(owner):
            listed.setdefault(class_name, set()).update(
                m.removesuffix("(static)").strip().removesuffix("()") for m in members)
    library = rt._interpreter.registry.library
    from muranokit.engine.native import NATIVE_CLASSES
    names = set(library.package.documents) | {n for n in NATIVE_CLASSES
                                              if n.startswith("io.murano.")}
    unlisted = []
    for name in sorted(names):
        cls = rt.load_class(name)
        assert name in listed, f"class {name} is not in README's core-library table"
        own = [m for m in cls.methods if not m.startswith(("_", "."))] + [
            p for p in cls.properties if not p.startswith("_")]
        unlisted += [f"{name}.{m}" for m in own if m not in listed[name]]
    assert unlisted == []
