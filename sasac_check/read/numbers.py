"""Reads numbers the way accountants write them: 1,234.56 · 全角数字 · (123) · — for empty · 12.5%."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Typed for "nothing here": blank, dashes of every width, a slash.
_EMPTY = {"", "-", "--", "—", "——", "－", "―", "/", "─", "–", "nan", "none", "null"}
_NUMBER = re.compile(r"^[+-]?(\d+(,\d{3})*|\d*)(\.\d+)?$")


class NotANumber(ValueError):
    """A cell holds text that cannot be an amount."""


@dataclass(frozen=True)
class Parsed:
    """A parsed cell: its value (None for empty), decimals as written, and whether it was text."""

    value: float | None
    decimals: int | None = None
    text: bool = False
    percent: bool = False


def parse_number(raw: object) -> Parsed:
    """Parse one cell value; raises NotANumber for text that is not a number."""
    if raw is None:
        return Parsed(None)
    if isinstance(raw, bool):
        raise NotANumber(str(raw))
    if isinstance(raw, int | float):
        if raw != raw:  # NaN
            return Parsed(None)
        return Parsed(float(raw), _float_decimals(float(raw)))
    s = unicodedata.normalize("NFKC", str(raw)).strip()
    s = s.replace("−", "-").replace("﹣", "-").replace(" ", "").replace("\u00a0", "")
    if s.lower() in _EMPTY or set(s) <= {"-", "—", "－", "―"}:
        return Parsed(None, text=True)
    neg = False
    if s.startswith("(") and s.endswith(")"):
        neg, s = True, s[1:-1]
    percent = s.endswith("%")
    if percent:
        s = s[:-1]
    s = s.removeprefix("¥").removeprefix("￥")
    if not s or not _NUMBER.match(s) or s in {"+", "-", "."}:
        raise NotANumber(str(raw))
    decimals = len(s.split(".", 1)[1]) if "." in s else 0
    value = float(s.replace(",", ""))
    if neg:
        value = -value
    if percent:
        value /= 100.0
        decimals += 2
    return Parsed(value, decimals, text=True, percent=percent)


def _float_decimals(x: float) -> int:
    r = repr(x)
    if "e" in r or "E" in r:
        return 10
    if "." not in r:
        return 0
    frac = r.split(".", 1)[1].rstrip("0")
    return len(frac)


def format_amount(x: float | None, decimals: int = 2) -> str:
    """An amount as an accountant reads it: 1,234.56."""
    if x is None or x != x:
        return "—"
    return f"{x:,.{decimals}f}"


def format_percent(x: float | None, decimals: int = 2) -> str:
    """A ratio stored as a fraction, shown in percent: 0.6543 → 65.43%."""
    if x is None or x != x:
        return "—"
    return f"{x * 100:.{decimals}f}%"
