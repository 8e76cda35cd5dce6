"""Facts about Heat templates (HOT and CFN spellings) that the simulated cloud checks."""

from __future__ import annotations

from typing import Any

SERVER_TYPES = ("OS::Nova::Server", "AWS::EC2::Instance")
HOT_VERSIONS = ("2013-05-23", "2014-10-16", "2015-04-30", "2015-10-15", "2016-04-08",
                "2016-10-14", "2017-02-24", "2017-09-01", "2018-03-02", "2018-08-31",
                "2021-04-16", "newton", "ocata", "pike", "queens", "rocky", "wallaby")
HOT_SECTIONS = ("heat_template_version", "description", "parameter_groups", "parameters",
                "resources", "outputs", "conditions")


def resources_of(template: dict[str, Any]) -> dict[str, Any]:
    """The resources section, whichever spelling (HOT or CFN) the template uses."""
    res = template.get("resources")
    if res is None:
        res = template.get("Resources")
    return res if isinstance(res, dict) else {}


def check_structure(template: dict[str, Any]) -> list[str]:
    """Problems Heat finds before looking at resources: version and section names."""
    problems = []
    version = template.get("heat_template_version")
    if version is not None:
        if str(version) not in HOT_VERSIONS:
            problems.append(f"unknown heat_template_version {version!r}")
        for section in template:
            if section not in HOT_SECTIONS:
                problems.append(f"the template section is invalid: {section}")
    return problems
