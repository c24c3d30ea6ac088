"""The one 汇总 of a 监管机构: which returns it adds (and which it leaves out, and why), and their sum in 元.

Both callers — a batch (from its workers' compact records) and `plans.region_findings` (from Submissions) —
choose members here and sum through `Sum`, so a 汇总 never depends on the path that built it.

Which returns are added (domain.md, "Plans apply at two levels"; issue: 汇总 without double counting):
- annual returns (报告期 `YYYY年度`) with a 监管机构, grouped by 监管机构 and year;
- one return per enterprise and year: a second return of the same 统一社会信用代码 (compared normalised) is a
  duplicate submission and is left out;
- a return whose 上级单位 (parent's 统一社会信用代码 or 企业名称, cover) — or its parent's parent … — has a 合并
  return in the same group is already consolidated in that return and is left out; so is a 合并 return of a
  subsidiary whose parent's 合并 return is present. A return without 上级单位 is 独立 (a top-level enterprise).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from sasac_check.check.priors import normalize_code, parse_period
from sasac_check.model.submission import Submission


@dataclass
class Selection:
    """The members of one 监管机构's 汇总 for one year: indices of the inputs added, and those left out with why."""

    supervisor: str
    year: int
    included: list[int] = field(default_factory=list)
    excluded: list[tuple[int, str]] = field(default_factory=list)


def select(covers: Sequence[Mapping[str, str]], names: Sequence[str]) -> list[Selection]:
    """Group annual returns by 监管机构 and year and decide, for each, whether the 汇总 adds it."""
    groups: dict[tuple[str, int], list[int]] = {}
    for i, c in enumerate(covers):
        p = parse_period(c.get("报告期", ""))
        sup = (c.get("监管机构") or "").strip()
        if p is None or not p.annual or not sup:
            continue
        groups.setdefault((sup, p.year), []).append(i)
    out = []
    for (sup, year), idx in sorted(groups.items()):
        sel = Selection(sup, year)
        first: dict[str, int] = {}
        unique = []
        for i in idx:
            code = normalize_code(covers[i].get("统一社会信用代码", "")) or f"#{i}"
            if code in first:
                sel.excluded.append((i, f"与 {names[first[code]]} 为同一企业（统一社会信用代码 {code}）的重复报送，只计一次"))
                continue
            first[code] = i
            unique.append(i)
        consolidated = {}  # identity (code or name) → index of a 合并 return in the group
        for i in unique:
            if (covers[i].get("合并范围") or "").strip() == "合并":
                for ident in _identities(covers[i]):
                    consolidated.setdefault(ident, i)
        parent_of = {i: _parent(covers[i]) for i in unique}
        by_ident = {ident: i for i in unique for ident in _identities(covers[i])}
        for i in unique:
            owner = _consolidating_ancestor(i, parent_of, by_ident, consolidated)
            if owner is None:
                sel.included.append(i)
            else:
                sel.excluded.append((i, f"已包含在上级单位 {names[owner]} 的合并报表中，不重复计入"))
        sel.excluded.sort()
        out.append(sel)
    return out


def _identities(cover: Mapping[str, str]) -> list[str]:
    return [x for x in (normalize_code(cover.get("统一社会信用代码", "")), (cover.get("企业名称") or "").strip()) if x]


def _parent(cover: Mapping[str, str]) -> str:
    text = (cover.get("上级单位") or "").strip()
    code = normalize_code(text)
    return code if len(code) == 18 else text


def _consolidating_ancestor(i: int, parent_of: Mapping[int, str], by_ident: Mapping[str, int],
                            consolidated: Mapping[str, int]) -> int | None:
    """The nearest ancestor of return `i` with a 合并 return in the group (cycles and unknown parents end the walk)."""
    seen = {i}
    parent = parent_of.get(i, "")
    while parent:
        owner = consolidated.get(parent)
        if owner is not None and owner not in seen:
            return owner
        nxt = by_ident.get(parent)
        if nxt is None or nxt in seen:
            return None
        seen.add(nxt)
        parent = parent_of.get(nxt, "")
    return None


class Sum:
    """Sums of a 汇总's values over row blocks (n × m matrices in 元, NaN = blank); unknown anywhere stays unknown."""

    def __init__(self, m: int) -> None:
        self.values, self.widths = np.zeros(m), np.zeros(m)
        self.present, self.unknown = np.zeros(m, dtype=bool), np.zeros(m, dtype=bool)

    def add(self, values: np.ndarray, widths: np.ndarray, unknown: np.ndarray) -> None:
        known = ~np.isnan(values)
        self.values += np.where(known, values, 0.0).sum(axis=0)
        self.widths += np.where(known, widths, 0.0).sum(axis=0)
        self.present |= known.any(axis=0)
        self.unknown |= unknown.any(axis=0)

    def submission(self, keys: Sequence[str], cover: Mapping[str, str], members: int) -> Submission:
        """The 汇总 as a return in 元 (values stated on 主要指标 do not add up and are left out)."""
        sup, period = cover.get("监管机构", ""), cover.get("报告期", "")
        out = Submission(file=f"{sup}{period}汇总", unit="元", scale=1.0)
        out.cover = {"企业名称": f"{sup}汇总（{members}户）", "监管机构": sup, "报告期": period, "金额单位": "元",
                     "报表类型": cover.get("报表类型", ""), "合并范围": "汇总"}
        for j, k in enumerate(keys):
            if k.endswith("[本期值]"):
                continue
            if self.unknown[j]:
                out.unknown.add(k)
            elif self.present[j]:
                out.values[k] = float(self.values[j])
                out.widths[k] = float(self.widths[j])
        return out
