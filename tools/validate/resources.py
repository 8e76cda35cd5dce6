"""Checks of Resources/: files named by Resources calls, and agent execution plans.

An execution plan is a YAML file under Resources/ (outside Resources/scripts) whose
top level has ``FormatVersion`` or ``Scripts``, read by the definitions the core library's
agent uses (:mod:`muranokit.engine.syntax.plans`). Every script's ``EntryPoint`` and every
local ``Files`` entry (``<name>`` too) must exist under Resources/scripts; a FormatVersion
1.x plan may list script files under ``Scripts``. A name that is absolute or leads out of
its folder with ``..`` is refused (R005) by the same check the engine makes before it
reads a file (:func:`muranokit.engine.files.contained_path`).
"""

from __future__ import annotations

from typing import Any

from muranokit.engine.files import key_line_of, line_of
from muranokit.engine.syntax import plans
from muranokit.tools.validate.context import PackageCheck

PLAN_SUFFIXES = (".template", ".yaml", ".yml")


def check(ctx: PackageCheck) -> None:
    """Report missing resources and invalid execution plans of ``ctx.package``."""
    package = ctx.package
    for name, rel, line in ctx.resource_refs:
        member = package.resource_member(name)
        if member is None:
            ctx.report("R005", rel, line, f"Resources call names {name!r}, which is outside "
                                          "Resources/ (an absolute path or '..')")
        elif not package.exists(member):
            ctx.report("R001", rel, line, f"Resources/{name} does not exist")
    referenced = {f"Resources/{name}" for name, _, _ in ctx.resource_refs}
    for rel in package.under("Resources"):
        if rel.startswith("Resources/scripts/") or not rel.endswith(PLAN_SUFFIXES):
            continue
        # templates and files the classes load must be YAML; other YAML files (Heat
        # templates, manifests of several documents, ...) are only looked into
        must_load = rel.endswith(".template") or rel in referenced
        documents = ctx.yaml(rel, several=True, quiet=not must_load)
        document = documents[0] if documents and len(documents) == 1 else None
        if isinstance(document, dict) and ("FormatVersion" in document
                                           or "Scripts" in document):
            _check_plan(ctx, rel, document)


def _check_plan(ctx: PackageCheck, rel: str, plan: dict) -> None:
    for key in plan:
        if key not in plans.PLAN_KEYS:
            ctx.report("R002", rel, key_line_of(plan, key), f"unknown plan key {key!r}")
    version = plans.format_version(plan)
    if not version.startswith(("1.", "2.")):
        ctx.report("R002", rel, line_of(plan, "FormatVersion"),
                   f"FormatVersion {version!r} is not 1.x or 2.x")
    if version.startswith("2.") and "Body" not in plan:
        ctx.report("R002", rel, plan.line, "plan has no Body")
    scripts = plan.get("Scripts")
    if version.startswith("1.") and isinstance(scripts, list) and scripts:
        for index, entry in enumerate(scripts):   # the 1.x list of script files
            where = line_of(scripts, index, plan.line)
            name = plans.local_file(entry)
            if name is not None and _outside(ctx, rel, where, f"script file {entry!r}", name):
                continue
            if name is None or not _local(ctx, name):
                ctx.report("R004", rel, where, f"script file Resources/scripts/{entry} "
                                               "does not exist")
        return
    if not isinstance(scripts, dict) or not scripts:
        ctx.report("R002", rel, line_of(plan, "Scripts", plan.line),
                   "Scripts must be a non-empty mapping of script name to script")
        return
    for name, script in scripts.items():
        line = scripts.key_line(name)
        if not isinstance(script, dict):
            ctx.report("R002", rel, line, f"script {name!r} must be a mapping")
            continue
        for key in script:
            if key not in plans.SCRIPT_KEYS:
                ctx.report("R002", rel, key_line_of(script, key, line),
                           f"script {name!r}: unknown key {key!r}")
        kind = script.get("Type", "Application")
        if not (isinstance(kind, str) and kind in plans.SCRIPT_TYPES):
            ctx.report("R002", rel, line_of(script, "Type", line),
                       f"script {name!r}: unknown Type {kind!r}")
        entry = script.get("EntryPoint")
        if not isinstance(entry, str) or not entry:
            ctx.report("R002", rel, line, f"script {name!r}: EntryPoint missing")
        elif kind == "Application" and plans.local_file(entry) is not None:
            where = line_of(script, "EntryPoint", line)
            local = plans.local_file(entry)
            if not _outside(ctx, rel, where, f"script {name!r}: EntryPoint", local) and \
                    not _local(ctx, local):
                ctx.report("R003", rel, where, f"script {name!r}: EntryPoint "
                                               f"Resources/scripts/{entry} does not exist")
        _check_files(ctx, rel, name, script.get("Files"), line_of(script, "Files", line))


def _check_files(ctx: PackageCheck, rel: str, script: str, files: Any, line: int) -> None:
    if files is None:
        return
    if not isinstance(files, list):
        ctx.report("R002", rel, line, f"script {script!r}: Files must be a list")
        return
    for index, entry in enumerate(files):
        where = line_of(files, index, line)
        if not isinstance(entry, (str, dict)):
            ctx.report("R002", rel, where, f"script {script!r}: Files entry {entry!r} "
                                           "is neither a name nor a mapping")
            continue
        name = plans.local_file(entry)
        if name is None or _outside(ctx, rel, where, f"script {script!r}: file", name):
            continue
        if not _local(ctx, name):
            ctx.report("R004", rel, where, f"script {script!r}: file "
                                           f"Resources/scripts/{name} does not exist")


def _outside(ctx: PackageCheck, rel: str, line: int, what: str, name: str) -> bool:
    """Report (R005) and say so when ``name`` would be read from outside
    Resources/scripts."""
    if plans.script_member(name) is not None:
        return False
    ctx.report("R005", rel, line, f"{what} {name!r} is outside Resources/scripts/ (an "
                                  "absolute path or '..'); the agent would not be sent it")
    return True


def _local(ctx: PackageCheck, name: str) -> bool:
    member = plans.script_member(name)
    return member is not None and ctx.package.exists(member)
