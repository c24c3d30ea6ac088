"""Which sheet of a workbook is which canonical sheet: the WorkbookLayout of statements, cover and 主要指标."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from sasac_check.model.catalog import catalog
from sasac_check.read.grid import Grid
from sasac_check.read.layout import SheetLayout, locate_sheet
from sasac_check.read.layoutcache import LAYOUTS


@lru_cache(maxsize=1)
def shipped_indicators() -> dict:
    """The shipped indicators (rules/indicators.yaml and any other shipped rule file)."""
    from sasac_check.model.resources import data_path
    from sasac_check.rules.load import RuleFileError, load_rules, shipped_rules

    try:
        return shipped_rules().indicators
    except RuleFileError:  # another shipped rule file is broken: indicators alone still load
        return load_rules([data_path("rules") / "indicators.yaml"], shipped=False).indicators


@dataclass
class WorkbookLayout:
    """Where every canonical sheet, item, cover field and indicator sits in one workbook."""

    sheets: dict[str, str]  # canonical -> actual name
    statements: dict[str, SheetLayout]
    cover: SheetLayout | None
    indicators: SheetLayout | None
    missing: list[str]

    @classmethod
    def from_grids(cls, names: Sequence[str], grid_of: Callable[[str], Grid], indicators: dict | None = None) -> WorkbookLayout:
        """`grid_of(actual_name)` gives the sheet's cell values as rows (0-based, from A1)."""
        cat = catalog()
        indicators = shipped_indicators() if indicators is None else indicators
        sheets: dict[str, str] = {}
        statements: dict[str, SheetLayout] = {}
        missing: list[str] = []
        for sd in cat.sheets:
            actual = locate_sheet(names, sd.name, sd.code)
            if actual is None:
                missing.append(sd.name)
                continue
            lay = LAYOUTS.statement(grid_of(actual), sd, actual, cat)
            if lay is None:
                missing.append(sd.name)
                continue
            sheets[sd.name] = actual
            statements[sd.name] = lay
        cover = ind = None
        actual = locate_sheet(names, cat.cover_sheet)
        if actual is not None:
            cover = LAYOUTS.cover(grid_of(actual), actual)
        if cover is None:
            missing.append(cat.cover_sheet)
        else:
            sheets[cat.cover_sheet] = actual  # type: ignore[assignment]
        actual = locate_sheet(names, cat.indicator_sheet)
        if actual is not None:
            ind = LAYOUTS.indicators(grid_of(actual), actual, indicators, cat.indicator_columns)
        if ind is None:
            missing.append(cat.indicator_sheet)
        else:
            sheets[cat.indicator_sheet] = actual  # type: ignore[assignment]
        return cls(sheets, statements, cover, ind, missing)

    @classmethod
    def from_openpyxl(cls, wb, indicators: dict | None = None) -> WorkbookLayout:
        def grid_of(name: str) -> list[tuple]:
            return [tuple(r) for r in wb[name].iter_rows(values_only=True)]

        return cls.from_grids(wb.sheetnames, grid_of, indicators)
