"""Reads the dates a ledger states: 截至日期 / 报告期, and 时间节点 written as a date, 年, 年底, 季度, 半年 or 月."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

_CN_NUM = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_YEAR = r"((?:19|20)\d\d)"
EXCEL_EPOCH = date(1899, 12, 30)
SERIALS = (25_000, 80_000)  # Excel serials of 1968–2119: never a year, never a count of days a ledger states


@dataclass(frozen=True)
class Span:
    """The period a 时间节点 names: due at `end` (its last day); `start` its first day."""

    start: date
    end: date


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).strip()
    return re.sub(r"\s+", "", s).replace("—", "-").replace("–", "-").replace("－", "-").replace("~", "-").replace("至", "-")


def parse_span(v: object) -> Span | None:
    """The period of a 时间节点; None when it cannot be read (blank is the caller's case)."""
    if isinstance(v, datetime):
        return Span(v.date(), v.date())
    if isinstance(v, date):
        return Span(v, v)
    if isinstance(v, int | float) and not isinstance(v, bool):
        if SERIALS[0] <= v <= SERIALS[1]:  # an Excel date serial (what an Office.js client sends for a date cell)
            d = EXCEL_EPOCH + timedelta(days=int(v))
            return Span(d, d)
        return Span(date(int(v), 1, 1), date(int(v), 12, 31)) if 1990 <= v <= 2100 and float(v).is_integer() else None
    s = _norm(str(v or "")).removeprefix("于").removesuffix("前").removesuffix("以前")
    if not s:
        return None
    m = re.fullmatch(_YEAR + r"[-./年]([01]?\d)[-./月]([0-3]?\d)日?", s)
    if m:
        try:
            d = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
        return Span(d, d)
    m = re.fullmatch(_YEAR + r"年?-" + _YEAR + r"年?(?:底|末|年底)?", s)
    if m:
        a, b = int(m[1]), int(m[2])
        return Span(date(a, 1, 1), date(b, 12, 31)) if a <= b else None
    m = re.fullmatch(_YEAR + r"(?:年(?:度|底|末|年底|全年)?)?", s)
    if m:
        y = int(m[1])
        return Span(date(y, 1, 1), date(y, 12, 31))
    m = re.fullmatch(_YEAR + r"年?(?:第)?([一二三四1-4])季度(?:末|底)?|" + _YEAR + r"年?Q([1-4])", s, re.I)
    if m:
        y, q = (int(m[1]), _CN_NUM[m[2]]) if m[1] else (int(m[3]), int(m[4]))
        return Span(date(y, 3 * q - 2, 1), _month_end(y, 3 * q))
    m = re.fullmatch(_YEAR + r"年(上|下)半年(?:末|底)?", s)
    if m:
        y = int(m[1])
        return Span(date(y, 1, 1), date(y, 6, 30)) if m[2] == "上" else Span(date(y, 7, 1), date(y, 12, 31))
    m = re.fullmatch(_YEAR + r"[年./-]([01]?\d)月?(?:底|末|份)?", s)
    if m and 1 <= int(m[2]) <= 12:
        y, mo = int(m[1]), int(m[2])
        return Span(date(y, mo, 1), _month_end(y, mo))
    return None


def as_of_date(cutoff: object, period: object = None) -> date | None:
    """The ledger's 截至日期: stated, else the last day of its 报告期 (2021年12月, 2021年度, 2021年三季度)."""
    for v in (cutoff, period):
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        span = parse_span(v)
        if span is not None:
            return span.end
    return None


def parse_years(v: object) -> tuple[int, int] | None:
    """A 方案期间 such as 2020—2022年, 2020年—2022年 or (2020-2022年)."""
    s = _norm(str(v or "")).strip("()（）")
    m = re.fullmatch(_YEAR + r"年?-" + _YEAR + r"年?", s)
    if not m:
        return None
    a, b = int(m[1]), int(m[2])
    return (a, b) if a <= b else None


def show(d: date | None) -> str:
    return "" if d is None else f"{d.year}年{d.month}月{d.day}日"
