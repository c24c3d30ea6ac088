"""Writes the standard return template (workbooks/standard-return-template.xlsx) from the catalogue."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from sasac_check.model.catalog import Catalog, SheetDef, catalog

VERSION_NAME = "SASAC_TEMPLATE_VERSION"  # workbook defined name and custom document property
AMOUNT_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.00%"
HEADER_ROW = 3  # 1-based: title, unit note, header

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_INPUT_FILL = PatternFill("solid", fgColor="FFFFF2")
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_UNLOCKED = Protection(locked=False)
_CENTER = Alignment(horizontal="center", vertical="center")

INSTRUCTIONS = (
    "1. 先填写“封面”，金额单位适用于全部报表金额（人数以“人”为单位）。",
    "2. 只在浅黄色单元格中填写数字；亏损、减值损失等以负数填列。",
    "3. 请填写数值而非文本（不要输入“1,234.56”形式的文本或带引号的数字）。",
    "4. 工作表已保护（无密码），如需插入行可在“审阅—撤销工作表保护”后操作；校验按项目名称定位，不依赖行号。",
    "5. “主要指标”的本期值可由校验工具计算填入；百分比指标按百分数填写（如 65.43%）。",
)


def _header(ws: Worksheet, row: int, names: list[str]) -> None:
    for c, name in enumerate(names, start=1):
        cell = ws.cell(row=row, column=c, value=name)
        cell.font, cell.fill, cell.border, cell.alignment = _BOLD, _HEAD_FILL, _BORDER, _CENTER


def _input(cell, number_format: str) -> None:
    cell.number_format = number_format
    cell.protection = _UNLOCKED
    cell.fill = _INPUT_FILL
    cell.border = _BORDER


def _protect(ws: Worksheet) -> None:
    ws.protection.sheet = True  # no password: users may unprotect to insert rows
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _widths(ws: Worksheet, widths: list[float]) -> None:
    for i, w in enumerate(widths):
        ws.column_dimensions[chr(65 + i)].width = w


def _cover(ws: Worksheet, cat: Catalog) -> None:
    ws.title = cat.cover_sheet
    ws.cell(row=1, column=1, value=cat.cover_title).font = _TITLE
    ws.cell(row=2, column=1, value=f"模板版本 {cat.version}；只在浅黄色单元格中填写")
    _header(ws, HEADER_ROW, ["项目", "值"])
    for r, f in enumerate(cat.cover_fields, start=HEADER_ROW + 1):
        label = ws.cell(row=r, column=1, value=f.name)
        label.border = _BORDER
        if f.required:
            label.font = _BOLD
        value = ws.cell(row=r, column=2)
        _input(value, "@")  # text: a 统一社会信用代码 of digits stays text
        if f.name == "模板版本":
            value.value = cat.version
        if f.choices:
            dv = DataValidation(type="list", formula1='"' + ",".join(f.choices) + '"', allow_blank=True,
                                showErrorMessage=True, errorTitle="请从下拉列表选择", error="可选：" + "、".join(f.choices))
            ws.add_data_validation(dv)
            dv.add(value.coordinate)
    r = HEADER_ROW + len(cat.cover_fields) + 2
    ws.cell(row=r, column=1, value="填报说明").font = _BOLD
    for i, line in enumerate(INSTRUCTIONS, start=1):
        ws.cell(row=r + i, column=1, value=line)
    _widths(ws, [22, 44])
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    _protect(ws)


def _statement(ws: Worksheet, sd: SheetDef, full: bool = False) -> None:
    ws.cell(row=1, column=1, value=sd.name).font = _TITLE
    ws.cell(row=2, column=1, value="金额单位：见封面“金额单位”（人数：人）")
    if sd.code:
        ws.cell(row=2, column=2 + len(sd.columns), value=sd.code)
    _header(ws, HEADER_ROW, ["项目", "行次", *sd.columns])
    for r, item in enumerate(sd.all_items if full else sd.items, start=HEADER_ROW + 1):
        label = ws.cell(row=r, column=1, value=item.label)
        line = ws.cell(row=r, column=2, value=r - HEADER_ROW)
        label.border = line.border = _BORDER
        line.alignment = _CENTER
        if item.total:
            label.font = _BOLD
        fmt = COUNT_FORMAT if item.kind == "count" else AMOUNT_FORMAT
        for c in range(len(sd.columns)):
            cell = ws.cell(row=r, column=3 + c)
            _input(cell, fmt)
            if item.total:
                cell.font = _BOLD
    _widths(ws, [46, 6] + [18] * len(sd.columns))
    ws.freeze_panes = f"C{HEADER_ROW + 1}"
    _protect(ws)


def _indicators(ws: Worksheet, cat: Catalog, indicators: dict) -> None:
    ws.cell(row=1, column=1, value=cat.indicator_sheet).font = _TITLE
    ws.cell(row=2, column=1, value="百分比指标按百分数填写；本期值可由校验工具按计算口径填入")
    cols = list(cat.indicator_columns)
    _header(ws, HEADER_ROW, cols)
    numeric = {cat.indicator_value_column, "目标值"}
    for r, ind in enumerate(indicators.values(), start=HEADER_ROW + 1):
        fmt = PERCENT_FORMAT if ind.unit == "%" else AMOUNT_FORMAT
        for c, col in enumerate(cols, start=1):
            cell = ws.cell(row=r, column=c)
            cell.border = _BORDER
            if col == "指标":
                cell.value = ind.name
            elif col == "单位":
                cell.value, cell.alignment = ind.unit, _CENTER
            elif col == "计算口径":
                cell.value = ind.description or ind.text
            elif col in numeric:
                _input(cell, fmt)
            else:
                _input(cell, "General")
    _widths(ws, [26 if c == "指标" else 56 if c == "计算口径" else 8 if c == "单位" else 16 for c in cols])
    ws.freeze_panes = f"B{HEADER_ROW + 1}"
    _protect(ws)


def build_template(indicators: dict | None = None, full: bool = False) -> Workbook:
    """The template as an openpyxl Workbook (not saved).

    The standard template has the lines of the 一般企业 合并 format (财会〔2019〕6号 / 16号); `full` adds, in their
    official places, the lines of a group with financial business and of the format before the new
    financial-instrument standard (schemas/catalog.yaml `template: false`), for the returns that have them.
    """
    from sasac_check.read import shipped_indicators as shipped

    cat = catalog()
    indicators = shipped() if indicators is None else indicators
    wb = Workbook()
    _cover(wb.active, cat)
    for sd in cat.sheets:
        _statement(wb.create_sheet(sd.name), sd, full)
    _indicators(wb.create_sheet(cat.indicator_sheet), cat, indicators)
    wb.defined_names[VERSION_NAME] = DefinedName(VERSION_NAME, attr_text=f'"{cat.version}"')
    wb.custom_doc_props.append(StringProperty(name=VERSION_NAME, value=cat.version))
    wb.properties.title = cat.cover_title
    wb.properties.creator = "sasac-check"
    return wb


def write_template(path: str | Path, full: bool = False) -> Path:
    """Write the standard return template (`full`: with every official line) to `path`, atomically, and return it."""
    from sasac_check.atomicio import save_with

    wb = build_template(full=full)
    return save_with(path, wb.save, what="模板文件")
