"""Writes the seeds' tables as workbooks/plans/*.xlsx (values as printed): python -m sasac_check.plans.seedbooks."""

from __future__ import annotations

import sys
from pathlib import Path

from openpyxl import Workbook

from sasac_check.model.resources import data_path

# (title, sheet, years, rows (label, unit, values…, 年均增速 or None)) as printed in the seed texts.
DONGSHENG_ACTUALS = (
    "东胜区 表1 2016-2020年区直属国有企业经济指标数据（单位：亿元）（000_7df9f6d655d1a61f.txt）", "表1",
    [2016, 2017, 2018, 2019, 2020],
    [("资产总额", "亿元", 686.37, 705.75, 808.87, 849.06, 816.04),
     ("所有者权益", "亿元", 157.35, 167.59, 105.39, 98.46, 103.29),
     ("营业收入", "亿元", 3.12, 4.71, 7.73, 16.14, 20.48),
     ("营业利润", "亿元", -11.92, -10.08, -11.18, -7.87, -9.38),
     ("上缴税费", "亿元", 1.61, 0.58, 0.3, 1.01, 1.38),
     ("资产负债率", "%", "77.08%", "76.26%", "86.97%", "88.4%", "87.34%"),
     ("保值增值率", "%", "99.94%", "96.32%", "87.36%", "92.9%", "104.91%"),
     ("上缴国有资本收益", "亿元", "-", "-", 0.0335, 0.0544, 3.32)],
)
DONGSHENG_PLAN = (
    "东胜区 附表：2021年-2025年全区国企主要财务指标安排（单位：亿元）（000_7df9f6d655d1a61f.txt）", "附表",
    [2021, 2022, 2023, 2024, 2025],
    [("资产总额", "亿元", 830.17, 890.77, 955.79, 1025.56, 1100.43),
     ("所有者权益", "亿元", 111.81, 119.97, 128.73, 138.13, 148.21),
     ("营业收入", "亿元", 30.8, 33.05, 35.46, 38.05, 40.83),
     ("利润总额", "亿元", -4.61, -4.27, -3.96, -3.67, -3.4),
     ("上缴税费", "亿元", 2.52, 2.7, 2.89, 3.1, 3.33)],
)
YIYANG = (
    "益阳市“十四五”主要发展指标（表）（002_d4d9e407d95b196b.txt）", "主要发展指标", [2020, 2025],
    [("资产总额", "亿元", 743.89, "1200.00", "10.04%"),
     ("营业收入", "亿元", 25.64, "40.00", "9.31%"),
     ("利润总额", "亿元", 0.87, "2.00", "18.18%"),
     ("净利润", "亿元", 0.17, "1.50", "54.08%"),
     ("营业收入利润率", "%", "3.38%", "5.70%", "11.00%"),
     ("资产负债率", "%", "69.08%", "65.00%", "-1.12%"),
     ("研发投入比重", "%", "-", "2.00%", "144.69%"),
     ("人均利润总额", "万元/人", 6.86, 10.53, "8.94%"),
     ("经营性资产比重", "%", "31.10%", "60.00%", "14.04%"),
     ("经营性资产收益率", "%", "0.96%", "2.00%", "15.78%"),
     ("新基建、战略新兴产业与益阳优势产业投资比重（实体经济投资比重）", "%", "11.20%", "60.00%", "39.88%"),
     ("控股上市公司数量", "家", 0, "1-3 家", None)],
)
BOOKS = {
    "dongsheng_2016-2020.xlsx": [DONGSHENG_ACTUALS],
    "dongsheng_2021-2025_plan.xlsx": [DONGSHENG_PLAN],
    "yiyang_2020-2025.xlsx": [YIYANG],
}


def write_book(path: Path, tables: list) -> Path:
    """One workbook; a title row, then the header 指标 | 单位 | <year> … [| 年均增速], values not formulas."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, sheet, years, rows in tables:
        ws = wb.create_sheet(sheet)
        ws.cell(1, 1, title)
        growth = any(len(r) > 2 + len(years) for r in rows)
        heads = ["指标", "单位", *[f"{y}年" for y in years], *(["年均增速"] if growth else [])]
        for c, h in enumerate(heads, 1):
            ws.cell(2, c, h)
        for r, row in enumerate(rows, 3):
            for c, v in enumerate(row, 1):
                if v is not None:
                    ws.cell(r, c, v)
        ws.column_dimensions["A"].width = 28
    wb.save(path)
    return path


def write_all(folder: Path | None = None) -> list[Path]:
    folder = folder or data_path("workbooks") / "plans"
    folder.mkdir(parents=True, exist_ok=True)
    return [write_book(folder / name, tables) for name, tables in BOOKS.items()]


if __name__ == "__main__":
    for p in write_all(Path(sys.argv[1]) if len(sys.argv) > 1 else None):
        print(p)
