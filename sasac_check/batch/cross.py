"""Checks across submissions: duplicates, 跨期 rules against the prior period, peer outliers by industry."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from sasac_check.batch.worker import FileRecord
from sasac_check.check import priors
from sasac_check.model.finding import Finding
from sasac_check.model.submission import Submission
from sasac_check.read.numbers import format_percent

PEER_INDICATORS = ("资产负债率", "营业收入利润率", "净资产收益率", "全员劳动生产率", "研发经费投入强度", "营业现金比率",
                   "国有资本保值增值率")
PEER_MIN = 8  # fewer peers than this: no outlier test
PEER_Z = 3.5  # robust z-score (0.6745 × (x − median) / MAD) beyond which a value is an outlier
PEER_MAD_FLOOR = 0.05  # the spread is at least 5% of |median|: peers that happen to agree closely flag nothing
XP_CHUNK = 1000
DUP_NAMED = 2  # a BATCH-DUP message names this many other files, then "等另外 N 份" (3,000 copies stay linear)


def _where(rec: FileRecord, name: str, default_sheet: str) -> tuple[str, str]:
    return rec.cells.get(name, (default_sheet, ""))


def duplicates(records: Sequence[FileRecord]) -> list[Finding]:
    """Returns with the same 统一社会信用代码 and 报告期: each is flagged, naming the others."""
    groups: dict[tuple[str, str], list[FileRecord]] = defaultdict(list)
    for r in records:
        code = r.cover.get("统一社会信用代码", "").strip().upper()
        if r.status == "ok" and code:
            groups[(code, r.cover.get("报告期", "").strip())].append(r)
    out = []
    for (code, period), rs in groups.items():
        if len(rs) < 2:
            continue
        for r in rs:
            named = [o.path for o in rs[: DUP_NAMED + 1] if o is not r][:DUP_NAMED]  # the first few others, by order
            more = len(rs) - 1 - len(named)
            others = "、".join(named) + (f" 等另外 {more:,} 份" if more else "")
            sheet, cell = _where(r, "统一社会信用代码", "封面")
            out.append(Finding(
                "BATCH-DUP", "error",
                f"重复报送：统一社会信用代码 {code}、报告期 {period or '（未填）'} 与 {others} 相同，请确认以哪一份为准",
                file=r.path, sheet=sheet, cell=cell, item="统一社会信用代码", column="值",
                actual=code, title="同一企业同一报告期重复报送", source="batch",
                extra={"family": "批量", "duplicates": named, "duplicates_total": len(rs) - 1},
            ))
    return out


def match_priors(current: Sequence[FileRecord], candidates: Sequence[FileRecord]
                 ) -> list[tuple[FileRecord, FileRecord | None, FileRecord | None]]:
    """(return, its 上年末 return, its 上年同期 return) for every return with a prior, through the one matcher."""
    cur = [r for r in current if r.status == "ok" and r.xp is not None]
    cands = [c for c in candidates if c.status == "ok" and c.xp is not None]
    pairings = priors.match([r.cover for r in cur], [c.cover for c in cands], [c.path for c in cands])
    return [(r, None if p.year_end is None else cands[p.year_end], None if p.same_period is None else cands[p.same_period])
            for r, p in zip(cur, pairings, strict=True) if p.year_end is not None or p.same_period is not None]


def _submission(rec: FileRecord, keys: tuple[str, ...]) -> Submission:
    xp = rec.xp
    assert xp is not None
    s = Submission(file=rec.path, cover=dict(rec.cover), scale=xp.scale, unit=rec.cover.get("金额单位", "元"))
    for i in np.flatnonzero(~np.isnan(xp.values)):
        k = keys[i]
        s.values[k] = float(xp.values[i])
        s.widths[k] = float(xp.widths[i])
    s.unknown = {keys[i] for i in np.flatnonzero(xp.unknown)}
    s.cells = {k: c for k, c in zip(keys, xp.cells, strict=True) if c is not None}
    return s


def cross_period(rs, keys: tuple[str, ...], triples: Sequence[tuple[FileRecord, FileRecord | None, FileRecord | None]]
                 ) -> list[Finding]:
    """The 跨期 rules over every return with a prior, a chunk at a time: each rule against the prior its
    `compare_with` names (one evaluation of every rule where both priors are the same return, as for 年报)."""
    from sasac_check.check.evaluate import evaluate
    from sasac_check.check.table import SubmissionTable

    rules = [r for r in rs.rules if r.needs_prior]
    out: list[Finding] = []
    if not rules:
        return out
    by_kind = {k: [r for r in rules if r.compare_with == k] for k in priors.KINDS}
    both = [(c, ye) for c, ye, sp in triples if ye is not None and ye is sp]
    groups = [(both, rules),
              ([(c, ye) for c, ye, sp in triples if ye is not None and ye is not sp], by_kind[priors.YEAR_END]),
              ([(c, sp) for c, ye, sp in triples if sp is not None and ye is not sp], by_kind[priors.SAME_PERIOD])]
    for pairs, group_rules in groups:
        if not group_rules:
            continue
        for start in range(0, len(pairs), XP_CHUNK):
            chunk = pairs[start:start + XP_CHUNK]
            cur = [_submission(c, keys) for c, _ in chunk]
            pri = [_submission(p, keys) for _, p in chunk]
            table = SubmissionTable.from_submissions(cur, pri)
            out += evaluate(rs, table, group_rules)
    return out


def _fmt(x: float, unit: str) -> str:
    return format_percent(x) if unit == "%" else f"{x:,.2f}{unit}"


def _median(a: np.ndarray) -> float:
    """The median of a non-empty 1-D array without NaN (statistics, not np.median: that imports numpy.ma, ≈ 16 ms)."""
    return float(statistics.median(a.tolist()))


def peer_outliers(rs, records: Sequence[FileRecord]) -> list[Finding]:
    """提示性 findings for key indicators far from the median of the same 行业类型 and 报告期 (median / MAD)."""
    groups: dict[tuple[str, str], list[FileRecord]] = defaultdict(list)
    for r in records:
        if r.status == "ok" and not r.prior:
            groups[(r.cover.get("行业类型", "") or "未填行业", r.cover.get("报告期", ""))].append(r)
    out = []
    names = [n for n in PEER_INDICATORS if n in rs.indicators]
    for (industry, period), rs_ in groups.items():
        if len(rs_) < PEER_MIN or not names:
            continue
        # every return's indicators at once: None (not computable) becomes NaN
        mat = np.array([list(map(r.indicators.get, names)) for r in rs_], dtype=float)
        for j, name in enumerate(names):
            vals = mat[:, j]
            ok = np.isfinite(vals)
            if ok.sum() < PEER_MIN:
                continue
            med = _median(vals[ok])
            mad = max(_median(np.abs(vals[ok] - med)), PEER_MAD_FLOOR * abs(med))
            if mad <= 0:
                continue
            z = 0.6745 * (vals - med) / mad
            unit = rs.indicators[name].unit
            for i in np.flatnonzero(ok & (np.abs(z) > PEER_Z)):
                r = rs_[i]
                sheet, cell = _where(r, name, "主要指标")
                side = "高于" if z[i] > 0 else "低于"
                out.append(Finding(
                    "BATCH-PEER", "warning",
                    f"{name} {_fmt(vals[i], unit)} 明显{side}同行业（{industry}，{period}，共 {int(ok.sum())} 户）中位数 "
                    f"{_fmt(med, unit)}（稳健 z 值 {z[i]:.1f}，阈值 ±{PEER_Z:g}），请核实或说明",
                    file=r.path, sheet=sheet, cell=cell, item=name, column="本期值",
                    expected=round(float(med) * (100 if unit == "%" else 1), 4), actual=round(float(vals[i]) * (100 if unit == "%" else 1), 4),
                    title="指标明显偏离同行业", source="batch",
                    extra={"family": "批量", "robust_z": round(float(z[i]), 2), "peers": int(ok.sum()), "unit": unit},
                ))
    return out
