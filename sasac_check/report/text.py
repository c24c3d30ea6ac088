"""Chinese text report: findings grouped by file and sheet, then a one-line summary per file."""

from __future__ import annotations

from itertools import groupby

from sasac_check.model.finding import SEVERITY_LABEL
from sasac_check.model.result import RunResult

_STATUS = {"ok": "通过", "failed": "未通过", "unreadable": "无法读取"}


def render(result: RunResult) -> str:
    lines: list[str] = []
    findings_by_file = {k: list(g) for k, g in groupby(result.findings, key=lambda f: f.file)}
    for res in result.files:
        c = res.counts
        name = res.cover.get("企业名称", "")
        head = f"■ {res.path}" + (f"（{name} {res.cover.get('报告期', '')}）" if name else "")
        lines.append(head)
        if res.status == "unreadable":
            lines.append(f"  无法读取：{res.reason}")
            lines.append("")
            continue
        for sheet, group in groupby(findings_by_file.get(res.path, []), key=lambda f: f.sheet):
            lines.append(f"  [{sheet or '工作簿'}]")
            for f in group:
                at = f"{f.cell:>6}" if f.cell else "      "
                lines.append(f"    {at}  {SEVERITY_LABEL[f.severity]}  {f.rule:<14} {f.message}")
        lines.append(
            f"  结果：{_STATUS[res.status]} —— 强制性 {c['error']} 项，提示性 {c['warning']} 项，信息 {c['info']} 项"
        )
        lines.append("")
    total = len(result.files)
    bad = sum(1 for r in result.files if r.status != "ok")
    lines.append(f"共检查 {total} 个文件，{total - bad} 个通过，{bad} 个未通过或无法读取。")
    return "\n".join(lines) + "\n"
