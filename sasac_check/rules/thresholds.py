"""The 资产负债率 warning lines by 行业类型, read from the threshold rules (rules/thresholds.yaml), not restated."""

from __future__ import annotations

import re

_CHECK = re.compile(r"^\s*资产负债率\s*<=?\s*(\d+(?:\.\d+)?)\s*[%％]\s*$")
_INDUSTRY = re.compile(r"行业类型\s*==\s*[\"“]([^\"”]+)[\"”]")


def debt_warning_lines(rs) -> dict[str, float]:
    """行业类型 → the lowest 资产负债率 line a rule of `rs` draws for it (the warning line), as a fraction."""
    lines: dict[str, float] = {}
    for r in rs.rules:
        m = _CHECK.match(r.text or "")
        ind = _INDUSTRY.search(r.when_text or "")
        if m and ind:
            v = float(m.group(1)) / 100
            lines[ind.group(1)] = min(v, lines.get(ind.group(1), v))
    return lines
