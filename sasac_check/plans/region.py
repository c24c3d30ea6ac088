"""The region's 汇总: returns of one 监管机构 and 报告期 summed in 元, ratios recomputed, judged on the plan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from sasac_check.check.run import compute_indicators
from sasac_check.check.table import SubmissionTable
from sasac_check.model.finding import Finding
from sasac_check.model.submission import Submission
from sasac_check.plans.choose import plans_for
from sasac_check.plans.judge import finding, judge_return, judge_series
from sasac_check.plans.model import Plan
from sasac_check.plans.summary import Sum, select
from sasac_check.read.cover import period_year
from sasac_check.rules.load import RuleSet, shipped_rules


@dataclass
class RegionSummary:
    """One 监管机构's 汇总 by year: the synthetic returns, the enterprises in each, the indicators."""

    supervisor: str
    periods: dict[int, Submission] = field(default_factory=dict)  # year -> 汇总 return
    members: dict[int, list[str]] = field(default_factory=dict)  # year -> files summed
    excluded: dict[int, list[tuple[str, str]]] = field(default_factory=dict)  # year -> (file, why it was left out)
    indicators: dict[int, dict[str, float]] = field(default_factory=dict)  # year -> name -> value (fraction / unit)
    plans: list[str] = field(default_factory=list)


def summary_submission(subs: Sequence[Submission]) -> Submission:
    """The sum of the returns given (in 元, half-widths added), through the one 汇总's Sum."""
    keys, vmat, wmat, unk = _matrices(subs)
    acc = Sum(len(keys))
    acc.add(vmat, wmat, unk)
    return acc.submission(keys, subs[0].cover, len(subs))


def _matrices(subs: Sequence[Submission]) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    table = SubmissionTable.from_submissions(subs)
    keys, vmat, wmat = table.matrix  # type: ignore[misc]
    unk = np.zeros(vmat.shape, dtype=bool)
    col = {k: j for j, k in enumerate(keys)}
    for k, mask in table.unknown.items():
        if k in col:
            unk[:, col[k]] = mask
    return keys, vmat, wmat, unk


def region_findings(
    submissions: Sequence[Submission], plans: Sequence[Plan] | None = None, rs: RuleSet | None = None,
    *, per_enterprise: bool = False,
) -> tuple[list[Finding], list[RegionSummary]]:
    """Each 监管机构's 汇总 per year (members chosen by plans/summary.py), judged against its plan.

    With `per_enterprise`, each return is also judged (提示性) on the targets that bind one enterprise;
    an amount target is never judged on an enterprise.
    """
    rs = rs or shipped_rules()
    findings: list[Finding] = []
    by_sup: dict[str, RegionSummary] = {}
    for sel in select([s.cover for s in submissions], [s.file for s in submissions]):
        rsum = by_sup.setdefault(sel.supervisor, RegionSummary(sel.supervisor))
        members = [submissions[i] for i in sel.included]
        rsum.periods[sel.year] = summary_submission(members)
        rsum.members[sel.year] = [s.file for s in members]
        rsum.excluded[sel.year] = [(submissions[i].file, why) for i, why in sel.excluded]
    summaries = [by_sup[k] for k in sorted(by_sup)]
    for rsum in summaries:
        findings += judge_summary(rsum, plans, rs)
        if per_enterprise:
            for plan in plans_for_summary(rsum, plans):
                for s in submissions:
                    y = period_year(s.cover.get("报告期", ""))
                    if (s.cover.get("监管机构") or "").strip() == rsum.supervisor and y is not None and plan.covers(rsum.supervisor, y) \
                            and s.cover.get("报告期", "").endswith("年度"):
                        findings += judge_return(s, plan, rs)
    return findings, summaries


def plans_for_summary(rsum: RegionSummary, plans: Sequence[Plan] | None = None) -> list[Plan]:
    """The plans binding this 监管机构 in any year of its 汇总 (each once)."""
    out: dict[str, Plan] = {}
    for y in sorted(rsum.periods):
        for plan in plans_for(rsum.periods[y].cover, plans):
            out.setdefault(plan.id, plan)
    return list(out.values())


def judge_summary(rsum: RegionSummary, plans: Sequence[Plan] | None = None, rs: RuleSet | None = None) -> list[Finding]:
    """Compute the 汇总's indicators per year (from the summed amounts) and judge it on its plans.

    Fills `rsum.indicators` and `rsum.plans`; the batch command builds `rsum.periods` from its own records.
    """
    rs = rs or shipped_rules()
    years = sorted(rsum.periods)
    if not years:
        return []
    table = SubmissionTable.from_submissions([rsum.periods[y] for y in years])
    inds = compute_indicators(rs, table)
    mids = {n: iv.mid for n, iv in inds.items()}
    for i, y in enumerate(years):
        rsum.indicators[y] = {n: float(m[i]) for n, m in mids.items()}
    findings: list[Finding] = []
    for plan in plans_for_summary(rsum, plans):
        rsum.plans.append(plan.id)
        for o in judge_series(plan, dict(rsum.periods), "汇总"):
            if o.missed:
                sub = rsum.periods[o.year]
                who = f"{rsum.supervisor}{sub.cover['报告期']}汇总（{len(rsum.members[o.year])}户）"
                findings.append(finding(o, sub, "汇总", who))
    return findings


def judge_returns(submissions: Sequence[Submission], plans: Sequence[Plan] | None = None) -> list[Finding]:
    """Each return on its own against the plans that bind it (enterprise level, 提示性)."""
    out: list[Finding] = []
    for s in submissions:
        for plan in plans_for(s.cover, plans):
            out += judge_return(s, plan)
    return out
