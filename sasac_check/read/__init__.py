"""Bytes to a Submission: sniffing, sources, label layout, values with their precision, the cover.

The public API is below; names load lazily so that importing `sasac_check.read.numbers` or `.cover` (used by
reports and plans) does not load the reader.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_API = {
    "read_workbook": "sasac_check.read.reader",
    "NotAReturn": "sasac_check.read.reader",
    "read_bytes": "sasac_check.read.reader",
    "read_grids": "sasac_check.read.reader",
    "UnreadableWorkbook": "sasac_check.model.submission",
    "WorkbookLayout": "sasac_check.read.sheets",
    "shipped_indicators": "sasac_check.read.sheets",
    "SheetLayout": "sasac_check.read.layout",
    "locate_sheet": "sasac_check.read.layout",
    "indicator_lookup": "sasac_check.read.layout",
    "coord": "sasac_check.read.grid",
    "col_letter": "sasac_check.read.grid",
    "squeeze": "sasac_check.read.grid",
    "sheet_parts": "sasac_check.read.zipread",
    "uncached_cells": "sasac_check.read.formulas",
    "LAYOUTS": "sasac_check.read.layoutcache",
}

__all__ = [
    "LAYOUTS",
    "NotAReturn",
    "SheetLayout",
    "UnreadableWorkbook",
    "WorkbookLayout",
    "col_letter",
    "coord",
    "indicator_lookup",
    "locate_sheet",
    "read_bytes",
    "read_grids",
    "read_workbook",
    "sheet_parts",
    "shipped_indicators",
    "squeeze",
    "uncached_cells",
]

if TYPE_CHECKING:
    from sasac_check.model.submission import UnreadableWorkbook
    from sasac_check.read.formulas import uncached_cells
    from sasac_check.read.grid import col_letter, coord, squeeze
    from sasac_check.read.layout import SheetLayout, indicator_lookup, locate_sheet
    from sasac_check.read.layoutcache import LAYOUTS
    from sasac_check.read.reader import NotAReturn, read_bytes, read_grids, read_workbook
    from sasac_check.read.sheets import WorkbookLayout, shipped_indicators
    from sasac_check.read.zipread import sheet_parts


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'sasac_check.read' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
