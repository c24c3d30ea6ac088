"""The records of a plan: Plan, Target (with its quoted source) and the kinds of target."""

from __future__ import annotations

from dataclasses import dataclass, field

from sasac_check.rules import expr
from sasac_check.rules.load import UNIT_SCALE

KINDS: dict[str, str] = {
    "level": "年度水平",
    "bound": "每年界限",
    "growth": "比上年增长",
    "path": "年度路径",
    "average": "年均值",
    "cagr": "年均增速",
    "change": "累计变动",
    "on_track": "进度（按期达成所需年增速）",
    "total": "期间累计",
    "task": "非报表目标（仅列出）",
    "share_completed": "改革任务完成比例（按台账判断）",
}
# Targets no return can be judged on: listed (task), or judged on a reform-task ledger (share_completed).
NON_RETURN_KINDS = frozenset({"task", "share_completed"})
OP_TEXT = {">=": "≥ ", ">": "> ", "<=": "≤ ", "<": "< ", "==": "= ", "≈": "约 "}
RATE_KINDS = frozenset({"growth", "cagr", "change"})


@dataclass(frozen=True)
class Target:
    """One target (or stated fact) of a plan, with the sentence it comes from."""

    id: str
    indicator: str
    kind: str
    unit: str
    quote: str
    seed: str  # the seed document's file name
    source: str  # rules/plans/x.yaml:line
    plan_id: str
    op: str = ">="
    value: float | None = None
    values: dict[int, float] = field(default_factory=dict)
    than: expr.Node | None = None
    than_text: str = ""
    year: int | None = None
    years: tuple[int, int] | None = None
    when: expr.Node | None = None
    when_text: str = ""
    abs_tol: float = 0.0
    rel_tol: float = 0.0
    applies_to: tuple[str, ...] = ("汇总",)
    level: str = "提示性"
    note: str = ""
    measure: expr.Node | None = None  # value of the indicator for one return, in 元 / fractions
    prior: expr.Node | None = None  # the same for the prior period (上期 / 年初)
    amount: bool = False  # a money amount: judged on the 汇总 only
    statement: bool = False  # a stated fact of the text, not a target
    document: str = ""  # the plan as a user looks it up: 《title》（issuer 文号，year年）
    section: str = ""  # where in the document the quote stands

    @property
    def scale(self) -> float:
        """Multiply a value written in `unit` by this to get 元 / a fraction."""
        return 0.01 if self.unit == "%" else UNIT_SCALE.get(self.unit, 1.0)

    def target_value(self, year: int | None) -> float | None:
        """The target for `year` in 元 / fractions (path: that year's value)."""
        if self.kind == "path":
            v = self.values.get(year) if year is not None else None
            return None if v is None else v * self.scale
        return None if self.value is None else self.value * self.scale

    def describe(self, year: int | None = None) -> str:
        """The target in words, e.g. 资产总额 2023年 ≥ 955.79亿元（年度路径）."""
        if self.kind == "path" and year in self.values:
            val = f"{OP_TEXT[self.op]}{self.values[year]:g}{self.unit}"
        elif self.than_text:
            val = f"{OP_TEXT[self.op]}{self.than_text}"
        elif self.value is not None:
            val = f"{OP_TEXT[self.op]}{self.value:g}{self.unit}"
        else:
            val = ""
        when = f"{self.year}年" if self.year else (f"{self.years[0]}–{self.years[1]}年" if self.years else "")
        if self.kind == "path" and year:
            when = f"{year}年"
        return f"{self.indicator} {when}{val}（{KINDS[self.kind]}）".replace("  ", " ")

    def cite(self) -> str:
        """Where the target comes from, as a user can look it up: document, issuer, year, section and quote."""
        where = f"{self.document or self.plan_id}{'，' + self.section if self.section else ''}"
        return f"出处：{where}「{self.quote}」"


@dataclass(frozen=True)
class Plan:
    """A plan document: who it binds (监管机构), which years, its targets and stated facts."""

    id: str
    title: str
    supervisors: tuple[str, ...]
    years: tuple[int, int]
    seed: str
    file: str
    targets: tuple[Target, ...] = ()
    statements: tuple[Target, ...] = ()
    base_year: int | None = None
    issuer: str = ""
    published: int | None = None

    def covers(self, supervisor: str, year: int | None) -> bool:
        return supervisor.strip() in self.supervisors and year is not None and self.years[0] <= year <= self.years[1]
