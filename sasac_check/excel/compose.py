"""Composes the ActionList of 校验, 写入指标 and 清除标记 from a workbook's values (excel/actions.py has the types)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sasac_check.excel import formulas
from sasac_check.excel.actions import (
    FILLS,
    FORMULA,
    HEADER_FILL,
    INPUT_FILL,
    MARK,
    MARKS_HEADER,
    MARKS_SHEET,
    RESULT_HEADER,
    RESULTS_SHEET,
    Action,
    ActionList,
    Activate,
    AddSheet,
    Autofit,
    ClearSheet,
    DeleteSheet,
    Formula,
    Grid,
    Record,
    SetFill,
    SetNote,
    SetNumberFormat,
    SetValues,
    cell_text,
    col_letter,
    link,
    number_format,
    quote,
    read_explanations,
    read_marks,
    shown_text,
    split_cell,
)
from sasac_check.model.catalog import catalog, key
from sasac_check.model.finding import SEVERITY_ORDER, Finding
from sasac_check.model.submission import NotAReturn, Submission, UnreadableWorkbook
from sasac_check.rules import expr
from sasac_check.rules.load import RuleSet


# --- reading an open workbook ----------------------------------------------------------------------
@dataclass
class Checked:
    """A return read from sheet values and checked: findings, indicators in their unit, the reader's view."""

    sub: Submission
    findings: list[Finding]
    indicators: dict[str, float | None]
    priors: dict[str, str] = field(default_factory=dict)  # 上年末 / 上年同期 → the prior return compared with


def check_grids(grids: dict[str, Grid], rs: RuleSet, file: str = "", priors: Sequence[Submission] = ()) -> Checked:
    """Read and check a workbook's values (the add-in's own sheets left out); `priors`: returns that may be its
    prior periods (the one matcher, check/priors.py, picks the 上年末 and 上年同期 ones, as `check` does)."""
    from sasac_check.check.run import check_submissions, compute_indicators, pair_with
    from sasac_check.model.result import sort_findings
    from sasac_check.plans import plan_findings
    from sasac_check.read import read_grids

    data = {n: g for n, g in grids.items() if n not in (RESULTS_SHEET, MARKS_SHEET)}
    sub = read_grids(data, file, indicators=rs.indicators)
    paired = pair_with([sub], priors)
    findings, table = check_submissions(rs, [sub], paired)
    findings += plan_findings(rs, [sub])
    inds = compute_indicators(rs, table)
    values = {n: (None if not np.isfinite(v := float(iv.mid[0])) else v) for n, iv in inds.items()}
    used = {k: v[0].file for k, v in paired.items() if v and v[0] is not None}
    return Checked(sub, sort_findings(findings), values, used)


# --- planning --------------------------------------------------------------------------------------
def indicator_formulas(c: Checked, rs: RuleSet) -> tuple[dict[str, tuple[str, str, str]], dict[str, str]]:
    """Indicator → (sheet, cell, "=formula") in the workbook's unit; and indicator → why none."""
    cat = catalog()
    sub = c.sub
    out: dict[str, tuple[str, str, str]] = {}
    skipped: dict[str, str] = {}

    def lookup(item: str, column: str) -> str | None:
        where = sub.cells.get(key(item, column))
        return f"{quote(where[0])}!{where[1]}" if where else None

    for name, ind in rs.indicators.items():
        where = sub.cells.get(key(name, cat.indicator_value_column))
        if where is None:
            continue
        # Amount refs in Excel are in the workbook's unit: scale by (workbook scale)^power / indicator scale.
        factor = sub.scale ** expr.money_power(ind.formula, cat) / ind.scale
        node = ind.formula if factor == 1.0 else expr.Bin("*", ind.formula, expr.Const(factor))
        try:
            out[name] = (where[0], where[1], Formula("=" + formulas.to_excel(node, lookup, cat)))
        except expr.ExprError as e:
            skipped[name] = str(e)
    return out, skipped


def target_cells(grid: Grid, value_cell: str) -> tuple[str, str] | None:
    """The 目标值 and 完成情况 cells on the row of an indicator's 本期值 cell (found by the header row)."""
    row, _ = split_cell(value_cell)
    for r in grid[: row - 1]:
        texts = [cell_text(v) for v in r]
        if "目标值" in texts and "完成情况" in texts:
            return f"{col_letter(texts.index('目标值') + 1)}{row}", f"{col_letter(texts.index('完成情况') + 1)}{row}"
    return None


def plan_targets(c: Checked, rs: RuleSet) -> dict[str, tuple[str, str]]:
    """Indicator → (目标值 text, 完成情况) from the plan that binds this return (None when no plan applies)."""
    try:
        from sasac_check.plans import attainment
        from sasac_check.plans.names import indicator_name
    except ImportError:  # pragma: no cover - plans ship with the package
        return {}
    out: dict[str, list[tuple[str, str]]] = {}
    for t in attainment(c.sub):
        name = indicator_name(t["indicator"], rs)
        if name is None:
            continue
        state = "无法判断" if c.indicators.get(name) is None else ("未达成" if t["完成情况"] == "未达成" else "达成")
        out.setdefault(name, []).append((f"{t['target']}（{t['plan']}）", state))
    return {
        n: ("；".join(t for t, _ in v), "未达成" if any(s == "未达成" for _, s in v) else v[0][1]) for n, v in out.items()
    }


def check_actions(grids: dict[str, Grid], rs: RuleSet, file: str = "", *, marks: bool = True, formulas: bool = True,
                  findings: Sequence[Finding] | None = None, other: Callable[..., ActionList] | None = None,
                  priors: Sequence[Submission] = ()) -> ActionList:
    """校验 (marks and formulas), or 写入指标 alone (marks=False): the actions, from values only.

    `priors`: returns that may be this one's prior periods (the add-in reads those beside the workbook)."""
    try:
        c = check_grids(grids, rs, file, priors)
    except UnreadableWorkbook as e:
        if other is not None and isinstance(e, NotAReturn):  # another kind of workbook: excel.ledger_actions
            return other(grids, file, marks=marks, formulas=formulas, findings=findings)
        return ActionList(summary=f"无法校验：{e.reason}")
    if findings is not None:  # the caller's own run over the file (e.g. `check --annotate`)
        c.findings = list(findings)
    old = read_marks(grids.get(MARKS_SHEET))
    plan = ActionList(computed=c.indicators)
    acts = plan.actions
    records: dict[tuple[str, str, str], Record] = {k: r for k, r in old.items() if r.kind == FORMULA or not marks}
    written: set[tuple[str, str]] = set()
    grid_of = {n: list(g) for n, g in grids.items()}

    if formulas:
        found, plan.skipped = indicator_formulas(c, rs)
        for name, (sheet, cell, f) in found.items():
            ind = rs.indicators[name]
            r, col = split_cell(cell)
            g = grid_of.get(sheet, [])
            prev = g[r - 1][col - 1] if r - 1 < len(g) and col - 1 < len(g[r - 1]) else ""
            records.setdefault((sheet, cell, FORMULA), Record(sheet, cell, FORMULA, "" if prev is None else prev))
            acts.append(SetValues(sheet, cell, ((f,),)))
            acts.append(SetNumberFormat(sheet, cell, number_format(ind.unit, ind.precision)))
            plan.formulas[name] = f
            written.add((sheet, cell))
        # 目标值 and 完成情况 beside each indicator a plan sets a target for.
        for name, (target, state) in plan_targets(c, rs).items():
            where = c.sub.cells.get(key(name, catalog().indicator_value_column))
            cells = target_cells(grid_of.get(where[0], []), where[1]) if where else None
            if not cells:
                continue
            for cell, value in zip(cells, (target, state), strict=True):
                r, col = split_cell(cell)
                g = grid_of.get(where[0], [])
                prev = g[r - 1][col - 1] if r - 1 < len(g) and col - 1 < len(g[r - 1]) else ""
                records.setdefault((where[0], cell, FORMULA), Record(where[0], cell, FORMULA, "" if prev is None else prev))
                acts.append(SetValues(where[0], cell, ((value,),)))

    # Indicator checks whose cell now holds the live formula are settled by writing it.
    corrected = [f for f in c.findings if f.rule.startswith("IND-") and (f.sheet, f.cell) in written]
    kept = [f for f in c.findings if f not in corrected]
    plan.findings = kept
    if not marks:
        plan.summary = _formula_summary(plan, corrected)
        write_records(acts, grids, records)
        return plan

    inputs = set(c.sub.cells.values())  # every located value cell: the template fills these INPUT_FILL
    acts += mark_actions(kept, grids, inputs, old, records)

    explained = read_explanations(grids.get(RESULTS_SHEET))
    plan.summary = summary_line(kept, explained, plan, corrected)
    if c.priors:
        seen = "、".join(f"{k} {Path(v).name}" for k, v in c.priors.items())
        plan.summary += f"（跨期审核：已与同一文件夹中的上期报表比较：{seen}）"
    acts += results_sheet(grids, kept, explained, plan.summary)
    write_records(acts, grids, records)
    acts.append(Activate(RESULTS_SHEET))
    return plan


def mark_actions(kept: Sequence[Finding], grids: dict[str, Grid], inputs: set[tuple[str, str]],
                 old: dict[tuple[str, str, str], Record], records: dict[tuple[str, str, str], Record]) -> list[Action]:
    """A fill and a note on every cell with findings (recorded in `records` so 清除标记 can put them back), and the
    old marks of findings that no longer stand taken off; a return's and a ledger's 校验 alike."""
    acts: list[Action] = []
    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for f in kept:
        if f.sheet and f.cell and f.sheet in grids:
            by_cell.setdefault((f.sheet, f.cell), []).append(f)
    for (sheet, cell), fs in by_cell.items():
        worst = min(fs, key=lambda f: SEVERITY_ORDER[f.severity]).severity
        rec = old.get((sheet, cell, MARK)) or Record(sheet, cell, MARK, fill=INPUT_FILL if (sheet, cell) in inputs else "")
        records[(sheet, cell, MARK)] = rec
        if rec.fill:  # a fill is only ever replaced by one we can put back
            acts.append(SetFill(sheet, cell, FILLS[worst]))
        acts.append(SetNote(sheet, cell, "\n\n".join(note_text(f) for f in fs)))
    for k, rec in old.items():  # marks of findings that no longer stand
        if rec.kind == MARK and k not in records:
            acts += restore_mark(rec)
    return acts


def note_text(f: Finding) -> str:
    """The note on a failing cell: level, rule, message, expected and actual, where the rule comes from."""
    unit = str(f.extra.get("unit", ""))
    lines = [f"【{f.level}】{f.rule} {f.title}".rstrip(), f.message]
    if f.expected is not None or f.actual is not None:
        lines.append(f"应为：{shown_text(f.expected, unit)}；实际：{shown_text(f.actual, unit)}")
    if f.source:
        lines.append(f"规则：{f.source}")
    return "\n".join(lines)


def counts(findings: Sequence[Finding], explained: dict[str, str]) -> dict[str, int]:
    n = {"error": 0, "warning": 0, "info": 0, "explained": 0}
    for f in findings:
        n[f.severity] += 1
        if f.severity == "warning" and f.fingerprint() in explained:
            n["explained"] += 1
    return n


def summary_line(findings: Sequence[Finding], explained: dict[str, str], plan: ActionList, corrected: Sequence[Finding]) -> str:
    n = counts(findings, explained)
    open_w = n["warning"] - n["explained"]
    status = "未通过" if n["error"] else "提示性问题待说明" if open_w else "通过"
    line = (f"校验结果：{status}｜强制性 {n['error']} 项，提示性 {n['warning']} 项（已说明 {n['explained']} 项，"
            f"待说明 {open_w} 项），信息 {n['info']} 项")
    extra = _formula_summary(plan, corrected)
    return f"{line}｜{extra}" if extra else line


def _formula_summary(plan: ActionList, corrected: Sequence[Finding]) -> str:
    if not plan.formulas and not plan.skipped:
        return ""
    s = f"已写入 {len(plan.formulas)} 项指标公式"
    if corrected:
        s += f"（{len(corrected)} 项原填报值与计算值不一致，已改为公式：{'、'.join(f.item for f in corrected)}）"
    if plan.skipped:
        s += f"；未写入：{'、'.join(plan.skipped)}（{next(iter(plan.skipped.values()))}）"
    return s


def results_sheet(grids: dict[str, Grid], findings: Sequence[Finding], explained: dict[str, str], summary: str) -> list[Action]:
    """The 审核结果 sheet rewritten: summary, header, one row per finding with link and kept 说明."""
    acts: list[Action] = []
    if RESULTS_SHEET in grids:
        acts.append(ClearSheet(RESULTS_SHEET))
    else:
        acts.append(AddSheet(RESULTS_SHEET))
    rows: list[tuple[Any, ...]] = [(summary, "", "", "", "", ""), RESULT_HEADER]
    for f in findings:
        where = link(f.sheet, f.cell) if f.sheet and f.cell and f.sheet in grids else (f.sheet or "")
        rows.append((f.level, f.rule, f.message, where, explained.get(f.fingerprint(), ""), f.fingerprint()))
    acts.append(SetValues(RESULTS_SHEET, "A1", tuple(rows)))
    acts.append(SetFill(RESULTS_SHEET, f"A2:{col_letter(len(RESULT_HEADER))}2", HEADER_FILL))
    for i, f in enumerate(findings, start=3):
        acts.append(SetFill(RESULTS_SHEET, f"A{i}", FILLS[f.severity]))
    acts.append(Autofit(RESULTS_SHEET, f"A:{col_letter(len(RESULT_HEADER) - 1)}"))
    return acts


def restore_mark(rec: Record) -> list[Action]:
    acts: list[Action] = []
    if rec.fill:
        acts.append(SetFill(rec.sheet, rec.cell, rec.fill))
    acts.append(SetNote(rec.sheet, rec.cell, rec.note or None))
    return acts


def write_records(acts: list[Action], grids: dict[str, Grid], records: dict[tuple[str, str, str], Record]) -> None:
    if MARKS_SHEET in grids:
        acts.append(ClearSheet(MARKS_SHEET))
    elif records:
        acts.append(AddSheet(MARKS_SHEET, hidden=True))
    else:
        return
    rows = [("sasac-check 标记记录：清除标记时据此恢复，请勿修改", "", "", "", "", ""), MARKS_HEADER]
    rows += [r.row() for r in records.values()]
    acts.append(SetValues(MARKS_SHEET, "A1", tuple(rows)))


def clear_actions(grids: dict[str, Grid]) -> ActionList:
    """清除标记: every fill, note and formula the add-in made put back as it was; its own sheets removed."""
    plan = ActionList()
    old = read_marks(grids.get(MARKS_SHEET))
    for rec in old.values():
        if rec.kind == MARK:
            plan.actions += restore_mark(rec)
        elif rec.sheet in grids:
            plan.actions.append(SetValues(rec.sheet, rec.cell, (("" if rec.value is None else rec.value,),)))
    if MARKS_SHEET in grids:
        plan.actions.append(DeleteSheet(MARKS_SHEET))
    explained = read_explanations(grids.get(RESULTS_SHEET))
    if RESULTS_SHEET in grids:
        if explained:  # the accountant's 说明 is user data: keep the sheet
            plan.actions.append(SetValues(RESULTS_SHEET, "A1", (("标记已清除；下表为上次校验结果，其中的说明在重新校验时保留",),)))
        else:
            plan.actions.append(DeleteSheet(RESULTS_SHEET))
    n = sum(1 for r in old.values() if r.kind == MARK)
    m = len(old) - n
    plan.summary = f"已清除 {n} 处标记，恢复 {m} 项指标单元格的原值" if old else "没有需要清除的标记"
    return plan


