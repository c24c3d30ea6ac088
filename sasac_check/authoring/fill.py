"""Fills a return template from a long values table (sheet,item,column,value), locating cells by label."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl

from sasac_check.excel.apply_openpyxl import put
from sasac_check.model.catalog import catalog, key
from sasac_check.read import WorkbookLayout, indicator_lookup, locate_sheet, shipped_indicators, squeeze
from sasac_check.read.numbers import NotANumber, parse_number

HEADER = ("sheet", "item", "column", "value")
TEXT_MARK = "'"  # a value starting with ' is written as text, verbatim (Excel's own convention)


class FillError(Exception):
    """A values table names a sheet, item or column the template does not have (message in Chinese)."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file} 第 {line} 行：{message}")
        self.file, self.line = file, line


@dataclass
class FillReport:
    """What fill() wrote: the output path and each value's cell."""

    out: Path
    written: int = 0
    blank: int = 0
    cells: dict[str, tuple[str, str]] = field(default_factory=dict)  # key or cover field -> (sheet, "C9")


Row = tuple[str, str, str, Any]


def read_values(path: str | Path) -> list[tuple[int, Row]]:
    """(line number, row) of a values table: UTF-8 CSV (BOM or not) or .xlsx with header sheet,item,column,value."""
    p = Path(path)
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
        rows = [(i, tuple(r)) for i, r in enumerate(wb.worksheets[0].iter_rows(values_only=True), start=1)]
        wb.close()
    else:
        text = decode_table(p.read_bytes(), str(path))
        rows = []
        first = text.split("\n", 1)[0]
        reader = csv.reader(io.StringIO(text), delimiter="\t" if "\t" in first and "," not in first else ",")
        for r in reader:
            rows.append((reader.line_num, tuple(r)))
    if not rows:
        raise FillError(str(path), 1, "数值表为空，应有表头 sheet,item,column,value")
    head = [str(h or "").strip().lower() for h in rows[0][1]][:4]
    if tuple(head) != HEADER:
        raise FillError(str(path), rows[0][0], f"表头应为 {','.join(HEADER)}（得到 {','.join(head)}）")
    out = []
    for line, r in rows[1:]:
        r = tuple(r) + (None,) * (4 - len(r))
        if all(v is None or str(v).strip() == "" for v in r[:4]):
            continue
        out.append((line, (str(r[0] or "").strip(), str(r[1] or "").strip(), str(r[2] or "").strip(), r[3])))
    return out


def decode_table(data: bytes, file: str) -> str:
    """The text of a values table as users save it: UTF-8 (BOM or not), UTF-16 with its BOM (Excel's "Unicode
    text", tab separated) or GBK/GB18030 (Excel's CSV on Chinese Windows)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise FillError(file, 1, "文件以 UTF-16 标记开头，但内容无法按 UTF-16 解码：请另存为 UTF-8 CSV") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        utf8_error = e
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        line = data[: utf8_error.start].count(b"\n") + 1
        raise FillError(file, line, "无法识别文件编码（既不是 UTF-8，也不是 GBK/GB18030 或 UTF-16）：请另存为 UTF-8 CSV") from None


def _near(name: str, pool: Iterable[str]) -> str:
    import difflib

    near = catalog().suggest(name) or difflib.get_close_matches(name, list(pool), n=3, cutoff=0.3)
    return f"，是否为：{'、'.join(near)}？" if near else ""


class _Filler:
    def __init__(self, wb, source: str) -> None:
        self.wb, self.source = wb, source
        self.cat = catalog()
        self.indicators = shipped_indicators()
        self.ind_lookup = indicator_lookup(self.indicators)
        self.lay = WorkbookLayout.from_openpyxl(wb, self.indicators)

    def target(self, line: int, sheet: str, item: str, column: str) -> tuple[str, str, str, str]:
        """(actual sheet, cell, canonical key, kind) for one row, or FillError."""
        cat = self.cat
        err = lambda msg: FillError(self.source, line, msg)  # noqa: E731
        names = [cat.cover_sheet, *(s.name for s in cat.sheets), cat.indicator_sheet]
        canon = locate_sheet(names, sheet) if sheet else None
        if sheet and canon is None:
            raise err(f"未知工作表“{sheet}”，可用：{'、'.join(names)}")
        if canon == cat.cover_sheet:
            f = cat.cover_field(item)
            if f is None:
                raise err(f"未知封面项目“{item}”{_near(item, [c.name for c in cat.cover_fields])}")
            return self._cell(line, canon, f.name, "值", f.name, "text")
        if canon == cat.indicator_sheet:
            name = self.ind_lookup(item)
            if name is None:
                raise err(f"未知指标“{item}”{_near(item, self.indicators)}")
            if squeeze(column) not in {"本期值", "目标值", "完成情况"}:
                raise err(f"“{cat.indicator_sheet}”没有可填写的列“{column}”，可用：本期值、目标值、完成情况")
            col = squeeze(column)
            return self._cell(line, canon, name, col, key(name, col), "text" if col == "完成情况" else "number")
        resolved = cat.resolve(item)
        if resolved is None:
            raise err(f"未知项目“{item}”{_near(item, cat.items)}")
        idef = cat.item(resolved)
        if canon is not None and canon != idef.sheet:
            raise err(f"项目“{item}”属于“{idef.sheet}”，不在“{canon}”中")
        sd = cat.sheet(idef.sheet)
        col = cat.column_of(sd, column)
        if col is None:
            raise err(f"“{sd.name}”没有列“{column}”，可用：{'、'.join(sd.columns)}")
        return self._cell(line, sd.name, resolved, col, key(resolved, col), "number")

    def _cell(self, line: int, canon: str, row: str, col: str, k: str, kind: str) -> tuple[str, str, str, str]:
        lay = self.lay
        sl = lay.cover if canon == self.cat.cover_sheet else (
            lay.indicators if canon == self.cat.indicator_sheet else lay.statements.get(canon))
        ref = sl.cell(row, col) if sl else None
        if sl is None or ref is None:
            raise FillError(self.source, line, f"模板中找不到“{canon}”的“{row}”（列“{col}”）：模板不是标准报表或已被改动")
        return sl.name, ref, k, kind

    def write(self, line: int, row: Row, report: FillReport) -> None:
        sheet, item, column, raw = row
        actual, ref, k, kind = self.target(line, sheet, item, column)
        report.cells[k] = (actual, ref)
        cell = self.wb[actual][ref]
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            cell.value = None
            report.blank += 1
            return
        if isinstance(raw, str) and raw.startswith(TEXT_MARK):
            put(cell, raw[1:])
            cell.number_format = "@"
        elif kind == "text":
            put(cell, _text(raw))
        else:
            try:
                cell.value = parse_number(raw).value
            except NotANumber:
                raise FillError(self.source, line, f"“{item}”{column} 的值“{raw}”不是数字") from None
        report.written += 1


def _text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def fill_rows(rows: Iterable[Row | tuple[int, Row]], out: str | Path, template: str | Path | None = None,
              source: str = "<values>") -> FillReport:
    """Fill (sheet, item, column, value) rows into a copy of `template` (default: a fresh one) saved as `out`."""
    from sasac_check.authoring.template import build_template

    wb = openpyxl.load_workbook(template) if template is not None else build_template()
    filler = _Filler(wb, source)
    report = FillReport(Path(out))
    for n, r in enumerate(rows, start=2):
        line, row = (r[0], r[1]) if len(r) == 2 and isinstance(r[1], tuple) else (n, r)  # type: ignore[misc]
        filler.write(line, row, report)  # type: ignore[arg-type]
    from sasac_check.atomicio import save_with

    save_with(report.out, wb.save, [template] if template is not None else [], "输出文件")
    return report


def fill(values: str | Path, out: str | Path, template: str | Path | None = None) -> FillReport:
    """Fill a template from a values file (CSV or xlsx: sheet,item,column,value) and save it as `out`."""
    from sasac_check.atomicio import same_file

    for src, what in ((template, "模板"), (values, "数据文件")):
        if src is not None and (same_file(src, out) or Path(src).resolve() == Path(out).resolve()):
            raise FillError(str(values), 0, f"输出文件不能与{what}相同（{what}不会被修改）")
    return fill_rows(read_values(values), out, template, source=str(values))

