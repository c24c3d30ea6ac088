"""Plans and targets of the seed documents: loading, judging returns and the region's 汇总, plan tables."""

from __future__ import annotations

from sasac_check.model.submission import Submission
from sasac_check.plans.choose import plans_for, shipped_plans
from sasac_check.plans.loader import load_plan, load_plans
from sasac_check.plans.model import NON_RETURN_KINDS, Plan, Target

_JUDGING = {"judge_return": "judge", "judge_returns": "region", "region_findings": "region",
            "summary_submission": "region", "RegionSummary": "region"}


def __getattr__(name: str):
    """The judging parts import numpy and the plan-table parts openpyxl: loaded when first asked for, so that
    `plan list` and `plan validate` load neither, and `check` no plan table."""
    if name in _JUDGING:
        from importlib import import_module

        return getattr(import_module(f"{__name__}.{_JUDGING[name]}"), name)
    if name in ("write_plan_template", "write_summary_sheet"):
        from sasac_check.plans import sheet

        return getattr(sheet, name)
    if name == "check_plan_table":
        from sasac_check.plans.tablecheck import check_plan_table

        return check_plan_table
    if name == "plan_table_findings":
        from sasac_check.plans.tablecheck import plan_table_findings

        return plan_table_findings
    raise AttributeError(name)


def targets_for(cover: dict) -> list[dict]:
    """The targets that bind one enterprise with this cover (for 主要指标's 目标值 / 完成情况), with sources."""
    from sasac_check.read.cover import period_year

    year = period_year(str(cover.get("报告期", "")))
    out = []
    for plan in plans_for(cover):
        for t in plan.targets:
            if "企业" not in t.applies_to or t.kind in NON_RETURN_KINDS:
                continue
            if t.kind in ("level", "on_track") and t.year != year:
                continue
            if t.kind == "path" and year not in t.values:
                continue
            out.append({"id": t.id, "plan": plan.id, "indicator": t.indicator, "kind": t.kind, "op": t.op,
                        "value": t.values.get(year) if t.kind == "path" else t.value, "unit": t.unit,
                        "target": t.describe(year), "level": "提示性", "source": t.source, "seed": t.seed, "quote": t.quote,
                        "document": t.document, "section": t.section})
    return out


def plan_findings(rs, subs, plan=None) -> list:
    """The targets of each return's plan that bind one enterprise and are missed (提示性): the plan chosen by the
    cover's 监管机构 and 报告期, or the plan file `plan`. Amount targets are judged only on a 汇总."""
    from sasac_check.plans.judge import judge_return

    forced = [load_plan(plan)] if plan else None  # loaded once, not once per return
    out: list = []
    for sub in subs:
        for p in forced if forced is not None else plans_for(sub.cover):
            out += judge_return(sub, p, rs)
    return out


def enterprise_judge(rs, plan=None):
    """plan_findings as the `judge` check_files takes."""
    return lambda subs: plan_findings(rs, subs, plan)


def attainment(sub: Submission) -> list[dict]:
    """targets_for(sub.cover) with 完成情况 for this return: 达成 / 未达成 (the missed ones are findings)."""
    from sasac_check.plans.judge import judge_return

    missed = {f.rule.removeprefix("PLAN-") for plan in plans_for(sub.cover) for f in judge_return(sub, plan)}
    return [dict(t, 完成情况="未达成" if t["id"] in missed else "达成或无法判断") for t in targets_for(sub.cover)]


__all__ = [
    "Plan",
    "RegionSummary",
    "Target",
    "attainment",
    "check_plan_table",
    "enterprise_judge",
    "judge_return",
    "judge_returns",
    "load_plan",
    "load_plans",
    "plan_findings",
    "plan_table_findings",
    "plans_for",
    "region_findings",
    "shipped_plans",
    "summary_submission",
    "targets_for",
    "write_plan_template",
    "write_summary_sheet",
]
