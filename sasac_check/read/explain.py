"""The recognition report: per sheet, what it was taken for, which cells were read for which item, what was not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sasac_check.model.catalog import catalog
from sasac_check.read.grid import coord
from sasac_check.read.layout import SheetLayout, has_values
from sasac_check.read.reader import Reader
from sasac_check.read.sheets import shipped_indicators
from sasac_check.read.source import Source, format_of, load_bytes, sniff


def explain_layout(path: str | Path) -> dict[str, Any]:
    """How a workbook was read, as plain data (the JSON `layout` section); UnreadableWorkbook as read_workbook."""
    file = str(path)
    data = load_bytes(file, file)
    src = Source(data, file, ole=sniff(data, file))
    reader = Reader(file, src, shipped_indicators())
    sub = reader.run()
    lay = reader.layout
    cat = catalog()
    taken = {actual: canon for canon, actual in lay.sheets.items()}
    for canon, more in lay.extra.items():
        for m in more:
            taken[m.name] = f"{canon}（续表）"
    sheets: list[dict[str, Any]] = []
    ignored = dict(lay.ignored)
    for name in src.names:
        entry: dict[str, Any] = {"sheet": name, "taken_for": taken.get(name)}
        if name in ignored:
            entry["not_read"] = ignored[name]
        canon = taken.get(name, "").removesuffix("（续表）")
        if canon in lay.statements:
            grid = src.grid(name)
            blocks = [p for p in lay.pieces(canon) if p.name == name]
            entry["blocks"] = [_block(p) for p in blocks]
            entry["cells"] = {k: cell for k, (s, cell) in sub.cells.items() if s == name and "[" in k}
            entry["unrecognised"] = [
                {"cell": coord(r, p.label_col), "label": label, "has_number": has_values(grid, r, p.columns)}
                for p in blocks for r, label in p.unknown
            ]
        elif name == lay.sheets.get(cat.cover_sheet) or name == lay.sheets.get(cat.indicator_sheet):
            entry["cells"] = {k: cell for k, (s, cell) in sub.cells.items() if s == name}
        sheets.append(entry)
    cover = {f: {"value": v, "sheet": sub.cells.get(f, ("", ""))[0], "cell": sub.cells.get(f, ("", ""))[1]}
             for f, v in sub.cover.items()}
    return {"format": format_of(data), "sheets": sheets, "cover": cover,
            "missing": [m for m in lay.missing if m != cat.cover_sheet or lay.standard_cover]}


def _block(p: SheetLayout) -> dict[str, Any]:
    return {"header_row": p.header_row + 1, "header_rows": p.header_rows, "label_column": coord(0, p.label_col)[:-1],
            "columns": {c: coord(0, i)[:-1] for c, i in p.columns.items()}, "items": len(p.rows)}


def render_layout(file: str, rep: dict[str, Any]) -> str:
    """The recognition report as text (Chinese)."""
    out = [f"■ {file}：识别情况（格式 {rep['format']}）"]
    for s in rep["sheets"]:
        head = f"  [{s['sheet']}] "
        if s.get("taken_for"):
            head += f"识别为“{s['taken_for']}”"
        else:
            head += f"未读取：{s.get('not_read', '未识别为报表')}"
        out.append(head)
        for b in s.get("blocks", ()):
            cols = "，".join(f"{c}={letter}" for c, letter in b["columns"].items())
            out.append(f"      表头第 {b['header_row']} 行（{b['header_rows']} 行），项目列 {b['label_column']}，{cols}，"
                       f"识别项目 {b['items']} 个")
        by_item: dict[str, list[str]] = {}
        for k, v in (s.get("cells") or {}).items():
            item, _, col = k.partition("[")
            by_item.setdefault(item, []).append(f"{col.rstrip(']')} {v}" if col else v)
        for item, where in by_item.items():
            out.append(f"      {item}：{'，'.join(where)}")
        for u in s.get("unrecognised", ()):
            mark = "（有数字，未读取）" if u["has_number"] else ""
            out.append(f"      未识别的行 {u['cell']}：“{u['label']}”{mark}")
    cov = "；".join(f"{f}={c['value']}（{c['sheet']}{' ' + c['cell'] if c['cell'] else ''}）" for f, c in rep["cover"].items())
    out.append(f"  封面：{cov or '无'}")
    if rep["missing"]:
        out.append(f"  未找到：{'、'.join(rep['missing'])}")
    return "\n".join(out) + "\n"
