"""The batch review's 台账完成情况 sheet (xlsxwriter): overdue tasks first, completion by 牵头单位 and by 任务类别, charts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sasac_check.ledger.summary import aggregate

SHEET = "台账完成情况"
OVERDUE_HEAD = ("文件", "序号", "任务名称", "牵头单位", "任务类别", "时间节点", "完成状态", "位置")
GROUP_HEAD = ("任务数", "已完成（含已销号）", "推进中", "未启动", "逾期", "完成率", "应完成数合计", "已完成数合计", "数量完成率")


def _group_rows(ws, row: int, title: str, key: str, groups: Sequence[dict], f_head, f_pct, f_title) -> tuple[int, int]:
    """A titled table of completion figures from `row`; returns (first data row, next free row)."""
    ws.write_string(row, 0, title, f_title)
    ws.write_row(row + 1, 0, (key, *GROUP_HEAD), f_head)
    first = row + 2
    for i, g in enumerate(groups):
        r = first + i
        ws.write_string(r, 0, g[key])
        ws.write_row(r, 1, (g["tasks"], g["completed"], g["in_progress"], g["not_started"], g["overdue"]))
        ws.write_number(r, 6, g["completion"], f_pct)
        ws.write_row(r, 7, (g["应完成数"], g["已完成数"]))
        if g["count_rate"] is None:
            ws.write_blank(r, 9, None)
        else:
            ws.write_number(r, 9, g["count_rate"], f_pct)
    return first, first + len(groups) + 1


def write_completion_sheet(wb, files: Sequence[Any], f_head, f_pct) -> dict[str, Any]:
    """Add the sheet to an open xlsxwriter workbook; returns the figures it shows (the JSON's ledger_summary)."""
    agg = aggregate(files)
    ws = wb.add_worksheet(SHEET)
    f_title = wb.add_format({"bold": True, "font_size": 12})
    f_late = wb.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"})
    share = "—" if agg["completion"] is None else f"{agg['completion'] * 100:.2f}%"
    ws.write_string(0, 0, f"改革任务台账完成情况：{agg['ledgers']} 份台账，{agg['tasks']} 项任务，已完成（含已销号）"
                          f"{agg['completed']} 项，总体完成率 {share}，逾期 {agg['overdue_count']} 项", f_title)
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 8)
    ws.set_column(2, 2, 30)
    ws.set_column(3, 9, 12)
    ws.write_string(2, 0, "逾期任务（截至日期已过时间节点、尚未完成）", f_title)
    ws.write_row(3, 0, OVERDUE_HEAD, f_head)
    r = 4
    for t in agg["overdue"]:
        ws.write_row(r, 0, (t["file"], t["序号"], t["任务名称"], t["牵头单位"], t["任务类别"], t["时间节点"]))
        ws.write_string(r, 6, t["完成状态"], f_late)
        ws.write_string(r, 7, t["cell"])
        r += 1
    if not agg["overdue"]:
        ws.write_string(r, 0, "（无）")
        r += 1
    lead_first, r = _group_rows(ws, r + 1, "按牵头单位（联合牵头的任务计入每个牵头单位）", "牵头单位", agg["by_lead"], f_head, f_pct,
                                f_title)
    cat_first, r = _group_rows(ws, r + 1, "按任务类别", "任务类别", agg["by_category"], f_head, f_pct, f_title)
    if agg["by_lead"]:
        n = len(agg["by_lead"])
        bar = wb.add_chart({"type": "bar"})
        bar.add_series({"name": "完成率", "categories": [SHEET, lead_first, 0, lead_first + n - 1, 0],
                        "values": [SHEET, lead_first, 6, lead_first + n - 1, 6], "fill": {"color": "#5B9BD5"},
                        "data_labels": {"value": True, "num_format": "0%"}})
        bar.set_title({"name": "各牵头单位任务完成率"})
        bar.set_x_axis({"num_format": "0%", "min": 0, "max": 1})
        bar.set_y_axis({"reverse": True})
        bar.set_legend({"none": True})
        bar.set_size({"width": 720, "height": max(280, 26 * n + 100)})
        ws.insert_chart(2, 11, bar)
    if agg["by_category"]:
        n = len(agg["by_category"])
        col = wb.add_chart({"type": "bar", "subtype": "stacked"})
        for c, name, color in ((2, "已完成（含已销号）", "#70AD47"), (3, "推进中", "#FFC000"), (4, "未启动", "#C00000")):
            col.add_series({"name": name, "categories": [SHEET, cat_first, 0, cat_first + n - 1, 0],
                            "values": [SHEET, cat_first, c, cat_first + n - 1, c], "fill": {"color": color}})
        col.set_title({"name": "各任务类别的任务状态"})
        col.set_y_axis({"reverse": True})
        col.set_legend({"position": "bottom"})
        col.set_size({"width": 720, "height": max(300, 30 * n + 120)})
        ws.insert_chart(24, 11, col)
    return agg
