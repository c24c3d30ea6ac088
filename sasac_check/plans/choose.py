"""Chooses the plan for a return from its cover's 监管机构 and 报告期 (or an explicit plan file)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from sasac_check.plans.loader import load_plan, load_plans
from sasac_check.plans.model import Plan
from sasac_check.read.cover import period_year


@lru_cache(maxsize=1)
def shipped_plans() -> tuple[Plan, ...]:
    return tuple(load_plans())


def plans_for(cover: dict, plans: Sequence[Plan] | None = None, plan_file: str | Path | None = None) -> list[Plan]:
    """Every plan binding this 监管机构 in this 报告期's year; `plan_file` forces one plan."""
    if plan_file:
        return [load_plan(plan_file)]
    year = period_year(str(cover.get("报告期", "")))
    sup = str(cover.get("监管机构", "")).strip()
    return [p for p in (plans if plans is not None else shipped_plans()) if p.covers(sup, year)]
