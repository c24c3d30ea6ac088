"""Says when a --prior return is of the same period as a return under review (it is then no prior at all)."""

from __future__ import annotations

from collections.abc import Sequence

from sasac_check.read.cover import period_year

SHOWN = 10


def same_period_notes(current: Sequence[tuple[str, dict]], priors: Sequence[tuple[str, dict]]) -> list[str]:
    """One line per prior return whose enterprise (统一社会信用代码) has a current return of the same year."""
    years: dict[str, dict[int, str]] = {}
    for path, cover in current:
        y = period_year(cover.get("报告期", ""))
        if y:
            years.setdefault(cover.get("统一社会信用代码", "").strip().upper(), {}).setdefault(y, path)
    notes = []
    for path, cover in priors:
        y = period_year(cover.get("报告期", ""))
        cur = years.get(cover.get("统一社会信用代码", "").strip().upper(), {}).get(y) if y else None
        if cur is not None:
            notes.append(f"上期报表 {path} 的报告期（{cover.get('报告期', '')}）与本期报表 {cur} 相同，未用于跨期审核："
                         "--prior 应指向上一期的报表")
    if len(notes) > SHOWN:
        notes = [*notes[:SHOWN], f"……另有 {len(notes) - SHOWN} 份上期报表与本期报告期相同"]
    return notes
