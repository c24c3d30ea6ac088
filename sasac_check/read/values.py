"""Cells → values with their stated precision (half-widths), in bulk for numbers, one by one for the rest."""

from __future__ import annotations

from datetime import date, datetime
from itertools import compress
from typing import Any, Protocol

from sasac_check.model.catalog import key
from sasac_check.model.finding import Finding
from sasac_check.model.submission import Submission
from sasac_check.read.formulas import NO_CACHE_MESSAGE
from sasac_check.read.grid import Grid, blank, cell_at, coord
from sasac_check.read.numbers import NotANumber, parse_number
from sasac_check.read.scan import finite, finite_sum

_NUMBER = (float, int)


class CellSource(Protocol):
    """What the readers need of a workbook: sheet names, each sheet's grid, its uncached formula cells."""

    names: list[str]

    def grid(self, name: str) -> Grid: ...

    def uncached(self, sheet: str) -> set[str]: ...


def text_of(v: Any) -> str:
    """A cover cell as text: whole floats without `.0`, dates as 2024年6月."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, datetime | date):
        return f"{v.year}年{v.month}月"
    return str(v).strip()


class CellReader:
    """Puts cell values into a Submission (or its compact store) with their half-widths, and reader findings."""

    def __init__(self, file: str, src: CellSource, compact: bool = False) -> None:
        self.file, self.src = file, src
        self.sub = Submission(file=file)
        self.compact = self.sub.start_compact() if compact else None

    def _dicts(self) -> tuple[dict[str, float], dict[str, float]]:
        """Where single values and widths go: the submission's dicts, or its compact store's."""
        return self.compact.cells() if self.compact is not None else (self.sub.values, self.sub.widths)

    def find(self, rule: str, severity: str, message: str, sheet: str = "", cell: str = "", item: str = "",
             column: str = "", **kw: Any) -> None:
        self.sub.problems.append(
            Finding(rule, severity, message, file=self.file, sheet=sheet, cell=cell, item=item, column=column, **kw)
        )

    def read_cells(self, grid: Grid, sheet: str, keys: list[str], rcs: list[tuple[int, int]], names: list[tuple[str, str]],
                   scale: float, width: float | list[float]) -> None:
        """Values of many cells: numbers typed as numbers (nearly all) in bulk, the rest through read_value.

        `width` is the half-width of every cell, or one per cell; `scale` multiplies amounts (1.0: used as is).
        """
        try:
            raws = [grid[r][c] for r, c in rcs]
        except IndexError:  # a ragged grid (values from an open workbook)
            raws = [cell_at(grid, r, c) for r, c in rcs]
        numeric = [type(x) in _NUMBER for x in raws]
        every = all(numeric)
        if not finite_sum(raws if every else list(compress(raws, numeric))):  # NaN / ±inf: through read_value
            numeric = [type(x) in _NUMBER and finite(x) for x in raws]
            every = False
        if every and self.compact is not None:  # float noise (1234.56 × 10000) is far inside the half-width
            self.compact.run(keys, list(map(float, raws)) if scale == 1.0 else [x * scale for x in raws], width)
            return
        values, widths = self._dicts()
        good_keys, good = (keys, raws) if every else (list(compress(keys, numeric)), list(compress(raws, numeric)))
        if scale == 1.0:
            values.update(zip(good_keys, map(float, good), strict=True))
        else:
            values.update(zip(good_keys, [x * scale for x in good], strict=True))
        if isinstance(width, list):
            widths.update(zip(good_keys, width if every else compress(width, numeric), strict=True))
        else:
            widths.update(dict.fromkeys(good_keys, width))
        if not every:
            for i in (i for i, ok in enumerate(numeric) if not ok):
                (r, c), (item, col) = rcs[i], names[i]
                self.read_value(grid, sheet, r, c, item, col, scale, width[i] if isinstance(width, list) else width)

    def read_value(self, grid: Grid, sheet: str, r: int, c: int, item: str, col: str, scale: float,
                   default_w: float, percent: bool = False) -> None:
        k = key(item, col)
        ref = coord(r, c)
        self.sub.cells[k] = (sheet, ref)
        raw = cell_at(grid, r, c)
        sub = self.sub
        if type(raw) is float and not finite(raw):  # NaN / ±inf written into the file: not a number
            sub.unknown.add(k)
            self.find("READ-NOT-NUMBER", "error", f"“{item}”{col} 应为数字，实际为非有限数值“{raw}”", sheet, ref, item, col,
                      actual=str(raw))
            return
        if type(raw) is float or type(raw) is int:  # the common case: a number typed as a number
            value = raw * scale
            values, widths = self._dicts()
            values[k] = round(value, 4) if scale > 1 else float(value)
            widths[k] = default_w
            return
        if blank(raw):
            if ref in (unc := self.src.uncached(sheet)):
                sub.unknown.add(k)
                if ref in getattr(unc, "errors", ()):
                    self.find("READ-NOT-NUMBER", "error", f"“{item}”{col} 应为数字，实际为错误值（如 #DIV/0!、#REF!）：请更正公式或数据",
                              sheet, ref, item, col)
                else:
                    self.find("READ-NO-CACHED-VALUE", "error", f"“{item}”{col}：{NO_CACHE_MESSAGE}", sheet, ref, item, col)
            return
        if isinstance(raw, datetime | date):
            raw = str(raw)
        try:
            p = parse_number(raw)
        except NotANumber:
            sub.unknown.add(k)
            self.find("READ-NOT-NUMBER", "error", f"“{item}”{col} 应为数字，实际为文本“{raw}”", sheet, ref, item, col,
                      actual=str(raw))
            return
        if p.value is None:
            return
        value = p.value * scale
        values, widths = self._dicts()
        values[k] = round(value, 4) if scale > 1 else value
        if p.text:
            w = 0.5 * 10.0 ** -(p.decimals or 0) * scale
            shown = f"{p.value:.{max(p.decimals or 0, 0)}f}" if not p.percent else f"{p.value:g}"
            self.find("READ-TEXT-NUMBER", "warning", f"数字以文本形式存储：“{raw}”，已按 {shown} 读取（请改为数值格式）",
                      sheet, ref, item, col, actual=str(raw))
        else:
            w = default_w
        widths[k] = w
