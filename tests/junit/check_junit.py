"""Validates a JUnit XML report against junit-10.xsd (the schema Jenkins validates against)
with a real XML Schema processor, then prints what a CI test view would show, as JSON, for
the Rust test to compare with the findings.

usage: check_junit.py REPORT.xml
exit 0 and JSON on stdout when valid; exit 1 with the validation error otherwise.
"""

import json
import pathlib
import sys
import xml.etree.ElementTree as ET

import xmlschema

HERE = pathlib.Path(__file__).resolve().parent


def main() -> int:
    report = sys.argv[1]
    schema = xmlschema.XMLSchema(str(HERE / "junit-10.xsd"))
    try:
        schema.validate(report)
    except xmlschema.XMLSchemaValidationError as err:
        print(f"{report} is not valid JUnit XML: {err}", file=sys.stderr)
        return 1
    root = ET.parse(report).getroot()
    assert root.tag == "testsuites", root.tag
    out = {"attributes": dict(root.attrib), "suites": []}
    for suite in root.findall("testsuite"):
        cases = []
        for case in suite.findall("testcase"):
            result, text, message = "passed", None, None
            for kind in ("failure", "error", "skipped"):
                element = case.find(kind)
                if element is not None:
                    result, text, message = kind, element.text, element.get("message")
            system_out = case.find("system-out")
            cases.append(
                {
                    "name": case.get("name"),
                    "classname": case.get("classname"),
                    "time": float(case.get("time")),
                    "result": result,
                    "message": message,
                    "text": text,
                    "system_out": system_out.text if system_out is not None else None,
                }
            )
        out["suites"].append(
            {
                "attributes": dict(suite.attrib),
                "properties": {p.get("name"): p.get("value") for p in suite.iter("property")},
                "cases": cases,
            }
        )
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
