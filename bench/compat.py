#!/usr/bin/env python3
"""Run folders of upstream Murano packages through muranokit's command line (prints results).

    python bench/compat.py DIR [DIR ...] [--only TEXT] [--json FILE] [--keep DIR]

Every folder under DIR holding a ``manifest.yaml`` is a package. The script drives the
``muranokit`` command as a user would (a subprocess in an empty working folder, so that no
``./packages/`` is picked up) and builds every object model itself, from the packages' UI
forms (``deploy --app FQN --set field=value``) and class files:

- **validate**: ``muranokit validate`` of all packages, one row per package with errors;
- **applications**: each Application package with a UI form is deployed into a saved
  environment (``--state``). Object fields of its form (a container host, a cluster, a
  database) are filled with objects of packages that provide the wanted class, deployed
  first; a field that accepts several classes gives one flow per class (an app on a pod and
  on a standalone host). A package needing no other object also gets one flow per ``use*``
  switch of its form turned on (Calico, then Flannel). Each flow: deploy, every action of the
  class that takes no argument, a second deploy of the saved model, then removal of the
  application (or, for those that need nothing else, deletion of the environment);
- **tests**: ``muranokit test`` on every package that holds io.murano.test.TestFixture
  subclasses.

Steps take the report formats in turn (text, json, html) and are checked: exit status 0, no
Python traceback, a well-formed report, the application's object in the final model, a
``scale...Up``/``scale...Down`` action moving one integer property by one (and, for a
``...Count`` property, the number of Nova servers in the Heat stack with it), a redeploy
keeping the servers, deletion leaving neither objects nor servers. A step that upstream
Murano fails too (a bug of the package, :data:`UPSTREAM_FAILS`) must fail the same way, with
a MuranoPL error at its file and line ("expected"). Prints one row per step with its time
and the first error line; exit 1 if any step failed or was skipped.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

FORMATS = ("text", "json", "html")
SIMPLE_FIELD_TYPES = {
    "string", "password", "text", "clusterip", "flavor", "image", "keypair", "azone",
    "network", "domain", "databaselist", "choice", "boolean", "floatingip", "integer",
    "securitygroup", "volume", "instance", "checkbox"}
PASSWORD = "Dry-Run-Passw0rd"
UPSTREAM_FAILS = [
    ("com.example.docker.DockerOrion", "deploy",
     r'Unknown function "#property#host".*\[at DockerOrion\.yaml:\d+ ',
     "a bug of the package (it sets $mongoendopoint and reads $mongoendpoint.host); "
     "upstream Murano fails the same way"),
    ("com.example.docker.GuestBook", "redeploy",
     r"PortConflictException: Port 6379 is already used .*\[at KubernetesPod\.yaml:\d+ ",
     "a bug of the package (deploy makes a new RedisSlave every time, whose port the one "
     "of the first deployment, destroyed only after the deployment, still holds); upstream "
     "Murano fails the same way"),
]
"""(package, step, error pattern, why): steps that fail on upstream Murano too. Such a step
must fail the same way here, with a MuranoPL error naming the file and line ("expected");
if it passes, the dry-run accepts what upstream refuses (FAILED)."""


# -- reading packages (YAML only; the engine is never imported) ------------------------------

class _AnyTagLoader(yaml.SafeLoader):
    """Safe loading that keeps the value of any unknown tag (MuranoPL files may use them)."""


def _any_tag(loader: yaml.SafeLoader, _suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)


_AnyTagLoader.add_multi_constructor("!", _any_tag)
_AnyTagLoader.add_multi_constructor("tag:", _any_tag)


def _load_all(path: Path) -> list[Any]:
    try:
        with open(path, encoding="utf-8") as handle:
            return list(yaml.load_all(handle, Loader=_AnyTagLoader))  # noqa: S506 (safe)
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return []


def _full_name(name: str, namespaces: dict[str, str]) -> str:
    """A class reference resolved the way MuranoPL does: ``ns:Name``, dotted, or ``=``."""
    name = str(name)
    if ":" in name:
        prefix, short = name.split(":", 1)
        return f"{namespaces[prefix]}.{short}" if prefix in namespaces else name
    if "." in name or "=" not in namespaces:
        return name
    return f"{namespaces['=']}.{name}"


@dataclass
class ClassInfo:
    fqn: str
    parents: list[str]
    methods: dict[str, Any]


@dataclass
class Package:
    path: Path
    fqn: str
    kind: str
    classes: dict[str, ClassInfo] = field(default_factory=dict)
    ui: dict[str, Any] | None = None

    @property
    def short(self) -> str:
        return self.fqn.rsplit(".", 1)[-1]

    @property
    def app_type(self) -> str | None:
        """Class of the object the UI form's ``Application`` template builds."""
        app = (self.ui or {}).get("Application")
        kind = app.get("?", {}).get("type") if isinstance(app, dict) else None
        return kind if isinstance(kind, str) else None

    def fields(self) -> list[dict[str, Any]]:
        return [item for _form, item in self.form_fields()]

    def form_fields(self) -> list[tuple[str, dict[str, Any]]]:
        """(form name, field) of every field of the UI form."""
        found = []
        for form in (self.ui or {}).get("Forms") or []:
            for name, body in (form.items() if isinstance(form, dict) else []):
                for item in (body or {}).get("fields") or []:
                    if isinstance(item, dict) and "name" in item:
                        found.append((str(name), item))
        return found

    def field_key(self, form: str, item: dict[str, Any]) -> str:
        """How --set names a field: by itself, or form.field when several forms have it."""
        name = str(item["name"])
        repeated = sum(1 for _f, other in self.form_fields() if str(other["name"]) == name)
        return f"{form}.{name}" if repeated > 1 else name


def _read_classes(pkg: Package, manifest: dict[str, Any]) -> None:
    files = sorted({str(f) for f in (manifest.get("Classes") or {}).values()})
    for name in files:
        defaults: dict[str, Any] = {}
        for doc in _load_all(pkg.path / "Classes" / name):
            if not isinstance(doc, dict):
                continue
            if "Name" not in doc:
                defaults.update(doc)
                continue
            doc = {**defaults, **doc}
            namespaces = {str(k): str(v) for k, v in (doc.get("Namespaces") or {}).items()}
            fqn = _full_name(doc["Name"], namespaces)
            extends = doc.get("Extends") or []
            extends = extends if isinstance(extends, list) else [extends]
            methods = doc.get("Methods") or {}
            pkg.classes[fqn] = ClassInfo(fqn, [_full_name(e, namespaces) for e in extends],
                                         methods if isinstance(methods, dict) else {})


def discover(dirs: list[str]) -> list[Package]:
    """Every package (a folder with manifest.yaml) under the given folders, sorted by path."""
    packages = []
    for top in dirs:
        for manifest_path in sorted(Path(top).rglob("manifest.yaml")):
            docs = _load_all(manifest_path)
            manifest = docs[0] if docs and isinstance(docs[0], dict) else {}
            if not manifest.get("FullName"):
                continue
            pkg = Package(manifest_path.parent, str(manifest["FullName"]),
                          str(manifest.get("Type", "Application")))
            _read_classes(pkg, manifest)
            ui_docs = _load_all(pkg.path / "UI" / "ui.yaml")
            pkg.ui = ui_docs[0] if ui_docs and isinstance(ui_docs[0], dict) else None
            packages.append(pkg)
    return packages


class Catalog:
    """Classes of all packages: inheritance, actions, which package builds what."""

    def __init__(self, packages: list[Package]) -> None:
        self.packages = packages
        self.classes = {fqn: info for p in packages for fqn, info in p.classes.items()}

    def ancestors(self, fqn: str) -> list[str]:
        seen, todo = [], [fqn]
        while todo:
            name = todo.pop(0)
            if name in seen:
                continue
            seen.append(name)
            todo += self.classes[name].parents if name in self.classes else []
        return seen

    def is_a(self, fqn: str | None, wanted: str) -> bool:
        return fqn is not None and wanted in self.ancestors(fqn)

    def actions(self, fqn: str) -> list[str]:
        """Actions (``Usage: Action``) of a class and its ancestors taking no required argument,
        in declaration order, the class's own first."""
        names: list[str] = []
        for name in self.ancestors(fqn):
            info = self.classes.get(name)
            for method, body in (info.methods.items() if info else []):
                if not isinstance(body, dict) or body.get("Usage") != "Action":
                    continue
                if method in names or _needs_arguments(body):
                    continue
                names.append(method)
        return names

    def providers(self, wanted: str, exclude: set[str]) -> list[Package]:
        """Packages whose form builds an object of class ``wanted``, simplest first."""
        found = [p for p in self.packages if p.fqn not in exclude and p.ui is not None
                 and self.is_a(p.app_type, wanted)]
        return sorted(found, key=lambda p: (len(object_fields(p)), p.fqn))

    def test_packages(self) -> list[Package]:
        return [p for p in self.packages
                if any(a.startswith("io.murano.test.") for c in p.classes
                       for a in self.ancestors(c)[1:])]


def _needs_arguments(method: dict[str, Any]) -> bool:
    args = method.get("Arguments") or []
    items = args.items() if isinstance(args, dict) else (
        kv for a in args if isinstance(a, dict) for kv in a.items())
    return any(not (isinstance(spec, dict) and "Default" in spec) for _name, spec in items)


# -- filling UI forms ---------------------------------------------------------------------------

def field_types(item: dict[str, Any]) -> list[str]:
    """Class names an object field accepts ([] for a plain field)."""
    kind = item.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    return [str(k) for k in kinds if isinstance(k, str) and k not in SIMPLE_FIELD_TYPES
            and "." in k]


def object_fields(pkg: Package) -> list[dict[str, Any]]:
    return [f for f in pkg.fields() if field_types(f) and f.get("required", True) is not False]


def _string_candidates(item: dict[str, Any], owner: str) -> list[str]:
    name = str(item.get("name", "")).lower()
    if name == "name":  # object ids derive from it: one per package
        slug = re.sub(r"[^a-z0-9]+", "-", owner.lower()).strip("-") or "app"
        return [slug, slug.replace("-", ""), "dryrun"]
    by_name = [("port", "80"), ("url", "https://example.org/site.tar.gz"),
               ("image", "library/nginx"), ("mail", "dry-run@example.org"),
               ("host", "dry-run.example.org"), ("db", "dryrun"), ("user", "dryrun")]
    first = [value for key, value in by_name if key in name]
    return first + ["dryrun", "dry-run", "dryrun1", "DryRun", "a", "1", "10.0.0.10",
                    "dry-run.example.org", "https://example.org/"]


def plain_value(item: dict[str, Any], owner: str) -> str | None:
    """A --set value for a required plain field without an initial value (None: leave it)."""
    kind = item.get("type")
    if "initial" in item or item.get("required", kind not in ("boolean", "floatingip")) is False:
        return None
    if kind in ("boolean", "floatingip"):
        return None
    if kind == "integer":
        low = item.get("minValue")
        return str(low if isinstance(low, int) and low > 1 else 1)
    if kind == "password":
        return PASSWORD
    if kind == "choice":
        choices = item.get("choices") or []
        first = choices[0] if choices else ""
        return str(first[0] if isinstance(first, (list, tuple)) else first)
    fixed = {"image": "debian8-x64-kubernetes.qcow2", "flavor": "m1.medium",
             "keypair": "dry-run-key", "azone": "nova"}
    if kind in fixed:
        return fixed[kind]
    candidates = _string_candidates(item, owner)
    patterns = []
    for pattern in _regexps(item):
        try:
            patterns.append(re.compile(pattern))
        except re.error:
            continue
    matching = [c for c in candidates + _FALLBACKS if all(p.search(c) for p in patterns)]
    return (matching or candidates)[0]


_FALLBACKS = ["dryrun.local", "example.org"]
"""Values tried when no usual candidate passes a field's regular expressions."""


def _regexps(item: dict[str, Any]) -> list[str]:
    """The field's ``regexpValidator`` and those of its ``validators`` (``expr:
    {regexpValidator: ...}``)."""
    found = [item.get("regexpValidator")]
    for validator in item.get("validators") or []:
        expr = validator.get("expr") if isinstance(validator, dict) else None
        if isinstance(expr, dict):
            found.append(expr.get("regexpValidator"))
    return [p for p in found if isinstance(p, str)]


# -- plans -----------------------------------------------------------------------------------

@dataclass
class AppStep:
    """One ``deploy --app``: a package, plain --set values and object fields -> chain index."""

    pkg: Package
    values: dict[str, str]
    refs: dict[str, int]
    label: str

    def key(self) -> tuple:
        return (self.pkg.fqn, tuple(sorted(self.values.items())),
                tuple(sorted(self.refs.items())))


class Unresolvable(Exception):
    pass


def _plain_values(pkg: Package, extra: dict[str, str]) -> dict[str, str]:
    values = {}
    for form, item in pkg.form_fields():
        if field_types(item):
            continue
        value = plain_value(item, pkg.short)
        if value is not None:
            values[pkg.field_key(form, item)] = value
    values.update(extra)
    return values


def resolve(catalog: Catalog, pkg: Package, pick: int, chain: list[AppStep],
            busy: set[str], presets: dict[str, dict[str, str]],
            extra: dict[str, str] | None = None) -> AppStep:
    """The step deploying ``pkg``, appending the steps it needs first to ``chain``; ``pick``
    selects the class of the first object field that accepts several; ``presets`` holds field
    values per package (short or full name) wherever it is deployed."""
    refs: dict[str, int] = {}
    picked = False
    for item in object_fields(pkg):
        types = field_types(item)
        if len(types) > 1 and not picked:
            types = [types[pick % len(types)]] + [t for t in types if t != types[pick]]
            picked = True
        reuse = [i for wanted in types for i, step in enumerate(chain)
                 if catalog.is_a(step.pkg.app_type, wanted)]
        if reuse:
            refs[str(item["name"])] = reuse[0]
            continue
        for wanted in types:
            providers = catalog.providers(wanted, busy | {pkg.fqn})
            if providers:
                step = resolve(catalog, providers[0], 0, chain, busy | {pkg.fqn}, presets)
                chain.append(step)
                refs[str(item["name"])] = len(chain) - 1
                break
        else:
            raise Unresolvable(f"no package provides {' or '.join(field_types(item))} "
                               f"for field {item['name']}")
    chosen = {**presets.get(pkg.short, {}), **presets.get(pkg.fqn, {}), **(extra or {})}
    return AppStep(pkg, _plain_values(pkg, chosen), refs, pkg.short)


@dataclass
class FlowPlan:
    name: str
    chain: list[AppStep]  # prerequisites, in order
    target: AppStep
    root: bool  # needs no other object: ends with deleting the environment


def plan_flows(catalog: Catalog, presets: dict[str, dict[str, str]]
               ) -> tuple[list[FlowPlan], list[tuple[str, str]]]:
    """Flows of every Application package with a form, prerequisites before dependents."""
    flows, unplanned = [], []
    for pkg in catalog.packages:
        if pkg.ui is None or pkg.app_type is None:
            continue
        fields = object_fields(pkg)
        if not fields:
            switches = [str(f["name"]) for f in pkg.fields() if f.get("type") == "boolean"
                        and re.match(r"use[A-Z]", str(f["name"]))]
            variants = [("", {})] + [(f"[{s}]", {s: "true"}) for s in switches]
            for suffix, extra in variants:
                target = resolve(catalog, pkg, 0, [], set(), presets, extra)
                flows.append(FlowPlan(pkg.short + suffix, [], target, True))
            continue
        multi = next((f for f in fields if len(field_types(f)) > 1), None)
        for pick in range(len(field_types(multi)) if multi else 1):
            chain: list[AppStep] = []
            try:
                target = resolve(catalog, pkg, pick, chain, set(), presets)
            except Unresolvable as exc:
                unplanned.append((pkg.short, str(exc)))
                continue
            hosts = [chain[i].pkg.short for i in target.refs.values()]
            flows.append(FlowPlan(f"{pkg.short} on {'+'.join(hosts)}", chain, target, False))
    flows.sort(key=lambda f: (len(f.chain), f.name))
    return flows, unplanned


# -- running muranokit -------------------------------------------------------------------------

@dataclass
class Row:
    flow: str
    step: str
    status: str  # ok, expected (fails as on upstream), FAILED, skipped
    seconds: float = 0.0
    detail: str = ""


def first_error(stderr: str, stdout: str = "") -> str:
    """The line that says what went wrong: a traceback's last line, else the first error line."""
    lines = [ln.rstrip() for ln in stderr.splitlines() if ln.strip()]
    if any(ln.startswith("Traceback") for ln in lines):
        tail = [ln for ln in lines if not ln.startswith(" ")]
        return "Python traceback: " + (tail[-1] if tail else lines[-1])
    frames = [ln.strip() for ln in lines if re.match(r"\s+\S+:\d+ in ", ln)]
    where = ""
    if frames:  # the innermost MuranoPL frame: file name, line and method
        path, _, method = frames[-1].partition(" in ")
        where = f" [at {Path(path.rsplit(':', 1)[0]).name}:{path.rsplit(':', 1)[1]} {method}]"
    for ln in lines:
        if "error" in ln.lower() or "failed" in ln.lower():
            return ln.strip() + where
    if lines:
        return lines[0].strip()
    out = [ln for ln in stdout.splitlines() if "FAILED" in ln or "error" in ln.lower()]
    return out[0].strip() if out else "no error message"


class Muranokit:
    """The muranokit command, run in an empty working folder."""

    def __init__(self, exe: str, packages: list[Path], work: Path) -> None:
        self.exe = exe
        self.packages = packages
        self.work = work

    def run(self, *args: str, with_packages: bool = True) -> tuple[subprocess.CompletedProcess,
                                                                    float]:
        argv = [self.exe, *args]
        if with_packages:
            for path in self.packages:
                argv += ["-p", str(path)]
        start = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, text=True, cwd=self.work,
                              stdin=subprocess.DEVNULL)
        return done, time.perf_counter() - start


def _read_json(path: Path) -> Any:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def walk_objects(value: Any):
    """Every object (a dict with a ``?`` block holding an id) of a model, depth first."""
    if isinstance(value, dict):
        if isinstance(value.get("?"), dict) and "id" in value["?"]:
            yield value
        for item in value.values():
            yield from walk_objects(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk_objects(item)


def objects_of(model: dict[str, Any], fqn: str) -> list[dict[str, Any]]:
    return [o for o in walk_objects(model.get("Objects")) if o["?"].get("type") == fqn]


def server_count(state: Path) -> int:
    """Nova servers in the saved Heat stacks."""
    path = state / "heat-templates.yaml"
    if not path.is_file():
        return 0
    with open(path, encoding="utf-8") as handle:
        stacks = yaml.safe_load(handle) or {}
    return sum(1 for stack in stacks.values() if isinstance(stack, dict)
               for res in (stack.get("resources") or {}).values()
               if isinstance(res, dict) and res.get("type") == "OS::Nova::Server")


def check_report(path: Path, fmt: str) -> str | None:
    """Why the report file is not a complete report of a successful run (None if it is)."""
    if not path.is_file() or path.stat().st_size == 0:
        return f"no {fmt} report written"
    text = path.read_text(encoding="utf-8", errors="replace")
    if fmt == "json":
        try:
            events = [json.loads(line) for line in text.splitlines() if line.strip()]
        except ValueError as exc:
            return f"json report is not JSON lines: {exc}"
        if not events or events[-1].get("kind") != "result":
            return "json report has no result line"
        if events[-1].get("status") != "ok":
            return f"json report result status {events[-1].get('status')}"
    elif fmt == "html":
        if "<html" not in text.lower() or "</html>" not in text.lower():
            return "html report is not a complete page"
    elif "result: ok" not in text:
        return "text report does not end in 'result: ok'"
    return None


class FlowRunner:
    def __init__(self, kit: Muranokit, catalog: Catalog, work: Path) -> None:
        self.kit = kit
        self.catalog = catalog
        self.work = work
        self.rows: list[Row] = []
        # chain key -> (saved state folder, object ids of the chain), or why there is none
        self.bases: dict[tuple, tuple[Path, list] | str] = {}
        self.counter = 0

    def _fmt(self) -> str:
        self.counter += 1
        return FORMATS[self.counter % len(FORMATS)]

    def _new_dir(self, label: str) -> Path:
        slug = re.sub(r"[^A-Za-z0-9]+", "-", label).strip("-")[:40]
        return Path(tempfile.mkdtemp(prefix=f"{slug}-", dir=self.work))

    def _command(self, flow: str, step: str, args: list[str], state: Path,
                 with_packages: bool = True) -> tuple[Row, dict | None]:
        """Run one deploy/action step; the row and the final model (None on failure)."""
        fmt = self._fmt()
        out_dir = self._new_dir(f"{flow}-{step}-out")
        report, model_out = out_dir / f"report.{fmt}", out_dir / "model.json"
        done, seconds = self.kit.run(*args, "--state", str(state), "--report", fmt,
                                     "-o", str(report), "--model-out", str(model_out),
                                     with_packages=with_packages)
        (out_dir / "stderr.txt").write_text(done.stderr, encoding="utf-8")
        row = Row(flow, f"{step} ({fmt})", "ok", seconds)
        problem = None
        if done.returncode != 0:
            problem = f"exit {done.returncode}: {first_error(done.stderr, done.stdout)}"
        elif "Traceback" in done.stderr:
            problem = first_error(done.stderr)
        else:
            problem = check_report(report, fmt)
        model = None
        if problem is None:
            try:
                model = _read_json(model_out)
            except (OSError, ValueError) as exc:
                problem = f"--model-out unreadable: {exc}"
        if problem:
            row.status, row.detail = "FAILED", problem
        self.rows.append(row)
        return row, model

    def _fail(self, row: Row, problem: str) -> None:
        row.status, row.detail = "FAILED", problem

    def _app_args(self, step: AppStep, ids: list[str | None]) -> list[str]:
        args = ["deploy", "--app", step.pkg.fqn]
        for name, value in sorted(step.values.items()):
            args += ["--set", f"{name}={value}"]
        for name, index in sorted(step.refs.items()):
            args += ["--set", f"{name}={ids[index]}"]
        return args

    def _deploy_app(self, flow: str, label: str, step: AppStep, state: Path,
                    ids: list[str | None]) -> tuple[Row, dict | None, str | None]:
        row, model = self._command(flow, label, self._app_args(step, ids), state)
        if model is None:
            return row, None, None
        found = objects_of(model, step.pkg.app_type or "")
        known = set(ids)
        fresh = [o["?"]["id"] for o in found if o["?"]["id"] not in known]
        if not fresh:
            self._fail(row, f"no {step.pkg.app_type} object in the final model")
            return row, None, None
        return row, model, fresh[-1]

    def _prepare(self, plan: FlowPlan, state: Path) -> tuple[list[str | None], str | None]:
        """Deploy (or copy from an earlier flow) the prerequisites; object ids, or why not."""
        ids: list[str | None] = []
        for index, step in enumerate(plan.chain):
            key = tuple(s.key() for s in plan.chain[:index + 1])
            base = self.bases.get(key)
            if isinstance(base, str):
                return ids, base
            if isinstance(base, tuple):
                saved, ids = base
                shutil.rmtree(state)
                shutil.copytree(saved, state)
                ids = list(ids)
                continue
            row, _model, new_id = self._deploy_app(plan.name, f"setup {step.label}", step,
                                                   state, ids)
            if new_id is None:
                self.bases[key] = f"prerequisite {step.label} failed"
                return ids, self.bases[key]
            ids.append(new_id)
            self._save_base(key, state, ids)
        return ids, None

    def _save_base(self, key: tuple, state: Path, ids: list[str | None]) -> None:
        saved = self._new_dir("base")
        shutil.rmtree(saved)
        shutil.copytree(state, saved)
        self.bases[key] = (saved, list(ids))

    def run_flow(self, plan: FlowPlan) -> None:
        state = self._new_dir(plan.name + "-state")
        ids, blocked = self._prepare(plan, state)
        if blocked:
            self.rows.append(Row(plan.name, "deploy", "skipped", 0.0, blocked))
            return
        row, model, app_id = self._deploy_app(plan.name, "deploy", plan.target, state, ids)
        if self._as_upstream(plan.target.pkg.fqn, "deploy", row):
            key = tuple(s.key() for s in plan.chain + [plan.target])
            self.bases.setdefault(key, f"{plan.target.label} fails as on upstream")
            return
        if app_id is None:
            key = tuple(s.key() for s in plan.chain + [plan.target])
            self.bases.setdefault(key, f"prerequisite {plan.target.label} failed")
            self._skip_rest(plan, "deploy failed")
            return
        key = tuple(s.key() for s in plan.chain + [plan.target])
        if key not in self.bases:
            self._save_base(key, state, ids + [app_id])
        app_type = plan.target.pkg.app_type or ""
        for action in self.catalog.actions(app_type):
            model = self._action(plan, action, app_id, state, model) or model
        servers = server_count(state)
        row, after = self._command(plan.name, "redeploy", ["deploy"], state)
        if self._as_upstream(plan.target.pkg.fqn, "redeploy", row):
            pass
        elif after is not None:
            if not any(o["?"]["id"] == app_id for o in walk_objects(after.get("Objects"))):
                self._fail(row, "the application is gone after redeploying")
            elif server_count(state) != servers:
                self._fail(row, f"redeploy changed the servers: {servers} -> "
                                f"{server_count(state)}")
        if plan.root:
            self._delete(plan, state)
        else:
            self._remove(plan, state, app_id, ids)

    def _as_upstream(self, fqn: str, step: str, row: Row) -> bool:
        """A step upstream fails too: True when it failed the same way (the row becomes
        "expected"); one that passed is marked FAILED."""
        for package, known_step, pattern, why in UPSTREAM_FAILS:
            if package != fqn or known_step != step:
                continue
            if row.status == "ok":
                self._fail(row, f"passed, but upstream Murano fails here: {why}")
                return False
            if re.search(pattern, row.detail):
                row.status, row.detail = "expected", f"{why}: {row.detail}"
                return True
        return False

    def _skip_rest(self, plan: FlowPlan, why: str) -> None:
        steps = self.catalog.actions(plan.target.pkg.app_type or "") + ["redeploy"]
        steps.append("delete environment" if plan.root else "remove application")
        for step in steps:
            self.rows.append(Row(plan.name, step, "skipped", 0.0, why))

    def _action(self, plan: FlowPlan, action: str, app_id: str, state: Path,
                before: dict) -> dict | None:
        servers = server_count(state)
        row, after = self._command(plan.name, action, ["action", app_id, action], state,
                                   with_packages=False)
        if after is None:
            return None
        match = re.match(r"scale\w*(Up|Down)$", action)
        if match:
            step = 1 if match.group(1) == "Up" else -1
            old = next((o for o in walk_objects(before.get("Objects"))
                        if o["?"]["id"] == app_id), {})
            new = next((o for o in walk_objects(after.get("Objects"))
                        if o["?"]["id"] == app_id), {})
            moved = [k for k, v in new.items() if isinstance(v, int) and not isinstance(v, bool)
                     and isinstance(old.get(k), int) and v - old[k] == step]
            if not moved:
                self._fail(row, f"no integer property of the object moved by {step:+d}")
            else:
                counts = [k for k in moved if k.endswith("Count")]
                now = server_count(state)
                if counts and now - servers != step:
                    self._fail(row, f"{counts[0]} moved by {step:+d} but Nova servers went "
                                    f"{servers} -> {now}")
                else:
                    row.detail = ", ".join(f"{k} {old[k]}->{new[k]}" for k in moved)
        return after

    def _delete(self, plan: FlowPlan, state: Path) -> None:
        empty = self._new_dir("delete") / "delete-environment.json"
        empty.write_text('{"Objects": null}\n', encoding="utf-8")
        row, after = self._command(plan.name, "delete environment", ["deploy", str(empty)],
                                   state, with_packages=False)
        if after is None:
            return
        left = list(walk_objects(after.get("Objects")))
        if left or server_count(state):
            self._fail(row, f"{len(left)} objects and {server_count(state)} servers left")

    def _remove(self, plan: FlowPlan, state: Path, app_id: str, ids: list) -> None:
        saved = _read_json(state / "model.json")
        objects = copy.deepcopy(saved.get("Objects")) or {}
        apps = objects.get("applications") or []
        objects["applications"] = [a for a in apps
                                   if not (isinstance(a, dict) and a.get("?", {}).get("id")
                                           == app_id)]
        model_path = self._new_dir("remove") / "model.json"
        model_path.write_text(json.dumps({"Objects": objects}), encoding="utf-8")
        row, after = self._command(plan.name, "remove application", ["deploy", str(model_path)],
                                   state, with_packages=False)
        if after is None:
            return
        present = {o["?"]["id"] for o in walk_objects(after.get("Objects"))}
        if app_id in present:
            self._fail(row, "the application is still in the model")
        elif not set(ids) <= present:
            self._fail(row, "removing the application removed its hosts too")

    # -- validate and tests -------------------------------------------------------------------
    def validate(self, packages: list[Package]) -> None:
        done, seconds = self.kit.run("validate", "--format", "json",
                                     *[str(p.path) for p in packages], with_packages=False)
        try:
            result = json.loads(done.stdout)
        except ValueError:
            self.rows.append(Row("validate", "all packages", "FAILED", seconds,
                                 first_error(done.stderr, done.stdout)))
            return
        errors: dict[str, list[dict]] = {}
        for finding in result.get("findings", []):
            if finding.get("severity") == "error":
                owner = max((p for p in packages
                             if str(finding["path"]).startswith(str(p.path) + os.sep)),
                            key=lambda p: len(str(p.path)), default=None)
                errors.setdefault(owner.fqn if owner else "?", []).append(finding)
        share = seconds / max(len(packages), 1)
        for pkg in packages:
            found = errors.get(pkg.fqn, [])
            if found:
                first = found[0]
                detail = (f"{len(found)} errors; first {first['code']} "
                          f"{Path(first['path']).name}:{first.get('line')}: {first['message']}")
                self.rows.append(Row("validate", pkg.short, "FAILED", share, detail))
            else:
                self.rows.append(Row("validate", pkg.short, "ok", share))

    def tests(self, pkg: Package, others: list[Package]) -> None:
        args = ["test", str(pkg.path)]
        for other in others:
            args += ["-p", str(other.path)]
        done, seconds = self.kit.run(*args, with_packages=False)
        summary = re.search(r"(\d+) passed, (\d+) failed", done.stdout)
        row = Row(f"test {pkg.short}", "muranokit test", "ok", seconds)
        if summary is None:
            row.status, row.detail = "FAILED", first_error(done.stderr, done.stdout)
        else:
            passed, failed = int(summary.group(1)), int(summary.group(2))
            row.detail = f"{passed} passed, {failed} failed"
            if failed or done.returncode != 0:
                lines = done.stdout.splitlines()
                first = next((i for i, ln in enumerate(lines) if ln.endswith("FAILED")), None)
                if first is not None:
                    why = lines[first + 1].strip() if first + 1 < len(lines) else ""
                    row.detail += f"; first: {lines[first].split(' ...')[0]}: {why}"
                row.status = "FAILED"
        self.rows.append(row)


# -- output ----------------------------------------------------------------------------------

def print_rows(rows: list[Row], stream=sys.stdout) -> None:
    width = max([len(r.flow) for r in rows] + [4])
    swidth = max([len(r.step) for r in rows] + [4])
    for r in rows:
        line = f"{r.flow:<{width}}  {r.step:<{swidth}}  {r.status:<7} {r.seconds:6.2f} s"
        print(line + (f"  {r.detail}" if r.detail else ""), file=stream)


def summary(rows: list[Row]) -> str:
    counts = {s: sum(1 for r in rows if r.status == s)
              for s in ("ok", "expected", "FAILED", "skipped")}
    total = sum(r.seconds for r in rows)
    return (f"{counts['ok']} ok, {counts['expected']} failed as on upstream, "
            f"{counts['FAILED']} failed, {counts['skipped']} skipped "
            f"({len(rows)} steps, {total:.1f} s of muranokit)")


def default_exe() -> str | None:
    beside = Path(sys.executable).parent / "muranokit"
    return str(beside) if beside.is_file() else shutil.which("muranokit")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dirs", nargs="+", metavar="DIR", help="folder(s) of packages")
    parser.add_argument("--muranokit", default=default_exe(), metavar="EXE",
                        help="the muranokit command (default: the one beside this Python)")
    parser.add_argument("--only", action="append", default=[], metavar="TEXT",
                        help="run only flows whose name contains TEXT (repeatable; "
                             "'validate' and 'test' select those)")
    parser.add_argument("--set", dest="presets", action="append", default=[],
                        metavar="PKG.FIELD=VALUE",
                        help="a form value for package PKG (short or full name) wherever it "
                             "is deployed, e.g. KubernetesCluster.useFlannel=true (repeatable)")
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    parser.add_argument("--keep", metavar="DIR",
                        help="keep states and reports in DIR (default: a removed temp folder)")
    args = parser.parse_args(argv)
    if not args.muranokit:
        parser.error("no muranokit command found; give --muranokit EXE")
    for top in args.dirs:
        if not Path(top).is_dir():
            parser.error(f"not a folder: {top}")
    packages = discover(args.dirs)
    if not packages:
        parser.error("no package (folder with manifest.yaml) under " + ", ".join(args.dirs))
    presets: dict[str, dict[str, str]] = {}
    for item in args.presets:
        target, sep, value = item.partition("=")
        owner, dot, name = target.rpartition(".")
        if not sep or not dot or not owner:
            parser.error(f"--set {item}: expected PKG.FIELD=VALUE")
        presets.setdefault(owner, {})[name] = value
    catalog = Catalog(packages)
    flows, unplanned = plan_flows(catalog, presets)

    def wanted(name: str) -> bool:
        return not args.only or any(text in name for text in args.only)

    work = Path(args.keep or tempfile.mkdtemp(prefix="muranokit-compat-"))
    work.mkdir(parents=True, exist_ok=True)
    runner = FlowRunner(Muranokit(args.muranokit, [p.path for p in packages], work),
                        catalog, work)
    started = time.perf_counter()
    try:
        if wanted("validate"):
            runner.validate(packages)
        for name, why in unplanned:
            if wanted(name):
                runner.rows.append(Row(name, "plan", "skipped", 0.0, why))
        for plan in flows:
            if wanted(plan.name):
                before = len(runner.rows)
                runner.run_flow(plan)
                print_rows(runner.rows[before:], sys.stderr)
        for pkg in catalog.test_packages():
            if wanted("test " + pkg.short):
                runner.tests(pkg, [p for p in packages if p is not pkg])
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print_rows(runner.rows)
    print(summary(runner.rows) + f"; wall {time.perf_counter() - started:.1f} s")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump([r.__dict__ for r in runner.rows], handle, indent=1)
    return 0 if all(r.status in ("ok", "expected") for r in runner.rows) else 1


if __name__ == "__main__":
    sys.exit(main())
