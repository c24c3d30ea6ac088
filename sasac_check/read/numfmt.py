"""Stated precision from what the user sees: the decimals a cell's number format shows (0.00, #,##0.00, 0.0%)."""

from __future__ import annotations

import re
from functools import lru_cache

_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')


@lru_cache(maxsize=1024)
def shown_decimals(fmt: str | None) -> int | None:
    """Decimals of the value a number format shows (a percentage's two more: 0.0% → 3); None for General / text.

    `#,##0.00_ `, `[红色]0.00`, `0.00;[Red]-0.00`, `"¥"#,##0.00` → 2; `0%` → 2; `0.0%` → 3; `General`, `@`,
    scientific formats → None (the value's own digits count then).
    """
    if not fmt:
        return None
    first = _QUOTED.sub("", fmt.split(";", 1)[0])
    if not first.strip() or first.strip().lower() == "general" or "@" in first or "E+" in first.upper():
        return None
    if not any(ch in first for ch in "0#?"):
        return None
    m = re.search(r"[0#?,]*\.([0#?]+)", first)
    decimals = len(m.group(1)) if m else 0
    return decimals + 2 * first.count("%")
