"""The changes the add-in makes to a workbook, as one list of plain actions computed from cell values only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sasac_check.model.finding import SEVERITY_LABEL, Finding

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


def cell_text(v: Any) -> str:
    return "" if _blank(v) else str(v).strip()


def shown_text(v: Any, unit: str) -> str:
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
    start = next((i + 1 for i, r in enumerate(rows) if r and cell_text(r[0]) == MARKS_HEADER[0]), None)
    if start is None:
        return out
    for r in rows[start:]:
        r = list(r) + [""] * 6
        sheet, cell, kind = cell_text(r[0]), cell_text(r[1]), cell_text(r[2])
        if sheet and cell and kind in (MARK, FORMULA):
            out[(sheet, cell, kind)] = Record(sheet, cell, kind, "" if r[3] is None else r[3], cell_text(r[4]), cell_text(r[5]))
    return out


def read_explanations(grid: Grid | None) -> dict[str, str]:
    """Fingerprint → the 说明 the accountant typed on the results sheet of a previous run."""
    out: dict[str, str] = {}
    if not grid:
        return out
    rows = [list(r) for r in grid]
    for i, r in enumerate(rows):
        texts = [cell_text(v) for v in r]
        if "说明" in texts and RESULT_HEADER[-1] in texts:
            ci, cf = texts.index("说明"), texts.index(RESULT_HEADER[-1])
            for r2 in rows[i + 1 :]:
                r2 = r2 + [""] * (max(ci, cf) + 1)
                fp, note = cell_text(r2[cf]), cell_text(r2[ci])
                if fp and note:
                    out[fp] = note
            break
    return out


def level_label(severity: str) -> str:
    return SEVERITY_LABEL.get(severity, severity)
