"""Shared constants and helpers of the dry-run command tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HELLO = REPO / "examples" / "hello"
HELLO_PKG = HELLO / "HelloWorld"
FIXTURE_TESTS = Path(__file__).resolve().parent / "data" / "FixtureTests"
FLEET_PKG = REPO / "bench" / "fleet"
VAULT_PKG = Path(__file__).resolve().parent / "data" / "Vault"
VAULT_MODEL = Path(__file__).resolve().parent / "data" / "vault-model.json"
FRAGILE_PKG = Path(__file__).resolve().parent / "data" / "Fragile"
FRAGILE_MODEL = Path(__file__).resolve().parent / "data" / "fragile-model.json"
PACKAGES = REPO / "packages"
DOCKER_HOST_MODEL = REPO / "examples" / "kubernetes" / "docker-standalone-host.json"
DOCKER_HOST_ID = "f490683d8edd515c9a7ce7d42e5b7a72"  # the host in docker-standalone-host.json
APP_ID = "7c1a0c3e5c3b4c0e9d1c6a2b3e4f5a62"       # "hello" in examples/hello/model.json
BONJOUR_ID = "7c1a0c3e5c3b4c0e9d1c6a2b3e4f5a64"   # "bonjour" in model-two-apps.json
PASSWORD = "correct-horse-battery"


@dataclass
class Result:
    """Exit code and captured output of one in-process ``muranokit`` run."""

    code: int
    out: str
    err: str

    def events(self) -> list[dict]:
        """Events of a ``--report json`` run (without the final result line)."""
        lines = [json.loads(line) for line in self.out.splitlines() if line.strip()]
        return [e for e in lines if e.get("kind") != "result"]

    def result(self) -> dict:
        """The final ``result`` line of a ``--report json`` run."""
        return json.loads(self.out.splitlines()[-1])


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a folder with its bytes (to prove it was left untouched)."""
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def write_json(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path
