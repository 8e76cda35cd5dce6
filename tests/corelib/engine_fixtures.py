"""A small application package and helpers to run it on the engine with the simulated cloud."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from muranokit.engine import Runtime
from muranokit.engine.corelib.cloud import Cloud
from muranokit.engine.corelib.cloud.rules import parse_rules

MANIFEST = """\
Format: 1.4
Type: Application
FullName: com.example.Web
Name: Web
Description: test application
Author: tests
Classes:
  com.example.Web: Web.yaml
  com.example.WebTest: WebTest.yaml
  com.example.Greeter: Greeter.yaml
"""

WEB = """\
Namespaces:
  =: com.example
  std: io.murano
  res: io.murano.resources
  sys: io.murano.system
Name: Web
Extends: std:Application
Properties:
  instance:
    Contract: $.class(res:Instance).notNull()
  dbPassword:
    Contract: $.string()
  script:
    Contract: $.string()
    Default: DeployWeb.template
  status:
    Contract: $.string()
    Usage: Out
Methods:
  deploy:
    Body:
      - $env: $.find(std:Environment)
      - $env.reporter.report($this, 'Creating VM')
      - $.instance.deploy()
      - $resources: new(sys:Resources)
      - $template: $resources.yaml($.script).bind(dict(port => 80, pw => $.dbPassword))
      - Try:
          - $.status: $.instance.agent.call($template, $resources)
          - $env.reporter.report($this, 'Web is at ' + $.instance.ipAddresses[0])
        Catch:
          - With: io.murano.system.AgentException
            As: e
            Do:
              - $env.reporter.report_error($this, 'Deploy failed - ' + $e.message)
              - $.status: failed
  readAll:
    Body:
      - $resources: new(sys:Resources)
      - Return:
          text: $resources.string('notes.txt')
          data: $resources.json('data.json')
  restart:
    Usage: Action
    Arguments:
      - reason:
          Contract: $.string()
          Default: none
    Body:
      - $env: $.find(std:Environment)
      - $env.reporter.report($this, $reason)
  shareIp:
    Body:
      - $env: $.find(std:Environment)
      - $ip: new(std:SharedIp, $this, network => $env.defaultNetworks.environment,
          assignFloatingIp => true)
      - $ip.deploy()
      - Return: [$ip.virtualIp, $ip.floatingIpAddress, $ip.getSharedIpRef()]
  readMissing:
    Body:
      - Return: new(sys:Resources).string('nope.txt')
  badTemplate:
    Body:
      - $.find(std:Environment).stack.updateTemplate(list(1, 2))
  log:
    Arguments:
      - text:
          Contract: $.string()
    Body:
      - $logger: new(sys:Logger, loggerName => 'web')
      - $logger.info($text)
"""

WEB_TEST = """\
Namespaces:
  =: com.example
  std: io.murano
  res: io.murano.resources
  t: io.murano.test
Name: WebTest
Extends: t:TestFixtureWithEnvironment
Methods:
  testEqual:
    Body:
      - $this.assertEqual(4, 2 + 2)
  testFails:
    Body:
      - $this.assertEqual(5, 2 + 2, 'arithmetic')
  testEnvironment:
    Body:
      - $this.assertTrue($this.environment != null)
      - $this.assertIn('testclass', $this.environment.name)
  testInjectObjectAndClass:
    Body:
      - $a: new(Greeter, name => a)
      - $b: new(Greeter, name => b)
      - $this.inject($a, greet, mocked)
      - $this.assertEqual(mocked, $a.greet())
      - $this.assertEqual(b, $b.greet())
      - $this.inject('com.example.Greeter', greet, everyone)
      - $this.assertEqual(everyone, $b.greet())
  testInjectWithAnotherObject:
    Body:
      - $a: new(Greeter, name => a)
      - $stand: new(Greeter, name => standin)
      - $this.inject($a, greet, $stand, shout)
      - $this.assertEqual('STANDIN', $a.greet())
"""

GREETER = """\
Namespaces:
  =: com.example
Name: Greeter
Properties:
  name:
    Contract: $.string()
Methods:
  greet:
    Body:
      - Return: $.name
  shout:
    Body:
      - Return: $.name.toUpper()
"""

TEMPLATE = """\
FormatVersion: 2.1.0
Version: 1.0.0
Name: Deploy Web
Parameters:
  port: $port
  password: $pw
Body: |
  return deploy(args.port).stdout
Scripts:
  deploy:
    Type: Application
    Version: 1.0.0
    EntryPoint: deploy.sh
    Files: [common.sh]
    Options:
      captureStdout: true
"""

BROKEN_TEMPLATE = TEMPLATE.replace("Files: [common.sh]", "Files: [missing.sh]")


def make_package(root: Path) -> Path:
    """Write the com.example.Web package under ``root``; returns its folder."""
    pkg = root / "Web"
    (pkg / "Classes").mkdir(parents=True)
    (pkg / "Resources" / "scripts").mkdir(parents=True)
    (pkg / "manifest.yaml").write_text(MANIFEST)
    (pkg / "Classes" / "Web.yaml").write_text(WEB)
    (pkg / "Classes" / "WebTest.yaml").write_text(WEB_TEST)
    (pkg / "Classes" / "Greeter.yaml").write_text(GREETER)
    (pkg / "Resources" / "DeployWeb.template").write_text(TEMPLATE)
    (pkg / "Resources" / "Broken.template").write_text(BROKEN_TEMPLATE)
    (pkg / "Resources" / "notes.txt").write_text("hello notes\n")
    (pkg / "Resources" / "data.json").write_text('{"a": [1, 2]}')
    (pkg / "Resources" / "scripts" / "deploy.sh").write_text("#!/bin/sh\necho deploy $1\n")
    (pkg / "Resources" / "scripts" / "common.sh").write_text("log() { echo \"$@\"; }\n")
    return pkg


def web_app(app_id: str, vm: str, **extra: Any) -> dict[str, Any]:
    """An application object of the model."""
    instance = {"?": {"id": f"{app_id}-vm", "type": "io.murano.resources.LinuxMuranoInstance"},
                "name": vm, "flavor": "m1.small", "image": "debian-11",
                "assignFloatingIp": True}
    instance.update(extra.pop("instance", {}))
    app = {"?": {"id": app_id, "type": "com.example.Web"}, "dbPassword": "Secr3t-pw",
           "instance": instance}
    app.update(extra)
    return app


def model(*apps: dict[str, Any], previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """An environment model with these applications (and the previous deployment's state)."""
    objects = {"?": {"id": "env-1", "type": "io.murano.Environment"}, "name": "demo",
               "defaultNetworks": {"environment": {
                   "?": {"id": "net-1", "type": "io.murano.resources.NeutronNetwork"},
                   "name": "demo-net"}, "flat": None},
               "applications": list(apps)}
    result: dict[str, Any] = {"Objects": objects, "Attributes": []}
    if previous is not None:
        result["Attributes"] = copy.deepcopy(previous.get("Attributes") or [])
        result["ObjectsCopy"] = copy.deepcopy(previous["Objects"])
    return result


class Deployment:
    """One dry-run: a runtime, a cloud, the loaded model; ``deploy()`` runs Environment.deploy."""

    def __init__(self, packages: list[Path], object_model: dict[str, Any],
                 rules: str = "", cloud_state: dict[str, Any] | None = None) -> None:
        self.cloud = Cloud(rules=parse_rules(rules), state=cloud_state)
        self.runtime = Runtime([str(p) for p in packages], cloud=self.cloud)
        self.root = self.runtime.load_model(object_model)

    def deploy(self) -> None:
        self.runtime.call(self.root, "deploy")

    @property
    def events(self) -> list[dict[str, Any]]:
        return self.runtime.events

    def kinds(self) -> list[str]:
        return [e["kind"] for e in self.events]

    def stack(self):
        (stack,) = self.cloud.stacks.values()
        return stack

    def app(self, app_id: str) -> dict[str, Any]:
        objects = self.runtime.serialize()["Objects"]
        return next(a for a in objects["applications"] if a["?"]["id"] == app_id)
