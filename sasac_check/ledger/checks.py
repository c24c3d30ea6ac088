"""The checks of a ledger: each rule of rules/ledger/checks.yaml runs the function its `check:` names, per task row."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from sasac_check.check.interval import Iv, violated
from sasac_check.ledger.dates import parse_years, show
from sasac_check.ledger.files import LedgerRule, Programme, ledger_rules, programme_for
from sasac_check.ledger.model import DONE, STATUSES, Ledger, LedgerRow
from sasac_check.model.finding import Finding
from sasac_check.read.numbers import NotANumber, parse_number

FAMILY = "台账"


@dataclass
class Context:
    """What the row checks share: the ledger, the programme period and the plans' completion targets."""

    ledger: Ledger
    period: tuple[int, int] | None
    plans: Sequence[Any]


@dataclass(frozen=True)
class Hit:
    """One failure of a check: the column whose cell it points at, the message's fields, expected / actual."""

    column: str
    fields: dict[str, Any]
    expected: Any = None
    actual: Any = None
    extra: dict[str, Any] | None = None


def _shown_rate(v: float, decimals: int | None) -> str:
    d = max(0, (decimals if decimals is not None else 4) - 2)
    return f"{v * 100:.{d}f}%"


def rate_readings(raw: Any, points: bool) -> list[tuple[float, float, int | None]]:
    """The fractions a stated 完成率 can mean, each (value, half-width of its written precision, decimals).

    "73%" (text) and 0.73 (a percent cell) are 73 %; under a header 完成率（%） a number is in percent points.
    A bare number above 1 elsewhere may be either (120 % over-fulfilled, or 73 typed for 73 %): both readings
    are kept, and the rate is reported only when neither holds.
    """
    try:
        p = parse_number(raw)
    except NotANumber:
        return []
    if p.value is None:
        return []
    half = 0.5 * 10.0 ** -(p.decimals if p.decimals is not None else 10)
    if p.percent:
        return [(p.value, half, p.decimals)]
    points_reading = (p.value / 100, half / 100, (p.decimals or 0) + 2)
    if points:
        return [points_reading]
    return [(p.value, half, p.decimals), points_reading] if p.value > 1 else [(p.value, half, p.decimals)]


def check_rate(row: LedgerRow, ctx: Context) -> Iterator[Hit]:
    due, done = row.count("应完成数"), row.count("已完成数")
    readings = rate_readings(row.values.get("完成率"), ctx.ledger.rate_points)
    if not readings or due is None or done is None or due == 0:
        return
    computed = Iv.point(np.array([done / due]))
    if all(violated("==", Iv(np.array([v - h]), np.array([v + h])), computed)[0] for v, h, _ in readings):
        rate, half, decimals = readings[0]
        yield Hit("完成率", {"done": done, "due": due, "actual": _shown_rate(rate, decimals),
                           "expected": f"{done / due * 100:.2f}%", "range": f"[{(rate - half) * 100:.2f}%, {(rate + half) * 100:.2f}%]"},
                  expected=round(done / due * 100, 6), actual=round(rate * 100, 6),
                  extra={"expected_range": [round((rate - half) * 100, 6), round((rate + half) * 100, 6)], "unit": "%"})


def check_number(row: LedgerRow, ctx: Context) -> Iterator[Hit]:
    for col in ("应完成数", "已完成数", "完成率"):
        v, _, problem = row.number(col)
        if not problem and v is not None and col != "完成率":
            problem = "不能为负数" if v < 0 else "" if float(v).is_integer() else "应为整数（数量按户、项计）"
        if problem:
            yield Hit(col, {"column": col, "actual": row.text(col), "problem": problem}, actual=row.text(col))


def check_done_short(row: LedgerRow, ctx: Context) -> Iterator[Hit]:
    due, done, status = row.count("应完成数"), row.count("已完成数"), row.text("完成状态")
    if status in DONE and due is not None and done is not None and done < due:
        yield Hit("完成状态", {"status": status, "done": done, "due": due}, expected=due, actual=done)


def check_count_over(row: LedgerRow, ctx: Context) -> Iterator[Hit]:
    due, done = row.count("应完成数"), row.count("已完成数")
    if due is not None and done is not None and done > due:
        yield Hit("已完成数", {"done": done, "due": due}, expected=due, actual=done)


def check_overdue(row: LedgerRow, ctx: Context) -> Iterator[Hit]:
    span, as_of = row.span(), ctx.ledger.as_of
    if row.text("完成状态") == "未启动" and span is not None and as_of is not None and span.end < as_of:
        yield Hit("完成状态", {"node": row.text("时间节点") or show(span.end), "as_of": show(as_of)},
                  expected=show(span.end), actual="未启动")


def check_node_blank(row: LedgerRow, ctx: Context) -> Iterator[Hit]:
    if not row.text("时间节点") and row.text("完成状态") not in DONE:
        yield Hit("时间节点", {})


def check_node_format(row: LedgerRow, ctx: Context) -> Iterator[Hit]:
    if row.text("时间节点") and row.span() is None:
        yield Hit("时间节点", {"node": row.text("时间节点")}, actual=row.text("时间节点"))


def check_node_period(row: LedgerRow, ctx: Context) -> Iterator[Hit]:
    span = row.span()
    if span is None or ctx.period is None:
        return
    lo, hi = ctx.period
    if span.start.year < lo or span.end.year > hi:
        yield Hit("时间节点", {"node": row.text("时间节点") or show(span.end), "period": f"{lo}—{hi}年"},
                  expected=f"{lo}—{hi}年", actual=row.text("时间节点"))


def check_evidence(row: LedgerRow, ctx: Context) -> Iterator[Hit]:
    if row.text("完成状态") == "已销号" and not row.text("佐证材料"):
        yield Hit("佐证材料", {})


def check_lead(row: LedgerRow, ctx: Context) -> Iterator[Hit]:
    if not row.text("牵头单位"):
        yield Hit("牵头单位", {})


def check_status(row: LedgerRow, ctx: Context) -> Iterator[Hit]:
    status = row.text("完成状态")
    if status not in STATUSES:
        yield Hit("完成状态", {"status": status or "（空白）"}, expected="、".join(STATUSES), actual=status)


ROW_CHECKS: dict[str, Callable[[LedgerRow, Context], Iterator[Hit]]] = {
    "rate": check_rate, "number": check_number, "done_short": check_done_short, "count_over": check_count_over,
    "overdue": check_overdue, "node_blank": check_node_blank, "node_format": check_node_format,
    "node_period": check_node_period, "evidence": check_evidence, "lead": check_lead, "status": check_status,
}


def completed(led: Ledger) -> tuple[int, int]:
    """(tasks done — 已完成 or 已销号, tasks) over the rows that name a task."""
    tasks = [r for r in led.rows if r.text("任务名称")]
    return sum(1 for r in tasks if r.text("完成状态") in DONE), len(tasks)


def _ledger_hits(rule: LedgerRule, ctx: Context) -> Iterator[tuple[str, str, Hit]]:
    """Checks of the whole ledger: (sheet, cell, hit)."""
    led = ctx.ledger
    cover_at = led.cover_cells.get("截至日期") or led.cover_cells.get("报告期") or (led.sheet, "A1")
    if rule.check == "as_of" and led.as_of is None:
        got = led.cover_text("截至日期") or led.cover_text("报告期")
        yield cover_at[0], cover_at[1], Hit("", {"actual": got or "空白"}, actual=got)
    if rule.check == "target" and led.as_of is not None:
        done, n = completed(led)
        at = led.cover_cells.get("总体完成率") or cover_at
        for plan in ctx.plans:
            for t in plan.targets:
                if t.kind != "share_completed" or t.year is None or t.value is None or led.as_of < date(t.year, 12, 31) or not n:
                    continue
                share = done / n
                short = share * 100 < t.value if t.op in (">=", ">") else False
                if t.op == ">":
                    short = share * 100 <= t.value
                if short:
                    yield at[0], at[1], Hit("总体完成率", {
                        "as_of": show(led.as_of), "done": done, "due": n, "actual": f"{share * 100:.2f}%",
                        "expected": f"{t.op.replace('>=', '≥ ').replace('>', '> ')}{t.value:g}%", "plan": plan.title,
                        "seed": t.seed, "quote": t.quote}, expected=t.value, actual=round(share * 100, 6),
                        extra={"unit": "%", "target": t.id, "plan": plan.id})


class _Fields(dict):
    def __missing__(self, k: str) -> str:
        return "{" + k + "}"


def programme_period(led: Ledger, programme: Programme | None = None) -> tuple[int, int] | None:
    """The programme's years: the cover's 方案期间, else the programme named by the cover or its 监管机构."""
    stated = parse_years(led.cover.get("方案期间"))
    if stated:
        return stated
    prog = programme or programme_for(led.cover_text("监管机构"), led.cover_text("改革方案"))
    return prog.period if prog else None


def plans_for_ledger(led: Ledger, plan_file: str | None = None) -> list:
    """The plans whose share_completed targets a ledger is judged on: `plan_file`, else by 监管机构 and year."""
    from sasac_check.plans import load_plan, shipped_plans

    if plan_file:
        return [load_plan(plan_file)]
    if led.as_of is None:
        return []
    return [p for p in shipped_plans() if p.covers(led.cover_text("监管机构"), led.as_of.year)]


def check_ledger(led: Ledger, plan_file: str | None = None, rules: Sequence[LedgerRule] | None = None,
                 use_plans: bool = True) -> list[Finding]:
    """Every finding of every rule on this ledger, each at its cell (plan targets unless `use_plans` is False)."""
    ctx = Context(led, programme_period(led), plans_for_ledger(led, plan_file) if use_plans else [])
    out: list[Finding] = []
    for rule in rules if rules is not None else ledger_rules():
        fn = ROW_CHECKS.get(rule.check)
        hits: list[tuple[str, str, Hit, LedgerRow | None]] = []
        if fn is None:
            hits = [(s, c, h, None) for s, c, h in _ledger_hits(rule, ctx)]
        else:
            for row in led.rows:
                hits += [(led.sheet, row.cells.get(h.column, f"A{row.row}"), h, row) for h in fn(row, ctx)]
        for sheet, cell, h, row in hits:
            fields = _Fields(h.fields)
            if row is not None:
                fields.setdefault("seq", row.text("序号") or f"第{row.row}行")
                fields.setdefault("name", row.text("任务名称"))
            extra = {"family": FAMILY, **(h.extra or {})}
            if row is not None:
                extra["task"] = row.text("序号")
            out.append(Finding(rule.id, rule.severity, rule.message.format_map(fields), file=led.file, sheet=sheet, cell=cell,
                               item=h.column, expected=h.expected, actual=h.actual, source=rule.source, title=rule.title,
                               extra=extra))
    return out
