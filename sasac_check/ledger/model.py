"""The records of a reform-task ledger (改革任务台账): its columns, statuses, cover, rows and their cells."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sasac_check.ledger.dates import Span, parse_span
from sasac_check.read.numbers import NotANumber, parse_number

LEDGER_SHEET = "改革任务台账"
COVER_SHEET = "封面"
SOURCES_SHEET = "任务依据"
KIND = "ledger"

# The columns of the ledger sheet, in order (issue 13 names them; readers find them by these header texts).
COLUMNS: tuple[str, ...] = ("序号", "任务类别", "任务名称", "牵头单位", "责任单位", "时间节点", "完成标志", "应完成数",
                            "已完成数", "完成率", "完成状态", "进展情况", "佐证材料")
STATUSES: tuple[str, ...] = ("未启动", "推进中", "已完成", "已销号")
DONE = frozenset({"已完成", "已销号"})
# Header texts some ledgers use for the same column.
ALIASES: dict[str, str] = {"编号": "序号", "任务": "任务名称", "改革任务": "任务名称", "类别": "任务类别", "牵头部门": "牵头单位",
                           "责任部门": "责任单位", "完成时限": "时间节点", "完成时间": "时间节点", "进度状态": "完成状态",
                           "状态": "完成状态", "佐证资料": "佐证材料", "工作进展": "进展情况"}
# The cover's fields: what the template writes, what the reader looks for (label → field).
COVER_FIELDS: tuple[str, ...] = ("填报单位", "报告期", "截至日期", "监管机构", "改革方案", "方案期间", "填报人", "联系电话",
                                 "总体完成率")
COVER_ALIASES: dict[str, str] = {"报告期 / 截至日期": "截至日期", "截止日期": "截至日期", "统计截至": "截至日期",
                                 "实施方案": "改革方案", "方案名称": "改革方案", "实施期间": "方案期间"}


@dataclass
class LedgerRow:
    """One task of the ledger as written: raw cell values by column, and each column's cell address."""

    row: int  # 1-based worksheet row
    values: dict[str, Any]
    cells: dict[str, str]

    def number(self, col: str) -> tuple[float | None, int | None, str]:
        """(value, decimals as written, problem) of a numeric cell; problem is "" for a number or a blank."""
        try:
            p = parse_number(self.values.get(col))
        except NotANumber:
            return None, None, "不是数值"
        return p.value, p.decimals, ""

    def count(self, col: str) -> int | None:
        """A count (应完成数, 已完成数): a whole number ≥ 0, else None."""
        v, _, problem = self.number(col)
        if problem or v is None or v < 0 or not float(v).is_integer():
            return None
        return int(v)

    def span(self) -> Span | None:
        """The period its 时间节点 names (None when blank or unreadable)."""
        return parse_span(self.values.get("时间节点"))

    def text(self, col: str) -> str:
        v = self.values.get(col)
        if v is None:
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v).strip()


@dataclass
class Ledger:
    """A ledger read from a workbook: cover fields with their cells, task rows, where the sheet is."""

    file: str
    sheet: str
    header_row: int
    rows: list[LedgerRow] = field(default_factory=list)
    cover: dict[str, Any] = field(default_factory=dict)
    cover_cells: dict[str, tuple[str, str]] = field(default_factory=dict)  # field -> (sheet, cell)
    columns: dict[str, str] = field(default_factory=dict)  # column name -> letter
    as_of: date | None = None  # the 截至日期 (or the end of the 报告期)
    rate_points: bool = False  # the header says 完成率（%）: its numbers are percent points (73 = 73 %)

    def cover_text(self, name: str) -> str:
        v = self.cover.get(name)
        if v is None:
            return ""
        if isinstance(v, date):
            return f"{v.year}年{v.month}月{v.day}日"
        return str(v).strip()
