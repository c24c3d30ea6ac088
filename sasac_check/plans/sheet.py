"""Writes plan tables: the region's 汇总 series and an empty plan table, layout 指标 | 单位 | <year> … | 年均增速."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from sasac_check.plans.region import RegionSummary

# (row label, unit, statement key or indicator name) — the rows of the seeds' 东胜 表1, plus 利润总额 and 净利润.
SUMMARY_ROWS: tuple[tuple[str, str, str], ...] = (
    ("资产总额", "亿元", "资产总计[期末余额]"),
    ("所有者权益", "亿元", "所有者权益合计[期末余额]"),
    ("负债总额", "亿元", "负债合计[期末余额]"),
    ("营业收入", "亿元", "营业收入[本期金额]"),
    ("营业利润", "亿元", "营业利润[本期金额]"),
    ("利润总额", "亿元", "利润总额[本期金额]"),
    ("净利润", "亿元", "净利润[本期金额]"),
    ("上缴税费", "亿元", "上缴税费总额[本期]"),
    ("资产负债率", "%", "资产负债率"),
    ("营业收入利润率", "%", "营业收入利润率"),
    ("保值增值率", "%", "国有资本保值增值率"),
    ("上缴国有资本收益", "亿元", "上缴国有资本收益[本期]"),
)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _header(ws: Worksheet, years: Sequence[int], growth: bool = True) -> None:
    heads = ["指标", "单位", *[f"{y}年" for y in years], *(["年均增速"] if growth else [])]
    for c, h in enumerate(heads, 1):
        cell = ws.cell(1, c, h)
        cell.font, cell.fill, cell.alignment = Font(bold=True), HEADER_FILL, Alignment(horizontal="center")
    ws.column_dimensions["A"].width = 18
    ws.freeze_panes = "C2"


def summary_rows(summary: RegionSummary) -> tuple[list[str], list[list], str]:
    """The 汇总 in the plan-table layout: header, rows (amounts in 亿元, ratios as fractions, None for "-"), note."""
    years = sorted(summary.periods)
    growth = len(years) > 1
    header = ["指标", "单位", *[f"{y}年" for y in years], *(["年均增速"] if growth else [])]
    rows: list[list] = []
    for label, unit, ref in SUMMARY_ROWS:
        vals: list[float | None] = []
        for y in years:
            sub = summary.periods[y]
            if "[" in ref:
                v = sub.values.get(ref)
                v = None if v is None or ref in sub.unknown else v / 1e8
            else:
                v = summary.indicators[y].get(ref)
                v = None if v is None or v != v else v
            vals.append(None if v is None else round(v, 6))
        row: list = [label, unit, *vals]
        if growth:
            g = None
            if unit != "%" and vals[0] and vals[-1] and vals[0] > 0 and vals[-1] > 0:
                g = round((vals[-1] / vals[0]) ** (1 / (years[-1] - years[0])) - 1, 6)
            row.append(g)
        rows.append(row)
    members = "；".join(f"{y}年 {len(summary.members[y])} 户" for y in years)
    note = f"说明：{summary.supervisor} 所属企业报表逐项相加（元）后折算为亿元；比率按汇总金额重新计算。{members}。"
    return header, rows, note


def membership_rows(summary: RegionSummary) -> list[list[str]]:
    """Which returns each year's 汇总 added and which it left out, and why: header first."""
    rows = [["年度", "报表", "是否计入", "说明"]]
    for y in sorted(summary.periods):
        rows += [[f"{y}年", f, "计入", ""] for f in summary.members.get(y, [])]
        rows += [[f"{y}年", f, "未计入", why] for f, why in summary.excluded.get(y, [])]
    return rows


def write_summary_sheet(wb: Workbook, summary: RegionSummary, title: str | None = None) -> Worksheet:
    """Add the 汇总 of one 监管机构 as a sheet (amounts in 亿元, ratios as %), values not formulas."""
    name = (title or f"汇总-{summary.supervisor}")[:31]
    ws = wb.create_sheet(name)
    header, rows, note = summary_rows(summary)
    years = sorted(summary.periods)
    _header(ws, years, len(years) > 1)
    for r, row in enumerate(rows, 2):
        unit = row[1]
        for c, v in enumerate(row, 1):
            cell = ws.cell(r, c, "-" if v is None and c > 2 and c <= len(years) + 2 else v)
            if c > 2:
                cell.number_format = "0.00%" if unit == "%" or (c == len(header) and len(years) > 1) else "0.00"
    ws.cell(len(rows) + 3, 1, note)
    for r, row in enumerate(membership_rows(summary), len(rows) + 5):
        for c, v in enumerate(row, 1):
            ws.cell(r, c).value = v  # file names are data: set as values, never parsed as formulas
            ws.cell(r, c).data_type = "s"
    return ws


def write_plan_template(path: str | Path, years: Sequence[int] = (2021, 2022, 2023, 2024, 2025)) -> Path:
    """An empty plan table: the header and the usual indicator rows, ready to fill."""
    wb = Workbook()
    ws = wb.active
    ws.title = "计划表"
    _header(ws, years)
    rows = [(label, unit) for label, unit, _ in SUMMARY_ROWS] + [
        ("研发投入比重", "%"), ("人均利润总额", "万元/人"), ("经营性资产比重", "%"), ("经营性资产收益率", "%")]
    for r, (label, unit) in enumerate(rows, 2):
        ws.cell(r, 1, label)
        ws.cell(r, 2, unit)
    from sasac_check.atomicio import save_with

    return save_with(path, wb.save, what="计划表模板")
