"""JUnit XML for large batches, streamed to a file: one test case per submission × rule (as report/junit.py)."""

from __future__ import annotations

from collections import defaultdict
from itertools import groupby
from pathlib import Path
from xml.sax.saxutils import escape as _esc
from xml.sax.saxutils import quoteattr

from sasac_check.check.run import RunResult


def write_junit(path: str | Path, result: RunResult, rule_ids: list[str], strict: bool = False) -> Path:
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    by_file = {k: list(g) for k, g in groupby(result.findings, key=lambda f: f.file)}
    total_fail = 0
    with out.open("w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="sasac-check">\n')
        for res in result.files:
            name = quoteattr(res.path)
            if res.status == "unreadable":
                fh.write(f'  <testsuite name={name} tests="1" errors="1" failures="0">\n'
                         f'    <testcase classname={name} name="READ">\n'
                         f'      <error message={quoteattr(res.reason)} type="unreadable">{_esc(res.reason)}</error>\n'
                         "    </testcase>\n  </testsuite>\n")
                continue
            rules: dict[str, list] = defaultdict(list)
            for f in by_file.get(res.path, []):
                rules[f.rule].append(f)
            ids = list(dict.fromkeys([*rule_ids, *rules]))
            body = []
            failures = 0
            for rid in ids:
                found = rules.get(rid, [])
                failing = [f for f in found if f.severity == "error" or (strict and f.severity == "warning")]
                rest = [f for f in found if f not in failing]
                if not found:
                    body.append(f"    <testcase classname={name} name={quoteattr(rid)} />\n")
                    continue
                inner = ""
                if failing:
                    failures += 1
                    msg = "；".join(f"{f.sheet}!{f.cell} {f.message}" for f in failing)
                    inner += f"      <failure message={quoteattr(failing[0].message)} type={quoteattr(failing[0].severity)}>{_esc(msg)}</failure>\n"
                if rest:
                    text = "\n".join(f"[{f.level}] {f.sheet}!{f.cell} {f.message}" for f in rest)
                    inner += f"      <system-out>{_esc(text)}</system-out>\n"
                body.append(f"    <testcase classname={name} name={quoteattr(rid)}>\n{inner}    </testcase>\n")
            total_fail += failures
            fh.write(f'  <testsuite name={name} tests="{len(ids)}" failures="{failures}" errors="0">\n')
            fh.writelines(body)
            fh.write("  </testsuite>\n")
        fh.write("</testsuites>\n")
    return out
