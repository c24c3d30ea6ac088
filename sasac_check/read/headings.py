"""The cover where there is no 封面: a 久其 cover sheet's values, else the heading lines of the statements."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sasac_check.model.catalog import catalog
from sasac_check.read.grid import Grid, coord, squeeze
from sasac_check.read.knowledge import knowledge

_PERIOD = re.compile(r"((?:19|20)\d\d)年(?:(度)|(\d{1,2})月(?:(\d{1,2})日)?|1-(\d{1,2})月)")


@dataclass
class Found:
    """Cover fields found outside a 封面: value and (sheet, cell), and where each field was looked for."""

    values: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # field -> (value, sheet, cell)
    looked: list[str] = field(default_factory=list)  # where the tool looked, in Chinese


def period_of(text: str) -> str | None:
    """报告期 from a heading: 2024年度 / 2024年1-12月 / 2024年12月31日 → 2024年度; 2024年6月(30日) → 2024年6月."""
    s = squeeze(text)
    best = None
    for m in _PERIOD.finditer(s):
        year, whole, month, day, upto = m.groups()
        if whole or (upto and int(upto) == 12) or (month and int(month) == 12 and day):
            return f"{year}年度"
        month = month or upto
        if best is None and month and 1 <= int(month) <= 12:
            best = f"{year}年{int(month)}月"
    return best


def from_headings(sheets: list[tuple[str, Grid, int]]) -> Found:
    """Cover fields in the lines above each statement's header: `sheets` = (name, grid, header row)."""
    k, cat = knowledge(), catalog()
    out = Found()
    periods: list[tuple[str, str, str]] = []
    wanted = ("企业名称", "金额单位", "合并范围")
    for name, grid, header in sheets:
        if all(f in out.values for f in wanted) and any(p[0].endswith("年度") for p in periods):
            out.looked.append(f"“{name}”表头以上各行")
            continue  # every heading field found already
        out.looked.append(f"“{name}”表头以上各行")
        for r in range(min(max(header, 0), len(grid))):
            for c, v in enumerate(grid[r]):
                if type(v) is not str or not v.strip():
                    continue
                text = v.strip()
                if "单位" in text or "：" in text or ":" in text:  # 编制单位：… · 单位：万元 (cheap guard before the patterns)
                    for fname, pats in k.headings.items():
                        if fname == "报告期" or fname in out.values:
                            continue
                        for pat in pats:
                            m = pat.search(text)
                            if m:
                                out.values[fname] = (m.group("v").strip(), name, coord(r, c))
                                break
                if "年" in text and (p := period_of(text)):
                    periods.append((p, name, coord(r, c)))
                if "表" in text and "合并范围" not in out.values and (scope := _scope(text)):
                    out.values["合并范围"] = (scope, name, coord(r, c))
        scope = _scope(name)
        if scope and "合并范围" not in out.values:
            out.values["合并范围"] = (scope, name, "")
    if periods:
        out.values["报告期"] = next((p for p in periods if p[0].endswith("年度")), periods[0])
    if "报告期" in out.values and "报表类型" not in out.values:
        p, sheet, ref = out.values["报告期"]
        out.values["报表类型"] = ("年报" if p.endswith("年度") else "月度快报", sheet, ref)
    unit = out.values.get("金额单位")
    if unit and unit[0] not in cat.units:
        del out.values["金额单位"]
    return out


def _scope(text: str) -> str | None:
    """合并 / 单户 from a table code (会合01表 / 会企01表) or a 合并 title."""
    k = knowledge()
    s = squeeze(text)
    if any(c in s for c in k.consolidated_codes) or (s.startswith("合并") and "表" in s):
        return "合并"
    if any(c in s for c in k.single_codes):
        return "单户"
    return None
