"""The add-in's actions on a ledger (also `check --annotate`): 完成率 as live formulas, marks, notes, 审核结果.

`workbook_actions` is what the add-in and `--annotate` call: check_actions for a return, ledger_actions for a ledger.
"""

from __future__ import annotations

from collections.abc import Sequence

from sasac_check.excel.actions import (
    FORMULA,
    MARKS_SHEET,
    RESULTS_SHEET,
    ActionList,
    Activate,
    Formula,
    Grid,
    Record,
    SetNumberFormat,
    SetValues,
    read_explanations,
    read_marks,
)
from sasac_check.excel.compose import (
    check_actions,
    mark_actions,
    results_sheet,
    summary_line,
    write_records,
)
from sasac_check.ledger.checks import check_ledger
from sasac_check.ledger.model import Ledger
from sasac_check.ledger.read import read_ledger_grids
from sasac_check.ledger.template import INPUT, RATE_FORMAT
from sasac_check.model.finding import Finding
from sasac_check.model.submission import UnreadableWorkbook
from sasac_check.rules.load import RuleSet

RATE_RULE = "LEDGER-RATE"


def rate_formulas(led: Ledger) -> dict[str, Formula]:
    """Cell of 完成率 → "=IF(H5>0,I5/H5,"")" on every task row whose 应完成数 (> 0) and 已完成数 are counts.

    Rows without counts keep what they state: a qualitative task's 完成率 is the unit's own judgement.
    """
    cols = led.columns
    if not all(k in cols for k in ("应完成数", "已完成数", "完成率")):
        return {}
    out = {}
    for r in led.rows:
        due, done = r.count("应完成数"), r.count("已完成数")
        if due and done is not None:
            h, i = f"{cols['应完成数']}{r.row}", f"{cols['已完成数']}{r.row}"
            points = "*100" if led.rate_points else ""
            out[f"{cols['完成率']}{r.row}"] = Formula(f'=IF({h}>0,{i}/{h}{points},"")')  # own references only
    return out


def _prev(grid: Grid, cell: str):
    from sasac_check.excel.actions import split_cell

    r, c = split_cell(cell)
    v = grid[r - 1][c - 1] if r - 1 < len(grid) and c - 1 < len(grid[r - 1]) else ""
    return "" if v is None else v


def ledger_actions(grids: dict[str, Grid], file: str = "", *, marks: bool = True, formulas: bool = True,
                findings: Sequence[Finding] | None = None, plan_file: str | None = None) -> ActionList:
    """校验 of a ledger (marks, 审核结果, 完成率 formulas) or 写入指标 alone (marks=False), from values only."""
    data = {n: g for n, g in grids.items() if n not in (RESULTS_SHEET, MARKS_SHEET)}
    try:
        led = read_ledger_grids(data, file)
    except UnreadableWorkbook as e:
        return ActionList(summary=f"无法校验：{e.reason}")
    found = list(findings) if findings is not None else check_ledger(led, plan_file)
    old = read_marks(grids.get(MARKS_SHEET))
    plan = ActionList()
    acts = plan.actions
    records = {k: r for k, r in old.items() if r.kind == FORMULA or not marks}
    written: set[tuple[str, str]] = set()
    if formulas:
        grid = list(grids.get(led.sheet, []))
        for cell, f in rate_formulas(led).items():
            records.setdefault((led.sheet, cell, FORMULA), Record(led.sheet, cell, FORMULA, _prev(grid, cell)))
            acts.append(SetValues(led.sheet, cell, ((f,),)))
            acts.append(SetNumberFormat(led.sheet, cell, "0.00" if led.rate_points else RATE_FORMAT))
            plan.formulas[f"{led.sheet}!{cell}"] = f
            written.add((led.sheet, cell))
    corrected = [f for f in found if f.rule == RATE_RULE and (f.sheet, f.cell) in written]
    kept = [f for f in found if f not in corrected]
    plan.findings = kept
    if not marks:
        plan.summary = _summary(plan, corrected)
        write_records(acts, grids, records)
        return plan
    inputs = {(led.sheet, r.cells[c]) for r in led.rows for c in INPUT if c in r.cells}
    acts += mark_actions(kept, grids, inputs, old, records)
    explained = read_explanations(grids.get(RESULTS_SHEET))
    line = summary_line(kept, explained, ActionList(), [])
    extra = _summary(plan, corrected)
    plan.summary = f"{line}｜{extra}" if extra else line
    acts += results_sheet(grids, kept, explained, plan.summary)
    write_records(acts, grids, records)
    acts.append(Activate(RESULTS_SHEET))
    return plan


def _summary(plan: ActionList, corrected: Sequence[Finding]) -> str:
    if not plan.formulas:
        return ""
    s = f"已写入 {len(plan.formulas)} 项完成率公式（已完成数 / 应完成数）"
    if corrected:
        s += f"（{len(corrected)} 项原填完成率与计算值不一致，已改为公式：{'、'.join(f.cell for f in corrected)}）"
    return s


def workbook_actions(grids: dict[str, Grid], rs: RuleSet, file: str = "", **kw) -> ActionList:
    """The actions for a workbook of either kind: a return's (check_actions), or a ledger's (ledger_actions)."""
    return check_actions(grids, rs, file, other=ledger_actions, **kw)
