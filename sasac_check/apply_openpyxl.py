"""Applies an action list to an openpyxl Workbook (the --annotate copy, and replaying add-in actions in tests)."""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.workbook import Workbook

from .actions import Action, Activate, AddSheet, ClearSheet, DeleteSheet, SetFill, SetNote, SetNumberFormat, SetValues


def _cells(ws, ref: str):
    rng = ws[ref]
    if not isinstance(rng, tuple):
        return [rng]
    return [c for row in rng for c in (row if isinstance(row, tuple) else (row,))]


def apply_openpyxl(wb: Workbook, actions: Iterable[Action]) -> None:
    """Replay every action into `wb` (notes as comments, fills as solid pattern fills)."""
    for a in actions:
        if isinstance(a, SetValues):
            first = wb[a.sheet][a.cell]
            for i, row in enumerate(a.rows):
                for j, v in enumerate(row):
                    wb[a.sheet].cell(row=first.row + i, column=first.column + j, value=None if v == "" else v)
        elif isinstance(a, SetFill):
            for c in _cells(wb[a.sheet], a.cell):
                c.fill = PatternFill("solid", fgColor=a.color.lstrip("#").upper())
        elif isinstance(a, SetNumberFormat):
            for c in _cells(wb[a.sheet], a.cell):
                c.number_format = a.fmt
        elif isinstance(a, SetNote):
            c = wb[a.sheet][a.cell]
            if a.text:
                c.comment = Comment(a.text, "sasac-check", width=360, height=160)
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
        elif isinstance(a, Activate):
            for ws in wb.worksheets:
                ws.sheet_view.tabSelected = ws.title == a.sheet
            wb.active = wb.sheetnames.index(a.sheet)
