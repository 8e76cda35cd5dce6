"""Object models from UI/ui.yaml as the dashboard builds them: forms, validators, yaql."""

import textwrap

import pytest

from muranokit.tools.exceptions import InputError
from muranokit.tools.forms import build_application, environment_model, load_ui, parse_set

UI = textwrap.dedent("""\
    Version: 2.2
    Templates:
      node:
        ?:
          type: io.murano.resources.LinuxMuranoInstance
        name: generateHostname($.appConfiguration.pattern, $index)
        flavor: $.instanceConfiguration.flavor
        image: 'debian8-x64-kubernetes'
    Parameters:
      prefix: $.appConfiguration.name + '-'
    Application:
      ?:
        type: com.example.Cluster
      name: $.appConfiguration.name
      label: $prefix
      adminPassword: $.appConfiguration.adminPassword
      debug: $.appConfiguration.debug
      nodes: repeat($node, $.appConfiguration.count)
      plain: some-text with-dashes
    Forms:
      - appConfiguration:
          fields:
            - name: name
              type: string
              initial: cluster
              maxLength: 12
              regexpValidator: '^[a-z][a-z0-9]*$'
              errorMessages:
                invalid: Just lower-case letters and digits
            - name: pattern
              type: string
              required: false
              initial: 'node-#'
            - name: count
              type: integer
              initial: 2
              minValue: 1
              maxValue: 4
              validators:
                - expr: $ != 3
                  message: Three nodes are not supported
            - name: debug
              type: boolean
            - name: adminPassword
              type: password
          validators:
            - expr: $.appConfiguration.count < 4 or $.appConfiguration.debug
              message: Four nodes only in debug mode
      - instanceConfiguration:
          fields:
            - name: flavor
              type: flavor
              initial: m1.medium
            - name: mode
              type: choice
              choices: [[fast, Fast], [safe, Safe]]
              initial: safe
""")


@pytest.fixture
def ui_path(tmp_path):
    path = tmp_path / "UI" / "ui.yaml"
    path.parent.mkdir()
    path.write_text(UI)
    return path


def test_defaults_templates_repeat_and_ids(ui_path):
    app, passwords = build_application(ui_path, {"adminPassword": "S3cret!"}, "Cluster")
    assert passwords == ["adminPassword"]
    assert app["name"] == "cluster" and app["label"] == "cluster-"
    assert app["debug"] is False and app["adminPassword"] == "S3cret!"
    assert app["plain"] == "some-text with-dashes"  # quoted-looking plain text stays text
    assert [n["name"] for n in app["nodes"]] == ["node-1", "node-2"]
    assert {n["flavor"] for n in app["nodes"]} == {"m1.medium"}
    ids = [app["?"]["id"]] + [n["?"]["id"] for n in app["nodes"]]
    assert len(set(ids)) == 3
    again, _ = build_application(ui_path, {"adminPassword": "S3cret!"}, "Cluster")
    assert again == app  # deterministic ids


def test_set_values_are_coerced_and_qualified_names_work(ui_path):
    values = parse_set(["count=1", "appConfiguration.debug=yes", "adminPassword=x=y",
                        "instanceConfiguration.flavor=m1.large", "pattern="])
    app, _ = build_application(ui_path, values, "Cluster")
    assert app["debug"] is True and app["adminPassword"] == "x=y"
    assert len(app["nodes"]) == 1 and app["nodes"][0]["flavor"] == "m1.large"
    # an empty pattern gives generated host names, still deterministic
    assert app["nodes"][0]["name"] == "cluster-1"


@pytest.mark.parametrize("values, line, message", [
    ({}, 44, "appConfiguration.adminPassword: this field is required"),
    ({"adminPassword": "p", "name": "Bad-Name"}, 23, "Just lower-case letters and digits"),
    ({"adminPassword": "p", "name": "abcdefghijklmn"}, 23, "longer than maxLength 12"),
    ({"adminPassword": "p", "count": "0"}, 34, "less than minValue 1"),
    ({"adminPassword": "p", "count": "five"}, 34, "'five' is not an integer"),
    ({"adminPassword": "p", "count": "3"}, 34, "Three nodes are not supported"),
    ({"adminPassword": "p", "debug": "maybe"}, 42, "not a boolean"),
    ({"adminPassword": "p", "mode": "turbo"}, 54, "'turbo' is not one of fast, safe"),
])
def test_validators_give_file_line_and_reason(ui_path, values, line, message):
    with pytest.raises(InputError) as info:
        build_application(ui_path, values, "Cluster")
    assert info.value.path == str(ui_path)
    assert info.value.line == line
    assert message in info.value.message


def test_form_level_validator(ui_path):
    with pytest.raises(InputError, match="Four nodes only in debug mode"):
        build_application(ui_path, {"adminPassword": "p", "count": "4"}, "Cluster")
    app, _ = build_application(ui_path, {"adminPassword": "p", "count": "4", "debug": "true"},
                               "Cluster")
    assert len(app["nodes"]) == 4


def test_unknown_field_lists_the_known_ones(ui_path):
    with pytest.raises(InputError, match=r"--set colour: no such field .*appConfiguration.name"):
        build_application(ui_path, {"colour": "red"}, "Cluster")


@pytest.mark.parametrize("text, line, message", [
    ("Version: 1\nApplication: {}\nForms: []\n", 1, "unsupported ui.yaml Version 1"),
    ("Version: 2\nForms: []\n", None, "no 'Application' section"),
    ("Version: 2\nApplication: {a: 1}\nForms:\n  - f: {nofields: 1}\n", 4, "no 'fields'"),
    ("Version: 2\nApplication: [\n", 3, "invalid YAML"),
])
def test_broken_ui_files(tmp_path, text, line, message):
    path = tmp_path / "ui.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        load_ui(path)
    assert message in info.value.message and info.value.line == line


def test_failing_application_expression_is_located(tmp_path):
    path = tmp_path / "ui.yaml"
    path.write_text("Version: 2\nApplication:\n  ?: {type: a.B}\n  x: $.f.missing.deeper + 1\n"
                    "Forms:\n  - f:\n      fields: []\n")
    with pytest.raises(InputError) as info:
        build_application(path, {}, "B")
    assert info.value.line == 4 and "failed" in info.value.message


def test_parse_set_refuses_items_without_equals():
    with pytest.raises(InputError, match="expected field=value"):
        parse_set(["novalue"])


def test_environment_model_wraps_the_application(ui_path):
    app, _ = build_application(ui_path, {"adminPassword": "p"}, "Cluster")
    model = environment_model([app], "demo")
    env = model["Objects"]
    assert env["?"]["type"] == "io.murano.Environment" and env["name"] == "demo"
    assert env["applications"] == [app]
    assert env["defaultNetworks"]["environment"]["?"]["type"] == \
        "io.murano.resources.NeutronNetwork"
    assert model["Attributes"] == []


NETWORK_UI = textwrap.dedent("""\
    Version: {version}
    Application:
      ?:
        type: com.example.Net
      useEnv: $.f.network[0] = null
      net: $.f.network[0]
      subnet: $.f.network[1]
      secret: encryptData($.f.password)
    Forms:
      - f:
          fields:
            - name: network
              type: network
              required: false
              murano_networks: translate
            - name: password
              type: password
              required: false
              initial: x
""")


def _network_ui(tmp_path, version="2.2"):
    path = tmp_path / "ui.yaml"
    path.write_text(NETWORK_UI.format(version=version))
    return path


@pytest.mark.parametrize("given, net, subnet", [
    (None, None, None), ("auto", None, None), ("net-1", "net-1", None),
    ("net-1,sub-2", "net-1", "sub-2"), ("('net-1', 'sub-2')", "net-1", "sub-2")])
def test_network_field_is_a_network_subnet_pair(tmp_path, given, net, subnet):
    values = {} if given is None else {"network": given}
    app, _ = build_application(_network_ui(tmp_path), values, "app", encrypt=str.upper)
    assert (app["net"], app["subnet"], app["useEnv"]) == (net, subnet, net is None)


def test_network_field_without_auto_needs_a_value(tmp_path):
    path = _network_ui(tmp_path)
    path.write_text(path.read_text().replace("murano_networks: translate",
                                             "murano_networks: translate\n"
                                             "          allow_auto: false"))
    with pytest.raises(InputError, match="Auto"):
        build_application(path, {"network": "auto"}, "app", encrypt=str.upper)


def test_encrypt_data_stores_through_the_key_manager(tmp_path):
    stored = []

    def keep(value):
        stored.append(value)
        return f"key-{len(stored)}"
    app, _ = build_application(_network_ui(tmp_path), {"password": "hunter2"}, "app", keep)
    assert app["secret"] == "key-1" and stored == ["hunter2"]
    with pytest.raises(InputError, match="key manager"):
        build_application(_network_ui(tmp_path), {}, "app")


def test_version_2_2_names_the_application_object(tmp_path):
    app, _ = build_application(_network_ui(tmp_path), {"application_name": "my-app"}, "dflt",
                               str.upper)
    assert app["?"]["name"] == "my-app"
    older, _ = build_application(_network_ui(tmp_path, "2.1"), {}, "dflt", str.upper)
    assert "name" not in older["?"]
    with pytest.raises(InputError, match="application_name"):
        build_application(_network_ui(tmp_path), {"application_name": "bad name"}, "x",
                          str.upper)
