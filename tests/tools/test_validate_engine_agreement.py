"""``muranokit validate`` and the engine accept exactly the same MuranoPL.

Each case is a small package written here from the MuranoPL documentation. Accepted cases:
validation reports no error, and the engine builds and compiles every class
(``Runtime.compile_all``) and runs it, giving the result the class means. Refused cases:
validation reports an error at a line, and the engine refuses the class with a MuranoPL
error at the line it is about.
"""

from __future__ import annotations

import base64
import textwrap
from pathlib import Path

import pytest

from muranokit.engine import MuranoPlError, Runtime
from muranokit.tools.exceptions import InputError
from muranokit.tools.forms import build_application
from muranokit.tools.package import load_package
from muranokit.tools.validate import validate_packages

NS = "com.example.agree"


def write_package(root: Path, classes: dict[str, str], fmt: str = "1.4",
                  files: dict[str, bytes | str] | None = None) -> Path:
    """A package folder: one class file per entry (its classes listed in the manifest)."""
    lines = [f"Format: {fmt}", "Type: Application", f"FullName: {NS}", "Name: Agreement",
             "Description: validate and the engine agree", "Author: muranokit tests",
             "Classes:"]
    for file_name, text in classes.items():
        for name in _class_names(text):
            lines.append(f"  {NS}.{name}: {file_name}")
    files = dict(files or {})
    files["manifest.yaml"] = "\n".join(lines) + "\n"
    files.update({f"Classes/{name}": textwrap.dedent(text) for name, text in classes.items()})
    files.setdefault("LICENSE", "Apache-2.0\n")
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content) if rel.endswith(".yaml") or
                            rel.endswith(".template") else content)
    return root


def _class_names(text: str) -> list[str]:
    return [line.split(":", 1)[1].strip() for line in textwrap.dedent(text).splitlines()
            if line.startswith("Name:")]


def errors_of(package: Path) -> list[tuple[str, int]]:
    """(code, line) of every validation error."""
    findings = validate_packages([load_package(str(package))])
    return [(f.code, f.line) for f in findings if f.severity == "error"]


def line_of(package: Path, rel: str, needle: str) -> int:
    lines = (package / rel).read_text().splitlines()
    return next(i for i, text in enumerate(lines, 1) if needle in text)


def engine(package: Path) -> Runtime:
    """A runtime on the package with every class built and compiled."""
    rt = Runtime([str(package)], eager=True)
    rt.compile_all()
    return rt


# --- accepted by both ------------------------------------------------------------------------

def test_returns_key_and_quoted_strings_are_accepted_and_quoted_strings_are_literals(tmp_path):
    pkg = write_package(tmp_path, {"Prices.yaml": """\
        Namespaces:
          =: com.example.agree
        Name: Prices
        Methods:
          label:
            Returns: $.string()
            Body:
              - Return: '$price (USD'
          note:
            Arguments: []
            Body:
              - $text: "format($x"
              - 'this.is(not code'
              - Return: [$text, "$.unknown()"]
        """})
    assert errors_of(pkg) == []
    rt = engine(pkg)
    prices = rt.new(f"{NS}.Prices")
    assert rt.call(prices, "label") == "$price (USD"
    assert rt.call(prices, "note") == ["format($x", "$.unknown()"]


def test_class_file_with_a_namespaces_header_document(tmp_path):
    pkg = write_package(tmp_path, {"Family.yaml": """\
        Namespaces:
          =: com.example.agree
          std: io.murano
        ---
        Name: Base
        Extends: std:Object
        Methods:
          hello:
            Body:
              - Return: base
        ---
        Name: Derived
        Extends: Base
        Methods:
          greeting:
            Body:
              - Return: $.hello() + '!'
        """})
    assert errors_of(pkg) == []
    rt = engine(pkg)
    assert rt.call(rt.new(f"{NS}.Derived"), "greeting") == "base!"


def test_base64_file_entries_of_an_execution_plan(tmp_path):
    payload = bytes(range(256))
    pkg = write_package(tmp_path, {"Deployer.yaml": """\
        Namespaces:
          =: com.example.agree
          sys: io.murano.system
        Name: Deployer
        Properties:
          name:
            Contract: $.string().notNull()
        Methods:
          deploy:
            Body:
              - $agent: new(sys:Agent, host => $this)
              - $resources: new(sys:Resources)
              - Return: $agent.call($resources.yaml('Deploy.template'), $resources)
        """}, files={
        "Resources/Deploy.template": """\
            FormatVersion: 2.1.0
            Version: 1.0.0
            Name: Deploy with a binary file
            Body: |
              return run().stdout
            Scripts:
              run:
                Type: Application
                Version: 1.0.0
                EntryPoint: run.sh
                Files:
                  - <payload.bin>
                Options:
                  captureStdout: true
            """,
        "Resources/scripts/run.sh": "#!/bin/sh\nwc -c payload.bin\n",
        "Resources/scripts/payload.bin": payload})
    assert errors_of(pkg) == []
    rt = engine(pkg)
    rt.call(rt.new(f"{NS}.Deployer", name="vm-1"), "deploy")
    (plan,) = [e for e in rt.events if e["kind"] == "agent_plan"]
    files = {f["name"]: f for f in plan["files"]}
    assert files["payload.bin"]["type"] == "Base64"
    assert base64.b64decode(files["payload.bin"]["body"]) == payload


def test_format_1_execution_plans(tmp_path):
    pkg = write_package(tmp_path, {"Setup.yaml": """\
        Namespaces:
          =: com.example.agree
          sys: io.murano.system
        Name: Setup
        Methods:
          template:
            Body:
              - Return: new(sys:Resources).yaml('Windows.template')
        """}, files={
        "Resources/Windows.template": """\
            FormatVersion: 1.0.0
            Version: 1.0.0
            Name: Set up a server
            Parameters:
              serverName: $serverName
            Body: |
              return setUp(args.serverName).stdout
            Scripts:
              - Functions.ps1
              - SetUp.ps1
            """,
        "Resources/Linux.template": """\
            Version: 1.0.0
            Name: Without FormatVersion (1.0.0)
            Body: |
              return install().stdout
            Scripts:
              install:
                Type: Application
                Version: 1.0.0
                EntryPoint: install.sh
            """,
        "Resources/scripts/Functions.ps1": "function setUp($name) { $name }\n",
        "Resources/scripts/SetUp.ps1": "setUp\n",
        "Resources/scripts/install.sh": "#!/bin/sh\ntrue\n"})
    assert errors_of(pkg) == []
    rt = engine(pkg)
    plan = rt.call(rt.new(f"{NS}.Setup"), "template")
    assert plan["Scripts"] == ["Functions.ps1", "SetUp.ps1"]


@pytest.mark.parametrize("fmt", ["1.2", "1.3"])
def test_scope_and_static_methods_in_formats_before_1_4(tmp_path, fmt):
    pkg = write_package(tmp_path, {"Tools.yaml": """\
        Namespaces:
          =: com.example.agree
        Name: Tools
        Methods:
          twice:
            Usage: Static
            Arguments:
              - value:
                  Contract: $.int().notNull()
            Body:
              - Return: $value * 2
          restart:
            Scope: Public
            Body:
              - Return: restarted
        """}, fmt=fmt)
    assert errors_of(pkg) == []
    rt = engine(pkg)
    assert rt.call(f"{NS}.Tools", "twice", 4) == 8
    tools = rt.new(f"{NS}.Tools")
    assert rt.call(tools, "restart") == "restarted"
    assert rt.load_class(f"{NS}.Tools").methods["restart"].scope == "Public"


def test_empty_arguments_and_arguments_as_one_mapping(tmp_path):
    pkg = write_package(tmp_path, {"Args.yaml": """\
        Namespaces:
          =: com.example.agree
        Name: Args
        Methods:
          none:
            Arguments:
            Body:
              - Return: nothing
          pair:
            Arguments:
              first:
                Contract: $.int()
              second:
                Contract: $.int()
            Body:
              - Return: [$first, $second]
        """})
    assert errors_of(pkg) == []
    rt = engine(pkg)
    args = rt.new(f"{NS}.Args")
    assert rt.call(args, "none") == "nothing"
    assert rt.call(args, "pair", 1, 2) == [1, 2]


def test_documented_ui_validators(tmp_path):
    pkg = write_package(tmp_path, {"App.yaml": """\
        Namespaces:
          =: com.example.agree
        Name: App
        Properties:
          host:
            Contract: $.string().notNull()
        """}, files={"UI/ui.yaml": """\
            Version: 2.3
            Application:
              ?:
                type: com.example.agree.App
              host: $.config.host
            Forms:
              - config:
                  fields:
                    - name: host
                      type: string
                      regexpValidator: '^[a-z][-a-z0-9]*$'
                      validators:
                        - expr:
                            regexpValidator: '^.{1,15}$'
                          message: at most 15 characters
                        - expr: $.len() > 1
                          message: at least 2 characters
            """})
    assert errors_of(pkg) == []
    ui = str(pkg / "UI" / "ui.yaml")
    app, _secrets = build_application(ui, {"host": "web-1"}, "web")
    assert app["host"] == "web-1"
    with pytest.raises(InputError, match="at most 15 characters"):
        build_application(ui, {"host": "a-very-long-host-name"}, "web")
    with pytest.raises(InputError, match="at least 2 characters"):
        build_application(ui, {"host": "a"}, "web")
    engine(pkg)


# --- refused by both --------------------------------------------------------------------------

REFUSED = [
    # (name, class body, validation code, needle of its line, needle of the engine's line:
    #  the engine locates a key whose value is a block by where the block starts)
    ("unknown method key", """\
        Methods:
          run:
            Bodyy:
              - Return: 1
        """, "C007", "Bodyy:", "- Return: 1"),
    ("broken code in a statement", """\
        Methods:
          run:
            Body:
              - $.run(
        """, "Y001", "- $.run(", "- $.run("),
    ("If without Then", """\
        Methods:
          run:
            Body:
              - If: true
                Else:
                  - Return: 1
        """, "C008", "- If: true", "- If: true"),
    ("assignment to $", """\
        Methods:
          run:
            Body:
              - $: 1
        """, "C008", "- $: 1", "- $: 1"),
    ("unknown property key", """\
        Properties:
          size:
            Contract: $.int()
            Defaul: 1
        """, "C006", "Defaul:", "Defaul:"),
    ("property without Contract", """\
        Properties:
          size:
            Default: 1
        """, "C006", "size:", "Default: 1"),
    ("unknown argument Usage", """\
        Methods:
          run:
            Arguments:
              - rest:
                  Usage: Rest
        """, "C007", "Usage: Rest", "- rest:"),
    ("For over a non-variable", """\
        Methods:
          run:
            Body:
              - For: 1 + 1
                In: [1, 2]
                Do:
                  - Return: 1
        """, "C008", "- For: 1 + 1", "- For: 1 + 1"),
]


@pytest.mark.parametrize("body, code, validator_needle, engine_needle",
                         [case[1:] for case in REFUSED], ids=[case[0] for case in REFUSED])
def test_refused_by_both_at_the_same_place(tmp_path, body, code, validator_needle,
                                           engine_needle):
    text = "Namespaces:\n  =: com.example.agree\nName: Broken\n" + textwrap.dedent(body)
    pkg = write_package(tmp_path, {"Broken.yaml": text})
    assert errors_of(pkg) == [(code, line_of(pkg, "Classes/Broken.yaml", validator_needle))]
    with pytest.raises(MuranoPlError) as info:
        engine(pkg)
    assert info.value.file.endswith("Broken.yaml")
    assert info.value.line == line_of(pkg, "Classes/Broken.yaml", engine_needle)


def test_invalid_namespace_prefix_is_refused_by_both(tmp_path):
    pkg = write_package(tmp_path, {"Broken.yaml": """\
        Namespaces:
          =: com.example.agree
          bad-prefix: io.murano
        Name: Broken
        """})
    assert errors_of(pkg) == [("C004", line_of(pkg, "Classes/Broken.yaml", "bad-prefix"))]
    with pytest.raises(MuranoPlError) as info:
        engine(pkg)
    assert "bad-prefix" in info.value.message
    assert info.value.line == line_of(pkg, "Classes/Broken.yaml", "bad-prefix")


def test_the_project_packages_pass_both(tmp_path):
    """Every package of the repository validates without error, and the engine builds and
    compiles every class of them."""
    root = Path(__file__).resolve().parents[2]
    folders = sorted(p.parent for p in (root / "packages").rglob("manifest.yaml"))
    folders += sorted(p.parent for p in (root / "tests/data/packages").glob("*/manifest.yaml"))
    findings = validate_packages([load_package(str(p)) for p in folders])
    assert [f for f in findings if f.severity == "error"] == []
    assert Runtime([str(p) for p in folders], eager=True).compile_all() > 40
