"""GitHub Actions annotations: one `::error file=…,title=…::message` line per finding (and per unreadable file)."""

from __future__ import annotations

from sasac_check.model.result import RunResult
from sasac_check.report.safetext import clean_text

_CMD = {"error": "error", "warning": "warning", "info": "notice"}


def _data(s: str) -> str:
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return clean_text(s)  # no other control character (an escape sequence) reaches the log


def _prop(s: str) -> str:
    return _data(s).replace(":", "%3A").replace(",", "%2C")


def render(result: RunResult) -> str:
    lines = []  # an unreadable file is a READ-UNREADABLE finding (model/result.py), annotated like the others
    for x in result.findings:
        where = f"{x.sheet}!{x.cell}" if x.cell else x.sheet
        title = f"{x.rule} {x.title}".strip() + (f"（{where}）" if where else "")
        msg = f"{x.file} {where}：{x.message}" if where else f"{x.file}：{x.message}"
        lines.append(f"::{_CMD[x.severity]} file={_prop(x.file)},title={_prop(title)}::{_data(msg)}")
    bad = sum(1 for f in result.files if f.status != "ok")
    lines.append(f"共检查 {len(result.files)} 个文件，{len(result.files) - bad} 个通过，{bad} 个未通过或无法读取。")
    return "\n".join(lines) + "\n"
