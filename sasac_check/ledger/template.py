"""Writes the ledger workbook: 封面, 改革任务台账 (drop-down 完成状态) and, pre-filled from a programme, 任务依据."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation

from sasac_check.ledger.files import Programme
from sasac_check.ledger.model import COLUMNS, COVER_SHEET, LEDGER_SHEET, SOURCES_SHEET, STATUSES

HEADER_ROW = 3  # 1-based: title, note, header
FIRST_ROW = HEADER_ROW + 1
BLANK_ROWS = 30  # rows of an empty ledger
SPARE_ROWS = 200  # rows below the tasks that keep the drop-down and formats (tasks are added there)
RATE_FORMAT = "0.00%"
WIDTHS = {"序号": 6, "任务类别": 22, "任务名称": 30, "牵头单位": 18, "责任单位": 30, "时间节点": 12, "完成标志": 40,
          "应完成数": 9, "已完成数": 9, "完成率": 9, "完成状态": 10, "进展情况": 36, "佐证材料": 24}
INPUT = ("时间节点", "完成标志", "应完成数", "已完成数", "完成率", "完成状态", "进展情况", "佐证材料")

_BOLD, _TITLE = Font(bold=True), Font(bold=True, size=14)
_HEAD = PatternFill("solid", fgColor="DDEBF7")
_INPUT = PatternFill("solid", fgColor="FFFFF2")
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")


def letter(col: str) -> str:
    return chr(65 + COLUMNS.index(col))


def _cover(wb: Workbook, prog: Programme | None, last: int) -> None:
    ws = wb.active
    ws.title = COVER_SHEET
    ws["A1"] = f"{prog.title} 改革任务台账" if prog else "国企改革 改革任务台账"
    ws["A1"].font = _TITLE
    ws["A2"] = "填写封面后逐项填写“改革任务台账”；完成状态从下拉列表选择。总体完成率由公式计算。"
    for c, h in enumerate(("项目", "值", "说明"), start=1):
        cell = ws.cell(HEADER_ROW, c, h)
        cell.font, cell.fill, cell.border = _BOLD, _HEAD, _BORDER
    status = f"'{LEDGER_SHEET}'!{letter('完成状态')}{FIRST_ROW}:{letter('完成状态')}{last}"
    names = f"'{LEDGER_SHEET}'!{letter('任务名称')}{FIRST_ROW}:{letter('任务名称')}{last}"
    rows = [
        ("填报单位", "", "报送台账的单位（如 区国资局、某区属企业）"),
        ("报告期", "", "如 2021年12月、2021年度、2021年三季度"),
        ("截至日期", "", "台账进度的截至日期（如 2021-12-31）；逾期按此判断"),
        ("监管机构", prog.supervisors[0] if prog else "", "如 立山区国资局"),
        ("改革方案", prog.title if prog else "", "台账所依据的改革方案"),
        ("方案期间", f"{prog.period[0]}—{prog.period[1]}年" if prog else "", "如 2020—2022年；时间节点应在此期间内"),
        ("填报人", "", ""),
        ("联系电话", "", ""),
        ("总体完成率", f'=IFERROR((COUNTIF({status},"已完成")+COUNTIF({status},"已销号"))/COUNTA({names}),"")',
         "已完成（含已销号）任务数 / 任务总数（公式，勿填）"),
    ]
    for i, (k, v, note) in enumerate(rows, start=FIRST_ROW):
        ws.cell(i, 1, k).border = _BORDER
        cell = ws.cell(i, 2, v or None)
        cell.border = _BORDER
        if k != "总体完成率":
            cell.fill = _INPUT
        ws.cell(i, 3, note)
    ws[f"B{FIRST_ROW + 2}"].number_format = "yyyy-mm-dd"
    ws[f"B{FIRST_ROW + len(rows) - 1}"].number_format = RATE_FORMAT
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width, ws.column_dimensions["C"].width = 14, 40, 52


def _sources(wb: Workbook, prog: Programme) -> None:
    ws = wb.create_sheet(SOURCES_SHEET)
    ws["A1"] = f"任务依据：{prog.title}（{prog.seed}）中每项任务的牵头 / 责任单位与时间节点的原文"
    ws["A1"].font = _BOLD
    head = ("序号", "任务名称", "时间", "时间节点", "内容", "依据", "原文", "出处")
    for c, h in enumerate(head, start=1):
        cell = ws.cell(HEADER_ROW, c, h)
        cell.font, cell.fill, cell.border = _BOLD, _HEAD, _BORDER
    r = FIRST_ROW
    for t in prog.tasks:
        for m in t.milestones:
            for c, v in enumerate((t.seq, t.name, m.when, m.due, m.what, m.basis, m.quote, m.source), start=1):
                ws.cell(r, c, v).alignment = _WRAP
            r += 1
    for c, w in zip("ABCDEFGH", (6, 26, 12, 10, 36, 10, 60, 28), strict=True):
        ws.column_dimensions[c].width = w


def write_ledger_template(path: str | Path, programme: Programme | None = None, rows: int = BLANK_ROWS) -> Path:
    """Write the ledger workbook; with `programme`, one row per task with its units, 时间节点 and 完成标志."""
    tasks = programme.tasks if programme else ()
    n = len(tasks) or rows
    last = FIRST_ROW + n - 1 + SPARE_ROWS
    wb = Workbook()
    _cover(wb, programme, last)
    ws = wb.create_sheet(LEDGER_SHEET)
    ws["A1"] = "改革任务台账"
    ws["A1"].font = _TITLE
    ws["A2"] = ("时间节点填日期或期间（2021年底、2021年三季度、2021-06-30）；完成率 = 已完成数 / 应完成数；"
                "已销号须填佐证材料。")
    for c, h in enumerate(COLUMNS, start=1):
        cell = ws.cell(HEADER_ROW, c, h)
        cell.font, cell.fill, cell.border, cell.alignment = _BOLD, _HEAD, _BORDER, Alignment(horizontal="center", wrap_text=True)
        ws.column_dimensions[letter(h)].width = WIDTHS[h]
    for i in range(n):
        r = FIRST_ROW + i
        if i < len(tasks):
            t = tasks[i]
            for col, v in (("序号", t.seq), ("任务类别", t.category), ("任务名称", t.name), ("牵头单位", t.lead),
                           ("责任单位", t.responsible), ("时间节点", t.due), ("完成标志", t.mark)):
                ws[f"{letter(col)}{r}"] = v
            ws[f"{letter('时间节点')}{r}"].comment = Comment(
                "\n".join(f"{m.when}（{m.basis}）：「{m.quote}」" for m in t.milestones), "sasac-check", width=320, height=140)
        for col in COLUMNS:
            cell = ws[f"{letter(col)}{r}"]
            cell.border, cell.alignment = _BORDER, _WRAP
            if col in INPUT:
                cell.fill = _INPUT
    for col, fmt in (("应完成数", "0"), ("已完成数", "0"), ("完成率", RATE_FORMAT)):
        for r in range(FIRST_ROW, last + 1):
            ws[f"{letter(col)}{r}"].number_format = fmt
    dv = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True, showErrorMessage=True,
                        errorTitle="完成状态", error="请从下拉列表选择：" + "、".join(STATUSES))
    dv.add(f"{letter('完成状态')}{FIRST_ROW}:{letter('完成状态')}{last}")
    ws.add_data_validation(dv)
    ws.freeze_panes = f"D{FIRST_ROW}"
    if programme:
        _sources(wb, programme)
    wb.active = 1
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out
