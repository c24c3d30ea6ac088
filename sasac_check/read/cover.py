"""Checks of the cover's fields: 统一社会信用代码 (GB 32100-2015), 报告期, choices."""

from __future__ import annotations

import re
from functools import lru_cache
from operator import mul

# GB 32100-2015: 18 characters from this 31-character set (no I, O, S, V, Z); the 18th is a check character.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


_USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARSET)}


def uscc_check_char(first17: str) -> str:
    """The check character for the first 17 characters of a 统一社会信用代码."""
    if len(first17) != len(USCC_WEIGHTS):
        raise ValueError(first17)
    total = sum(map(mul, map(_USCC_VALUE.__getitem__, first17), USCC_WEIGHTS))
    return USCC_CHARSET[(31 - total % 31) % 31]


@lru_cache(maxsize=65_536)  # a batch asks twice per code: the schema check, then its message
def uscc_problem(code: str) -> str | None:
    """None for a valid 统一社会信用代码, else what is wrong with it (Chinese)."""
    c = (code or "").strip().upper()
    if len(c) != 18:
        return f"应为 18 位，实为 {len(c)} 位"
    bad = [ch for ch in c if ch not in USCC_CHARSET]
    if bad:
        return f"含非法字符“{''.join(dict.fromkeys(bad))}”（不得使用 I、O、S、V、Z）"
    want = uscc_check_char(c[:17])
    if c[17] != want:
        return f"校验位错误：第 18 位应为“{want}”，实为“{c[17]}”"
    return None


@lru_cache(maxsize=4096)  # a batch asks for the same few periods tens of thousands of times
def period_year(period: str) -> int | None:
    """The year of a 报告期 such as 2024年度 or 2024年6月."""
    m = re.match(r"^\s*((?:19|20)\d\d)年", period or "")
    return int(m.group(1)) if m else None
