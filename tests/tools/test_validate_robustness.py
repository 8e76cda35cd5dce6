"""Validation never crashes on odd YAML: values of every type in every place give findings.

Deterministic mutation run: fixture files get random nodes replaced by values of other
types (or known keywords added with such values); validation must finish and report.
"""

from __future__ import annotations

import copy
import gc
import random

import yaml
from packaging_helpers import FIXTURE_NAMES, FIXTURES

from muranokit.engine.files import Package, PackageFile, load_yaml
from muranokit.tools.package import load_package
from muranokit.tools.validate import validate_packages

ODD_VALUES = [None, 1, 2.5, True, "x", "$.a(", "$.b", [], {}, [1, "$"], {"a": None},
              {"$x": [1]}, "ns:Foo", [{"If": None}], {"Then": 1}, [[]], {"": ""}]
KEYWORDS = ["Body", "Contract", "Usage", "Scope", "Arguments", "fields", "Forms", "Scripts",
            "Files", "EntryPoint", "Catch", "Switch", "Match", "Extends", "Namespaces",
            "Classes", "Require", "?", "Properties", "Methods", "Application", "Version"]


def mutate(document, rng):
    places = []

    def walk(node, parent, key):
        places.append((parent, key))
        if isinstance(node, dict):
            for sub_key in list(node):
                walk(node[sub_key], node, sub_key)
        elif isinstance(node, list):
            for index, sub in enumerate(node):
                walk(sub, node, index)

    walk(document, None, None)
    parent, key = rng.choice(places)
    value = copy.deepcopy(rng.choice(ODD_VALUES))
    if parent is None:
        return value
    if isinstance(parent, dict) and rng.random() < 0.3:
        parent[rng.choice(KEYWORDS)] = value
    else:
        parent[key] = value
    return document


def test_mutated_fixtures_never_crash_validation():
    rng = random.Random(20261126)
    base = {name: load_package(str(FIXTURES / name)) for name in FIXTURE_NAMES}
    reported = 0
    for _ in range(250):
        name = rng.choice(sorted(base))
        package = base[name]
        rel = rng.choice([r for r in package.files if r.endswith((".yaml", ".template"))])
        documents = list(yaml.safe_load_all(package.files[rel].data)) or [None]
        documents = [mutate(mutate(d, rng), rng) for d in documents]
        files = dict(package.files)
        files[rel] = PackageFile(yaml.safe_dump_all(documents).encode())
        manifest = package.manifest
        if rel == "manifest.yaml":
            manifest = load_yaml(files[rel].data)
            if not isinstance(manifest, dict):
                continue  # load_package refuses it (tested elsewhere)
        mutated = Package(package.location, False, manifest, files)
        findings = validate_packages([mutated] + [p for n, p in base.items() if n != name])
        reported += bool(findings)
    assert reported > 125  # most mutations are noticed


def test_cycle_collector_state_is_restored():
    package = load_package(str(FIXTURES / "FixtureApp"))
    was_enabled = gc.isenabled()
    try:
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            validate_packages([package])
            assert gc.isenabled() is enabled
    finally:
        (gc.enable if was_enabled else gc.disable)()
