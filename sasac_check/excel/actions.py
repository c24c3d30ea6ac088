"""The changes the add-in makes to a workbook, as one list of plain actions computed from cell values only."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sasac_check.excel import formulas
from sasac_check.model.catalog import catalog, key
from sasac_check.model.finding import SEVERITY_LABEL, SEVERITY_ORDER, Finding
from sasac_check.model.submission import NotAReturn, Submission, UnreadableWorkbook
from sasac_check.rules import expr
from sasac_check.rules.load import RuleSet

RESULTS_SHEET = "审核结果"
MARKS_SHEET = "_sasac_marks"
FILLS = {"error": "#FFC7CE", "warning": "#FFEB9C", "info": "#BDD7EE"}  # 强制性 red, 提示性 amber, 信息 blue
INPUT_FILL = "#FFFFF2"  # the template's fill of every cell a value is typed into
HEADER_FILL = "#DDEBF7"
RESULT_HEADER = ("级别", "规则", "说明文字", "位置", "说明", "编号（勿改）")
MARKS_HEADER = ("工作表", "单元格", "类型", "原值", "原填充", "原批注")
MARK, FORMULA = "标记", "公式"

Grid = Sequence[Sequence[Any]]


# --- the actions -----------------------------------------------------------------------------------
class Formula(str):
    """A formula the tool composed itself (from its own cell references, every quoted part escaped).

    The only values an applier writes as formulas: any other text, whatever it starts with ("=", "+", "@" …),
    comes from a workbook or a rule file and is written as text.
    """


@dataclass(frozen=True)
class SetValues:
    """Write a block of values from `cell` (top-left); a Formula is a formula, every other text is text."""

    sheet: str
    cell: str
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class SetFill:
    sheet: str
    cell: str
    color: str  # "#RRGGBB"; never None (clearing a fill breaks older clients)


@dataclass(frozen=True)
class SetNumberFormat:
    sheet: str
    cell: str
    fmt: str


@dataclass(frozen=True)
class SetNote:
    """A cell note; None removes it. Optional: clients without notes skip it (the results sheet has it all)."""

    sheet: str
    cell: str
    text: str | None


@dataclass(frozen=True)
class AddSheet:
    """Append a sheet at the end; `hidden` where the client can hide sheets."""

    name: str
    hidden: bool = False


@dataclass(frozen=True)
class ClearSheet:
    name: str


@dataclass(frozen=True)
class DeleteSheet:
    name: str


@dataclass(frozen=True)
class Activate:
    sheet: str


@dataclass(frozen=True)
class Autofit:
    """Fit the widths of a column range (e.g. "A:F") to their content."""

    sheet: str
    columns: str


Action = SetValues | SetFill | SetNumberFormat | SetNote | AddSheet | ClearSheet | DeleteSheet | Activate | Autofit


@dataclass
class ActionList:
    """The actions for one button press, and what to tell the accountant."""

    actions: list[Action] = field(default_factory=list)
    summary: str = ""
    findings: list[Finding] = field(default_factory=list)
    formulas: dict[str, str] = field(default_factory=dict)  # indicator -> "=..." written
    computed: dict[str, float | None] = field(default_factory=dict)  # indicator -> engine value (its unit)
    skipped: dict[str, str] = field(default_factory=dict)  # indicator -> why no formula


# --- small helpers ---------------------------------------------------------------------------------
def col_letter(idx: int) -> str:
    """1-based column number → Excel letters (1 → A)."""
    s = ""
    while idx:
        idx, r = divmod(idx - 1, 26)
        s = chr(65 + r) + s
    return s


def split_cell(cell: str) -> tuple[int, int]:
    """"C9" → (9, 3), 1-based row and column."""
    letters = "".join(ch for ch in cell if ch.isalpha()).upper()
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int("".join(ch for ch in cell if ch.isdigit())), col


def quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def excel_string(text: str) -> str:
    """A string literal inside a formula: quoted, with each double quote doubled."""
    return '"' + text.replace('"', '""') + '"'


def link(sheet: str, cell: str) -> Formula:
    """An in-workbook link every client writes as a value: =HYPERLINK("#'资产负债表'!C9","资产负债表!C9").

    Both the target and the text shown are escaped: a sheet named `x")&HYPERLINK(…` stays a name.
    """
    return Formula(f"=HYPERLINK({excel_string(f'#{quote(sheet)}!{cell}')},{excel_string(f'{sheet}!{cell}')})")


def number_format(unit: str, precision: int) -> str:
    dec = "." + "0" * precision if precision > 0 else ""
    return f"0{dec}%" if unit == "%" else f"#,##0{dec}"


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and v.strip() == "")


def _text(v: Any) -> str:
    return "" if _blank(v) else str(v).strip()


def _shown(v: Any, unit: str) -> str:
    if v is None:
        return "—"
    if isinstance(v, int | float):
        return f"{v:,.2f}%" if unit == "%" else f"{v:,.2f}{(' ' + unit) if unit else ''}"
    return str(v)


# --- state left by a previous run ------------------------------------------------------------------
@dataclass
class Record:
    """One cell the add-in changed, with what it held before (so that 清除标记 can put it back)."""

    sheet: str
    cell: str
    kind: str  # 标记 | 公式
    value: Any = ""
    fill: str = ""
    note: str = ""

    def row(self) -> tuple[Any, ...]:
        return (self.sheet, self.cell, self.kind, "" if self.value is None else self.value, self.fill, self.note)


def read_marks(grid: Grid | None) -> dict[tuple[str, str, str], Record]:
    """The records of the hidden sheet `_sasac_marks` (values only)."""
    out: dict[tuple[str, str, str], Record] = {}
    if not grid:
        return out
    rows = list(grid)
    start = next((i + 1 for i, r in enumerate(rows) if r and _text(r[0]) == MARKS_HEADER[0]), None)
    if start is None:
        return out
    for r in rows[start:]:
        r = list(r) + [""] * 6
        sheet, cell, kind = _text(r[0]), _text(r[1]), _text(r[2])
        if sheet and cell and kind in (MARK, FORMULA):
            out[(sheet, cell, kind)] = Record(sheet, cell, kind, "" if r[3] is None else r[3], _text(r[4]), _text(r[5]))
    return out


def read_explanations(grid: Grid | None) -> dict[str, str]:
    """Fingerprint → the 说明 the accountant typed on the results sheet of a previous run."""
    out: dict[str, str] = {}
    if not grid:
        return out
    rows = [list(r) for r in grid]
    for i, r in enumerate(rows):
        texts = [_text(v) for v in r]
        if "说明" in texts and RESULT_HEADER[-1] in texts:
            ci, cf = texts.index("说明"), texts.index(RESULT_HEADER[-1])
            for r2 in rows[i + 1 :]:
                r2 = r2 + [""] * (max(ci, cf) + 1)
                fp, note = _text(r2[cf]), _text(r2[ci])
                if fp and note:
                    out[fp] = note
            break
    return out


# --- reading an open workbook ----------------------------------------------------------------------
@dataclass
class Checked:
    """A return read from sheet values and checked: findings, indicators in their unit, the reader's view."""

    sub: Submission
    findings: list[Finding]
    indicators: dict[str, float | None]


def check_grids(grids: dict[str, Grid], rs: RuleSet, file: str = "") -> Checked:
    """Read and check a workbook's values (the add-in's own sheets left out)."""
    from sasac_check.check.run import check_submissions, compute_indicators
    from sasac_check.model.result import sort_findings
    from sasac_check.plans import plan_findings
    from sasac_check.read import read_grids

    data = {n: g for n, g in grids.items() if n not in (RESULTS_SHEET, MARKS_SHEET)}
    sub = read_grids(data, file, indicators=rs.indicators)
    findings, table = check_submissions(rs, [sub])
    findings += plan_findings(rs, [sub])
    inds = compute_indicators(rs, table)
    values = {n: (None if not np.isfinite(v := float(iv.mid[0])) else v) for n, iv in inds.items()}
    return Checked(sub, sort_findings(findings), values)


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
        texts = [_text(v) for v in r]
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
                  findings: Sequence[Finding] | None = None, other: Callable[..., ActionList] | None = None) -> ActionList:
    """校验 (marks and formulas), or 写入指标 alone (marks=False): the actions, from values only."""
    try:
        c = check_grids(grids, rs, file)
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
        _write_records(acts, grids, records)
        return plan

    inputs = set(c.sub.cells.values())  # every located value cell: the template fills these INPUT_FILL
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
            acts += _restore_mark(rec)

    explained = read_explanations(grids.get(RESULTS_SHEET))
    plan.summary = summary_line(kept, explained, plan, corrected)
    acts += results_sheet(grids, kept, explained, plan.summary)
    _write_records(acts, grids, records)
    acts.append(Activate(RESULTS_SHEET))
    return plan


def note_text(f: Finding) -> str:
    """The note on a failing cell: level, rule, message, expected and actual, where the rule comes from."""
    unit = str(f.extra.get("unit", ""))
    lines = [f"【{f.level}】{f.rule} {f.title}".rstrip(), f.message]
    if f.expected is not None or f.actual is not None:
        lines.append(f"应为：{_shown(f.expected, unit)}；实际：{_shown(f.actual, unit)}")
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


def _restore_mark(rec: Record) -> list[Action]:
    acts: list[Action] = []
    if rec.fill:
        acts.append(SetFill(rec.sheet, rec.cell, rec.fill))
    acts.append(SetNote(rec.sheet, rec.cell, rec.note or None))
    return acts


def _write_records(acts: list[Action], grids: dict[str, Grid], records: dict[tuple[str, str, str], Record]) -> None:
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
            plan.actions += _restore_mark(rec)
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


def level_label(severity: str) -> str:
    return SEVERITY_LABEL.get(severity, severity)
