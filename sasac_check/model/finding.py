"""The plain records every part shares: severity levels and the immutable Finding."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# 强制性 / 提示性 / 信息 in rule files and Chinese output; error / warning / info in machine output.
LEVELS: dict[str, str] = {"强制性": "error", "提示性": "warning", "信息": "info"}
SEVERITY_LABEL: dict[str, str] = {v: k for k, v in LEVELS.items()}
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}


def severity_of(level: str) -> str:
    """Map a level written in a rule file (Chinese or English) to error / warning / info."""
    if level in LEVELS:
        return LEVELS[level]
    if level in SEVERITY_ORDER:
        return level
    raise ValueError(level)


@dataclass(frozen=True)
class Finding:
    """One problem found in one workbook, pointing at one cell where it can."""

    rule: str
    severity: str
    message: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    item: str = ""
    column: str = ""
    expected: Any = None
    actual: Any = None
    source: str = ""  # rule file:line the rule came from
    title: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def level(self) -> str:
        return SEVERITY_LABEL[self.severity]

    def to_dict(self) -> dict[str, Any]:
        """The fields in declaration order, then `extra` flattened in (a plain dict, values not copied)."""
        d = {"rule": self.rule, "severity": self.severity, "message": self.message, "file": self.file, "sheet": self.sheet,
             "cell": self.cell, "item": self.item, "column": self.column, "expected": self.expected, "actual": self.actual,
             "source": self.source, "title": self.title}
        if self.extra:
            d.update(self.extra)
        return d

    def fingerprint(self) -> str:
        """A stable key for baselines and for keeping an accountant's 说明 across re-runs."""
        return f"{self.rule}|{self.sheet}|{self.cell}|{self.item}|{self.column}"
