"""A real dry-run-like trace for report tests, produced by the simulated cloud."""

from __future__ import annotations

from pathlib import Path

from muranokit.engine.corelib.cloud import Cloud
from muranokit.engine.corelib.cloud.rules import parse_rules
from muranokit.tools.report import Trace


class _Files:
    name = "com.example.Web"

    def __init__(self, root: Path) -> None:
        self.root = root

    def resource_exists(self, relpath: str) -> bool:
        return (self.root / relpath).is_file()

    def read_resource(self, relpath: str) -> bytes:
        return (self.root / relpath).read_bytes()


def make_trace(tmp_path: Path, fail_second: bool = False) -> Trace:
    """Two VMs created by one Heat push, one plan each, reports and a log line."""
    (tmp_path / "scripts").mkdir(parents=True, exist_ok=True)
    (tmp_path / "scripts" / "install.sh").write_text("#!/bin/sh\napt-get install <nginx>\n")
    rules = "agent:\n  - vm: web-2\n    fail: apt failed\n" if fail_second else ""
    cloud = Cloud(rules=parse_rules(rules))
    stack = cloud.stack("env-1")
    stack.set_template({"resources": {
        name: {"type": "OS::Nova::Server",
               "properties": {"name": name, "networks": [{"network": "net"}],
                              "admin_pass": "Pa55word!"}} for name in ("web-1", "web-2")}})
    stack.push()
    cloud.emit({"kind": "report", "object": "app-1", "text": "Installing <web>",
                "level": "info", "details": None})
    for vm in ("web-1", "web-2"):
        plan = cloud.agents.build_plan(vm, {
            "FormatVersion": "2.1.0", "Name": "Install web", "Body": "return run().stdout",
            "Parameters": {"site": "example", "dbPassword": "Pa55word!"},
            "Scripts": {"run": {"Type": "Application", "Version": "1.0.0",
                                "EntryPoint": "install.sh", "Files": [], "Options": {}}}},
            _Files(tmp_path))
        try:
            cloud.agents.execute(vm, f"id-{vm}", plan)
        except Exception as exc:
            cloud.emit({"kind": "exception", "type": "io.murano.system.AgentException",
                        "message": str(exc), "stack": [{"type": "com.example.Web",
                                                        "method": "deploy", "file": "Web.yaml",
                                                        "line": 12}]})
    cloud.emit({"kind": "log", "level": "info", "logger": "web", "message": "done"})
    model = {"Objects": {"?": {"id": "env", "type": "io.murano.Environment"},
                         "applications": [{"?": {"id": "app-1", "type": "com.example.Web"},
                                           "dbPassword": "Pa55word!"}]}}
    return Trace(cloud.events, model, {"env-1": stack.full_template()},
                 "failed" if fail_second else "ok", "web dry-run")
