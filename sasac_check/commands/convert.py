"""`sasac-check convert EXPORT -o 报表.xlsx`: a ledger / 久其 export (any recognised layout) to the standard template."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "convert",
        help="把账簿或久其导出的报表转为标准报表",
        description="读取任何可识别的报表格式（正式格式账户式/报告式、续表、久其导出、账簿导出；.xlsx/.xls/.ods），"
                    "写出标准报表模板（含封面），并列出已找到和仍缺少的内容，之后在 Excel 中补填。",
    )
    p.add_argument("export", metavar="EXPORT", help="导出的报表工作簿（.xlsx / .xls / .ods）")
    p.add_argument("-o", "--output", required=True, metavar="报表.xlsx", help="输出的标准报表 .xlsx（不会覆盖输入文件）")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sasac_check.authoring.fill import fill_rows
    from sasac_check.errors import UsageError
    from sasac_check.model.catalog import catalog
    from sasac_check.read import UnreadableWorkbook, read_workbook

    src, out = Path(args.export), Path(args.output)
    if out.exists() and src.exists() and os.path.samefile(src, out):
        raise UsageError(f"输出文件 {out} 就是输入文件：convert 不会覆盖输入，请换一个输出文件名")
    try:
        sub = read_workbook(src)
    except UnreadableWorkbook as e:
        print(f"{src}：无法读取：{e.reason}", file=sys.stderr)
        return 3
    cat = catalog()
    rows: list[tuple[str, str, str, object]] = [(cat.cover_sheet, f, "值", v) for f, v in sub.cover.items()]
    if sub.unit and "金额单位" not in sub.cover:
        rows.append((cat.cover_sheet, "金额单位", "值", sub.unit))
    for k, v in sub.values.items():
        item, _, col = k.partition("[")
        col = col.rstrip("]")
        it = cat.items.get(item)
        if it is None or not getattr(it, "template", True):
            continue  # 主要指标: computed by the tool from the statements
        rows.append((it.sheet, item, col, round(v / (1.0 if it.kind == "count" else sub.scale), 6)))
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".convert-", suffix=".xlsx", dir=out.parent)
    os.close(fd)
    try:
        fill_rows(rows, tmp, source=str(src))
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    print(summary(sub, out), file=sys.stderr)
    return 0


def summary(sub, out: Path) -> str:
    """What was found and what is still missing, in Chinese."""
    from sasac_check.model.catalog import catalog

    cat = catalog()
    lines = [f"已写入标准报表 {out}（金额单位：{sub.unit}）"]
    found = [f"{f}={v}（{sub.cells.get(f, ('', ''))[0] or '推定'}）" for f, v in sub.cover.items()]
    lines.append(f"封面已找到：{'；'.join(found) or '无'}")
    missing = [f.name for f in cat.cover_fields if f.required and f.name not in sub.cover]
    if missing:
        lines.append(f"封面仍缺少（请在 Excel 中填写）：{'、'.join(missing)}")
    for sd in cat.sheets:
        have = {k.partition('[')[0] for k in sub.values if cat.items.get(k.partition('[')[0]) is not None
                and cat.items[k.partition('[')[0]].sheet == sd.name}
        need = [i.name for i in sd.items if i.required and i.name not in have]
        shown = f"“{sd.name}”已读取 {len(have)} 个项目" + (f"，缺少必填项目：{'、'.join(need)}" if need else "")
        if sd.name not in sub.sheets:
            shown = f"“{sd.name}”未找到（请在 Excel 中填写）"
        lines.append(shown)
    for p in sub.problems:
        if p.rule == "READ-UNKNOWN-ITEM" and p.severity == "warning":
            lines.append(f"未读取（不是标准报表项目，请核对）：{p.sheet} {p.cell}“{p.actual}”")
    return "\n".join(lines)
