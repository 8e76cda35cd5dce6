"""Helpers for the tests of the Kubernetes suite packages (packages/<Name>/).

MuranoPL files are read the way Murano reads them: a plain (unquoted) YAML
scalar that is not just words, digits and dots and that parses as yaql is an
expression; quoted and block scalars are literal strings.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from muranokit.engine.syntax import expressions as syntax

REPO = Path(__file__).resolve().parents[2]
PACKAGES = REPO / "packages"
EXAMPLES = REPO / "examples" / "kubernetes"
SUITE = ("DockerInterfacesLibrary", "DockerStandaloneHost", "KubernetesCluster", "KubernetesPod")
LITERAL = syntax.PLAIN_TEXT

_parser = syntax.parser(legacy=False, persistent=False)   # Format 1.3+, as the engine
ENGINE = _parser.engine


@dataclass(frozen=True)
class Scalar:
    """A plain scalar of a MuranoPL file with its 1-based line."""

    text: str
    line: int


def parse_yaql(text: str):
    """Parse with yaql 3 (non-legacy, as Format 1.3+ runs); raises on syntax errors."""
    return ENGINE(text)


def is_expression(text: str) -> bool:
    """MuranoPL's rule (engine/syntax): not a bare word/number, and parses as yaql."""
    return _parser.is_expression(text)


def plain_scalars(text: str) -> list[Scalar]:
    """Every plain scalar (mapping keys included) of every document."""
    found = []
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.ScalarEvent) and event.style is None:
            found.append(Scalar(event.value, event.start_mark.line + 1))
    return found


def load_all(path: Path) -> list:
    """All YAML documents of a file (safe loading)."""
    with open(path, encoding="utf-8") as fh:
        return [doc for doc in yaml.safe_load_all(fh) if doc is not None]


def manifest(package: str) -> dict:
    return load_all(PACKAGES / package / "manifest.yaml")[0]


def class_files(package: str) -> list[Path]:
    return sorted((PACKAGES / package / "Classes").glob("*.yaml"))


def templates(package: str) -> list[Path]:
    folder = PACKAGES / package / "Resources"
    return sorted(folder.glob("*.template")) if folder.is_dir() else []


def fqn_of(class_doc: dict) -> str:
    """Full name of a class from its Name and the '=' namespace."""
    name = class_doc["Name"]
    if ":" in name:
        alias, short = name.split(":", 1)
        return f"{class_doc['Namespaces'][alias]}.{short}"
    default = class_doc.get("Namespaces", {}).get("=")
    return f"{default}.{name}" if default else name


def resolve(class_doc: dict, ref: str) -> str:
    """Full name of a class reference (`ns:Name` or `Name`) inside a class file."""
    namespaces = class_doc.get("Namespaces", {})
    if ":" in ref:
        alias, short = ref.split(":", 1)
        return f"{namespaces[alias]}.{short}"
    if "." in ref:
        return ref
    return f"{namespaces['=']}.{ref}"


def suite_classes() -> dict[str, dict]:
    """FQN -> class document, over the four packages."""
    classes = {}
    for package in SUITE:
        for fqn, fname in manifest(package)["Classes"].items():
            classes[fqn] = load_all(PACKAGES / package / "Classes" / fname)[0]
    return classes


def class_chain(fqn: str, classes: dict[str, dict]) -> list[dict]:
    """The class and every ancestor of it that the suite defines."""
    chain, todo = [], [fqn]
    while todo:
        current = todo.pop(0)
        doc = classes.get(current)
        if doc is None:
            continue
        chain.append(doc)
        extends = doc.get("Extends") or []
        for parent in [extends] if isinstance(extends, str) else extends:
            todo.append(resolve(doc, parent))
    return chain


def build_zip(package: str, target: Path) -> Path:
    """Zip a package folder (sorted entries) the way the catalog wants it."""
    source = PACKAGES / package
    name = manifest(package)["FullName"]
    out = target / f"{name}.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            archive.write(path, path.relative_to(source).as_posix())
    return out
