"""A batch's 汇总s: the workers' compact records fed to the one 汇总 (plans/summary.py), judged on their plans."""

from __future__ import annotations

from collections.abc import Sequence

from sasac_check.batch.recordtable import xp_runs
from sasac_check.batch.worker import FileRecord
from sasac_check.model.finding import Finding
from sasac_check.plans.summary import Sum, select
from sasac_check.rules.load import RuleSet


def region_summaries(records: Sequence[FileRecord], keys: Sequence[str]) -> list:
    """One RegionSummary per 监管机构 (annual returns only), each year's 汇总 summed in 元 from the 跨期 rows."""
    from sasac_check.plans.region import RegionSummary

    ok = [r for r in records if r.status == "ok" and r.xp is not None]
    by_sup: dict[str, RegionSummary] = {}
    for sel in select([r.cover for r in ok], [r.path for r in ok]):
        rsum = by_sup.setdefault(sel.supervisor, RegionSummary(sel.supervisor))
        members = [ok[i] for i in sel.included]
        acc = Sum(len(keys))
        for block, rows in xp_runs(members):  # a chunk's rows at a time: no batch-sized temporaries
            acc.add(block.values[rows], block.widths[rows], block.unknown[rows])
        rsum.periods[sel.year] = acc.submission(keys, members[0].cover if members else {}, len(members))
        rsum.members[sel.year] = [r.path for r in members]
        rsum.excluded[sel.year] = [(ok[i].path, why) for i, why in sel.excluded]
    return [by_sup[k] for k in sorted(by_sup)]


def region_findings(rs: RuleSet, records: Sequence[FileRecord], keys: Sequence[str]) -> tuple[list[Finding], list]:
    """The 汇总s and what their plans say of them (amount targets are judged here, never on one enterprise)."""
    from sasac_check.plans.region import judge_summary

    summaries = region_summaries(records, keys)
    findings: list[Finding] = []
    for rsum in summaries:
        findings += judge_summary(rsum, rs=rs)
    return findings, [s for s in summaries if s.plans]
