"""Execution plans, the scripts they ship, and the classes that bind them."""

import os
import re
import shutil
import subprocess

import pytest
from k8s_package_helpers import PACKAGES, SUITE, class_files, load_all, templates

WITH_RESOURCES = [p for p in SUITE if (PACKAGES / p / "Resources").is_dir()]
TEMPLATES = [t for p in WITH_RESOURCES for t in templates(p)]
SCRIPTS = sorted(script for p in WITH_RESOURCES
                 for script in (PACKAGES / p / "Resources" / "scripts").rglob("*.sh"))
TEMPLATE_REF = re.compile(r"'(\w+\.template)'")


def _bind_keys(text, start):
    """Top-level `key =>` names of the dict(...) that follows position `start`."""
    opening = text.index("dict(", start) + len("dict(")
    depth, end = 1, opening
    while depth:
        depth += {"(": 1, ")": -1}.get(text[end], 0)
        end += 1
    body = text[opening:end - 1] + ","
    keys, level, segment = set(), 0, 0
    for index, char in enumerate(body):
        level += {"(": 1, "[": 1, ")": -1, "]": -1}.get(char, 0)
        if char == "," and level == 0:
            found = re.match(r"\s*(\w+)\s*=>", body[segment:index])
            if found:
                keys.add(found.group(1))
            segment = index + 1
    return keys


def _bindings(package):
    """(template name, bound keys, class file) for every use in the classes."""
    found = []
    for path in class_files(package):
        text = path.read_text()
        for match in TEMPLATE_REF.finditer(text):
            found.append((match.group(1), _bind_keys(text, match.end()), path.name))
    return found


def _parameters(template):
    return set((load_all(template)[0].get("Parameters") or {}).keys())


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.name for t in TEMPLATES])
def test_execution_plan_shape(template):
    plan = load_all(template)[0]
    assert str(plan["FormatVersion"]).startswith("2."), "murano-agent v2 plans only"
    assert isinstance(plan["Body"], str) and "return" in plan["Body"]
    assert plan["Scripts"], "a plan runs at least one script"
    for name, script in plan["Scripts"].items():
        assert name in plan["Body"], f"script {name} is never called by Body"
        assert script["Type"] == "Application"
        scripts_dir = template.parent / "scripts"
        assert (scripts_dir / script["EntryPoint"]).is_file(), script["EntryPoint"]
        for extra in script.get("Files") or []:
            assert (scripts_dir / extra).is_file(), f"{template.name}: missing file {extra}"
    for key, value in (plan.get("Parameters") or {}).items():
        assert value == f"${key}", f"{template.name}: parameter {key} must be bound as ${key}"


@pytest.mark.parametrize("package", WITH_RESOURCES)
def test_every_template_bound_with_its_parameters(package):
    names = {t.name: t for t in templates(package)}
    used = set()
    for name, keys, source in _bindings(package):
        assert name in names, f"{source} uses missing template {name}"
        assert keys == _parameters(names[name]), (
            f"{source}: {name} is bound with {sorted(keys)}, "
            f"its Parameters are {sorted(_parameters(names[name]))}")
        used.add(name)
    assert used == set(names), f"templates nobody uses: {sorted(set(names) - used)}"


@pytest.mark.parametrize("package", WITH_RESOURCES)
def test_every_shipped_file_is_used(package):
    scripts_dir = PACKAGES / package / "Resources" / "scripts"
    referenced = set()
    for template in templates(package):
        for script in load_all(template)[0]["Scripts"].values():
            referenced.add(script["EntryPoint"])
            referenced.update(script.get("Files") or [])
    shipped = {p.relative_to(scripts_dir).as_posix() for p in scripts_dir.rglob("*") if p.is_file()}
    assert shipped == referenced, (
        f"unused: {sorted(shipped - referenced)}, missing: {sorted(referenced - shipped)}")


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_script_conventions(script):
    lines = script.read_text().splitlines()
    assert lines[0] == "#!/bin/bash"
    assert "set -euo pipefail" in lines
    assert os.access(script, os.X_OK), f"{script.name} is not executable"


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_scripts_are_shellcheck_clean():
    result = subprocess.run(["shellcheck", "--severity=style", *map(str, SCRIPTS)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_bind_key_parser():
    text = "x('A.template', dict(name => f(a, b), ip => $x.y(c => 1), more => dict(z => 2)))"
    assert _bind_keys(text, text.index("'A")) == {"name", "ip", "more"}


def test_yamllint_clean():
    """Every YAML file of the suite and of examples/kubernetes passes the project's yamllint."""
    from k8s_package_helpers import EXAMPLES, REPO
    from yamllint import linter
    from yamllint.config import YamlLintConfig

    config = YamlLintConfig(file=str(REPO / ".yamllint"))
    paths = [p for package in SUITE for p in (PACKAGES / package).rglob("*")
             if p.suffix in (".yaml", ".template")] + sorted(EXAMPLES.glob("*.yaml"))
    problems = [f"{path.relative_to(REPO)}:{problem.line}: {problem.desc}"
                for path in paths
                for problem in linter.run(path.read_text(), config, str(path))]
    assert len(paths) > 40 and not problems, "\n".join(problems)
