"""Compiled rules and indicators: the records rule files load into (rules/load.py builds them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sasac_check.model.finding import LEVELS
from sasac_check.rules import expr

UNIT_SCALE = {"%": 1.0, "元": 1.0, "万元": 1e4, "亿元": 1e8, "万元/人": 1e4, "元/人": 1.0, "人": 1.0, "个": 1.0, "倍": 1.0}


@dataclass(frozen=True)
class Indicator:
    """One indicator: a formula over items, its unit and precision, and where it is defined."""

    id: str
    name: str
    formula: expr.Node
    text: str
    unit: str
    precision: int
    families: tuple[str, ...] = ()
    description: str = ""
    aliases: tuple[str, ...] = ()
    source: str = ""

    @property
    def scale(self) -> float:
        """Divide the formula's value (in 元 for amounts) by this to get the value in the unit."""
        return UNIT_SCALE.get(self.unit, 1.0)

    @property
    def half_width(self) -> float:
        """Half a unit of the last stated digit, in stored units (fractions for %)."""
        step = 10.0 ** (-self.precision)
        return step / 2 / (100.0 if self.unit == "%" else 1.0)

    @property
    def value_node(self) -> expr.Node:
        """The formula in the indicator's unit (万元, a fraction for %)."""
        if self.scale == 1.0:
            return self.formula
        return expr.Bin("/", self.formula, expr.Const(self.scale))


@dataclass(frozen=True)
class Rule:
    """One compiled check: id, level, precondition, comparison, tolerance, message, source."""

    id: str
    title: str
    severity: str
    family: str
    check: expr.Cmp
    text: str
    when: expr.Node | None = None
    when_text: str = ""
    columns: tuple[str | None, ...] = (None,)
    abs_tol: float = 0.0
    rel_tol: float = 0.0
    message: str = ""
    at: str | None = None  # item whose cell the finding points at
    sheet: str | None = None
    source: str = ""
    needs_prior: bool = False
    compare_with: str = "上年同期"  # 跨期 rules: 上年末 (the year-end return of Y−1) or 上年同期 (same period of Y−1)
    indicator: str | None = None  # set for the generated 主要指标 checks

    @property
    def level(self) -> str:
        return {v: k for k, v in LEVELS.items()}[self.severity]


@dataclass
class RuleSet:
    """Every loaded rule and indicator, and the namespace their expressions were parsed in."""

    rules: list[Rule] = field(default_factory=list)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    ns: expr.Namespace | None = None

    def rule(self, rule_id: str) -> Rule | None:
        for r in self.rules:
            if r.id == rule_id:
                return r
        return None


