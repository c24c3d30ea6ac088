"""The outcome of a run: one FileResult per input, the findings, and the one tally that links the two."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from sasac_check.model.catalog import catalog
from sasac_check.model.finding import SEVERITY_ORDER, Finding

SEVERITIES = ("error", "warning", "info")
UNREADABLE_RULE = "READ-UNREADABLE"


def _zero() -> dict[str, int]:
    return dict.fromkeys(SEVERITIES, 0)


@dataclass
class FileResult:
    """One input file's outcome: ok / failed / unreadable, with counts by severity (tallied from the findings)."""

    path: str
    status: str
    counts: dict[str, int] = field(default_factory=_zero)
    reason: str = ""
    cover: dict[str, str] = field(default_factory=dict)
    indicators: dict[str, float | None] = field(default_factory=dict)
    priors: dict[str, str] = field(default_factory=dict)  # 上年末 / 上年同期 → the prior return compared with
    kind: str = "return"  # what the workbook is, from its own sheets: return | ledger (改革任务台账) | plan (规划表)
    ledger: dict | None = None  # a ledger's completion figures and tasks (ledger.summary.ledger_summary)
    layout: dict = field(default_factory=dict)  # check --explain-layout: how the workbook was read (read/explain.py)

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
        if self.priors:
            d["priors"] = dict(self.priors)
        if self.ledger is not None:
            d["ledger"] = {k: self.ledger[k] for k in LEDGER_FIGURES}
        if self.layout:
            d["layout"] = self.layout
        return d


LEDGER_COVER = ("填报单位", "截至日期", "改革方案")
# A ledger's figures in the JSON report (ledger.summary.ledger_summary computes them; its task rows stay internal).
LEDGER_FIGURES = ("截至日期", "tasks", "completed", "in_progress", "not_started", "overdue", "completion")


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

    def counts(self) -> dict[str, int]:
        """Findings by severity: the JSON summary's counts, equal to its findings list by construction."""
        c = Counter(f.severity for f in self.findings)
        return {s: c[s] for s in SEVERITIES}


def unreadable_finding(path: str, reason: str) -> Finding:
    """The finding an unreadable input stands for, so that every count is a count of findings."""
    return Finding(UNREADABLE_RULE, "error", f"无法读取：{reason}", file=path, title="文件无法读取", source="reader")


def tally(files: list[FileResult], findings: list[Finding], strict: bool = False,
          order: Mapping[str, int] | None = None) -> RunResult:
    """The one tally of a run (check, batch, plan check): unreadable inputs become findings, each file's counts
    are its findings, a file with 强制性 findings (提示性 too with `strict`) has failed; findings sorted."""
    have = {f.file for f in findings if f.rule == UNREADABLE_RULE}
    findings = [*findings, *(unreadable_finding(r.path, r.reason) for r in files
                             if r.status == "unreadable" and r.path not in have)]
    by_file = Counter((f.file, f.severity) for f in findings)
    for res in files:
        res.counts = {s: by_file[(res.path, s)] for s in SEVERITIES}
        if res.status != "unreadable":
            res.status = "failed" if res.counts["error"] or (strict and res.counts["warning"]) else "ok"
    return RunResult(files, sort_findings(findings, order if order is not None else {r.path: i for i, r in enumerate(files)}))


def sort_findings(findings: Iterable[Finding], order: Mapping[str, int] | None = None) -> list[Finding]:
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
