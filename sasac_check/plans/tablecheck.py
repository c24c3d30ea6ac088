"""Checks a plan table: ratios against components, 年均增速 against values, 保值增值率, and the plan's text."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from sasac_check.check import evaluator
from sasac_check.check.interval import Iv
from sasac_check.model.finding import Finding
from sasac_check.plans.choose import shipped_plans
from sasac_check.plans.judge import fails
from sasac_check.plans.loader import load_plan
from sasac_check.plans.model import Plan, Target
from sasac_check.plans.names import indicator_name, item_name
from sasac_check.plans.plantable import PlanTable, agree, computed_indicators, read_plan_tables, show
from sasac_check.read.numbers import format_percent
from sasac_check.rules.load import RuleSet, shipped_rules

SKIP_RATIO = {"国有资本保值增值率"}  # checked against the change of 所有者权益 below, as 提示性


def _f(t: PlanTable, rule: str, sev: str, cell: str, item: str, col: str, msg: str, exp: str, act: str,
       source: str = "", **extra: object) -> Finding:
    return Finding(rule=rule, severity=sev, message=f"{Path(t.file).name}「{t.sheet}」{cell}：{msg}", file=t.file,
                   sheet=t.sheet, cell=cell, item=item, column=col, expected=exp, actual=act,
                   source=source or "sasac_check/plans/tablecheck.py", extra=dict(extra))


def check_ratios(t: PlanTable, rs: RuleSet) -> list[Finding]:
    """A stated ratio must lie in the interval its stated components allow."""
    out = []
    comp = computed_indicators(t, rs)
    for r in t.rows:
        if r.is_item or r.canon is None or r.canon in SKIP_RATIO:
            continue
        ind = rs.indicators[r.canon]
        for y, c in r.values.items():
            calc = comp.get(y, {}).get(r.canon)
            if c.iv is None or calc is None or not bool(calc.known[0]) or agree(c.iv, calc):
                continue
            out.append(_f(t, "PT-RATIO", "error", c.ref, r.name, f"{y}年",
                          f"{r.name} {y}年 填报 {c.text or show(c.iv, r.unit)}，按 {ind.description} 由表中金额计算应为 "
                          f"{show(calc, r.unit)}（按所列精度的区间 {show(Iv(calc.lo, calc.lo), r.unit)}–"
                          f"{show(Iv(calc.hi, calc.hi), r.unit)}）", show(calc, r.unit), c.text or show(c.iv, r.unit)))
    return out


def check_growth(t: PlanTable) -> list[Finding]:
    """A stated 年均增速 must follow from the first and last year's values; with no base it cannot be stated."""
    out = []
    if len(t.years) < 2:
        return out
    y0, y1 = t.years[0], t.years[-1]
    for r in t.rows:
        g = r.growth
        if g is None or g.iv is None:
            continue
        base, end = r.values.get(y0), r.values.get(y1)
        if base is None or base.iv is None or end is None or end.iv is None:
            out.append(_f(t, "PT-CAGR-BASE", "error", g.ref, r.name, "年均增速",
                          f"{r.name} 基期（{y0}年）为“{base.text if base else ''}”，无法计算年均增速，却填报 {g.text}；"
                          "基期缺失时年均增速应留空或写“-”", "-", g.text))
            continue
        calc = evaluator.cagr(end.iv, base.iv, Iv.point(np.array([float(y1 - y0)])))
        if not bool(calc.known[0]):
            out.append(_f(t, "PT-CAGR-BASE", "error", g.ref, r.name, "年均增速",
                          f"{r.name} 基期 {base.text} 与末期 {end.text} 符号不同或为零，年均增速无意义，却填报 {g.text}",
                          "-", g.text))
        elif not agree(g.iv, calc):
            out.append(_f(t, "PT-CAGR", "error", g.ref, r.name, "年均增速",
                          f"{r.name} 年均增速填报 {g.text}，由 {y0}年 {base.text} 到 {y1}年 {end.text}（{y1 - y0} 年）"
                          f"计算应为 {format_percent(calc.mid[0])}（按所列精度的区间 {format_percent(calc.lo[0])}–"
                          f"{format_percent(calc.hi[0])}）", format_percent(calc.mid[0]), g.text))
    return out


def check_capital(t: PlanTable) -> list[Finding]:
    """保值增值率 against the change of 所有者权益 (less 客观因素 where stated): 提示性, asks for 客观因素."""
    out = []
    rate, eq = t.row("国有资本保值增值率"), t.row("所有者权益合计")
    if rate is None or eq is None:
        return out
    inc, dec = t.row("客观因素增加额"), t.row("客观因素减少额")
    for prev, y in zip(t.years, t.years[1:], strict=False):
        c, e0, e1 = rate.values.get(y), eq.values.get(prev), eq.values.get(y)
        if c is None or c.iv is None or e0 is None or e0.iv is None or e1 is None or e1.iv is None:
            continue
        num = e1.iv
        if inc is not None and (ci := inc.values.get(y)) is not None and ci.iv is not None:
            num = num - ci.iv
        if dec is not None and (cd := dec.values.get(y)) is not None and cd.iv is not None:
            num = num + cd.iv
        calc = num / e0.iv
        if agree(c.iv, calc):
            continue
        asked = "" if inc is not None or dec is not None else "；如有出资人追加投资、无偿划转、会计政策变更等客观因素，请列明客观因素增加额 / 减少额"
        out.append(_f(t, "PT-CAPITAL", "warning", c.ref, rate.name, f"{y}年",
                      f"保值增值率 {y}年 填报 {c.text or show(c.iv, '%')}，所有者权益由 {e0.text} 变为 {e1.text}，"
                      f"只能说明 {format_percent(calc.mid[0])}{asked}", format_percent(calc.mid[0]), c.text))
    return out


def _value_iv(tg: Target) -> Iv:
    """The target's value as an interval: a stated fact (==) carries the precision it is written with."""
    v = float(tg.value or 0.0)
    if tg.op != "==":
        return Iv.point(np.array([v * tg.scale]))
    s = repr(v).rstrip("0").split(".")
    dec = len(s[1]) if len(s) > 1 else 0
    return Iv.around(np.array([v * tg.scale]), np.array([0.5 * 10.0 ** (-dec) * tg.scale]))


def check_against_plan(t: PlanTable, plan: Plan, rs: RuleSet) -> list[Finding]:
    """The table's figures against the targets and stated facts of its plan's text (提示性)."""
    out = []
    for tg in (*plan.targets, *plan.statements):
        canon = item_name(tg.indicator) or indicator_name(tg.indicator, rs)
        row = t.row(canon) if canon else None
        if row is None or tg.kind in ("task", "share_completed", "growth", "average", "total"):
            continue
        checks: list[tuple[str, str, Iv, Iv, str]] = []  # (cell, column, actual, expected, how)
        if tg.kind in ("level", "on_track", "path", "bound"):
            for y, c in row.values.items():
                goal = tg.target_value(y) if tg.kind == "path" else tg.value
                applies = (tg.kind == "path" and y in tg.values) or (tg.kind in ("level", "on_track") and y == tg.year) or (
                    tg.kind == "bound" and (tg.years or plan.years)[0] <= y <= (tg.years or plan.years)[1])
                if applies and c.iv is not None and goal is not None:
                    exp = _value_iv(tg) if tg.kind != "path" else Iv.point(np.array([goal]))
                    checks.append((c.ref, f"{y}年", c.iv, exp, show(c.iv, row.unit)))
        elif tg.kind in ("cagr", "change") and tg.years:
            a, b = row.values.get(tg.years[0]), row.values.get(tg.years[1])
            if a is None or a.iv is None or b is None or b.iv is None:
                continue
            n = float(tg.years[1] - tg.years[0])
            use_col = tg.kind == "cagr" and row.growth is not None and row.growth.iv is not None and (
                tg.years == (t.years[0], t.years[-1]))
            if use_col:
                assert row.growth is not None and row.growth.iv is not None
                act, ref = row.growth.iv, row.growth.ref
            else:
                act = evaluator.cagr(b.iv, a.iv, Iv.point(np.array([n]))) if tg.kind == "cagr" else evaluator.growth(b.iv, a.iv)
                ref = b.ref
            checks.append((ref, "年均增速" if tg.kind == "cagr" else f"{tg.years[0]}–{tg.years[1]}年",
                           act, _value_iv(tg), format_percent(act.mid[0])))
        for ref, col, act, exp, shown in checks:
            if not bool(act.known[0]) or not fails(tg, act, exp):
                continue
            what = "规划正文所述" if tg.statement else "规划目标"
            out.append(_f(t, f"PT-TEXT-{tg.id}", "warning", ref, row.name, col,
                          f"{row.name} {col} 表中为 {shown}，与{what}不符：{tg.describe()}。{tg.cite()}",
                          tg.describe(), shown, source=tg.source, plan=plan.id, quote=tg.quote, seed=tg.seed))
    return out


def plan_of(t: PlanTable, plans: Sequence[Plan]) -> Plan | None:
    """The plan a table belongs to: one whose region (监管机构 without 国资委/国资局) its title or file names."""
    hay = f"{t.title} {t.sheet} {Path(t.file).stem}"
    for p in plans:
        for s in p.supervisors:
            stem = s.removesuffix("国资委").removesuffix("国资局")
            if stem and stem in hay:
                return p
    return None


def check_plan_table(path: str | Path, plan_file: str | Path | None = None, rs: RuleSet | None = None) -> list[Finding]:
    """Every finding on every plan table in the workbook (empty list when it holds none)."""
    return plan_table_findings(path, plan_file, rs) or []


def plan_table_findings(path, plan_file: str | Path | None = None, rs: RuleSet | None = None) -> list[Finding] | None:
    """Every finding on every plan table of a workbook (a path or a binary file object); None when it holds none
    (or cannot be opened as a plan table), so that `check` and `batch` tell a plan table from other workbooks."""
    rs = rs or shipped_rules()
    try:
        tables = read_plan_tables(path, rs)
    except Exception:  # not an xlsx openpyxl can open: no plan table
        return None
    if not tables:
        return None
    out: list[Finding] = []
    for t in tables:
        out += check_ratios(t, rs) + check_growth(t) + check_capital(t)
        plan = load_plan(plan_file, rs) if plan_file else plan_of(t, shipped_plans())
        if plan is not None:
            out += check_against_plan(t, plan, rs)
    return out
