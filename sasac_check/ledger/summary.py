"""Completion figures of ledgers: one ledger's summary, and completion by 牵头单位 and by 任务类别 over many."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sasac_check.ledger.dates import show
from sasac_check.ledger.model import DONE, Ledger

SPLIT = re.compile(r"[、，,;；/]+")


def ledger_summary(led: Ledger) -> dict[str, Any]:
    """The figures a review needs of one ledger, and its tasks compactly (overdue: not done, node past 截至日期)."""
    tasks = []
    for r in led.rows:
        if not r.text("任务名称"):
            continue
        span, status = r.span(), r.text("完成状态")
        overdue = bool(status not in DONE and span is not None and led.as_of is not None and span.end < led.as_of)
        tasks.append({"序号": r.text("序号"), "任务类别": r.text("任务类别") or "（未分类）", "任务名称": r.text("任务名称"),
                      "牵头单位": r.text("牵头单位"), "时间节点": r.text("时间节点"), "完成状态": status,
                      "应完成数": r.count("应完成数"), "已完成数": r.count("已完成数"), "overdue": overdue,
                      "cell": f"{led.sheet}!{r.cells.get('完成状态', '')}"})
    done = sum(1 for t in tasks if t["完成状态"] in DONE)
    return {"填报单位": led.cover_text("填报单位"), "截至日期": led.as_of.isoformat() if led.as_of else None,
            "截至": show(led.as_of), "tasks": len(tasks), "completed": done,
            "in_progress": sum(1 for t in tasks if t["完成状态"] == "推进中"),
            "not_started": sum(1 for t in tasks if t["完成状态"] == "未启动"),
            "overdue": sum(1 for t in tasks if t["overdue"]),
            "completion": round(done / len(tasks), 6) if tasks else None, "rows": tasks}


def _group(items: Iterable[tuple[str, dict]], key: str) -> list[dict[str, Any]]:
    acc: dict[str, dict[str, Any]] = {}
    for name, t in items:
        g = acc.setdefault(name, {key: name, "tasks": 0, "completed": 0, "in_progress": 0, "not_started": 0, "overdue": 0,
                                  "应完成数": 0, "已完成数": 0})
        g["tasks"] += 1
        g["completed"] += t["完成状态"] in DONE
        g["in_progress"] += t["完成状态"] == "推进中"
        g["not_started"] += t["完成状态"] == "未启动"
        g["overdue"] += t["overdue"]
        if t["应完成数"] is not None and t["已完成数"] is not None:
            g["应完成数"] += t["应完成数"]
            g["已完成数"] += t["已完成数"]
    out = []
    for g in acc.values():
        g["completion"] = round(g["completed"] / g["tasks"], 6)
        g["count_rate"] = round(g["已完成数"] / g["应完成数"], 6) if g["应完成数"] else None
        out.append(g)
    return sorted(out, key=lambda g: (-g["overdue"], g["completion"], g[key]))


def aggregate(files: Iterable[Any]) -> dict[str, Any]:
    """Over every ledger FileResult: overdue tasks (earliest node first), completion by 牵头单位 and by 任务类别.

    A task led jointly (区国资局、区委组织部) counts for each of its 牵头单位.
    """
    rows = [(f.path, t) for f in files if getattr(f, "ledger", None) for t in f.ledger["rows"]]
    overdue = [{"file": p, "序号": t["序号"], "任务名称": t["任务名称"], "牵头单位": t["牵头单位"], "任务类别": t["任务类别"],
                "时间节点": t["时间节点"], "完成状态": t["完成状态"], "cell": t["cell"]} for p, t in rows if t["overdue"]]
    leads = [(name, t) for _, t in rows for name in (SPLIT.split(t["牵头单位"]) if t["牵头单位"] else ["（未填写）"]) if name]
    n = len(rows)
    done = sum(1 for _, t in rows if t["完成状态"] in DONE)
    return {"ledgers": len({p for p, _ in rows}), "tasks": n, "completed": done, "overdue_count": len(overdue),
            "completion": round(done / n, 6) if n else None, "overdue": overdue,
            "by_lead": _group(leads, "牵头单位"), "by_category": _group(((t["任务类别"], t) for _, t in rows), "任务类别")}
