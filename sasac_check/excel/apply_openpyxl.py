"""Applies an action list to an openpyxl Workbook (the --annotate copy, and replaying add-in actions in tests)."""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.workbook import Workbook

from sasac_check.excel.actions import (
    Action,
    Activate,
    AddSheet,
    Autofit,
    ClearSheet,
    DeleteSheet,
    Formula,
    SetFill,
    SetNote,
    SetNumberFormat,
    SetValues,
)


def _cells(ws, ref: str):
    rng = ws[ref]
    if not isinstance(rng, tuple):
        return [rng]
    return [c for row in rng for c in (row if isinstance(row, tuple) else (row,))]


def xml_text(s: str) -> str:
    """Text as a cell can hold it: characters XML cannot carry (control characters) shown as \\xNN."""
    return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m.group(0)):02x}", s) if ILLEGAL_CHARACTERS_RE.search(s) else s


def put(cell, v: object) -> None:
    """One value: a Formula the tool composed is a formula; any other text is text, whatever it starts with."""
    if v == "" or v is None:
        cell.value = None
    elif isinstance(v, Formula):
        cell.value = str(v)
    elif isinstance(v, str):
        cell.value = xml_text(v)
        cell.data_type = "s"  # openpyxl would take a text starting with "=" for a formula
    else:
        cell.value = v


def apply_openpyxl(wb: Workbook, actions: Iterable[Action]) -> None:
    """Replay every action into `wb` (notes as comments, fills as solid pattern fills)."""
    for a in actions:
        if isinstance(a, SetValues):
            first = wb[a.sheet][a.cell]
            for i, row in enumerate(a.rows):
                for j, v in enumerate(row):
                    put(wb[a.sheet].cell(row=first.row + i, column=first.column + j), v)
        elif isinstance(a, SetFill):
            for c in _cells(wb[a.sheet], a.cell):
                c.fill = PatternFill("solid", fgColor=a.color.lstrip("#").upper())
        elif isinstance(a, SetNumberFormat):
            for c in _cells(wb[a.sheet], a.cell):
                c.number_format = a.fmt
        elif isinstance(a, SetNote):
            c = wb[a.sheet][a.cell]
            if a.text:
                c.comment = Comment(xml_text(a.text), "sasac-check", width=360, height=160)
            else:
                c.comment = None
        elif isinstance(a, AddSheet):
            ws = wb.create_sheet(a.name)
            if a.hidden:
                ws.sheet_state = "hidden"
        elif isinstance(a, ClearSheet):
            old = wb[a.name]
            idx, state = wb.sheetnames.index(a.name), old.sheet_state
            wb.remove(old)
            wb.create_sheet(a.name, idx).sheet_state = state
        elif isinstance(a, DeleteSheet):
            if wb.active is not None and wb.active.title == a.name:
                wb.active = 0
            wb.remove(wb[a.name])
        elif isinstance(a, Autofit):
            _autofit(wb[a.sheet], a.columns)
        elif isinstance(a, Activate):
            for ws in wb.worksheets:
                ws.sheet_view.tabSelected = ws.title == a.sheet
            wb.active = wb.sheetnames.index(a.sheet)


def _autofit(ws, columns: str) -> None:
    """Column widths from the longest text (CJK counts double), capped; the summary row 1 is left out."""
    from openpyxl.utils import column_index_from_string, get_column_letter

    first, _, last = columns.partition(":")
    for c in range(column_index_from_string(first), column_index_from_string(last or first) + 1):
        width = 6.0
        for (v,) in ws.iter_rows(min_row=2, min_col=c, max_col=c, values_only=True):
            s = str(v or "")
            if s.startswith("=HYPERLINK("):
                s = s.rsplit(",", 1)[-1]
            width = max(width, sum(2 if ord(ch) > 0x2E80 else 1 for ch in s) * 1.1 + 2)
        ws.column_dimensions[get_column_letter(c)].width = min(width, 80)
