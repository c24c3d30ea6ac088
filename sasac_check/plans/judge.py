"""Judges plan targets on a series of returns (one enterprise, or a region's 汇总) year by year."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sasac_check.check import evaluator
from sasac_check.check.interval import Iv, violated
from sasac_check.check.table import SubmissionTable
from sasac_check.model.catalog import catalog
from sasac_check.model.finding import Finding, severity_of
from sasac_check.model.submission import Submission
from sasac_check.plans.model import NON_RETURN_KINDS, Plan, Target
from sasac_check.read.cover import period_year
from sasac_check.read.numbers import format_percent
from sasac_check.rules import expr
from sasac_check.rules.load import UNIT_SCALE, RuleSet


@dataclass(frozen=True)
class Outcome:
    """A target judged on one year: actual and expected (元 / fractions), and whether it is missed."""

    target: Target
    year: int
    actual: Iv
    expected: Iv
    missed: bool
    detail: str = ""


def fmt(x: float, unit: str) -> str:
    """A value in 元 / fraction shown in the target's unit: 955.79亿元, 65.00%, 10.53万元/人."""
    if x != x or np.isinf(x):
        return "—"
    if unit == "%":
        return format_percent(x)
    v = x / UNIT_SCALE.get(unit, 1.0)
    return f"{v:,.2f}{unit}" if unit not in ("人", "个") else f"{v:,.0f}{unit}"


def _iv1(iv: Iv, i: int) -> Iv:
    return Iv(iv.lo[i : i + 1], iv.hi[i : i + 1])


def _const(x: float) -> Iv:
    return Iv.point(np.array([x]))


def fails(t: Target, actual: Iv, expected: Iv) -> bool:
    """Certainly missed, whatever rounding hides (≈ allows the target's tolerance)."""
    if t.op == "≈":
        tol = t.abs_tol * t.scale + t.rel_tol * float(np.abs(expected.mid[0]))
        lo, hi = expected.lo - tol, expected.hi + tol
        return bool(((actual.hi < lo) | (actual.lo > hi))[0] & actual.known[0])
    return bool(violated(t.op, actual, expected)[0])


class Series:
    """Returns of one scope by year, with every target's measure evaluated once."""

    def __init__(self, subs: dict[int, Submission]) -> None:
        self.years = sorted(subs)
        self.subs = [subs[y] for y in self.years]
        self.table = SubmissionTable.from_submissions(self.subs)
        self.ev = evaluator.Evaluator(self.table, catalog())
        self._cache: dict[int, Iv] = {}

    def num(self, node: expr.Node | None) -> Iv:
        if node is None:
            return Iv.point(np.full(len(self.years), np.nan))
        k = id(node)
        if k not in self._cache:
            self._cache[k] = self.ev.num(node)
        return self._cache[k]

    def at(self, node: expr.Node | None, year: int) -> Iv | None:
        if year not in self.years:
            return None
        return _iv1(self.num(node), self.years.index(year))

    def stated(self, node: expr.Node | None, year: int) -> bool:
        """Every item the formula reads is filled in (a blank input means not reported, not zero)."""
        if node is None or year not in self.years:
            return False
        sub = self.subs[self.years.index(year)]
        return all(f"{r.item}[{r.column}]" in sub.values for r in expr.refs(node))

    def holds(self, node: expr.Node | None, year: int) -> bool:
        if node is None:
            return True
        return bool(self.ev.truth(node)[self.years.index(year)])


def _in_years(t: Target, plan: Plan, y: int) -> bool:
    lo, hi = t.years or plan.years
    return lo <= y <= hi


def judge_target(t: Target, plan: Plan, s: Series, y: int) -> Outcome | None:
    """The outcome of one target in year y, or None where it does not apply or cannot be known."""
    cur = s.at(t.measure, y)
    if cur is None or t.kind in NON_RETURN_KINDS or t.statement or not s.stated(t.measure, y):
        return None
    goal = t.target_value(y)
    if t.kind == "path":
        if goal is None:
            return None
        return _out(t, y, cur, _const(goal))
    if t.kind == "level":
        return _out(t, y, cur, _const(goal)) if y == t.year and goal is not None else None
    if t.kind == "bound":
        if not _in_years(t, plan, y):
            return None
        exp = s.at(t.than, y) if t.than is not None else _const(goal if goal is not None else np.nan)
        return _out(t, y, cur, exp) if exp is not None else None
    if t.kind == "growth":
        if not _in_years(t, plan, y) or not s.holds(t.when, y) or goal is None:
            return None
        base = s.at(t.prior, y) if t.prior is not None else None
        if base is None:
            return None
        g = evaluator.growth(cur, base)
        return _out(t, y, g, _const(goal), f"（本期 {fmt(cur.mid[0], t.unit if t.unit != '%' else '亿元')}，"
                                           f"上期 {fmt(base.mid[0], t.unit if t.unit != '%' else '亿元')}）")
    if t.kind == "average":
        lo, hi = t.years or plan.years
        yrs = [x for x in s.years if lo <= x <= hi]
        if y != hi or len(yrs) != hi - lo + 1 or goal is None:  # a 年均 target binds the whole period, not a part
            return None
        ivs = [s.at(t.measure, x) for x in yrs]
        mean = Iv(sum(v.lo for v in ivs) / len(ivs), sum(v.hi for v in ivs) / len(ivs))  # type: ignore[union-attr]
        return _out(t, y, mean, _const(goal), f"（{yrs[0]}–{yrs[-1]}年 {len(yrs)} 年平均）")
    if t.kind == "cagr":
        base_year = t.years[0] if t.years else plan.base_year
        if base_year is None or goal is None or y <= base_year or y != s.years[-1]:
            return None
        base = s.at(t.measure, base_year)
        if base is None:
            return None
        g = evaluator.cagr(cur, base, _const(float(y - base_year)))
        return _out(t, y, g, _const(goal), f"（{base_year}–{y}年）")
    if t.kind == "total":
        lo, hi = t.years or plan.years
        if y != hi or any(x not in s.years for x in range(lo, hi + 1)) or goal is None:
            return None
        parts = [s.at(t.measure, x) for x in range(lo, hi + 1)]
        tot = Iv(sum(p.lo for p in parts), sum(p.hi for p in parts))  # type: ignore[union-attr]
        return _out(t, y, tot, _const(goal), f"（{lo}–{hi}年累计）")
    if t.kind == "on_track":
        if t.year is None or goal is None or y > t.year:
            return None
        if y == t.year:
            return _out(t, y, cur, _const(goal))
        base = s.at(t.prior, y) if t.prior is not None else None
        if base is None or not bool(cur.known[0] & (cur.lo[0] > 0)):
            return None
        floor = goal * (1 - t.rel_tol) - t.abs_tol * t.scale if t.op == "≈" else goal
        need = evaluator.cagr(_const(floor), cur, _const(float(t.year - y)))
        got = evaluator.growth(cur, base)
        missed = bool(violated(">=", got, need)[0])
        detail = (f"（{y}年末 {fmt(cur.mid[0], t.unit)}，距 {t.year}年目标 {fmt(floor, t.unit)} 尚需每年增长 "
                  f"{format_percent(need.mid[0])}，本年实际增长 {format_percent(got.mid[0])}）")
        return Outcome(t, y, got, need, missed, detail)
    return None


def _out(t: Target, y: int, actual: Iv, expected: Iv, detail: str = "") -> Outcome:
    return Outcome(t, y, actual, expected, fails(t, actual, expected), detail)


def judge_series(plan: Plan, subs: dict[int, Submission], scope: str) -> list[Outcome]:
    """Every applicable target of `plan` on every year of the series, for scope 企业 or 汇总."""
    targets = [t for t in plan.targets if scope in t.applies_to and t.kind not in NON_RETURN_KINDS]
    if not targets or not any(plan.years[0] <= y <= plan.years[1] for y in subs):
        return []  # nothing to judge: skip building the series (a batch asks this of every return)
    s = Series(subs)
    out = []
    for t in targets:
        for y in s.years:
            if not plan.years[0] <= y <= plan.years[1]:
                continue
            o = judge_target(t, plan, s, y)
            if o is not None:
                out.append(o)
    return out


def finding(o: Outcome, sub: Submission, scope: str, who: str) -> Finding:
    """A missed target as a Finding quoting the target and its source."""
    t = o.target
    unit = t.unit
    if t.kind == "on_track":
        actual_s, expected_s = format_percent(o.actual.mid[0]), format_percent(o.expected.mid[0])
        what = f"按目标进度，{t.describe()} 未在轨{o.detail}"
    else:
        actual_s, expected_s = fmt(o.actual.mid[0], unit), fmt(o.expected.mid[0], unit)
        what = f"{t.indicator} {o.year}年 实际 {actual_s}{o.detail}，未达到计划目标：{t.describe(o.year)}"
    sheet, cell = _locate(t, sub)
    sev = "warning" if scope == "企业" else severity_of(t.level)
    scope_note = "（按全区目标衡量单户企业，提示性）" if scope == "企业" else "（全区汇总）"
    msg = f"{who}：{what}{scope_note}。{t.cite()}"
    return Finding(
        rule=f"PLAN-{t.id}", severity=sev, message=msg, file=sub.file, sheet=sheet, cell=cell, item=t.indicator,
        column=f"{o.year}年", expected=expected_s, actual=actual_s, source=t.source, title=t.describe(o.year),
        extra={"plan": t.plan_id, "scope": scope, "seed": t.seed, "quote": t.quote, "year": o.year,
               "document": t.document, "section": t.section},
    )


def _locate(t: Target, sub: Submission) -> tuple[str, str]:
    """The cell to point at: the indicator on 主要指标 where stated, else the first item of the formula."""
    for k in (f"{t.indicator}[本期值]",):
        if k in sub.cells:
            return sub.cells[k]
    for r in expr.refs(t.measure) if t.measure is not None else []:
        k = f"{r.item}[{r.column}]"
        if k in sub.cells:
            return sub.cells[k]
    return "", ""


def year_of(sub: Submission) -> int | None:
    return period_year(sub.cover.get("报告期", ""))


def judge_return(sub: Submission, plan: Plan, rs: RuleSet | None = None) -> list[Finding]:
    """A single return against the ratio / growth targets that bind each enterprise (提示性); never amounts."""
    y = year_of(sub)
    if y is None:
        return []
    name = sub.cover.get("企业名称") or sub.file
    return [finding(o, sub, "企业", name) for o in judge_series(plan, {y: sub}, "企业") if o.missed]
