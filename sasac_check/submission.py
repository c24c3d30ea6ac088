"""One normalized return: every value with its cell and stated precision, in 元, plus the cover."""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Finding


@dataclass
class Submission:
    """What a reader makes of one workbook; the engine never looks at the workbook itself.

    Keys of `values` are ``item[column]`` for statement items (canonical names, e.g. 资产总计[期末余额])
    and ``indicator[本期值]`` for values stated on 主要指标. Amounts are scaled to 元 by the cover's
    金额单位; counts (人) are not; a % indicator is a fraction (65.43% → 0.6543).
    A blank cell has no key. A cell whose value cannot be known (a formula never calculated, text
    that is no number) is in `unknown` instead, so no rule treats it as zero.
    """

    file: str
    cover: dict[str, str] = field(default_factory=dict)
    values: dict[str, float] = field(default_factory=dict)
    widths: dict[str, float] = field(default_factory=dict)  # half-width of the stated precision, same unit
    unknown: set[str] = field(default_factory=set)
    cells: dict[str, tuple[str, str]] = field(default_factory=dict)  # key or cover field -> (sheet, "C9")
    unit: str = "元"
    scale: float = 1.0
    problems: list[Finding] = field(default_factory=list)  # what reading found (text numbers, …)
    sheets: dict[str, str] = field(default_factory=dict)  # canonical sheet -> sheet name in the file

    def cell_of(self, key: str) -> tuple[str, str]:
        return self.cells.get(key, ("", ""))


class UnreadableWorkbook(Exception):
    """The file is not a workbook we can read (corrupt, encrypted, foreign, missing sheets)."""

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(f"{file}：{reason}")
        self.file = file
        self.reason = reason
