"""Recognises a ledger by its own sheets (a 改革任务台账 sheet, or a header of its columns) and reads it."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sasac_check.ledger.dates import as_of_date
from sasac_check.ledger.model import (
    ALIASES,
    COLUMNS,
    COVER_ALIASES,
    COVER_FIELDS,
    COVER_SHEET,
    LEDGER_SHEET,
    Ledger,
    LedgerRow,
)
from sasac_check.model.submission import UnreadableWorkbook
from sasac_check.read.grid import col_letter

Grid = Sequence[Sequence[Any]]
HEADER_SCAN = 10  # rows of each sheet searched for the header
REQUIRED = ("任务名称", "完成状态")  # a header row is the ledger's when it has these and most of COLUMNS
MIN_COLUMNS = 6


class NotALedger(UnreadableWorkbook):
    """No sheet of the workbook has the ledger's header."""


def _label(v: Any) -> str:
    s = re.sub(r"\s+", "", str(v or ""))
    s = re.sub(r"[（(][^）)]*[）)]$", "", s)  # 完成率（%）→ 完成率
    return ALIASES.get(s, s)


def find_header(grid: Grid) -> tuple[int, dict[str, int]] | None:
    """(0-based header row, column name → 0-based index) where the first rows hold the ledger's header."""
    for r, row in enumerate(grid[:HEADER_SCAN]):
        cols: dict[str, int] = {}
        for c, v in enumerate(row):
            name = _label(v)
            if name in COLUMNS and name not in cols:
                cols[name] = c
        if all(k in cols for k in REQUIRED) and len(cols) >= MIN_COLUMNS:
            return r, cols
    return None


def ledger_sheet(names: Sequence[str], grid_of) -> tuple[str, int, dict[str, int]] | None:
    """The ledger sheet of a workbook: the one named 改革任务台账 first, else any sheet with the header."""
    order = sorted(names, key=lambda n: n != LEDGER_SHEET)
    for n in order:
        got = find_header(grid_of(n))
        if got is not None:
            return n, got[0], got[1]
    return None


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def read_cover(grid: Grid, sheet: str) -> tuple[dict[str, Any], dict[str, tuple[str, str]]]:
    """Cover fields (label in one cell, value in the next non-blank cell to its right) and their cells."""
    values: dict[str, Any] = {}
    cells: dict[str, tuple[str, str]] = {}
    for r, row in enumerate(grid):
        for c, v in enumerate(row[:4]):
            name = re.sub(r"\s+", "", str(v or "")).rstrip(":：")
            name = COVER_ALIASES.get(name, name)
            if name not in COVER_FIELDS or name in cells:
                continue
            vc = c + 1
            cells[name] = (sheet, f"{col_letter(vc)}{r + 1}")
            val = row[vc] if vc < len(row) else None
            if not _blank(val):
                values[name] = val.strip() if isinstance(val, str) else val
            break
    return values, cells


def read_ledger_grids(grids: dict[str, Grid], file: str = "") -> Ledger:
    """A Ledger from sheet values (rows from A1); NotALedger when no sheet has the ledger's header."""
    found = ledger_sheet(list(grids), lambda n: grids[n])
    if found is None:
        raise NotALedger(file, f"未找到改革任务台账（应有“{LEDGER_SHEET}”工作表，表头含 {'、'.join(COLUMNS)}）")
    sheet, hr, cols = found
    led = Ledger(file=file, sheet=sheet, header_row=hr + 1, columns={k: col_letter(c) for k, c in cols.items()})
    if "完成率" in cols:
        head = grids[sheet][hr]
        led.rate_points = any(ch in str(head[cols["完成率"]] or "") for ch in "%％")
    if COVER_SHEET in grids:
        led.cover, led.cover_cells = read_cover(grids[COVER_SHEET], COVER_SHEET)
    grid = grids[sheet]
    for r in range(hr + 1, len(grid)):
        row = grid[r]
        vals = {k: (row[c] if c < len(row) else None) for k, c in cols.items()}
        if all(_blank(v) for v in vals.values()):
            continue
        if _blank(vals.get("任务名称")) and str(vals.get("序号") or "").strip() in ("合计", "总计", "小计"):
            continue
        vals = {k: (v.strip() if isinstance(v, str) else v) for k, v in vals.items()}
        led.rows.append(LedgerRow(r + 1, vals, {k: f"{col_letter(c)}{r + 1}" for k, c in cols.items()}))
    led.as_of = as_of_date(led.cover.get("截至日期"), led.cover.get("报告期"))
    return led


def grids_of_bytes(data: bytes, file: str) -> dict[str, list]:
    """Every sheet's values (calamine), as read_ledger_grids takes them; UnreadableWorkbook when it cannot."""
    try:
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return {n: wb.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in wb.sheet_names}
    except Exception as e:
        raise UnreadableWorkbook(file, f"不是有效的 Excel 工作簿（xlsx）文件，或文件已损坏（{type(e).__name__}）") from None


def read_ledger(path: str | Path, data: bytes | None = None, name: str | None = None) -> Ledger:
    """Read a ledger workbook from disk (or from `data`, e.g. a .zip member) as `name`."""
    file = name or str(path)
    if data is None:
        try:
            data = Path(path).read_bytes()
        except OSError as e:
            raise UnreadableWorkbook(file, f"无法读取文件：{e.strerror or e}") from None
    return read_ledger_grids(grids_of_bytes(data, file), file)
