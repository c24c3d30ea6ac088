"""Checks returns end to end: read, validate schemas, evaluate rules, compute indicators, summarise."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from sasac_check.check.evaluate import evaluate
from sasac_check.check.interval import Iv
from sasac_check.check.table import SubmissionTable
from sasac_check.model.catalog import catalog
from sasac_check.model.finding import SEVERITY_ORDER, Finding
from sasac_check.model.submission import NotAReturn, Submission, UnreadableWorkbook
from sasac_check.rules import expr
from sasac_check.rules.load import RuleSet


@dataclass
class FileResult:
    """One input file's outcome: ok / failed / unreadable, with counts by severity."""

    path: str
    status: str
    counts: dict[str, int] = field(default_factory=lambda: {"error": 0, "warning": 0, "info": 0})
    reason: str = ""
    cover: dict[str, str] = field(default_factory=dict)
    indicators: dict[str, float | None] = field(default_factory=dict)
    kind: str = "return"  # return | ledger (改革任务台账) | plan (计划表)
    ledger: dict | None = None  # a ledger's completion figures and tasks (ledger.summary.ledger_summary)

    def to_dict(self) -> dict:
        d = {"path": self.path, "status": self.status, "kind": self.kind, "counts": dict(self.counts)}
        d.update({"errors": self.counts["error"], "warnings": self.counts["warning"], "info": self.counts["info"]})
        if self.reason:
            d["reason"] = self.reason
        for k in ("企业名称", "统一社会信用代码", "报告期", "监管机构", *(LEDGER_COVER if self.kind == "ledger" else ())):
            if self.cover.get(k):
                d.setdefault("cover", {})[k] = self.cover[k]
        if self.indicators:
            d["indicators"] = self.indicators
        if self.ledger is not None:
            from sasac_check.ledger.summary import public

            d["ledger"] = public(self.ledger)
        return d


LEDGER_COVER = ("填报单位", "截至日期", "改革方案")


@dataclass
class RunResult:
    files: list[FileResult]
    findings: list[Finding]
    notes: list[str] = field(default_factory=list)  # one-line Chinese notes for stderr (e.g. an unreadable prior)

    def exit_code(self, strict: bool = False) -> int:
        """0 clean, 1 errors (or warnings with strict), 3 an input could not be read."""
        if any(f.status == "unreadable" for f in self.files):
            return 3
        sev = {f.severity for f in self.findings}
        if "error" in sev or (strict and "warning" in sev):
            return 1
        return 0


def compute_indicators(rs: RuleSet, table: SubmissionTable) -> dict[str, Iv]:
    """Every indicator over every row, in its own unit (fractions for %)."""
    cat = catalog()
    ev = expr.Evaluator(table, cat)
    return {name: ev.num(ind.value_node) for name, ind in rs.indicators.items()}


def check_submissions(
    rs: RuleSet, subs: Sequence[Submission], priors: Sequence[Submission | None] | None = None, schemas: bool = True
) -> tuple[list[Finding], SubmissionTable]:
    """Reader problems, schema failures and rule failures of already-read submissions.

    `schemas=False` leaves the pandera validation to the caller (a batch validates every return at once).
    """
    table = SubmissionTable.from_submissions(subs, priors)
    findings = [p for s in subs for p in s.problems]
    if schemas:
        from sasac_check.check.schemas import validate

        findings += validate(table)
    findings += evaluate(rs, table)
    return findings, table


def sort_findings(findings: list[Finding], order: dict[str, int] | None = None) -> list[Finding]:
    """By file (in the order given), sheet (in workbook order), severity, then cell."""
    order = order or {}
    cat = catalog()
    sheets = {name: i for i, name in enumerate([cat.cover_sheet, *(s.name for s in cat.sheets), cat.indicator_sheet])}
    return sorted(
        findings,
        key=lambda f: (
            order.get(f.file, 0), f.file, sheets.get(f.sheet, 99), f.sheet, SEVERITY_ORDER[f.severity], _cell_key(f.cell), f.rule
        ),
    )


@lru_cache(maxsize=65_536)  # a batch sorts tens of thousands of findings over a few hundred cells
def _cell_key(cell: str) -> tuple[int, str]:
    digits = "".join(ch for ch in cell if ch.isdigit())
    return (int(digits) if digits else 0, cell)


def check_files(
    paths: Sequence[str | Path],
    rs: RuleSet,
    strict: bool = False,
    prior: Sequence[str | Path] = (),
    plan: str | Path | None = None,
    use_plans: bool = True,
) -> RunResult:
    """Check each file (and its prior period, where given); an unreadable file is a result, not a crash.

    Each return is also judged (提示性) on the plan targets that bind one enterprise: the plan chosen by
    the cover's 监管机构 and 报告期, or `plan`. Region-wide amount targets are judged only in a batch.
    """
    from sasac_check.read.reader import read_workbook

    results: list[FileResult] = []
    subs: list[Submission] = []
    others: list[Finding] = []  # findings of ledgers and plan tables among the inputs
    for p in paths:
        try:
            subs.append(read_workbook(p))
            results.append(FileResult(str(p), "ok"))
        except NotAReturn as e:  # no statement sheets: a ledger or a plan table, else unreadable
            from sasac_check.ledger.run import other_kind

            res, found = other_kind(p, e, plan, use_plans=use_plans)
            results.append(res)
            others += found
        except UnreadableWorkbook as e:
            results.append(FileResult(str(p), "unreadable", reason=e.reason))
    notes: list[str] = []
    priors = _match_priors(subs, prior, notes)
    findings: list[Finding] = others
    if subs:
        found, table = check_submissions(rs, subs, priors)
        findings += found
        if use_plans:
            findings += plan_findings(rs, subs, plan)
        inds = compute_indicators(rs, table)
        readable = [r for r in results if r.status != "unreadable" and r.kind == "return"]
        for i, (res, sub) in enumerate(zip(readable, subs, strict=True)):
            res.cover = dict(sub.cover)
            res.indicators = {n: _mid(iv, i) for n, iv in inds.items()}
    by_file = Counter((f.file, f.severity) for f in findings)
    for res in results:
        if res.status == "unreadable":
            res.counts["error"] = 1
            continue
        for sev in ("error", "warning", "info"):
            res.counts[sev] = by_file[(res.path, sev)]
        if res.counts["error"] or (strict and res.counts["warning"]):
            res.status = "failed"
    order = {str(p): i for i, p in enumerate(paths)}
    return RunResult(results, sort_findings(findings, order), notes)


def plan_findings(rs: RuleSet, subs: Sequence[Submission], plan: str | Path | None = None) -> list[Finding]:
    """The targets of each return's plan that bind one enterprise and are missed (提示性)."""
    from sasac_check.plans import judge_return, load_plan, plans_for

    forced = [load_plan(plan)] if plan else None  # loaded once, not once per return
    out: list[Finding] = []
    for sub in subs:
        for p in forced if forced is not None else plans_for(sub.cover):
            out += judge_return(sub, p, rs)
    return out


def _mid(iv: Iv, i: int) -> float | None:
    v = float(iv.mid[i])
    return None if not np.isfinite(v) else round(v, 6)


def _match_priors(subs: list[Submission], prior: Sequence[str | Path], notes: list[str]
                  ) -> list[Submission | None] | None:
    """Pair each return with the prior-period return of the same enterprise (统一社会信用代码).

    A prior file that cannot be read is named in `notes` (it is no return under check, so it has no result).
    """
    if not prior:
        return None
    from sasac_check.read.cover import period_year
    from sasac_check.read.reader import read_workbook

    by_code: dict[str, list[Submission]] = {}
    for p in prior:
        try:
            s = read_workbook(p)
        except UnreadableWorkbook as e:
            notes.append(f"上期报表 {p} 无法读取，未用于跨期审核：{e.reason}")
            continue
        by_code.setdefault(s.cover.get("统一社会信用代码", ""), []).append(s)
    out: list[Submission | None] = []
    for s in subs:
        year = period_year(s.cover.get("报告期", ""))
        cands = [c for c in by_code.get(s.cover.get("统一社会信用代码", ""), []) if c is not s]
        match = [c for c in cands if year and period_year(c.cover.get("报告期", "")) == year - 1]
        out.append(match[0] if match else None)
    return out
