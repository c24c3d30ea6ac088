"""Layout of one sheet: its header row, label column, value columns and which row holds which item."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sasac_check.model.catalog import catalog, normalize_label
from sasac_check.read.grid import Grid, blank, cell_at, coord, squeeze

HEADER_SCAN_ROWS = 30
LABEL_HEADERS = {"项目", "项目名称", "行项目", "指标", "指标名称", "资产", "报表项目"}

Lookup = Callable[[str], "str | None"]


@lru_cache(maxsize=4096)
def resolve_label(label: str) -> str | None:
    """The canonical item a statement label names (catalog aliases included), else None."""
    return catalog().resolve(label)


@lru_cache(maxsize=1024)
def _norm(text: str) -> str:
    return normalize_label(text)


def locate_sheet(names: Sequence[str], wanted: str, code: str = "") -> str | None:
    """The sheet of `names` that is the canonical sheet `wanted`: exact, then normalized containment."""
    if wanted in names:
        return wanted
    w = squeeze(wanted)
    for n in names:
        if squeeze(n) == w:
            return n
    for n in names:
        s = squeeze(n)
        if w in s or (code and squeeze(code) in s):
            return n
    return None


@dataclass
class SheetLayout:
    """Where one statement sheet keeps its header, labels, value columns and item rows (0-based)."""

    name: str  # sheet name in the file
    header_row: int
    label_col: int
    columns: dict[str, int]  # canonical column -> column index
    rows: dict[str, int]  # canonical item (or indicator, or cover field) -> row index
    unknown: list[tuple[int, str]] = field(default_factory=list)  # (row, label) of a label that is no item
    duplicates: list[tuple[int, str]] = field(default_factory=list)
    foreign: list[tuple[int, str, str]] = field(default_factory=list)  # (row, label, item of another sheet)
    memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)  # layoutcache's per-layout plans
    more: list[SheetLayout] = field(default_factory=list)  # further blocks: side by side (账户式) or on a 续表 sheet
    header_rows: int = 1  # 2: a header over two (merged) rows

    def pieces(self) -> list[SheetLayout]:
        """This block and every further block of the same statement."""
        return [self, *self.more] if self.more else [self]

    def cell(self, item: str, column: str) -> str | None:
        if item in self.rows and column in self.columns:
            return coord(self.rows[item], self.columns[column])
        return None


def header_row(grid: Grid, match: Lookup) -> tuple[int, dict[str, int]] | None:
    """The first row (of the first HEADER_SCAN_ROWS) with the most cells that `match` maps to a column."""
    best: tuple[int, dict[str, int]] | None = None
    for r in range(min(len(grid), HEADER_SCAN_ROWS)):
        found: dict[str, int] = {}
        for c, v in enumerate(grid[r]):
            if isinstance(v, str) and v.strip():
                col = match(v)
                if col and col not in found:
                    found[col] = c
        if found and (best is None or len(found) > len(best[1])):
            best = (r, found)
    return best


def label_col(grid: Grid, header: int, value_cols: dict[str, int]) -> int:
    """The label column: headed 项目 (or alike), else the text column left of the values with most text below."""
    row = grid[header]
    for c, v in enumerate(row):
        if isinstance(v, str) and squeeze(v) in LABEL_HEADERS:
            return c
    first = min(value_cols.values())
    counts = [
        sum(isinstance(cell_at(grid, r, c), str) and cell_at(grid, r, c).strip() != "" for r in range(header + 1, len(grid)))
        for c in range(first)
    ]
    return max(range(first), key=lambda c: counts[c]) if counts else 0


def has_values(grid: Grid, r: int, cols: dict[str, int]) -> bool:
    """Whether row `r` holds anything in the value columns `cols`."""
    row = grid[r] if r < len(grid) else ()
    n = len(row)
    for c in cols.values():
        if c < n:
            v = row[c]
            if v is not None and v != "" and not (type(v) is str and not v.strip()):
                return True
    return False


def layout_labels(grid: Grid, name: str, lookup: Lookup, columns: Sequence[str]) -> SheetLayout | None:
    """Layout of a label/value sheet (封面, 主要指标): header by `columns`, rows by `lookup(label)`."""
    wanted = {squeeze(c): c for c in columns}
    found = header_row(grid, lambda v: wanted.get(squeeze(v)))
    if found is None or len(found[1]) < 2:
        return _layout_loose(grid, name, lookup)
    hrow, cols = found
    lcol = cols[columns[0]] if columns[0] in cols else label_col(grid, hrow, cols)
    lay = SheetLayout(name, hrow, lcol, cols, {})
    for r in range(hrow + 1, len(grid)):
        label = cell_at(grid, r, lcol)
        if blank(label):
            continue
        target = lookup(str(label).strip())
        if target is None:
            continue
        if target in lay.rows:
            lay.duplicates.append((r, target))
            continue
        lay.rows[target] = r
    return lay


def _layout_loose(grid: Grid, name: str, lookup: Lookup) -> SheetLayout | None:
    """A cover without the 项目/值 header: every cell that names a field; its value is the next cell right."""
    rows: dict[str, int] = {}
    lcol = None
    for r, row in enumerate(grid):
        for c, v in enumerate(row):
            if isinstance(v, str) and v.strip():
                target = lookup(v.strip())
                if target and target not in rows:
                    rows[target] = r
                    lcol = c if lcol is None else lcol
    if not rows or lcol is None:
        return None
    return SheetLayout(name, -1, lcol, {"值": lcol + 1}, rows)


def cover_lookup(label: str) -> str | None:
    """The cover field a label names (trailing colon ignored), else None."""
    f = catalog().cover_field(label.rstrip(":："))
    return f.name if f else None


def indicator_lookup(indicators: dict) -> Lookup:
    """label → indicator name: exact (ignoring width/space) first, then the normalized form, then aliases."""
    exact: dict[str, str] = {}
    loose: dict[str, str] = {}
    for name, ind in indicators.items():
        exact.setdefault(squeeze(name), name)
        for a in getattr(ind, "aliases", ()):
            exact.setdefault(squeeze(a), name)
    for name, ind in indicators.items():
        for n in (name, *getattr(ind, "aliases", ())):
            loose.setdefault(_norm(n), name)

    def lookup(label: str) -> str | None:
        return exact.get(squeeze(label)) or loose.get(_norm(label))

    return lookup
