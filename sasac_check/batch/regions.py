"""The 汇总 of each 监管机构 and year in a batch, summed from the workers' compact records, judged on its plan."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sasac_check.batch.recordtable import xp_runs
from sasac_check.batch.worker import FileRecord
from sasac_check.model.finding import Finding
from sasac_check.model.submission import Submission
from sasac_check.read.cover import period_year
from sasac_check.rules.load import RuleSet


class _Sum:
    """The sums of one group's values (a value unknown in any return stays unknown), over its records' 跨期 rows."""

    def __init__(self, recs: list[FileRecord], m: int) -> None:
        self.values, self.widths = np.zeros(m), np.zeros(m)
        self.present, self.unknown = np.zeros(m, dtype=bool), np.zeros(m, dtype=bool)
        for block, rows in xp_runs(recs):  # a chunk's rows at a time: no batch-sized temporaries
            vals = block.values[rows]
            known = ~np.isnan(vals)
            self.values += np.where(known, vals, 0.0).sum(axis=0)
            self.widths += np.where(known, block.widths[rows], 0.0).sum(axis=0)
            self.present |= known.any(axis=0)
            self.unknown |= block.unknown[rows].any(axis=0)
        self.cover = recs[0].cover
        self.members = [r.path for r in recs]

    def submission(self, keys: Sequence[str]) -> Submission:
        sup, period = self.cover.get("监管机构", ""), self.cover.get("报告期", "")
        out = Submission(file=f"{sup}{period}汇总", unit="元", scale=1.0)
        out.cover = {"企业名称": f"{sup}汇总（{len(self.members)}户）", "监管机构": sup, "报告期": period,
                     "金额单位": "元", "报表类型": self.cover.get("报表类型", ""), "合并范围": "汇总"}
        for j, k in enumerate(keys):
            if k.endswith("[本期值]"):  # values stated on 主要指标 do not add up
                continue
            if self.unknown[j]:
                out.unknown.add(k)
            elif self.present[j]:
                out.values[k] = float(self.values[j])
                out.widths[k] = float(self.widths[j])
        return out


def region_summaries(records: Sequence[FileRecord], keys: Sequence[str]) -> list:
    """One RegionSummary per 监管机构 (annual returns only), each year's 汇总 summed in 元."""
    from sasac_check.plans.region import RegionSummary

    groups: dict[str, dict[int, list[FileRecord]]] = {}
    for rec in records:
        if rec.status != "ok" or rec.xp is None:
            continue
        sup, period = rec.cover.get("监管机构", "").strip(), rec.cover.get("报告期", "")
        year = period_year(period)
        if not sup or year is None or not period.endswith("年度"):
            continue
        groups.setdefault(sup, {}).setdefault(year, []).append(rec)
    out = []
    for sup, by_year in sorted(groups.items()):
        rsum = RegionSummary(sup)
        for y, recs in sorted(by_year.items()):
            acc = _Sum(recs, len(keys))
            rsum.periods[y] = acc.submission(keys)
            rsum.members[y] = acc.members
        out.append(rsum)
    return out


def region_findings(rs: RuleSet, records: Sequence[FileRecord], keys: Sequence[str]) -> tuple[list[Finding], list]:
    """The 汇总s and what their plans say of them (amount targets are judged here, never on one enterprise)."""
    from sasac_check.plans.region import judge_summary

    summaries = region_summaries(records, keys)
    findings: list[Finding] = []
    for rsum in summaries:
        findings += judge_summary(rsum, rs=rs)
    return findings, [s for s in summaries if s.plans]
