"""The one prior-period matcher: which earlier return each return's 跨期 rules compare with (check, add-in, batch).

Two comparisons, as domain.md defines them:
- 上年末 (year end): 年初余额 and 期初国有资本及权益 of any period of year Y are the balances at the end of Y−1,
  so they pair with the year-end return of Y−1 — the 年报, or failing that the 12月 快报;
- 上年同期 (same period): 上期金额 is 本期金额 of the same period of Y−1 (本年累计 vs 上年同期): an annual
  return pairs with the year-end return of Y−1, a 2024年6月 快报 with the 2023年6月 快报.

Enterprises are matched on the 统一社会信用代码 compared normalised (full-width, case and spaces do not count).
Among equal candidates the choice never depends on the order the files were given: the candidate whose
path sorts first wins, and the others are reported.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

YEAR_END, SAME_PERIOD = "上年末", "上年同期"
KINDS = (YEAR_END, SAME_PERIOD)


@dataclass(frozen=True)
class Period:
    """A 报告期: its year, its last month (12 for a 年度 return) and whether it is an annual return."""

    year: int
    month: int
    annual: bool

    @property
    def year_end(self) -> bool:
        return self.annual or self.month == 12


_PERIOD = re.compile(r"^\s*((?:19|20)\d\d)\s*年\s*(?:(度)|(?:1\s*[-—~至]\s*)?(\d{1,2})\s*月(?:份)?|末)?\s*$")


@lru_cache(maxsize=4096)
def parse_period(text: str) -> Period | None:
    """`2024年度` → (2024, 12, annual); `2024年6月` / `2024年1-6月` → (2024, 6); anything else → None."""
    m = _PERIOD.match(unicodedata.normalize("NFKC", text or ""))
    if not m:
        return None
    year = int(m.group(1))
    if m.group(3):
        month = int(m.group(3))
        return Period(year, month, False) if 1 <= month <= 12 else None
    return Period(year, 12, True)


@lru_cache(maxsize=65_536)
def normalize_code(code: str) -> str:
    """A 统一社会信用代码 as compared: NFKC (全角 → 半角), no spaces, upper case."""
    return "".join(unicodedata.normalize("NFKC", code or "").split()).upper()


@dataclass(frozen=True)
class Pairing:
    """The candidates (indices into the candidate list) one return compares with, per kind; None where none."""

    year_end: int | None = None
    same_period: int | None = None

    def get(self, kind: str) -> int | None:
        return self.year_end if kind == YEAR_END else self.same_period


def _rank(p: Period) -> int:
    """Among year-end candidates the 年报 comes before the 12月 快报."""
    return 0 if p.annual else 1


def match(
    current: Sequence[Mapping[str, str]],
    candidates: Sequence[Mapping[str, str]],
    names: Sequence[str] = (),
) -> list[Pairing]:
    """For each current cover, the year-end and same-period candidates (covers of the prior returns).

    `names` (the candidates' paths) break ties so that the pairing never depends on argument order.
    A candidate may be a current return too (a batch over several years): it never pairs with itself,
    since its period is never the year before its own.
    """
    index: dict[tuple[str, int], list[tuple[int, Period]]] = {}
    for j, c in enumerate(candidates):
        p = parse_period(c.get("报告期", ""))
        code = normalize_code(c.get("统一社会信用代码", ""))
        if p is not None and code:
            index.setdefault((code, p.year), []).append((j, p))
    key = (lambda j: (names[j], j)) if names else (lambda j: (j,))
    out: list[Pairing] = []
    for cover in current:
        p = parse_period(cover.get("报告期", ""))
        code = normalize_code(cover.get("统一社会信用代码", ""))
        if p is None or not code:
            out.append(Pairing())
            continue
        pool = index.get((code, p.year - 1), [])
        ends = sorted((c for c in pool if c[1].year_end), key=lambda c: (_rank(c[1]), key(c[0])))
        year_end = ends[0][0] if ends else None
        if p.annual:
            same = year_end
        else:
            same_kind = sorted((c for c in pool if not c[1].annual and c[1].month == p.month), key=lambda c: key(c[0]))
            same = same_kind[0][0] if same_kind else (year_end if p.month == 12 else None)
        out.append(Pairing(year_end, same))
    return out


def unused_notes(
    candidates: Sequence[Mapping[str, str]], names: Sequence[str], pairings: Sequence[Pairing], limit: int = 10
) -> list[str]:
    """One Chinese line per given prior-period return that no return was compared with, saying why (capped)."""
    used = {i for p in pairings for i in (p.year_end, p.same_period) if i is not None}
    notes = []
    for j, c in enumerate(candidates):
        if j in used:
            continue
        period, code = c.get("报告期", ""), c.get("统一社会信用代码", "")
        if parse_period(period) is None:
            why = f"报告期“{period}”无法识别"
        elif not normalize_code(code):
            why = "统一社会信用代码为空"
        else:
            why = f"没有统一社会信用代码为 {code}、报告期在其下一年的本期报表（或已有同类上期报表被优先采用）"
        notes.append(f"上期报表 {names[j]}（{period or '报告期未填'}）未用于跨期审核：{why}")
    if len(notes) > limit:
        notes = [*notes[:limit], f"……另有 {len(notes) - limit} 份上期报表未用于跨期审核"]
    return notes
