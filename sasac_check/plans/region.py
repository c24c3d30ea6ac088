"""The region's 汇总: returns of one 监管机构 and 报告期 summed in 元, ratios recomputed, judged on the plan."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sasac_check.check.run import compute_indicators
from sasac_check.check.table import SubmissionTable
from sasac_check.model.catalog import catalog
from sasac_check.model.finding import Finding
from sasac_check.model.submission import Submission
from sasac_check.plans.choose import plans_for
from sasac_check.plans.judge import finding, judge_return, judge_series
from sasac_check.plans.model import Plan
from sasac_check.read.cover import period_year
from sasac_check.rules.load import RuleSet, shipped_rules


@dataclass
class RegionSummary:
    """One 监管机构's 汇总 by year: the synthetic returns, the enterprises in each, the indicators."""

    supervisor: str
    periods: dict[int, Submission] = field(default_factory=dict)  # year -> 汇总 return
    members: dict[int, list[str]] = field(default_factory=dict)  # year -> files summed
    indicators: dict[int, dict[str, float]] = field(default_factory=dict)  # year -> name -> value (fraction / unit)
    plans: list[str] = field(default_factory=list)


def summary_submission(subs: Sequence[Submission]) -> Submission:
    """The sum of the returns (in 元, half-widths added); a value unknown in any return is unknown in the sum."""
    first = subs[0].cover
    sup, period = first.get("监管机构", ""), first.get("报告期", "")
    keys = catalog().keys()
    out = Submission(file=f"{sup}{period}汇总", unit="元", scale=1.0)
    out.cover = {"企业名称": f"{sup}汇总（{len(subs)}户）", "监管机构": sup, "报告期": period, "金额单位": "元",
                 "报表类型": first.get("报表类型", ""), "合并范围": "汇总"}
    for k in keys:
        vals = [s.values[k] for s in subs if k in s.values]
        if any(k in s.unknown for s in subs):
            out.unknown.add(k)
        elif vals:
            out.values[k] = float(sum(vals))
            out.widths[k] = float(sum(s.widths.get(k, 0.0) for s in subs))
    return out


def group(subs: Sequence[Submission]) -> dict[str, dict[int, list[Submission]]]:
    """Returns by 监管机构 and year (annual returns only: a 汇总 of months would mix periods)."""
    out: dict[str, dict[int, list[Submission]]] = defaultdict(lambda: defaultdict(list))
    for s in subs:
        y = period_year(s.cover.get("报告期", ""))
        sup = s.cover.get("监管机构", "").strip()
        if y is None or not sup or not s.cover.get("报告期", "").endswith("年度"):
            continue
        out[sup][y].append(s)
    return out


def region_findings(
    submissions: Sequence[Submission], plans: Sequence[Plan] | None = None, rs: RuleSet | None = None,
    *, per_enterprise: bool = False,
) -> tuple[list[Finding], list[RegionSummary]]:
    """Each 监管机构's 汇总 per year, judged against its plan (amount, ratio and growth targets).

    With `per_enterprise`, each return is also judged (提示性) on the targets that bind one enterprise;
    an amount target is never judged on an enterprise.
    """
    rs = rs or shipped_rules()
    findings: list[Finding] = []
    summaries: list[RegionSummary] = []
    for sup, by_year in sorted(group(submissions).items()):
        rsum = RegionSummary(sup)
        for y, subs in sorted(by_year.items()):
            rsum.periods[y] = summary_submission(subs)
            rsum.members[y] = [s.file for s in subs]
        findings += judge_summary(rsum, plans, rs)
        if per_enterprise:
            for plan in plans_for_summary(rsum, plans):
                for x, subs in by_year.items():
                    for s in subs:
                        if plan.covers(sup, x):
                            findings += judge_return(s, plan, rs)
        summaries.append(rsum)
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
