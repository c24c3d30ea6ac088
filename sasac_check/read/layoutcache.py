"""The layout caches, in one place: sheet layouts reused across returns of one template, and per-layout cell plans.

Returns made from one template share their layouts: finding a layout once and recognising it again (same header
row, same label column) is several times cheaper than locating every label of every return. `LAYOUTS` is the one
process-wide cache; `cell_map` / `indicator_map` memoise on the layout object itself (its `memo`), so a cell map
lives exactly as long as its layout.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sasac_check.model.catalog import Catalog, SheetDef, catalog, key
from sasac_check.read.blocks import column_of, layout_statement
from sasac_check.read.grid import Grid, coord
from sasac_check.read.layout import SheetLayout, cover_lookup, indicator_lookup, layout_labels

PER_SHAPE = 8  # layouts kept per (kind, sheet, number of rows): a batch meets one or two templates
LOOKUPS = 8  # indicator lookups kept (one per indicator set in use)


@dataclass
class CellMap:
    """The value cells of one layout, grouped for reading many returns: positions, keys and scaling kind."""

    cells: dict[str, tuple[str, str]]  # key -> (sheet, "C9") of every value cell
    groups: list[tuple[bool, list[str], list[tuple[int, int]], list[tuple[str, str]]]]  # (is_count, keys, (r, c), (item, col))


class LayoutCache:
    """Layouts found before, recognised again by their label column and header row; indicator lookups by set."""

    def __init__(self) -> None:
        # (kind, sheet, rows) -> [(labels, header, layout, labels from the header row down or None)]
        self._reusable: dict[tuple, list[tuple[tuple, tuple, SheetLayout, tuple | None]]] = {}
        self._lookups: list[tuple[dict, Callable[[str], str | None], int]] = []  # (set, lookup, token)
        self._tokens = itertools.count()

    def clear(self) -> None:
        self._reusable.clear()
        self._lookups.clear()

    def reuse(self, kind: tuple, grid: Grid, compute: Callable[[], SheetLayout | None],
              above: Callable[[Grid, SheetLayout], bool] | None = None) -> SheetLayout | None:
        """A layout found before for a sheet with the same label column and header row; else `compute()`.

        A layout is decided by the header row and the label column alone (which row holds which item, which
        column holds which value). Comparing those two against a cached layout is several times cheaper than
        locating again; any difference (an inserted row, a renamed label, a moved column) is a miss, never a
        wrong layout. `above(grid, lay)`: the lines above the header may differ (an export's heading names the
        company and the date) where they hold no header the layout could have been found from instead.
        """
        bucket = self._reusable.setdefault((*kind, len(grid)), [])
        for labels, header, lay, below in bucket:
            if _header(grid, lay) != header:
                continue
            if lay.more:
                same = _labels(grid, lay) == labels
            else:
                lc = lay.label_col
                try:
                    same = tuple([row[lc] for row in grid]) == labels
                except IndexError:  # a ragged grid
                    same = tuple([row[lc] if lc < len(row) else None for row in grid]) == labels
            if same:
                return lay
            if below is not None and above is not None and _labels(grid, lay, lay.header_row) == below and above(grid, lay):
                return lay
        lay = compute()
        if lay is not None and lay.header_row >= 0 and len(bucket) < PER_SHAPE:
            below = _labels(grid, lay, lay.header_row) if above is not None and lay.header_row > 0 else None
            bucket.append((_labels(grid, lay), _header(grid, lay), lay, below))
        return lay

    def statement(self, grid: Grid, sheet: SheetDef, name: str, cat: Catalog) -> SheetLayout | None:
        return self.reuse(("statement", sheet.name, name), grid, lambda: layout_statement(grid, sheet, name, cat),
                          lambda g, lay: no_header_above(g, lay, sheet.name))

    def cover(self, grid: Grid, name: str) -> SheetLayout | None:
        return self.reuse(("cover", name), grid, lambda: layout_labels(grid, name, cover_lookup, ("项目", "值")))

    def indicators(self, grid: Grid, name: str, indicators: dict, columns: Sequence[str]) -> SheetLayout | None:
        """layout_labels of 主要指标 (reused like a statement's), per indicator set."""
        lookup, token = self._lookup(indicators)
        return self.reuse(("indicators", name, token), grid, lambda: layout_labels(grid, name, lookup, columns))

    def _lookup(self, indicators: dict) -> tuple[Callable[[str], str | None], int]:
        """The label lookup of an indicator set and a token naming the set (never reused, unlike an id())."""
        for ind, lookup, token in self._lookups:
            if ind is indicators:
                return lookup, token
        lookup, token = indicator_lookup(indicators), next(self._tokens)
        if len(self._lookups) >= LOOKUPS:
            self._lookups.pop(0)
        self._lookups.append((indicators, lookup, token))
        return lookup, token


def _header(grid: Grid, lay: SheetLayout) -> tuple:
    """The header row(s) a layout was found from."""
    if lay.header_rows == 1:
        return tuple(grid[lay.header_row])
    return tuple(tuple(grid[r]) for r in range(lay.header_row, min(len(grid), lay.header_row + lay.header_rows)))


def _labels(grid: Grid, lay: SheetLayout, start: int = 0) -> tuple:
    """The label column(s) of a layout's blocks on this sheet, from row `start` down."""
    cols = [p.label_col for p in lay.pieces() if p.name == lay.name]
    rows = grid[start:] if start else grid
    if len(cols) == 1:
        lc = cols[0]
        return tuple([row[lc] if lc < len(row) else None for row in rows])
    return tuple(tuple(row[lc] if lc < len(row) else None for lc in cols) for row in rows)


def no_header_above(grid: Grid, lay: SheetLayout, sheet: str) -> bool:
    """No line above a statement's header names as many of its columns (it could not have been the header)."""
    need = len(set(lay.columns.values()))
    for r in range(lay.header_row):
        # a header cell is short and no "label：value" heading line (编制单位：…, 单位：万元): those are skipped unlooked
        found = {col for v in grid[r] if type(v) is str and 0 < len(v) <= 16 and "：" not in v and ":" not in v
                 and (col := column_of(sheet, v.strip()))}
        if len(found) >= min(need, 2) and found:
            return False
    return True


LAYOUTS = LayoutCache()


def cell_map(lay: SheetLayout) -> CellMap:
    """The value cells of a statement layout, grouped into amounts and counts (once per layout)."""
    got = lay.memo.get("cells")
    if got is None:
        got = lay.memo["cells"] = _statement_map(lay)
    return got


def _statement_map(lay: SheetLayout) -> CellMap:
    cat = catalog()
    cells: dict[str, tuple[str, str]] = {}
    groups: dict[bool, tuple[list, list, list]] = {False: ([], [], []), True: ([], [], [])}
    for item, r in lay.rows.items():
        count = cat.item(item).kind == "count"
        for col, c in lay.columns.items():
            k = key(item, col)
            cells[k] = (lay.name, coord(r, c))
            keys, rc, names = groups[count]
            keys.append(k)
            rc.append((r, c))
            names.append((item, col))
    return CellMap(cells, [(count, *g) for count, g in groups.items() if g[0]])


def without(cellmap: CellMap, items: set[str]) -> CellMap:
    """A cell map without the cells of `items` (read before, on another block or sheet of the same statement)."""
    cells = {k: v for k, v in cellmap.cells.items() if k.partition("[")[0] not in items}
    groups = []
    for count, keys, rcs, names in cellmap.groups:
        keep = [i for i, (item, _) in enumerate(names) if item not in items]
        groups.append((count, [keys[i] for i in keep], [rcs[i] for i in keep], [names[i] for i in keep]))
    return CellMap(cells, groups)


def indicator_map(lay: SheetLayout, col: str, indicators: dict) -> tuple[CellMap, list[float]]:
    """The 主要指标 value cells of a layout and each indicator's half-width (once per layout)."""
    got: Any = lay.memo.get(("indicators", col))
    if got is None:
        got = lay.memo[("indicators", col)] = _stated_map(lay, col, indicators)
    return got


def _stated_map(lay: SheetLayout, col: str, indicators: dict) -> tuple[CellMap, list[float]]:
    c = lay.columns[col]
    names = [(name, col) for name in lay.rows]
    rcs = [(r, c) for r in lay.rows.values()]
    cells = {key(name, col): (lay.name, coord(r, c)) for (name, _), (r, c) in zip(names, rcs, strict=True)}
    cellmap = CellMap(cells, [(False, list(cells), rcs, names)])
    return cellmap, [indicators[name].half_width for name, _ in names]
