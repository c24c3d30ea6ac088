"""JUnit XML, the one writer of `check` and `batch`: a test suite per file, a test case per rule that ran on it.

A rule ran on a file when it is no 跨期 rule, or when the file was compared with the prior return the rule's
`compare_with` names (FileResult.priors). Failures are 强制性 findings (提示性 too with `strict`). The text is
streamed to a file handle, so a batch of 10,000 returns never holds it whole.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO
from xml.sax.saxutils import escape as _esc
from xml.sax.saxutils import quoteattr

from sasac_check.model.result import FileResult, RunResult

RuleKinds = Sequence[tuple[str, str | None]]  # (rule id, None or the 跨期 kind it compares with), sorted by id


def rule_kinds(rs) -> list[tuple[str, str | None]]:
    """Every rule of a RuleSet with the prior it needs (None: it runs on every readable file)."""
    kinds: dict[str, str | None] = {}
    for r in rs.rules:
        kinds.setdefault(r.id, r.compare_with if r.needs_prior else None)
    return sorted(kinds.items())


def _ids(res: FileResult, rules: RuleKinds, found: dict[str, list]) -> list[str]:
    if res.kind != "return":  # a ledger runs its own checks; a plan table's are those it found
        return list(dict.fromkeys([*kind_rule_ids(res.kind), *found]))
    return list(dict.fromkeys([*(rid for rid, kind in rules if kind is None or kind in res.priors), *found]))


def kind_rule_ids(kind: str) -> list[str]:
    """The rules that run on a workbook of another kind than a return (a ledger's checks)."""
    if kind == "ledger":
        from sasac_check.ledger.files import ledger_rules

        return [r.id for r in ledger_rules()]
    return []


def _failing(found: list, strict: bool) -> list:
    return [f for f in found if f.severity == "error" or (strict and f.severity == "warning")]


def write(fh: TextIO, result: RunResult, rules: RuleKinds, strict: bool = False) -> None:
    """Stream the report to `fh`; the root's `failures` is counted first, in one cheap pass."""
    by_file: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for f in result.findings:
        by_file[f.file][f.rule].append(f)
    total = sum(1 for res in result.files if res.status != "unreadable"
                for found in by_file[res.path].values() if _failing(found, strict))
    errors = sum(1 for res in result.files if res.status == "unreadable")
    fh.write('<?xml version="1.0" encoding="UTF-8"?>\n'
             f'<testsuites name="sasac-check" failures="{total}" errors="{errors}">\n')
    for res in result.files:
        name = quoteattr(res.path)
        if res.status == "unreadable":
            fh.write(f'  <testsuite name={name} tests="1" failures="0" errors="1">\n'
                     f'    <testcase classname={name} name="READ">\n'
                     f'      <error message={quoteattr(res.reason)} type="unreadable">{_esc(res.reason)}</error>\n'
                     "    </testcase>\n  </testsuite>\n")
            continue
        found_by_rule = by_file[res.path]
        ids = _ids(res, rules, found_by_rule)
        body, failures = [], 0
        for rid in ids:
            found = found_by_rule.get(rid, [])
            if not found:
                body.append(f"    <testcase classname={name} name={quoteattr(rid)} />\n")
                continue
            failing = _failing(found, strict)
            rest = [f for f in found if f not in failing]
            inner = ""
            if failing:
                failures += 1
                msg = "；".join(f"{f.sheet}!{f.cell} {f.message}" for f in failing)
                inner += (f"      <failure message={quoteattr(failing[0].message)} type={quoteattr(failing[0].severity)}>"
                          f"{_esc(msg)}</failure>\n")
            if rest:
                text = "\n".join(f"[{f.level}] {f.sheet}!{f.cell} {f.message}" for f in rest)
                inner += f"      <system-out>{_esc(text)}</system-out>\n"
            body.append(f"    <testcase classname={name} name={quoteattr(rid)}>\n{inner}    </testcase>\n")
        fh.write(f'  <testsuite name={name} tests="{len(ids)}" failures="{failures}" errors="0">\n')
        fh.writelines(body)
        fh.write("  </testsuite>\n")
    fh.write("</testsuites>\n")


def render(result: RunResult, rules: RuleKinds = (), strict: bool = False) -> str:
    buf = io.StringIO()
    write(buf, result, rules, strict)
    return buf.getvalue()


def write_junit(path: str | Path, result: RunResult, rules: RuleKinds, strict: bool = False) -> Path:
    from sasac_check.atomicio import atomic_open

    with atomic_open(path, "w", what="JUnit 报告", encoding="utf-8") as fh:  # renamed over `path` only when complete
        write(fh, result, rules, strict)
    return Path(path)
