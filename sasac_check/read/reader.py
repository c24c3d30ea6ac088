"""Reads one return into a Submission: the sheets located, the cover, the statements and 主要指标 read."""

from __future__ import annotations

from pathlib import Path

from sasac_check.model.catalog import SheetDef, catalog
from sasac_check.model.submission import NotAReturn, Submission, UnreadableWorkbook
from sasac_check.read.formulas import NO_CACHE_MESSAGE
from sasac_check.read.grid import Grid, blank, cell_at, coord, squeeze
from sasac_check.read.headings import from_headings
from sasac_check.read.knowledge import knowledge
from sasac_check.read.layout import SheetLayout, has_values
from sasac_check.read.layoutcache import cell_map, indicator_map, without
from sasac_check.read.sheets import WorkbookLayout, shipped_indicators
from sasac_check.read.source import GridSource, Source, load_bytes, sniff
from sasac_check.read.values import CellReader, CellSource, text_of


class Reader(CellReader):
    """One return's reading: which sheet is which, then the cover, each statement and 主要指标."""

    def __init__(self, file: str, src: CellSource, indicators: dict, compact: bool = False) -> None:
        super().__init__(file, src, compact)
        self.indicators = indicators
        self.cat = catalog()

    def run(self) -> Submission:
        lay = WorkbookLayout.from_grids(self.src.names, self.src.grid, self.indicators)
        self.layout = lay
        if not lay.statements:
            wanted = "、".join(s.name for s in self.cat.sheets)
            raise NotAReturn(self.file, f"未找到标准报表的工作表（{wanted}）：这不是国资委标准报表，或工作表已改名")
        self.sub.sheets = dict(lay.sheets)
        for name in lay.missing:
            if name == self.cat.cover_sheet and not lay.standard_cover:
                continue  # no cover sheet: the statements' headings give the cover (read_cover says what is missing)
            if name == self.cat.indicator_sheet:
                if lay.standard_cover:
                    self.find("READ-MISSING-SHEET", "warning", f"缺少工作表“{name}”（或找不到其表头）：应有“{name}”表", sheet=name)
                continue
            self.find("READ-MISSING-SHEET", "error", f"缺少工作表“{name}”（或找不到其表头）：应有“{name}”表", sheet=name)
        self.read_cover(lay.cover)
        for sd in self.cat.sheets:
            if sd.name in lay.statements:
                self.read_statement(sd, lay.pieces(sd.name))
        if lay.indicators is not None:
            self.read_indicators(lay.indicators)
        return self.sub

    # cover ----------------------------------------------------------------------------------------
    def read_cover(self, lay: SheetLayout | None) -> None:
        sub = self.sub
        if lay is not None:
            grid = self.src.grid(lay.name)
            vcol = lay.columns.get("值", lay.label_col + 1)
            header = lay.header_row >= 0
            for fname, r in lay.rows.items():
                if header:  # the common case first: text in the 值 column
                    row = grid[r] if r < len(grid) else ()
                    v = row[vcol] if vcol < len(row) else None
                    if type(v) is str and (v := v.strip()):
                        sub.cells[fname] = (lay.name, coord(r, vcol))
                        sub.cover[fname] = v
                        continue
                c = vcol
                if blank(cell_at(grid, r, c)) and lay.header_row < 0:  # loose layout: next filled cell right
                    c = next((j for j in range(vcol, len(grid[r])) if not blank(grid[r][j])), vcol)
                ref = coord(r, c)
                sub.cells[fname] = (lay.name, ref)
                v = cell_at(grid, r, c)
                if blank(v) and ref in self.src.uncached(lay.name):
                    self.find("READ-NO-CACHED-VALUE", "error", f"封面“{fname}”{NO_CACHE_MESSAGE}", lay.name, ref, fname, "值")
                    continue
                if isinstance(v, float) and abs(v) >= 1e15:
                    self.find("READ-COVER-NUMBER", "warning",
                              f"封面“{fname}”以数字形式存储，超过 15 位的数字已被 Excel 截断：请设为文本格式后重新输入",
                              lay.name, ref, fname, "值", actual=text_of(v))
                if not blank(v):
                    sub.cover[fname] = text_of(v)
        if not self.layout.standard_cover:
            self.cover_elsewhere(lay)
        unit = sub.cover.get("金额单位", "")
        u = squeeze(unit).removeprefix("单位").lstrip(":：").removeprefix("人民币")
        sheet, ref = sub.cells.get("金额单位", (self.cat.cover_sheet, ""))
        if u in self.cat.units:
            sub.unit, sub.scale = u, float(self.cat.units[u])
            sub.cover["金额单位"] = u
        else:
            if unit or self.layout.standard_cover:  # else READ-COVER-FIELD said it already, and where it looked
                what = f"“{unit}”不是可用的金额单位" if unit else "未填写金额单位"
                self.find("READ-UNIT", "error", f"封面{what}，应为 {'、'.join(self.cat.units)} 之一；已按“元”读取",
                          sheet, ref, "金额单位", "值", actual=unit or None)
            sub.unit, sub.scale = "元", 1.0

    def cover_elsewhere(self, lay: SheetLayout | None) -> None:
        """No 封面: values of a 久其 cover sheet as the template spells them, the rest from the statements' headings.

        Each required field found nowhere is one finding that names it and where the tool looked.
        """
        k, sub, wl = knowledge(), self.sub, self.layout
        for fname, v in list(sub.cover.items()):
            sub.cover[fname] = k.cover_value(fname, v)
        code = sub.cover.get("统一社会信用代码", "")
        if code and len(code.strip()) != 18:  # an old 组织机构代码 is no 统一社会信用代码
            del sub.cover["统一社会信用代码"]
        heads = [(p.name, self.src.grid(p.name), p.header_row) for sd in self.cat.sheets
                 for p in wl.pieces(sd.name)[:1]]
        found = from_headings(heads)
        for fname, (v, sheet, ref) in found.values.items():
            if fname not in sub.cover:
                sub.cover[fname] = k.cover_value(fname, v)
                sub.cells[fname] = (sheet, ref)
        where = ("封面" + (f"（“{lay.name}”）" if lay is not None else "（未找到封面、FMDM 等封面工作表）") + "、"
                 + "、".join(found.looked))
        for f in self.cat.cover_fields:
            if f.required and f.name not in sub.cover:
                self.find("READ-COVER-FIELD", "error",
                          f"未找到封面项目“{f.name}”：已查找{where}；请在转换后的标准报表封面中填写（sasac-check convert）"
                          + ("；金额已按“元”读取" if f.name == "金额单位" else ""),
                          lay.name if lay is not None else self.cat.cover_sheet, "", f.name, "值")

    # statements -----------------------------------------------------------------------------------
    def read_statement(self, sd: SheetDef, pieces: list[SheetLayout]) -> None:
        lay = pieces[0]
        have = {c for p in pieces if p.rows for c in p.columns} if len(pieces) > 1 else lay.columns
        for col in sd.columns:
            if col not in have:
                self.find("READ-MISSING-COLUMN", "error", f"“{sd.name}”缺少列“{col}”：表头应为 项目 | 行次 | {' | '.join(sd.columns)}",
                          lay.name, coord(lay.header_row, lay.label_col), column=col)
        read: dict[str, str] | None = {} if len(pieces) > 1 else None
        for piece in pieces:
            self.read_piece(sd, piece, read)

    def read_piece(self, sd: SheetDef, lay: SheetLayout, read: dict[str, str] | None) -> None:
        """One block of a statement (the whole sheet of a template); `read`: item -> cell of what was read before."""
        grid = self.src.grid(lay.name)
        for r, label in lay.unknown:
            if not has_values(grid, r, lay.columns):
                continue
            self.find("READ-UNKNOWN-ITEM", "warning", f"“{sd.name}”中的行“{label}”不是标准报表项目，其数字未读取（请核对）",
                      lay.name, coord(r, lay.label_col), actual=label)
        for r, label, item in lay.foreign:
            if not has_values(grid, r, lay.columns):
                continue
            other = self.cat.item(item).sheet
            self.find("READ-UNKNOWN-ITEM", "info", f"行“{label}”是“{other}”的项目，不应出现在“{sd.name}”中，已忽略",
                      lay.name, coord(r, lay.label_col), item, actual=label)
        for r, item in lay.duplicates:
            first = (read or {}).get(item) or coord(lay.rows[item], lay.label_col)
            self.find("READ-DUPLICATE-ITEM", "warning", f"项目“{item}”在“{sd.name}”中出现两次（另见 {first}），已按第一次读取",
                      lay.name, coord(r, lay.label_col), item)
        cellmap = cell_map(lay)
        again = [i for i in lay.rows if i in read] if read else []
        for item in again:
            self.find("READ-DUPLICATE-ITEM", "warning", f"项目“{item}”在“{sd.name}”中出现两次（另见 {read[item]}），已按第一次读取",
                      lay.name, coord(lay.rows[item], lay.label_col), item)
        if again:
            cellmap = without(cellmap, set(again))
        if read is not None:
            for item, r in lay.rows.items():
                read.setdefault(item, f"{lay.name}!{coord(r, lay.label_col)}")
        self.sub.cells.update(cellmap.cells)
        amount_w = 0.005 * self.sub.scale
        for count, keys, rcs, names in cellmap.groups:
            if count:
                self.read_cells(grid, lay.name, keys, rcs, names, 1.0, 0.5)
            else:
                self.read_cells(grid, lay.name, keys, rcs, names, self.sub.scale, amount_w)

    # 主要指标 -------------------------------------------------------------------------------------
    def read_indicators(self, lay: SheetLayout) -> None:
        col = self.cat.indicator_value_column
        if col not in lay.columns:
            self.find("READ-MISSING-COLUMN", "error", f"“{lay.name}”缺少列“{col}”", lay.name, column=col)
            return
        grid = self.src.grid(lay.name)
        for r, name in lay.duplicates:
            self.find("READ-DUPLICATE-ITEM", "warning", f"指标“{name}”出现两次，已按第一次读取", lay.name,
                      coord(r, lay.label_col), name, col)
        cellmap, widths = indicator_map(lay, col, self.indicators)
        (_, keys, rcs, names), = cellmap.groups
        self.sub.cells.update(cellmap.cells)
        self.read_cells(grid, lay.name, keys, rcs, names, 1.0, widths)


def read_workbook(path: str | Path, *, indicators: dict | None = None, compact: bool = False,
                  fd: int | None = None) -> Submission:
    """Read one return into a Submission; UnreadableWorkbook (with a Chinese reason) when it cannot be read.

    `compact`: values held as runs (Submission.start_compact), for a batch that only tables them. `fd`: the file
    already open for reading (a batch opens it ahead); it is closed here.
    """
    file = str(path)
    return read_bytes(load_bytes(file, file, fd), file, indicators=indicators, compact=compact)


def read_bytes(data: bytes, file: str, *, indicators: dict | None = None, compact: bool = False) -> Submission:
    """One return from its bytes (e.g. a .zip member); the same reasons as read_workbook when unreadable."""
    src = Source(data, file, ole=sniff(data, file))
    return Reader(file, src, shipped_indicators() if indicators is None else indicators, compact).run()


def read_grids(grids: dict[str, Grid], file: str = "", *, indicators: dict | None = None) -> Submission:
    """Read a return from its sheets' values (name → rows from A1), as an add-in sees an open workbook."""
    if not grids:
        raise UnreadableWorkbook(file, "工作簿中没有工作表")
    return Reader(file, GridSource(grids), shipped_indicators() if indicators is None else indicators).run()
