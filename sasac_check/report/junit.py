"""JUnit XML: one test suite per file, one test case per rule that ran, failures for 强制性 findings."""

from __future__ import annotations

from collections import defaultdict
from xml.etree import ElementTree as ET

from sasac_check.check.run import RunResult


def kind_rule_ids(kind: str) -> list[str]:
    """The rules that run on a workbook of this kind other than a return (a ledger's checks; a plan table's as found)."""
    if kind == "ledger":
        from sasac_check.ledger.files import ledger_rules

        return [r.id for r in ledger_rules()]
    return []


def render(result: RunResult, rule_ids: list[str] | None = None, strict: bool = False) -> str:
    suites = ET.Element("testsuites", name="sasac-check")
    by_file: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for f in result.findings:
        by_file[f.file][f.rule].append(f)
    total_fail = 0
    for res in result.files:
        suite = ET.SubElement(suites, "testsuite", name=res.path)
        if res.status == "unreadable":
            case = ET.SubElement(suite, "testcase", classname=res.path, name="READ")
            ET.SubElement(case, "error", message=res.reason, type="unreadable").text = res.reason
            suite.set("tests", "1")
            suite.set("errors", "1")
            suite.set("failures", "0")
            continue
        rules = by_file[res.path]
        ids = list(dict.fromkeys([*(kind_rule_ids(res.kind) if res.kind != "return" else rule_ids or []), *rules]))
        failures = 0
        for rid in ids:
            case = ET.SubElement(suite, "testcase", classname=res.path, name=rid)
            found = rules.get(rid, [])
            failing = [f for f in found if f.severity == "error" or (strict and f.severity == "warning")]
            if failing:
                failures += 1
                msg = "；".join(f"{f.sheet}!{f.cell} {f.message}" for f in failing)
                ET.SubElement(case, "failure", message=failing[0].message, type=failing[0].severity).text = msg
            rest = [f for f in found if f not in failing]
            if rest:
                ET.SubElement(case, "system-out").text = "\n".join(
                    f"[{f.level}] {f.sheet}!{f.cell} {f.message}" for f in rest
                )
        suite.set("tests", str(len(ids)))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        total_fail += failures
    suites.set("failures", str(total_fail))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
