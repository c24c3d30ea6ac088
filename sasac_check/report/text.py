"""Chinese text report: findings grouped by file and sheet, then a one-line summary per file."""

from __future__ import annotations

from itertools import groupby

from sasac_check.model.finding import SEVERITY_LABEL
from sasac_check.model.result import RunResult
from sasac_check.report.safetext import safe

_STATUS = {"ok": "通过", "failed": "未通过", "unreadable": "无法读取"}
KIND_LABEL = {"ledger": "改革任务台账", "plan": "规划表"}


def render(result: RunResult) -> str:
    lines: list[str] = []
    findings_by_file = {k: list(g) for k, g in groupby(result.findings, key=lambda f: f.file)}
    for res in result.files:
        c = res.counts
        name = safe(res.cover.get("企业名称", ""))
        head = f"■ {safe(res.path)}" + (f"（{name} {safe(res.cover.get('报告期', ''))}）" if name else "")
        if res.kind in KIND_LABEL:
            who = " ".join(safe(res.cover[k]) for k in ("填报单位", "截至日期") if res.cover.get(k))
            head = f"■ {safe(res.path)}（{KIND_LABEL[res.kind]}{' ' + who if who else ''}）"
        lines.append(head)
        if res.status == "unreadable":
            lines.append(f"  无法读取：{safe(res.reason)}")
            lines.append("")
            continue
        for sheet, group in groupby(findings_by_file.get(res.path, []), key=lambda f: f.sheet):
            lines.append(f"  [{safe(sheet) or '工作簿'}]")
            for f in group:
                at = f"{safe(f.cell):>6}" if f.cell else "      "
                lines.append(f"    {at}  {SEVERITY_LABEL[f.severity]}  {safe(f.rule):<14} {safe(f.message)}")
        lines.append(
            f"  结果：{_STATUS[res.status]} —— 强制性 {c['error']} 项，提示性 {c['warning']} 项，信息 {c['info']} 项"
        )
        lines.append("")
    total = len(result.files)
    bad = sum(1 for r in result.files if r.status != "ok")
    lines.append(f"共检查 {total} 个文件，{total - bad} 个通过，{bad} 个未通过或无法读取。")
    return "\n".join(lines) + "\n"
