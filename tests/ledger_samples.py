"""Test helper (not shipped): the 立山 sample ledger with planted problems, and small ledgers built in code.

`python tests/ledger_samples.py` rewrites workbooks/sample-ledger.xlsx.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sasac_check.ledger.files import find_programme  # noqa: E402
from sasac_check.ledger.model import COVER_SHEET, LEDGER_SHEET  # noqa: E402
from sasac_check.ledger.template import FIRST_ROW, letter, write_ledger_template  # noqa: E402

AS_OF = date(2022, 1, 31)
# seq → (完成状态, 应完成数, 已完成数, 完成率, 进展情况, 佐证材料)
STATE: dict[int, tuple] = {
    1: ("已销号", None, None, None, "2021年学习计划已制定并完成集中培训", "区国资局2021年学习培训计划及培训签到表"),
    2: ("已销号", None, None, None, "第一议题制度已建立", "区属企业第一议题制度文件"),
    3: ("推进中", 37, 27, 0.73, "已完成27户全民所有制企业公司制改革", ""),
    4: ("已完成", None, None, None, "党的领导融入公司治理相关制度已印发", "区国资局文件"),
    5: ("推进中", 12, 10, 0.833, "董事会、董事长报告制度已建立", ""),
    6: ("推进中", None, None, None, "授权管理制度起草中", ""),
    7: ("推进中", None, None, None, "", ""),
    8: ("已销号", None, None, None, "负面清单已出台", ""),  # planted: 已销号 without 佐证材料
    9: ("推进中", None, None, None, "", ""),
    10: ("推进中", 10, 9, 0.90, "“僵尸企业”清理完成9户", ""),
    11: ("未启动", None, None, None, "", ""),  # planted: overdue (2021年底 < 2022-01-31)
    12: ("推进中", None, None, None, "", ""),
    13: ("推进中", None, None, None, "", ""),
    14: ("推进中", None, None, None, "", ""),
    15: ("推进中", 40, 27, 0.73, "27户企业开展对标", ""),  # planted: 27 / 40 = 67.5%, not 73%
    16: ("已完成", None, None, None, "规范性文件清理完成", "清理结果公告"),
    17: ("推进中", None, None, None, "考核办法起草中", ""),
    18: ("已完成", None, None, None, "债务风险动态名单已建立", "名单管理办法"),
    19: ("已完成", 8, 6, 0.75, "", "修订后的规章制度汇编"),  # planted: 已完成 with 6 of 8
    20: ("已销号", None, None, None, "", "党委会议记录"),
    21: ("推进中", None, None, None, "", ""),  # planted: 牵头单位 left blank
    22: ("未启动", None, None, None, "", ""),  # planted: overdue
    23: ("推进中", None, None, None, "", ""),
}
NODE_CHANGED = {17: "2023年6月"}  # planted: beyond the programme (2020—2022)
LEAD_BLANK = {21}


def row_of(seq: int) -> int:
    return FIRST_ROW + seq - 1


def cell(col: str, seq: int) -> str:
    return f"{letter(col)}{row_of(seq)}"


# (rule, sheet, cell) of each planted problem; LEDGER-TARGET when judged against a 70 % pace (anhui-2021).
PLANTED: list[tuple[str, str, str]] = [
    ("LEDGER-RATE", LEDGER_SHEET, cell("完成率", 15)),
    ("LEDGER-DONE-SHORT", LEDGER_SHEET, cell("完成状态", 19)),
    ("LEDGER-OVERDUE", LEDGER_SHEET, cell("完成状态", 11)),
    ("LEDGER-OVERDUE", LEDGER_SHEET, cell("完成状态", 22)),
    ("LEDGER-NODE-PERIOD", LEDGER_SHEET, cell("时间节点", 17)),
    ("LEDGER-EVIDENCE", LEDGER_SHEET, cell("佐证材料", 8)),
    ("LEDGER-LEAD", LEDGER_SHEET, cell("牵头单位", 21)),
]
TARGET = ("LEDGER-TARGET", COVER_SHEET, "B12")


def write_sample_ledger(path: str | Path, as_of: date = AS_OF, unit: str = "立山区国资局") -> Path:
    """The 立山 tasks at `as_of` with the problems of PLANTED."""
    out = write_ledger_template(path, find_programme("lishan"))
    wb = openpyxl.load_workbook(out)
    cover, ws = wb[COVER_SHEET], wb[LEDGER_SHEET]
    for label, value in (("填报单位", unit), ("报告期", f"{as_of.year}年{as_of.month}月"), ("截至日期", as_of),
                         ("填报人", "张三"), ("联系电话", "0412-0000000")):
        r = next(c.row for c in cover["A"] if c.value == label)
        cover.cell(r, 2, value)
    for seq, (status, due, done, rate, progress, evidence) in STATE.items():
        for col, v in (("完成状态", status), ("应完成数", due), ("已完成数", done), ("完成率", rate), ("进展情况", progress),
                       ("佐证材料", evidence)):
            ws[cell(col, seq)] = v if v != "" else None
    for seq, node in NODE_CHANGED.items():
        ws[cell("时间节点", seq)] = node
    for seq in LEAD_BLANK:
        ws[cell("牵头单位", seq)] = None
    wb.save(out)
    return out


def write_ledger(path: str | Path, rows: list[dict], cover: dict | None = None) -> Path:
    """A blank-template ledger with `rows` (column → value) from the first task row, and cover fields."""
    out = write_ledger_template(path, rows=max(len(rows), 1))
    wb = openpyxl.load_workbook(out)
    cv, ws = wb[COVER_SHEET], wb[LEDGER_SHEET]
    for label, value in (cover or {}).items():
        r = next(c.row for c in cv["A"] if c.value == label)
        cv.cell(r, 2, value)
    for i, row in enumerate(rows):
        for col, v in row.items():
            ws[f"{letter(col)}{FIRST_ROW + i}"] = v
    wb.save(out)
    return out


if __name__ == "__main__":
    print(write_sample_ledger(ROOT / "workbooks" / "sample-ledger.xlsx"))
